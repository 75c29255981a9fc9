"""Exit codes, the one-line error messages, and keeping secrets out of everything printed.

Every failure ends the command with one line on stderr, ``error: <cause>: <what to do>``, and an exit
code per class of error (:class:`ExitCode`).  Tracebacks are shown only with ``--debug``, and even then
every secret the command has seen (client secret, tokens, codes) is replaced by ``***``.
"""

from __future__ import annotations

import enum
import re
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .._errors import APIStatusError

__all__ = [
    "EXIT_CODES_HELP",
    "CliError",
    "ExitCode",
    "classify",
    "redact_userinfo",
    "register_secret",
    "scrub",
    "strip_control",
]


class ExitCode(enum.IntEnum):
    """The exit status of ``sage-accounting`` by class of error."""

    OK = 0
    OTHER = 1
    USAGE = 2
    AUTH = 3
    NOT_FOUND = 4
    INVALID = 5
    RATE_LIMITED = 6
    UNAVAILABLE = 7
    INTERRUPTED = 130


EXIT_CODES_HELP = (
    "Exit codes: 0 ok; 1 other error; 2 usage or bad input; 3 not signed in, sign-in refused or "
    "access denied; 4 not found; 5 refused by Sage as invalid (400/405/415/422); 6 rate limited (429); "
    "7 cannot reach Sage or Sage failed (5xx); 130 interrupted (Ctrl-C, or end of input at a prompt)."
)


class CliError(Exception):
    """An error the command line reports as one line, with its exit code."""

    def __init__(self, message: str, code: ExitCode = ExitCode.OTHER) -> None:
        self.code = code
        super().__init__(message)


# --- secrets ----------------------------------------------------------------------------------------

_secrets: set[str] = set()
_secrets_lock = threading.Lock()
# Bearer tokens and OAuth parameters, in case one was never registered.
_PATTERNS = (
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"),
    re.compile(r"(?i)(\b(?:access_token|refresh_token|client_secret|code_verifier)\"?[=:]\s*\"?)[^\s&\"',]+"),
    re.compile(r"([?&]code=)[^\s&\"',]+"),
)


# ``scheme://user:password@host``: the credentials part of a URL.
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^/\s@?#]*@")
# C0 and C1 control characters (ESC starts terminal escape sequences) and DEL; tab and newline are kept.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def redact_userinfo(text: str) -> str:
    """``text`` with the ``user:password@`` of every URL in it replaced by ``***@``."""
    return _USERINFO.sub(lambda m: m.group(1) + "***@", text)


def strip_control(text: str) -> str:
    """``text`` without terminal control characters (escape sequences, NUL, bidi overrides)."""
    return _CONTROL.sub("", text)


def register_secret(value: str | None) -> None:
    """Remember a secret so :func:`scrub` removes it from anything printed."""
    if value and len(value) >= 6:
        with _secrets_lock:
            _secrets.add(value)


def scrub(text: str) -> str:
    """``text`` with every registered secret (and anything shaped like a token) replaced by ``***``."""
    with _secrets_lock:
        known = sorted(_secrets, key=len, reverse=True)
    for secret in known:
        text = text.replace(secret, "***")
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + "***", text)
    return redact_userinfo(text)


# --- classification ---------------------------------------------------------------------------------


def _login_hint(profile: str | None) -> str:
    suffix = f" --profile {profile}" if profile and profile != "default" else ""
    return f"sign in again: sage-accounting auth login{suffix}"


def classify(
    exc: BaseException, *, profile: str | None = None, business: str | None = None
) -> tuple[ExitCode, str]:
    """The exit code and the one-line message for ``exc`` (``business``: the business id in effect)."""
    code, message = _classify(exc, profile, business)
    return code, scrub(" ".join(strip_control(message).split()))


_MAYBE_DONE = (
    "Sage may have carried it out before failing: check (list the records, e.g. with "
    "--updated-or-created-since the time of the call) before sending it again."
)


def _sentence(exc: BaseException) -> str:
    """The error's text, without a trailing period (so a sentence can follow)."""
    return str(exc).rstrip().rstrip(".")


def _auth_failure(exc: APIStatusError, profile: str | None, business: str | None) -> str:
    """What to do about a 401 (or 403), by Sage's ``$dataCode`` and ``$source``."""
    sources = {(e.source or "").lower() for e in exc.errors}
    codes = {e.data_code for e in exc.errors}
    if "x-business" in sources:
        who = f"business {business!r}" if business else "the business asked for (X-Business)"
        said = "; ".join(str(e) for e in exc.errors)
        return (
            f"{who} is not one this user can reach; see `sage-accounting businesses list` (Sage answered "
            f"{exc.status_code}: {said}; request id {exc.request_id or 'unknown'})."
        )
    if exc.status_code == 401 and "AuthorizationFailure" in codes:
        return (
            f"{_sentence(exc)}. Sage refused the request for this user (no active subscription, or the "
            "sign-in's scope does not allow it): check the business's subscription and the profile's scope "
            "(`sage-accounting auth status`)."
        )
    return ""


