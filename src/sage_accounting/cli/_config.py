"""Profiles: ``config.toml`` under the XDG config directory, environment overrides, token file paths.

The file (``$XDG_CONFIG_HOME/sage-accounting/config.toml``, default ``~/.config/…``) holds one table per
profile::

    default_profile = "default"

    [profiles.default]
    client_id = "…"
    client_secret = "…"          # optional: SAGE_CLIENT_SECRET is read when absent
    base_url = "https://…"       # optional: one base URL for the API, authorize, token and revoke URLs
    business_id = "…"            # the default business (``businesses use ID``)

It is read with :mod:`tomllib` and written by the small writer below (strings only, this flat shape),
atomically: a temporary file in the same directory, fsync, ``os.replace``, fsync of the directory; mode
0600 because it may hold the client secret.  Tokens live apart, one file per profile under
``$XDG_DATA_HOME/sage-accounting/tokens/`` (mode 0600, directory 0700).
"""

from __future__ import annotations

import os
import re
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from .._files import atomic_write, open_to_others
from ._errors import CliError, ExitCode

__all__ = [
    "DEFAULT_REDIRECT_URI",
    "ENV",
    "PROFILE_KEYS",
    "Config",
    "Settings",
    "config_path",
    "data_dir",
    "resolve",
    "write_toml",
]

APP_DIR = "sage-accounting"
DEFAULT_PROFILE = "default"
DEFAULT_REDIRECT_URI = "http://127.0.0.1:8765/callback"

PROFILE_KEYS: dict[str, str] = {
    "client_id": "the app's client id (Sage Developer Self Service)",
    "client_secret": "the app's client secret (or set SAGE_CLIENT_SECRET)",
    "base_url": "one base URL for the API and OAuth endpoints (the emulator: http://127.0.0.1:8080)",
    "api_url": "the API root (default https://api.accounting.sage.com/v3.1)",
    "authorize_url": "the authorize URL",
    "token_url": "the token URL",
    "revoke_url": "the revoke URL",
    "redirect_uri": f"the callback URL registered for the app (default {DEFAULT_REDIRECT_URI})",
    "scope": "full_access (default) or readonly",
    "business_id": "the default business (set by `businesses use ID`)",
    "token_file": "where the tokens are kept (default under the XDG data directory)",
}
"""Every setting a profile may hold, with what it is."""

ENV: dict[str, str] = {key: f"SAGE_{key.upper()}" for key in PROFILE_KEYS}
"""The environment variable overriding each setting (``SAGE_CLIENT_ID`` …)."""

