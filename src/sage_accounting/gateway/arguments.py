"""A tool call's arguments: the gateway's own (``business_id``, ``limit``, ``cursor``, ``dry_run``,
``idempotency_key``) split off and checked, the rest checked by the action (``validate_args``).

Every problem is a :class:`BadArgument` whose message names the argument as the agent wrote it.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from ..actions import ActionInputError
from .tools import (
    BUSINESS_ID,
    CURSOR,
    DRY_RUN,
    IDEMPOTENCY_KEY,
    LIMIT,
    MAX_LIMIT,
    CursorError,
    ToolSpec,
    decode_cursor,
)

__all__ = ["BadArgument", "Parsed", "parse_arguments"]


class BadArgument(ValueError):
    """An argument the tool cannot take; the message names it."""


class Parsed(NamedTuple):
    """A call's checked arguments: the action's inputs, the list page, the dry-run flag and the key."""

    inputs: Any
    page: int
    dry_run: bool
    key: str | None


def parse_arguments(spec: ToolSpec, args: dict[str, Any]) -> Parsed:
    """Split the gateway's own arguments off and check the action's; :class:`BadArgument` names one."""
    rest = dict(args)
    if not spec.own_business_arg:
        business = rest.pop(BUSINESS_ID, None)
        if business is not None and (not isinstance(business, str) or not business.strip()):
            raise BadArgument(f"{BUSINESS_ID} must be a business id string")
    dry_run = False
    key: str | None = None
    if spec.is_write:
        dry_value = rest.pop(DRY_RUN, False)
        if not isinstance(dry_value, bool):
            raise BadArgument(f"{DRY_RUN} must be true or false")
        dry_run = dry_value
        key_value = rest.pop(IDEMPOTENCY_KEY, None)
        if key_value is not None:
            if not isinstance(key_value, str) or not key_value.strip() or len(key_value) > 200:
                raise BadArgument(f"{IDEMPOTENCY_KEY} must be a non-empty string of at most 200 characters")
            key = key_value
    page = 1
    if spec.shape == "list":
        limit = rest.pop(LIMIT, None)
        cursor = rest.pop(CURSOR, None)
        if limit is not None and (
            isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT
        ):
            raise BadArgument(f"{LIMIT} must be a whole number from 1 to {MAX_LIMIT}, got {limit!r}")
        for public, inner in spec.renamed.items():
            if public in rest:
                rest[inner] = rest.pop(public)
        if cursor is not None:
            try:
                page = decode_cursor(cursor, spec.name, rest)
            except CursorError as exc:
                raise BadArgument(f"{CURSOR}: {exc}") from None
        if spec.page_size_arg is not None:
            rest[spec.page_size_arg] = limit if limit is not None else 20
        if spec.page_arg is not None and page > 1:
            rest[spec.page_arg] = page
    try:
        inputs = spec.action.validate_args(rest)
    except ActionInputError as exc:
        raise BadArgument(_public(spec, str(exc))) from None
    return Parsed(inputs, page, dry_run, key)


def _public(spec: ToolSpec, message: str) -> str:
    """An input error in the tool's own argument names."""
    for public, inner in spec.renamed.items():
        message = message.replace(inner, public)
    if spec.page_size_arg:
        message = message.replace(spec.page_size_arg, LIMIT)
    return message
