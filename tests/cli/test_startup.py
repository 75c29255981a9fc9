"""Start-up: ``import sage_accounting`` and ``--help`` import only what they need; commands load on use."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from sage_accounting.cli import COMMANDS, _index, _load, app

from .conftest import Cli

HEAVY = ("sqlalchemy", "mcp", "redis", "jinja2", "dlt", "alembic", "fpdf", "uvicorn")


def _modules_after(code: str) -> set[str]:
    """The modules a fresh interpreter has imported after running ``code``."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def _cli_modules(*args: str) -> set[str]:
    return _modules_after(
        "import io, contextlib, sys\n"
        "from sage_accounting.cli import app\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
        f"    try: app({list(args)!r})\n"
        "    except SystemExit: pass"
    )


def _tops(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


def test_importing_the_package_imports_no_models_client_cli_or_emulator() -> None:
    modules = _modules_after("import sage_accounting")
    assert not _tops(modules) & {"pydantic", "httpx", "typer", "rich", "click", *HEAVY}
    assert not {m for m in modules if m.startswith(("sage_accounting.types", "sage_accounting.emulator"))}


def test_the_client_imports_models_only_when_a_record_is_read() -> None:
    modules = _modules_after("from sage_accounting import SageAccounting, Connection")
    assert not _tops(modules) & {"pydantic", "typer", "rich", "click", *HEAVY}
    assert "httpx._main" not in modules  # httpx's own command line (click, rich, pygments) stays out
    modules = _modules_after(
        "from sage_accounting.emulator import DEMO, Emulator\n"
        "from sage_accounting import Connection, SageAccounting\n"
        "emu = Emulator(seed='minimal')\n"
        "token = emu.grant_tokens(client_id=DEMO.client_id, user_id=DEMO.user_id)\n"
        "conn = Connection(DEMO.client_id, DEMO.client_secret, token=token, host='http://sage.test',\n"
        "                  transport=emu.transport())\n"
        "sage = SageAccounting(conn, business_id=DEMO.business_id)\n"
        "assert sage.tax_rates.list().items[0].displayed_as"
    )
    assert "sage_accounting.types.accounting" in modules
    assert "sage_accounting.types.invoices" not in modules  # only the model in use


def test_public_names_still_import_from_the_package() -> None:
    modules = _modules_after(
        "import sage_accounting\n"
        "from sage_accounting import Link, SageAccounting, Token, __version__\n"
        "from sage_accounting.types import Contact, SalesInvoice\n"
        "assert sorted(dir(sage_accounting)) and 'SageAccounting' in dir(sage_accounting)\n"
        "assert Contact.model_validate({'name': 'x'}).name == 'x'"
    )
    assert "sage_accounting.types.invoices" in modules
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        import sage_accounting

        sage_accounting.Nope  # noqa: B018


def test_httpx_command_line_still_reachable_after_the_package() -> None:
    modules = _modules_after(
        "import sage_accounting, httpx, sys\n"
        "assert 'httpx._main' not in sys.modules and callable(httpx.main)\n"
        "import httpx._main\n"
        "assert httpx._main.main is not None"
    )
    assert "httpx._main" in modules


@pytest.mark.parametrize("args", [["--help"], ["--version"]])
def test_help_and_version_import_no_client_models_or_emulator(args: list[str]) -> None:
    modules = _cli_modules(*args)
    assert not _tops(modules) & {"pydantic", "httpx", *HEAVY}
    assert not {m for m in modules if m.startswith(("sage_accounting.types", "sage_accounting.emulator"))}


@pytest.mark.parametrize(
    "args", [["actions", "list"], ["auth", "status"], ["config", "show"], ["contacts", "--help"]]
)
def test_commands_without_emulator_leave_it_out(args: list[str]) -> None:
    modules = _cli_modules(*args)
    assert not _tops(modules) & {"pydantic", *HEAVY}
    assert not {m for m in modules if m.startswith("sage_accounting.emulator")}
    # Only the group that runs is imported.
    assert "sage_accounting.cli.emulator_cmd" not in modules
    assert "sage_accounting.cli.demo_cmd" not in modules


def test_version(cli: Cli) -> None:
    out = cli.ok("--version")
    assert out.stdout.strip() == "sage-accounting 0.1.0"


def test_help_lists_every_command_with_the_help_it_shows_when_loaded(cli: Cli) -> None:
    from typer.main import get_command

    root = get_command(app)
    listed = cli.ok("--help").stdout
    for name in [*COMMANDS, *_index.NOUNS]:
        assert f" {name} " in listed, name
        loaded = _load(name, root)
        entry = COMMANDS.get(name)
        wanted = entry.help if entry is not None else _index.NOUNS[name][0]
        first_paragraph = " ".join((loaded.help or "").split("\n\n")[0].split())
        assert first_paragraph == wanted, name
        assert cli(name, "--help").code == 0, name


def test_the_help_index_matches_the_action_registry() -> None:
    assert _index.current() == _index.NOUNS, "run: python -m sage_accounting.cli._index"


def test_an_unknown_command_is_a_usage_error(cli: Cli) -> None:
    out = cli.fails(2, "no-such-thing")
    assert "no-such-thing" in out.stderr


def test_commands_run_after_lazy_loading(cli: Cli, emu: object) -> None:
    assert cli.ok("--emulator", "contacts", "list", "--json").json()["$items"]
    assert "createContact" in cli.ok("actions", "list").stdout
