"""Text and flag options read without pydantic.

typer coerces every option through a pydantic ``TypeAdapter`` built on first use, so running any command
would import pydantic (a fifth of a second) only to check that a string is a string.  Options declared
as ``str``, ``bool`` or their optional forms get a plain reader here instead; every other annotation
(numbers, paths, lists) keeps typer's own coercion.  Without the typer internals this relies on, nothing
changes but the speed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["read_plainly"]

_coercion: Any
try:
    import typer._coercion as _coercion
    from typer._click.exceptions import BadParameter
except ImportError:  # another typer: its own coercion stays in place
    _coercion = None

_PLAIN: tuple[Any, ...] = (str, bool, str | None, bool | None)


if _coercion is not None:

    @dataclass(frozen=True)
    class _Plain(_coercion.RuntimeParam):  # type: ignore[misc]
        """Coercion of a ``str`` or ``bool`` option: click has parsed it to that type already."""

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            kind = str if self.annotation in (str, str | None) else bool
            if isinstance(value, kind):
                return value
            raise BadParameter(f"{value!r} is not a valid {kind.__name__}.", ctx=ctx, param=param)


def _plain(param: Any) -> Any:
    descriptor = getattr(param, "type_descriptor", None)
    if (
        descriptor is not None
        and getattr(param, "_runtime_param", False) is None
        and descriptor.annotation in _PLAIN
        and descriptor.file_annotation is None
    ):
        param._runtime_param = _Plain(
            parameter_info=descriptor.parameter_info, annotation=descriptor.annotation
        )
    return param


def read_plainly(command: Any) -> Any:
    """Give ``command``'s (and its sub-commands') text and flag options the plain reader; returns it."""
    if _coercion is None or getattr(command, "_read_plainly", False):
        return command
    for param in getattr(command, "params", ()):
        _plain(param)
    help_option = getattr(command, "get_help_option", None)
    if help_option is not None:
        # click makes the --help option anew for each invocation.
        command.get_help_option = lambda ctx: _plain(help_option(ctx))
    command._read_plainly = True
    for sub in getattr(command, "commands", {}).values():
        read_plainly(sub)
    return command
