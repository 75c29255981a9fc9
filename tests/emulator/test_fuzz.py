"""Property-based: malformed bodies, params and headers at every write endpoint never give a 500, and every
4xx answer is in Sage's error format."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sage_accounting.emulator import Emulator

from .conftest import ROOT

EMU = Emulator(seed="minimal")
TOKEN = EMU.grant_tokens()["access_token"]
WRITE_RESOURCES = sorted(
    name for name, resource in EMU.registry.items() if {"create", "update", "delete"} & resource.verbs
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.sampled_from(["", "0", "-1", "1e400", "NaN", "2024-02-30", "CUSTOMER", "GB_STANDARD", "x" * 300]),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=12,
)


def field_names(resource: Any) -> list[str]:
    return [f.name for f in resource.create_fields] or ["name"]


@st.composite
def wrapped_bodies(draw: st.DrawFn, resource_name: str) -> Any:
    resource = EMU.registry[resource_name]
    names = field_names(resource)
    inner = draw(
        st.dictionaries(st.sampled_from([*names, "unknown_field"]), json_values, max_size=len(names))
    )
    shape = draw(st.sampled_from(["wrapped", "wrapped", "raw", "value"]))
    if shape == "wrapped":
        return {resource.wrapper: inner}
    if shape == "raw":
        return inner
    return draw(json_values)


def check(response: httpx.Response) -> None:
    assert response.status_code < 500, (response.status_code, response.text)
    if response.status_code >= 400:
        body = response.json()
        assert isinstance(body, list) and body
        for item in body:
            assert set(item) == {"$severity", "$dataCode", "$message", "$source"}
            assert isinstance(item["$message"], str) and item["$message"]


@pytest.fixture(scope="module")
def client() -> Any:
    with httpx.Client(
        transport=EMU.transport(), base_url=f"{ROOT}/v3.1", headers={"Authorization": f"Bearer {TOKEN}"}
    ) as c:
        yield c


def existing_id(name: str) -> str:
    records = EMU.state.businesses[next(iter(EMU.state.businesses))].collection(name)
    return next(iter(records), "0" * 32)


@pytest.mark.parametrize("resource_name", WRITE_RESOURCES)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_malformed_writes_never_500(client: httpx.Client, resource_name: str, data: st.DataObject) -> None:
    resource = EMU.registry[resource_name]
    body = data.draw(wrapped_bodies(resource_name))
    params = data.draw(
        st.dictionaries(
            st.sampled_from(["void_reason", "attributes", "page", "x"]), st.text(max_size=10), max_size=2
        )
    )
    if "create" in resource.verbs:
        check(client.post(f"/{resource_name}", json=body, params=params))
    if "update" in resource.verbs:
        check(client.put(f"/{resource_name}/{existing_id(resource_name)}", json=body, params=params))
    if "delete" in resource.verbs and data.draw(st.booleans()):
        check(client.request("DELETE", f"/{resource_name}/{'0' * 32}", json=body, params=params))
    for action in resource.actions:
        check(client.post(f"/{resource_name}/{existing_id(resource_name)}/{action}", json=body))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    path=st.sampled_from(["/contacts", "/ledger_accounts", "/sales_invoices", "/journals", "/businesses"]),
    params=st.dictionaries(
        st.sampled_from(
            [
                "page",
                "items_per_page",
                "attributes",
                "updated_or_created_since",
                "deleted_since",
                "from_date",
                "to_date",
                "search",
                "sort",
                "contact_id",
                "status_id",
                "contact_type_id",
            ]
        ),
        st.text(max_size=25),
        max_size=4,
    ),
    headers=st.dictionaries(
        st.sampled_from(["X-Business", "Content-Type", "Accept", "If-None-Match"]),
        st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), max_size=40),
        max_size=2,
    ),
)
def test_malformed_params_and_headers_never_500(
    client: httpx.Client, path: str, params: dict[str, str], headers: dict[str, str]
) -> None:
    check(client.get(path, params=params, headers=headers))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    raw=st.binary(max_size=200),
    content_type=st.sampled_from(["application/json", "text/plain", "", "application/x-www-form-urlencoded"]),
)
def test_raw_bytes_never_500(client: httpx.Client, raw: bytes, content_type: str) -> None:
    check(client.post("/contacts", content=raw, headers={"Content-Type": content_type}))