def _classify(exc: BaseException, profile: str | None, business: str | None) -> tuple[ExitCode, str]:
    # Imported here: the error classes bring in the HTTP client, which --help does not need.
    from .._errors import (
        APIConnectionError,
        APIStatusError,
        AuthenticationError,
        BadRequestError,
        InternalServerError,
        MethodNotAllowedError,
        NotFoundError,
        PermissionDeniedError,
        RateLimitError,
        ReauthorizationRequired,
        SageError,
        TokenRefreshError,
        TokenStoreError,
        UnprocessableEntityError,
        UnsupportedMediaTypeError,
    )
    from ..actions import ActionInputError, UnknownActionError
    from ..auth import OAuthError

    if isinstance(exc, CliError):
        return exc.code, str(exc)
    if isinstance(exc, ActionInputError):
        return ExitCode.USAGE, str(exc)
    if isinstance(exc, UnknownActionError):
        return ExitCode.USAGE, f"{exc}; list the actions with: sage-accounting actions list"
    if any(cls.__name__ == "ClickException" for cls in type(exc).__mro__):  # click, or typer's vendored click
        code = getattr(exc, "exit_code", 1)
        known = code in {c.value for c in ExitCode}
        return ExitCode(code) if known else ExitCode.USAGE, getattr(exc, "format_message", exc.__str__)()
    if isinstance(exc, ReauthorizationRequired):
        return ExitCode.AUTH, (
            f"the Sage sign-in of profile {profile or 'default'!r} is no longer valid (Sage refused the "
            f"refresh token): {_login_hint(profile)}"
        )
    if isinstance(exc, TokenRefreshError) and exc.unavailable:
        return ExitCode.UNAVAILABLE, (
            f"renewing the Sage access token failed: {_sentence(exc)}. Sage's token service failed or "
            "could not be reached: try again later (the sign-in itself is still valid)"
        )
    if isinstance(exc, TokenRefreshError):
        return (
            ExitCode.AUTH,
            f"renewing the Sage access token failed: {exc}; if it persists, {_login_hint(profile)}",
        )
    if isinstance(exc, OAuthError):
        return ExitCode.AUTH, f"sign-in failed: {exc}"
    if isinstance(exc, TokenStoreError):
        return ExitCode.OTHER, (
            f"{_sentence(exc)}: check the token file's permissions and the disk "
            "(see `sage-accounting auth status`)"
        )
    if isinstance(exc, APIStatusError | APIConnectionError) and exc.maybe_committed:
        code = (
            ExitCode.UNAVAILABLE
            if isinstance(exc, InternalServerError | APIConnectionError)
            else ExitCode.OTHER
        )
        text = str(exc) if "before sending it again" in str(exc) else f"{_sentence(exc)}. {_MAYBE_DONE}"
        return code, text
    if isinstance(exc, AuthenticationError | PermissionDeniedError) and (
        advice := _auth_failure(exc, profile, business)
    ):
        return ExitCode.AUTH, advice
    if isinstance(exc, AuthenticationError):
        return ExitCode.AUTH, f"{exc} Sage refused the access token: {_login_hint(profile)}"
    if isinstance(exc, PermissionDeniedError):
        return ExitCode.AUTH, (
            f"{exc} The user's role does not allow this: ask the business owner for access, "
            "or pick another business with --business"
        )
    if isinstance(exc, NotFoundError):
        return (
            ExitCode.NOT_FOUND,
            f"{exc} Check the id (the list commands show them) and the business (--business).",
        )
    if isinstance(exc, UnprocessableEntityError | BadRequestError):
        return ExitCode.INVALID, f"{exc} Fix the fields named and try again."
    if isinstance(exc, MethodNotAllowedError):
        return ExitCode.INVALID, (
            f"{exc} This path does not take {exc.method or 'that method'}: see Sage's API reference "
            "(or `sage-accounting actions list` for the methods each path takes)."
        )
    if isinstance(exc, UnsupportedMediaTypeError):
        return ExitCode.INVALID, f"{exc} Sage takes JSON bodies (Content-Type: application/json)."
    if isinstance(exc, RateLimitError):
        wait = exc.retry_after
        when = f"in {wait:g} s" if wait is not None else "in a minute"
        return ExitCode.RATE_LIMITED, f"{exc} Sage's rate limit was reached: try again {when}."
    if isinstance(exc, InternalServerError):
        return ExitCode.UNAVAILABLE, f"{exc} Sage failed: try again later."
    if isinstance(exc, APIConnectionError):
        return ExitCode.UNAVAILABLE, (
            f"cannot reach Sage: {_sentence(exc)}. Check the network and the profile's base_url / "
            "SAGE_BASE_URL."
        )
    if isinstance(exc, APIStatusError):
        return ExitCode.OTHER, str(exc)
    if isinstance(exc, SageError):
        return ExitCode.OTHER, str(exc)
    if isinstance(exc, KeyboardInterrupt):
        return ExitCode.INTERRUPTED, "interrupted"
    return ExitCode.OTHER, (
        f"unexpected {type(exc).__name__}: {exc}. Run again with --debug for the traceback and report it."
    )
