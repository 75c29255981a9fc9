"""Running one action from the command line: check the inputs (before signing in, so a typo never costs a
request), run it through the client, show a progress bar for ``fetchAll``, print the answer."""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ..actions import Action, ActionInputError
from ._columns import Column, attributes_for
from ._errors import CliError, ExitCode
from ._output import ProgressClient, emit, progress_bar
from ._state import runtime
from ._text import check_text, decode, loads

if TYPE_CHECKING:
    from .._client import SageAccounting

__all__ = ["execute", "kebab", "read_value", "structured"]

_STRUCTURED_TYPES = ("code", "string key-value list")


def kebab(key: str) -> str:
    """``contactTypeIds`` → ``contact-type-ids``; ``updated_or_created_since`` → ``updated-or-created-since``."""
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", key)
    text = re.sub(r"(?<=[A-Z])(?=[A-Z][a-z])", "-", text)
    return text.replace("_", "-").lower()


def structured(action: Action, key: str) -> bool:
    """Whether input ``key`` takes structured data (lines, key-value lists, a body), read from ``@FILE`` too."""
    item = action.input(key)
    return item.manifest_type in _STRUCTURED_TYPES or type(item.convert).__name__ == "JsonBody"


def read_value(value: str, what: str) -> str:
    """``@FILE`` → the file's text (``@-``: stdin); anything else as it is."""
    if not value.startswith("@") or len(value) < 2:
        return value
    name = value[1:]
    if name == "-":
        stdin = getattr(sys.stdin, "buffer", None)
        return decode(stdin.read(), f"{what} (stdin)") if stdin is not None else sys.stdin.read()
    try:
        data = Path(name).read_bytes()
    except OSError as exc:
        raise CliError(f"{what}: cannot read {name}: {exc.strerror}", ExitCode.USAGE) from None
    return decode(data, f"{what} file {name}")


def load_inputs_file(path: Path) -> dict[str, Any]:
    """An ``--inputs-file``: a JSON object of input key → value."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CliError(f"--inputs-file {path}: {exc.strerror}", ExitCode.USAGE) from None
    data = loads(decode(raw, f"--inputs-file {path}"), f"--inputs-file {path}")
    if not isinstance(data, dict):
        raise CliError(f"--inputs-file {path} must hold a JSON object of input key → value", ExitCode.USAGE)
    return data


def _translate(exc: ActionInputError, names: Mapping[str, str]) -> CliError:
    parts = []
    for problem in exc.problems:
        message = problem.message
        name = names.get(problem.key)
        if name and message.startswith(problem.key):
            message = name + message[len(problem.key) :]
        elif name and problem.key not in message:
            message = f"{name}: {message}"
        parts.append(message)
    return CliError(f"{exc.action}: " + "; ".join(parts), ExitCode.USAGE)


def execute(
    action: Action,
    inputs: Mapping[str, Any],
    *,
    names: Mapping[str, str] | None = None,
    title: str | None = None,
    columns: tuple[Column, ...] | None = None,
    chosen: bool = False,
) -> Any:
    """Check ``inputs``, run ``action`` and print its answer in the chosen format; returns the answer.

    ``names`` maps input keys to what the user typed (``--credit-limit``), so errors name the option.
    ``columns`` are a list table's columns (``chosen``: by ``--columns``, shown even when empty); for a
    table Sage is asked for just their attributes, unless the inputs name attributes.
    """
    names = names or {}
    for key, value in inputs.items():
        if isinstance(value, str):
            shown = names.get(key, key)
            known = key in {item.key for item in action.inputs}
            if known and structured(action, key):
                if value.lstrip()[:1] in ("[", "{"):
                    loads(value, shown)  # a clear error for what the action's parser would choke on
            else:
                check_text(value, shown)
    rt = runtime()
    table = columns and rt.output == "table" and action.kind == "list"
    if table and "attributes" in action.input_keys and inputs.get("attributes") in (None, ""):
        inputs = {**inputs, "attributes": attributes_for(columns or ())}
    try:
        action.validate(inputs)
    except ActionInputError as exc:
        raise _translate(exc, names) from None
    except (ValueError, TypeError, RecursionError) as exc:
        # Checking touches no network: whatever it trips on is the input's fault.
        raise CliError(f"{action.key}: an input is not valid ({exc})", ExitCode.USAGE) from None
    client = rt.client()
    fetch_all = str(inputs.get("fetchAll", "")).strip().lower() in ("true", "1", "yes")
    if action.kind == "list" and fetch_all and sys.stderr.isatty():
        with progress_bar() as progress:
            task = progress.add_task(action.label, total=None)
            answer = action.run(cast("SageAccounting", ProgressClient(client, progress, task)), inputs)
    else:
        answer = action.run(client, inputs)
    emit(answer, rt.output, title=title or action.label, empty=_empty_note(action), columns=columns,
         keep_empty=chosen)  # fmt: skip
    return answer


def _empty_note(action: Action) -> str:
    if action.kind == "delete":
        return "Deleted."
    return "Done (no content)."
