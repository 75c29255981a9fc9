"""``fetchAll`` walks a long list a few pages at a time, in order, within its window."""

from __future__ import annotations

import threading

import httpx

from emulator_helpers import make_connection
from sage_accounting import SageAccounting
from sage_accounting.actions import run_action
from sage_accounting.actions._request import FETCH_ALL_WINDOW
from sage_accounting.emulator import DEMO, Emulator

from .conftest import FAST_RETRY


class InFlight(httpx.BaseTransport):
    """Passes requests to the emulator and notes the most API requests it had in flight at once."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.now = 0
        self.most = 0
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.now += 1
            self.most = max(self.most, self.now)
        try:
            response = self.inner.handle_request(request)
            response.read()
            return response
        finally:
            with self._lock:
                self.now -= 1


def test_fetch_all_fetches_following_pages_concurrently_in_order(emu: Emulator) -> None:
    bodies = [{"contact": {"name": f"Customer {i:02d}", "contact_type_ids": ["CUSTOMER"]}} for i in range(40)]
    emu.seed({"data": {DEMO.business_id: {"contacts": bodies}}})
    transport = InFlight(emu.transport())
    with SageAccounting(
        make_connection(emu, transport), business_id=DEMO.business_id, retry=FAST_RETRY
    ) as sage:
        expected = [c.id for c in sage.contacts.list(items_per_page=3)]
        emu.faults.add("GET", "/v3.1/contacts", latency=0.3, count=None)  # every page takes a while
        transport.most = 0
        everything = run_action(sage, "listContacts", {"fetchAll": True, "itemsPerPage": 3})
    assert [c["id"] for c in everything["$items"]] == expected
    assert everything["$total"] == 40 and everything["$next"] is None and everything["$back"] is None
    # The 13 following pages went out several at a time, never more than the window.
    assert 1 < transport.most <= FETCH_ALL_WINDOW
