"""``/journals``: Manual journals (cannot be edited: no update)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._base import (
    AsyncCreateMixin,
    AsyncDeleteMixin,
    AsyncListMixin,
    AsyncRetrieveMixin,
    CreateMixin,
    DeleteMixin,
    Endpoint,
    ListMixin,
    RetrieveMixin,
)

if TYPE_CHECKING:
    from ..types import Journal  # noqa: F401 - named in quotes in the base classes

__all__ = ["AsyncJournals", "Journals"]

ENDPOINT = Endpoint(
    path="/journals",
    model="Journal",
    wrapper="journal",
    filters=frozenset({"deleted_since", "updated_or_created_since"}),
    retrieve_params=frozenset({"nested_attributes", "show_analysis_types"}),
)


class Journals(
    ListMixin["Journal"], RetrieveMixin["Journal"], CreateMixin["Journal"], DeleteMixin["Journal"]
):
    """``client.journals``: Manual journals (cannot be edited: no update)."""

    _endpoint = ENDPOINT


class AsyncJournals(
    AsyncListMixin["Journal"],
    AsyncRetrieveMixin["Journal"],
    AsyncCreateMixin["Journal"],
    AsyncDeleteMixin["Journal"],
):
    """``client.journals`` on the async client: Manual journals (cannot be edited: no update)."""

    _endpoint = ENDPOINT
