"""Helpers shared by the sync tests."""

from __future__ import annotations

from typing import Any

from emulator_helpers import FAST_RETRY, make_connection  # noqa: F401  (shared by the sync tests)

connect = make_connection


def sqlite_url(tmp_path: Any, name: str = "sage.db") -> str:
    return f"sqlite:///{tmp_path / name}"


def db_rows(store: Any, resource: str, *, live: bool | None = None) -> dict[tuple[str, str], Any]:
    """The rows of one resource table keyed by (business_id, id)."""
    from sqlalchemy import select

    table = store.t.resources[resource]
    query = select(table)
    if live is True:
        query = query.where(table.c.deleted_at.is_(None))
    elif live is False:
        query = query.where(table.c.deleted_at.is_not(None))
    with store.engine.connect() as conn:
        return {(r.business_id, r.id): r for r in conn.execute(query)}


def sage_records(sage: Any, business_id: str, resource: str) -> dict[str, dict[str, Any]]:
    """Every record of ``resource`` in one business, as Sage lists them (attributes all)."""
    client = sage.with_business(business_id)
    return {r["id"]: r for r in getattr(client, resource).list_raw(attributes="all", items_per_page=200)}


def assert_matches(sage: Any, store: Any, business_ids: list[str], resources: Any, *, get_each: bool) -> int:
    """The store's live rows are exactly Sage's records, each equal to ``GET /{resource}/{id}`` (or the
    list with all attributes, for reference lists and when ``get_each`` is off); the number compared."""
    compared = 0
    for res in resources:
        rows = db_rows(store, res.name, live=True)
        for bid in business_ids:
            listed = sage_records(sage, bid, res.name)
            mine = {rid: row for (b, rid), row in rows.items() if b == bid}
            assert set(mine) == set(listed), (res.name, bid)
            client = sage.with_business(bid)
            for rid, row in mine.items():
                expected = listed[rid]
                if get_each and res.since:
                    expected = client.request("GET", f"/{res.name}/{rid}").json()
                assert row.data == expected, (res.name, rid)
                assert row.displayed_as == expected.get("displayed_as")
                compared += 1
    return compared


class Receiver:
    """A webhook endpoint on a real loopback socket that verifies each delivery with
    ``standardwebhooks`` and keeps the verified payloads (``status`` sets what it answers)."""

    def __init__(self, secret: str) -> None:
        import http.server
        import threading

        from standardwebhooks import Webhook

        self.webhook = Webhook(secret)
        self.received: list[tuple[str, dict[str, Any]]] = []
        self.rejected = 0
        self.answers: list[int] = []  # answered in turn before 200s
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                status = receiver.answers.pop(0) if receiver.answers else 200
                if status == 200:
                    try:
                        payload = receiver.webhook.verify(body, dict(self.headers.items()))
                    except Exception:
                        receiver.rejected += 1
                        status = 400
                    else:
                        receiver.received.append((self.headers["webhook-id"], payload))
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def snapshot(sage: Any, business_ids: list[str], resources: Any) -> dict[tuple[str, str, str], Any]:
    """Every record Sage has, keyed by (resource, business, id)."""
    out: dict[tuple[str, str, str], Any] = {}
    for res in resources:
        for bid in business_ids:
            for rid, record in sage_records(sage, bid, res.name).items():
                out[(res.name, bid, rid)] = record
    return out


def expected_events(
    before: dict[Any, Any], after: dict[Any, Any], nouns: dict[str, str], *, flagged_only: bool = False
) -> set[tuple[str, str, str]]:
    """The (type, business, id) of every change between two snapshots; with ``flagged_only``, only the
    updates Sage flags by moving ``updated_at`` (a derived field such as a bank account's balance moves
    without it, and only a full pass sees that)."""
    out = set()
    for key, record in after.items():
        res, bid, rid = key
        if key not in before:
            out.add((f"{nouns[res]}.created", bid, rid))
        elif before[key] != record and (
            not flagged_only or before[key].get("updated_at") != record.get("updated_at")
        ):
            out.add((f"{nouns[res]}.updated", bid, rid))
    for key in before.keys() - after.keys():
        res, bid, rid = key
        out.add((f"{nouns[res]}.deleted", bid, rid))
    return out
