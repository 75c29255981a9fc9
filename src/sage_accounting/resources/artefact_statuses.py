"""``/artefact_statuses``: Reference list: invoice statuses (``DRAFT``, ``UNPAID`` …)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._base import AsyncReadOnly, Endpoint, ReadOnly

if TYPE_CHECKING:
    from ..types import ArtefactStatus  # noqa: F401 - named in quotes in the base classes

__all__ = ["ArtefactStatuses", "AsyncArtefactStatuses"]

ENDPOINT = Endpoint(
    path="/artefact_statuses",
    model="ArtefactStatus",
    wrapper=None,
    filters=frozenset(),
    retrieve_params=frozenset(),
)


class ArtefactStatuses(ReadOnly["ArtefactStatus"]):
    """``client.artefact_statuses``: Reference list: invoice statuses (``DRAFT``, ``UNPAID`` …)."""

    _endpoint = ENDPOINT


class AsyncArtefactStatuses(AsyncReadOnly["ArtefactStatus"]):
    """``client.artefact_statuses`` on the async client: invoice statuses (``DRAFT``, ``UNPAID`` …)."""

    _endpoint = ENDPOINT
