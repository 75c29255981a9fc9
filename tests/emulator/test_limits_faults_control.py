"""Rate limits, scripted faults, the clock, the request log and the control plane over HTTP."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest

from sage_accounting.emulator import DEMO, Emulator

from .conftest import ROOT, assert_error
from .test_api_pipeline import make_contact


def test_daily_limit_gives_429_with_retry_after(emu: Emulator, api: httpx.Client) -> None:
    emu.settings.daily_request_limit = 3
    for _ in range(3):
        assert api.get("/contacts").status_code == 200
    response = api.get("/contacts")
    item = assert_error(response, 429, "TooManyRequests")
    assert "daily" in item["$message"]
    # Sage's day ends at midnight UTC: Retry-After points there
    now = emu.clock.now()
    assert int(response.headers["retry-after"]) == 86_400 - (now.hour * 3600 + now.minute * 60 + now.second)
    emu.clock.advance(int(response.headers["retry-after"]))
    fresh = emu.grant_tokens()
    assert (
        api.get("/contacts", headers={"Authorization": f"Bearer {fresh['access_token']}"}).status_code == 200
    )


def test_concurrent_request_cap_gives_429(emu: Emulator, tokens: dict[str, Any]) -> None:
    emu.settings.max_concurrent_requests = 3
    emu.faults.add("GET", "/v3.1/contacts", latency=0.3, count=None)

    async def run() -> list[httpx.Response]:
        async with httpx.AsyncClient(
            transport=emu.async_transport(),
            base_url=f"{ROOT}/v3.1",
            headers={"Authorization": f"Bearer {tokens['access_token']}"},
        ) as client:
            return await asyncio.gather(*(client.get("/contacts") for _ in range(6)))

    responses = asyncio.run(run())
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200, 200, 200, 429, 429, 429]
    limited = next(r for r in responses if r.status_code == 429)
    assert_error(limited, 429, "TooManyRequests")
    assert limited.headers["retry-after"] == "1"


@pytest.mark.parametrize("status", [500, 502, 503, 504, 408])
def test_fault_status_for_the_next_n_requests(emu: Emulator, api: httpx.Client, status: int) -> None:
    emu.faults.add("GET", "/v3.1/contacts", status=status, count=2)
    assert api.get("/contacts").status_code == status
    second = api.get("/contacts")
    assert second.status_code == status
    assert second.json()[0]["$severity"] == "error"
    assert api.get("/contacts").status_code == 200
    assert [e.fault for e in emu.request_log.entries()[-3:]] == [str(status), str(status), None]


def test_fault_429_carries_retry_after(emu: Emulator, api: httpx.Client) -> None:
    emu.faults.add("*", "/v3.1/contact*", status=429, retry_after=7)
    response = api.get("/contacts")
    assert_error(response, 429, "TooManyRequests")
    assert response.headers["retry-after"] == "7"


def test_fault_only_matches_its_method_and_path(emu: Emulator, api: httpx.Client) -> None:
    emu.faults.add("POST", "/v3.1/contacts", status=503)
    assert api.get("/contacts").status_code == 200
    assert api.get("/contact_types").status_code == 200
    assert (
        api.post("/contacts", json={"contact": {"name": "A", "contact_type_ids": ["CUSTOMER"]}}).status_code
        == 503
    )
    assert api.get("/contacts").json()["$total"] == 0


def test_commit_then_fail_writes_but_answers_504(emu: Emulator, api: httpx.Client) -> None:
    emu.faults.add("POST", "/v3.1/contacts", commit_then_fail=True)
    response = api.post(
        "/contacts", json={"contact": {"name": "Committed", "contact_type_ids": ["CUSTOMER"]}}
    )
    assert_error(response, 504, "GatewayTimeout")
    listed = api.get("/contacts").json()
    assert [i["displayed_as"] for i in listed["$items"]] == ["Committed"]


def test_dropped_connection_in_process(emu: Emulator, api: httpx.Client) -> None:
    emu.faults.add("GET", "/v3.1/contacts", drop=True)
    with pytest.raises(httpx.RemoteProtocolError):
        api.get("/contacts")
    assert api.get("/contacts").status_code == 200


def test_latency_fault_delays_the_answer(emu: Emulator, api: httpx.Client) -> None:
    emu.faults.add("GET", "/v3.1/contacts", latency=0.2)
    started = time.monotonic()
    response = api.get("/contacts")
    assert response.status_code == 200
    assert time.monotonic() - started >= 0.2


def test_probability_faults_are_seeded_and_partial(emu: Emulator, api: httpx.Client) -> None:
    emu.faults.add("GET", "/v3.1/contact_types", status=503, count=None, probability=0.3)
    statuses = [api.get("/contact_types").status_code for _ in range(100)]
    failures = statuses.count(503)
    assert 10 < failures < 60
    assert set(statuses) == {200, 503}


@pytest.mark.parametrize(
    "bad",
    [
        {"status": 404},
        {"status": 503, "count": 0},
        {"latency": -1},
        {"probability": 2, "status": 500},
        {"method": "GET"},
        {"status": 503, "colour": "red"},
    ],
)
def test_bad_faults_are_refused_with_a_reason(http: httpx.Client, bad: dict[str, Any]) -> None:
    response = http.post("/__emulator__/faults", json=bad)
    item = assert_error(response, 400, "InvalidControlRequest")
    assert item["$message"]


def test_control_plane_over_http(http: httpx.Client, emu: Emulator) -> None:
    created = http.post("/__emulator__/faults", json={"method": "GET", "path": "/v3.1/user", "status": 502})
    assert created.status_code == 201 and created.json()["status"] == 502
    assert len(http.get("/__emulator__/faults").json()) == 1
    assert http.delete("/__emulator__/faults").status_code == 204
    assert http.get("/__emulator__/faults").json() == []

    tokens = http.post("/__emulator__/tokens", json={}).json()
    api_headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert http.get("/v3.1/user", headers=api_headers).status_code == 200
    clock = http.post("/__emulator__/clock", json={"advance": 301}).json()
    assert clock["offset"] >= 301
    assert http.get("/v3.1/user", headers=api_headers).status_code == 401
    assert_error(
        http.post("/__emulator__/clock", json={"advance": "soon"}), 400, "InvalidControlRequest", "advance"
    )

    log = http.get("/__emulator__/requests", params={"path": "/v3.1/user"}).json()
    assert [e["status"] for e in log] == [200, 401]
    assert log[0]["client_id"] == DEMO.client_id and log[0]["business_id"] is None

    settings = http.put("/__emulator__/settings", json={"access_token_ttl": 60}).json()
    assert settings["access_token_ttl"] == 60
    assert_error(http.put("/__emulator__/settings", json={"nope": 1}), 400, "InvalidControlRequest", "nope")

    state = http.get("/__emulator__/state").json()
    assert DEMO.business_id in state["businesses"]

    seeded = http.post(
        "/__emulator__/seed", json={"businesses": [{"name": "Seeded Ltd", "country": "IE"}]}
    ).json()
    assert len(seeded["businesses"]) == 2
    assert_error(http.post("/__emulator__/seed", json={"bogus": []}), 400, "InvalidControlRequest")

    assert http.post("/__emulator__/reset", json={"seed": "minimal"}).status_code == 200
    assert len(http.get("/__emulator__/state").json()["businesses"]) == 1
    # the log holds Sage's traffic only: control-plane calls are not in it
    assert http.get("/__emulator__/requests").json() == []
    assert_error(http.get("/__emulator__/nothing"), 404, "RecordNotFound")


def test_request_log_counts_token_grants(emu: Emulator, http: httpx.Client) -> None:
    pair = emu.grant_tokens()
    creds = {"client_id": DEMO.client_id, "client_secret": DEMO.client_secret}
    http.post("/token", data={**creds, "grant_type": "refresh_token", "refresh_token": pair["refresh_token"]})
    entries = emu.token_requests("refresh_token")
    assert len(entries) == 1 and entries[0].status == 200 and entries[0].client_id == DEMO.client_id


def test_state_dump_save_and_load_round_trip(emu: Emulator, api: httpx.Client, tmp_path: Any) -> None:
    contact = make_contact(api, "Persisted", credit_limit="12.34")
    path = tmp_path / "state.json"
    emu.save(path)
    restored = Emulator.from_file(path)
    assert restored.dump() == emu.dump()
    tokens = restored.grant_tokens()
    with httpx.Client(
        transport=restored.transport(),
        base_url=f"{ROOT}/v3.1",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
    ) as again:
        assert again.get(contact["$path"]).json() == api.get(contact["$path"]).json()


def test_autosave_keeps_every_change(emu: Emulator, api: httpx.Client, tmp_path: Any) -> None:
    path = tmp_path / "sandbox.json"
    emu.autosave(path)
    make_contact(api, "Saved on write")
    assert "Saved on write" in path.read_text()
    assert not list(tmp_path.glob(".sandbox.json.*")), "no temporary file is left behind"


def test_in_process_transport_honours_the_read_timeout_and_the_write_still_lands(
    emu: Emulator, tokens: dict[str, Any]
) -> None:
    emu.faults.add("POST", "/v3.1/contacts", latency=0.5)
    with httpx.Client(
        transport=emu.transport(),
        base_url=f"{ROOT}/v3.1",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        timeout=httpx.Timeout(5, read=0.1),
    ) as client:
        with pytest.raises(httpx.ReadTimeout):
            client.post("/contacts", json={"contact": {"name": "Slow Ltd", "contact_type_ids": ["CUSTOMER"]}})
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not emu.request_log.entries():
            time.sleep(0.05)
        assert [e.status for e in emu.request_log.entries()] == [201]
        assert client.get("/contacts").json()["$items"][0]["displayed_as"] == "Slow Ltd"


def test_dropped_connections_are_logged_with_status_0(emu: Emulator, api: httpx.Client) -> None:
    emu.faults.add("GET", "/v3.1/contacts", drop=True)
    with pytest.raises(httpx.RemoteProtocolError):
        api.get("/contacts")
    entry = emu.request_log.entries()[-1]
    assert (entry.status, entry.fault, entry.client_id) == (0, "drop", DEMO.client_id)
