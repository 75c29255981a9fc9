"""Reading what the user hands the command line: files in the encodings editors and shells write, JSON
that the standard parser would choke on (nested too deeply, ``NaN``), and arguments that are not text.

Every problem becomes a usage error naming the input, before anything is sent.
"""

from __future__ import annotations

import codecs
import json
import re
from typing import Any

from ._errors import CliError, ExitCode

__all__ = ["MAX_DEPTH", "MAX_TEXT", "check_argument", "check_text", "decode", "loads"]

MAX_DEPTH = 64
"""JSON nested deeper than this is refused (Sage's records nest a few levels; Python's parser would
exhaust its recursion limit near 1,000)."""

MAX_TEXT = 10_000
"""The longest single value (an id, a reason, a reference) accepted on the command line; Sage's own
fields are far shorter, and a request URL holding more would be refused before it is sent."""

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Lone surrogates are how Python hands over command-line bytes that are not UTF-8 (surrogateescape).
_SURROGATE = re.compile("[\ud800-\udfff]")


def decode(data: bytes, what: str) -> str:
    """The text of a file: UTF-8, or UTF-8 / UTF-16 / UTF-32 with a byte-order mark (PowerShell writes
    UTF-16); anything else is a usage error naming ``what`` and the encoding expected."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise CliError(
                    f"{what} starts with a {encoding.upper()} byte-order mark but is not valid "
                    f"{encoding.upper()} (byte {exc.start + len(bom)}): save it as UTF-8",
                    ExitCode.USAGE,
                ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CliError(
            f"{what} is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}): save it as "
            "UTF-8 (or UTF-16 with a byte-order mark)",
            ExitCode.USAGE,
        ) from None


def check_argument(value: str, what: str) -> str:
    """``value`` unless it holds bytes that are not UTF-8 (a usage error naming ``what``)."""
    if found := _SURROGATE.search(value):
        try:
            byte = f"byte 0x{found.group().encode('utf-8', 'surrogateescape')[0]:02x}"
        except UnicodeEncodeError:
            byte = "a lone surrogate"
        raise CliError(
            f"{what} is not UTF-8 text ({byte} at character {found.start()}): give it as UTF-8",
            ExitCode.USAGE,
        )
    return value


def check_text(value: str, what: str) -> str:
    """``value`` unless it is longer than :data:`MAX_TEXT` characters (a usage error naming ``what``)."""
    if len(value) > MAX_TEXT:
        raise CliError(
            f"{what} is {len(value):,} characters long; at most {MAX_TEXT:,} are accepted", ExitCode.USAGE
        )
    return value


def nesting_depth(text: str) -> int:
    """How deeply the arrays and objects of JSON ``text`` nest (strings are skipped); no recursion."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def check_depth(text: str, what: str) -> str:
    """``text`` unless its JSON nests deeper than :data:`MAX_DEPTH` (a usage error naming ``what``)."""
    if nesting_depth(text) > MAX_DEPTH:
        raise CliError(f"{what} nests JSON more than {MAX_DEPTH} levels deep", ExitCode.USAGE)
    return text


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON (JSON numbers are finite): give a number")


def loads(text: str, what: str) -> Any:
    """Parse JSON ``text``, refusing what Sage cannot take: nesting deeper than :data:`MAX_DEPTH`,
    ``NaN`` and ``Infinity``, integers longer than Python converts; a usage error names ``what``."""
    check_depth(text, what)
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except ValueError as exc:
        raise CliError(f"{what} is not valid JSON ({exc})", ExitCode.USAGE) from None
