"""A request whose first answer was lost: what its retry's answer means.

Sage may carry out a request and then fail to answer it (a 5xx after the commit, a dropped connection).
A DELETE is retried like any idempotent request, and its retry then meets the changed record: a 404 (it
is gone) or a refusal (an invoice "already voided").  These decisions, free of I/O, let the pipeline
report such a DELETE as done instead of failed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from ._core import never_reached_server

__all__ = ["lost_delete", "lost_delete_note", "outcome_unknown", "voided"]


def outcome_unknown(status_code: int | None, exc: BaseException | None = None) -> bool:
    """Whether the attempt that is about to be retried may have been carried out by Sage: it got a 5xx,
    or its connection broke after the request went out."""
    if exc is not None:
        return not never_reached_server(exc)
    return status_code is not None and status_code >= 500


def lost_delete(method: str, lost: bool, status_code: int) -> Literal["gone", "check"] | None:
    """What a DELETE's final answer means when an earlier attempt's answer was lost (``lost``).

    ``"gone"``: a 404 — the record is no longer there, most likely deleted by that earlier attempt.
    ``"check"``: a 400/409/422 — the record may have changed under the retry (an invoice "already
    voided"): its current state decides (:func:`voided`).  ``None``: the answer means what it says.
    """
    if method.upper() != "DELETE" or not lost:
        return None
    if status_code == 404:
        return "gone"
    if status_code in (400, 409, 422):
        return "check"
    return None


def voided(body: Any) -> bool:
    """Whether a record as Sage returns it is void (``status.id == "VOID"``)."""
    status = body.get("status") if isinstance(body, Mapping) else None
    return isinstance(status, Mapping) and str(status.get("id", "")).upper() == "VOID"


def lost_delete_note(path: str, what: str) -> str:
    """The warning for a DELETE reported as done after its first answer was lost."""
    return (
        f"DELETE {path}: the first answer was lost and the retry found the record {what}, so it was "
        f"carried out (most likely by the first attempt); to check, GET {path}"
        + (" answers 404." if what == "gone" else " shows its status.")
    )