SECRET_KEYS = frozenset({"client_secret"})
URL_KEYS = ("base_url", "api_url", "authorize_url", "token_url", "revoke_url", "redirect_uri")
SCOPES = ("full_access", "readonly")
# fullmatch only: "$" would accept a trailing newline (a profile "work\n" broke the file).
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
# Letters, digits, '_', '-', '.'; not starting with '.' (so never '.', '..' or a hidden file).
_PROFILE_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}")
_BUSINESS_ID = re.compile(r"[A-Za-z0-9_.-]{1,128}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _xdg(var: str, fallback: str) -> Path:
    value = os.environ.get(var, "")
    # The XDG spec: a relative path is invalid and must be ignored.
    if value and os.path.isabs(value):
        return Path(value)
    return Path.home() / fallback


def config_path() -> Path:
    """``$SAGE_CONFIG_FILE``, else ``$XDG_CONFIG_HOME/sage-accounting/config.toml``."""
    explicit = os.environ.get("SAGE_CONFIG_FILE")
    if explicit:
        return Path(explicit)
    return _xdg("XDG_CONFIG_HOME", ".config") / APP_DIR / "config.toml"


def data_dir() -> Path:
    """``$XDG_DATA_HOME/sage-accounting`` (default ``~/.local/share/sage-accounting``)."""
    return _xdg("XDG_DATA_HOME", ".local/share") / APP_DIR


def check_profile_name(name: str) -> str:
    """``name`` if it is a valid profile name (it becomes a file name), else a usage error."""
    if not _PROFILE_NAME.fullmatch(name):
        raise CliError(
            f"profile name {name!r} is not valid: use letters, digits, '_', '-' or '.' (at most 64, "
            "not starting with '.')",
            ExitCode.USAGE,
        )
    return name


def url_problem(value: str) -> str | None:
    """What is wrong with ``value`` as an http(s) URL, or ``None``."""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port out of range or not a number
        httpx.URL(value)
    except (ValueError, httpx.InvalidURL) as exc:
        return f"is not a valid URL ({exc})"
    if parts.scheme not in ("http", "https"):
        return "must be an http:// or https:// URL"
    if not parts.hostname:
        return "has no host"
    return None


def check_setting(key: str, value: str, source: str | None = None) -> str:
    """``value`` if it is a valid value for setting ``key``, else a usage error naming the setting (and
    where the value came from: ``source``)."""
    where = f" (from {source})" if source else ""

    def bad(what: str) -> CliError:
        return CliError(f"{key} {value!r}{where} {what}", ExitCode.USAGE)

    if key in URL_KEYS:
        problem = url_problem(value)
        if problem:
            raise bad(problem)
    elif key == "scope":
        if value not in SCOPES:
            raise bad(f"must be {' or '.join(SCOPES)}")
    elif key == "business_id":
        if not _BUSINESS_ID.fullmatch(value):
            raise bad(
                "is not a business id (letters, digits, '_', '-', '.'; see `sage-accounting businesses list`)"
            )
    elif _CONTROL.search(value):
        raise bad("must not contain control characters")
    return value


# --- TOML -------------------------------------------------------------------------------------------


def _toml_string(value: str) -> str:
    out = ['"']
    for ch in value:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else _toml_string(key)


def write_toml(document: Mapping[str, Any]) -> str:
    """TOML text for this flat shape: string values at the top, then tables of string values
    (``{"profiles": {"default": {...}}}`` becomes ``[profiles.default]``)."""
    lines = ["# sage-accounting configuration (rewritten by the sage-accounting command)"]
    tables: list[tuple[str, Mapping[str, Any]]] = []
    for key, value in document.items():
        if isinstance(value, Mapping):
            for name, table in value.items():
                if not isinstance(table, Mapping):
                    raise TypeError(f"{key}.{name} must be a table")
                tables.append((f"{_toml_key(key)}.{_toml_key(name)}", table))
        elif isinstance(value, str):
            lines.append(f"{_toml_key(key)} = {_toml_string(value)}")
        else:
            raise TypeError(f"{key}: only strings and tables of strings are written")
    for header, table in tables:
        lines += ["", f"[{header}]"]
        for key, value in table.items():
            if not isinstance(value, str):
                raise TypeError(f"{header}.{key}: only strings are written")
            lines.append(f"{_toml_key(key)} = {_toml_string(value)}")
    return "\n".join(lines) + "\n"


_warned: set[Path] = set()


def _warn_if_exposed(path: Path) -> None:
    """Say once per file that a file holding secrets can be read by other users."""
    problem = open_to_others(path)
    if problem and path not in _warned:
        _warned.add(path)
        warn(
            f"warning: {path} can be read by other users ({problem}) and may hold secrets: it is made "
            f"private (0600) the next time it is written; run `chmod 600 {path}` to fix it now"
        )


def warn(text: str) -> None:
    """One warning line on stderr."""
    print(text, file=sys.stderr)


# --- the configuration file -------------------------------------------------------------------------


@dataclass
class Config:
    """The parsed ``config.toml``: the default profile's name and every profile's settings."""

    path: Path
    default_profile: str | None = None
    profiles: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None = None) -> Config:
        """Read the file (an absent file is an empty configuration); a broken one is a usage error."""
        path = path or config_path()
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return cls(path)
        except OSError as exc:
            raise CliError(f"cannot read {path}: {exc.strerror}", ExitCode.USAGE) from None
        _warn_if_exposed(path)
        try:
            data = tomllib.loads(raw.decode("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise CliError(f"{path} is not valid TOML ({exc}): fix or delete it", ExitCode.USAGE) from None
        except RecursionError:
            raise CliError(
                f"{path} is not valid TOML (it is nested too deeply): fix or delete it", ExitCode.USAGE
            ) from None
        return cls._from_data(path, data)

    @classmethod
    def _from_data(cls, path: Path, data: dict[str, Any]) -> Config:
        def bad(what: str) -> CliError:
            return CliError(f"{path}: {what}", ExitCode.USAGE)

        unknown = set(data) - {"default_profile", "profiles"}
        if unknown:
            raise bad(
                f"unknown top-level setting(s) {', '.join(sorted(unknown))} (known: default_profile, profiles)"
            )
        default = data.get("default_profile")
        if default is not None and not isinstance(default, str):
            raise bad("default_profile must be a string")
        profiles: dict[str, dict[str, str]] = {}
        tables = data.get("profiles", {})
        if not isinstance(tables, dict):
            raise bad("profiles must be a table of [profiles.NAME] tables")
        for name, table in tables.items():
            if not isinstance(table, dict):
                raise bad(f"profiles.{name} must be a table")
            for key, value in table.items():
                if key not in PROFILE_KEYS:
                    raise bad(f"profiles.{name}.{key} is not a setting (known: {', '.join(PROFILE_KEYS)})")
                if not isinstance(value, str):
                    raise bad(f"profiles.{name}.{key} must be a string")
            profiles[name] = dict(table)
        return cls(path, default, profiles)

    def to_toml(self) -> str:
        """The file's text."""
        document: dict[str, Any] = {}
        if self.default_profile:
            document["default_profile"] = self.default_profile
        document["profiles"] = self.profiles
        return write_toml(document)

    def save(self) -> None:
        """Write the file atomically (mode 0600; a symbolic link is written through), after checking
        that what would be written parses back to this configuration: a file the next command could
        not read is never written."""
        text = self.to_toml()
        try:
            data = text.encode("utf-8")
            again = Config._from_data(self.path, tomllib.loads(text))
        except (ValueError, CliError) as exc:
            raise CliError(
                f"not writing {self.path}: the new configuration would not read back ({exc}); "
                "the file is unchanged",
                ExitCode.USAGE,
            ) from None
        if (again.default_profile, again.profiles) != (self.default_profile or None, self.profiles):
            raise CliError(
                f"not writing {self.path}: the new configuration would not read back as written; "
                "the file is unchanged",
                ExitCode.USAGE,
            )
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            atomic_write(self.path, data)
        except OSError as exc:
            raise CliError(f"cannot write {self.path}: {exc.strerror or exc}", ExitCode.OTHER) from None

    def set(self, profile: str, key: str, value: str | None) -> None:
        """Set (or with ``None`` remove) one setting of ``profile`` (created if needed)."""
        if key not in PROFILE_KEYS:
            raise CliError(
                f"{key!r} is not a profile setting (known: {', '.join(PROFILE_KEYS)})", ExitCode.USAGE
            )
        check_profile_name(profile)
        if value is not None:
            check_setting(key, value)
        table = self.profiles.setdefault(profile, {})
        if value is None:
            table.pop(key, None)
        else:
            table[key] = value


# --- the settings in effect ---------------------------------------------------------------------------


@dataclass
class Settings:
    """The settings of one command: a profile's, overridden by ``SAGE_*`` variables and options.

    ``sources`` says where each value came from (``profile``, ``env SAGE_…``, ``option``, ``default``).
    """

    profile: str
    values: dict[str, str]
    sources: dict[str, str]
    config: Config

    def get(self, key: str) -> str | None:
        """The value of ``key``, if set (checked: a bad value is a usage error naming where it came from)."""
        value = self.values.get(key) or None
        if value is not None:
            check_setting(key, value, self.sources.get(key))
        return value

    @property
    def token_file(self) -> Path:
        """Where this profile's tokens are kept."""
        explicit = self.get("token_file")
        if explicit:
            return Path(explicit).expanduser()
        return data_dir() / "tokens" / f"{self.profile}.json"

    @property
    def redirect_uri(self) -> str:
        """The callback URL (the default one the emulator's demo app registers)."""
        return self.get("redirect_uri") or DEFAULT_REDIRECT_URI

    @property
    def scope(self) -> str:
        """``full_access`` or ``readonly``."""
        return self.get("scope") or "full_access"


def resolve(
    config: Config,
    *,
    profile: str | None = None,
    business: str | None = None,
    overrides: Mapping[str, str | None] | None = None,
) -> Settings:
    """The settings in effect: options (``--profile``, ``--business``, ``overrides``) beat ``SAGE_*``
    variables, which beat the profile, which beats the defaults."""
    env = os.environ
    if profile:
        name, source = profile, "option"
    elif env.get("SAGE_PROFILE"):
        name, source = env["SAGE_PROFILE"], "env SAGE_PROFILE"
    else:
        name, source = config.default_profile or DEFAULT_PROFILE, "default"
    check_profile_name(name)
    wanted_client = env.get("SAGE_CLIENT_ID") or (overrides or {}).get("client_id")
    if source != "default" and name not in config.profiles and not wanted_client:
        known = ", ".join(sorted(config.profiles)) or "none yet"
        raise CliError(
            f"no profile {name!r} in {config.path} (profiles: {known}); create it with "
            f"`sage-accounting config set client_id ID --profile {name}`",
            ExitCode.USAGE,
        )
    values: dict[str, str] = {}
    sources: dict[str, str] = {"profile": source}
    for key, value in config.profiles.get(name, {}).items():
        if value:
            values[key], sources[key] = value, f"profile {name}"
    for key, var in ENV.items():
        if env.get(var):
            values[key], sources[key] = env[var], f"env {var}"
    for key, given in (overrides or {}).items():
        if given:
            values[key], sources[key] = given, "option"
    if business:
        values["business_id"], sources["business_id"] = business, "option"
    return Settings(name, values, sources, config)
