"""The API pipeline: tokens, businesses, scopes, roles, request ids, routing errors and bodies."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from sage_accounting.emulator import DEMO, Emulator

from .conftest import ROOT, assert_error, client_for


def make_contact(api: httpx.Client, name: str = "Acme Ltd", **extra: Any) -> dict[str, Any]:
    body = {"contact": {"name": name, "contact_type_ids": ["CUSTOMER"], **extra}}
    response = api.post("/contacts", json=body)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "missing"),
        ({"Authorization": "Token abc"}, "malformed"),
        ({"Authorization": "Bearer "}, "malformed"),
        ({"Authorization": "Bearer not-a-token"}, "invalid"),
    ],
)
def test_bad_or_missing_token_is_401_in_sage_format(
    emu: Emulator, headers: dict[str, str], message: str
) -> None:
    with httpx.Client(transport=emu.transport(), base_url=f"{ROOT}/v3.1", headers=headers) as client:
        response = client.get("/contacts")
    item = assert_error(response, 401, "AccessTokenVerificationError")
    assert message in item["$message"]
    assert response.headers["x_request_id"]


def test_revoked_token_is_401(emu: Emulator, api: httpx.Client, tokens: dict[str, Any]) -> None:
    emu.app  # noqa: B018 - the same emulator answers the revoke below
    with httpx.Client(transport=emu.transport(), base_url=ROOT) as http:
        http.post(
            "/revoke",
            data={
                "client_id": DEMO.client_id,
                "client_secret": DEMO.client_secret,
                "token": tokens["access_token"],
            },
        )
    item = assert_error(api.get("/contacts"), 401, "AccessTokenVerificationError")
    assert "revoked" in item["$message"]


def test_every_response_has_a_request_id_and_business_header(api: httpx.Client) -> None:
    first = api.get("/contacts")
    second = api.get("/contacts")
    assert first.headers["x_request_id"] != second.headers["x_request_id"]
    assert first.headers["x-business"] == DEMO.business_id
    user = api.get("/user")
    assert user.status_code == 200 and "x-business" not in user.headers
    businesses = api.get("/businesses")
    assert "x-business" not in businesses.headers and businesses.headers["x_request_id"]


def test_x_business_selects_the_business(api: httpx.Client, emu: Emulator) -> None:
    other = emu.seed({"businesses": [{"id": "b" * 32, "name": "Second Ltd", "country": "IE"}]})
    assert "b" * 32 in other["businesses"]
    emu.state.users[DEMO.user_id].roles["b" * 32] = dict.fromkeys(
        ("Sales", "Purchases", "Bank", "Contacts", "Products & Services", "Settings", "Journals"),
        "full_access",
    )
    make_contact(api, "Only in the lead business")
    response = api.get("/contacts", headers={"X-Business": "b" * 32})
    assert response.status_code == 200
    assert response.headers["x-business"] == "b" * 32
    assert response.json()["$total"] == 0
    assert api.get("/contacts").json()["$total"] == 1
    assert api.get("/tax_rates/IE_STANDARD", headers={"X-Business": "b" * 32}).status_code == 200


def test_unreachable_business_is_401(api: httpx.Client, emu: Emulator) -> None:
    emu.seed({"businesses": [{"id": "c" * 32, "name": "Not mine", "country": "GB"}]})
    for business in ("c" * 32, "0" * 32):
        item = assert_error(
            api.get("/contacts", headers={"X-Business": business}), 401, "AuthorizationFailure"
        )
        assert item["$source"] == "X-Business"


def test_inactive_subscription_is_401_mse(api: httpx.Client, emu: Emulator) -> None:
    emu.state.businesses[DEMO.business_id].subscription_active = False
    item = assert_error(api.get("/contacts"), 401, "AuthorizationFailure")
    assert item["$message"] == "No active subscription. (MSE)"


def test_readonly_token_may_read_but_not_write(emu: Emulator) -> None:
    tokens = emu.grant_tokens(scope="readonly")
    with client_for(emu, tokens["access_token"]) as api:
        assert api.get("/contacts").status_code == 200
        response = api.post("/contacts", json={"contact": {"name": "X", "contact_type_ids": ["CUSTOMER"]}})
    assert_error(response, 401, "AuthorizationFailure")
    assert emu.state.businesses[DEMO.business_id].collection("contacts") == {}


def _user_with(emu: Emulator, roles: dict[str, str]) -> httpx.Client:
    seeded = emu.seed(
        {
            "users": [
                {
                    "id": "limited-user",
                    "first_name": "L",
                    "last_name": "U",
                    "email": "l@example.com",
                    "businesses": {DEMO.business_id: roles},
                }
            ]
        }
    )
    assert "limited-user" in seeded["users"]
    tokens = emu.grant_tokens(user_id="limited-user")
    return client_for(emu, tokens["access_token"])


def test_read_only_role_gets_403_on_writes(emu: Emulator, api: httpx.Client) -> None:
    contact = make_contact(api)
    with _user_with(
        emu, {"Contacts": "read_only", "Sales": "no_access", "Purchases": "no_access"}
    ) as limited:
        assert limited.get("/contacts").status_code == 200
        assert limited.get(f"/contacts/{contact['id']}").status_code == 200
        item = assert_error(
            limited.post("/contacts", json={"contact": {"name": "X", "contact_type_ids": ["VENDOR"]}}),
            403,
            "MultiUserAccessDenied",
        )
        assert item["$message"] == "The current user is not allowed to access that resource with that method."
        assert_error(
            limited.put(f"/contacts/{contact['id']}", json={"contact": {"name": "Y"}}),
            403,
            "MultiUserAccessDenied",
        )
        assert_error(limited.delete(f"/contacts/{contact['id']}"), 403, "MultiUserAccessDenied")


def test_restricted_role_may_write_but_not_delete(emu: Emulator, api: httpx.Client) -> None:
    with _user_with(emu, {"Contacts": "restricted_access"}) as limited:
        created = limited.post("/contacts", json={"contact": {"name": "X", "contact_type_ids": ["VENDOR"]}})
        assert created.status_code == 201
        assert_error(limited.delete(f"/contacts/{created.json()['id']}"), 403, "MultiUserAccessDenied")
    assert api.delete(f"/contacts/{created.json()['id']}").status_code == 204


def test_no_access_in_every_listed_area_gets_403_on_reads(emu: Emulator) -> None:
    roles = {"Contacts": "no_access", "Sales": "no_access", "Purchases": "no_access"}
    with _user_with(emu, roles) as limited:
        assert_error(limited.get("/contacts"), 403, "MultiUserAccessDenied")
        # another listed area grants the read
    with _user_with(emu, {**roles, "Sales": "read_only"}) as sales_reader:
        assert sales_reader.get("/contacts").status_code == 200


@pytest.mark.parametrize("path", ["/customers", "/contacts/abc/def/ghi", "/contacts/abc/nope", ""])
def test_unknown_paths_are_404(api: httpx.Client, path: str) -> None:
    assert_error(api.get(path), 404, "RecordNotFound")


def test_unknown_id_is_404_record_not_found(api: httpx.Client) -> None:
    assert_error(api.get("/contacts/" + "0" * 32), 404, "RecordNotFound")
    assert_error(api.put("/contacts/" + "0" * 32, json={"contact": {"name": "x"}}), 404, "RecordNotFound")
    assert_error(api.delete("/contacts/" + "0" * 32), 404, "RecordNotFound")


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("DELETE", "/contacts", "GET, POST"),
        ("PUT", "/contact_types", "GET"),
        ("POST", "/countries", "GET"),
        ("PATCH", "/contacts/" + "0" * 32, "GET, PUT, DELETE"),
        ("POST", "/user", "GET, PUT"),  # PUT /user: the migration guide
    ],
)
def test_wrong_verb_is_405(api: httpx.Client, method: str, path: str, allow: str) -> None:
    response = api.request(method, path)
    assert_error(response, 405, "MethodNotAllowed")
    assert response.headers["allow"] == allow


def test_body_that_is_not_json_is_415_and_broken_json_is_400(api: httpx.Client) -> None:
    form = api.post("/contacts", data={"contact": "x"})
    assert_error(form, 415, "UnsupportedMediaType")
    text = api.post("/contacts", content=b"name=x", headers={"Content-Type": "text/plain"})
    assert_error(text, 415, "UnsupportedMediaType")
    broken = api.post("/contacts", content=b'{"contact": ', headers={"Content-Type": "application/json"})
    assert_error(broken, 400, "InvalidJSON")
    assert_error(api.post("/contacts"), 415, "UnsupportedMediaType")


@pytest.mark.parametrize("body", [{}, [], "x", 1, {"contact": []}, {"contact": "Acme"}, {"other": {}}])
def test_missing_wrapper_is_422_naming_the_wrapper(api: httpx.Client, body: Any) -> None:
    assert_error(api.post("/contacts", json=body), 422, "RecordInvalid", "contact")


def test_user_endpoint(api: httpx.Client) -> None:
    user = api.get("/user").json()
    assert list(user)[:3] == ["id", "displayed_as", "$path"]
    assert user["id"] == DEMO.user_id and user["$path"] == "/user" and user["email"] == DEMO.user_email


def test_businesses_list_has_its_own_envelope_and_lead(api: httpx.Client) -> None:
    body = api.get("/businesses").json()
    assert list(body) == ["$total", "$page", "$next", "$back", "$items_per_page", "$items"]
    assert body["$total"] == 1
    assert body["$items"][0] == {
        "id": DEMO.business_id,
        "displayed_as": "Demo Trading Ltd",
        "$path": f"/businesses/{DEMO.business_id}",
    }
    lead = api.get("/businesses/lead").json()
    assert lead["id"] == DEMO.business_id and lead["lead"] is True and lead["country"]["id"] == "GB"
    assert api.get(f"/businesses/{DEMO.business_id}").json()["name"] == "Demo Trading Ltd"
    assert_error(api.get("/businesses/" + "f" * 32), 404, "RecordNotFound")


@pytest.mark.parametrize(
    "raw",
    [
        b'{"contact": {"name": "A\\ud800B", "contact_type_ids": ["CUSTOMER"]}}',
        b"[" * 5000 + b"]" * 5000,
    ],
)
def test_unencodable_or_absurdly_nested_json_is_a_400_and_stores_nothing(
    api: httpx.Client, raw: bytes
) -> None:
    response = api.post("/contacts", content=raw, headers={"Content-Type": "application/json"})
    assert_error(response, 400, "InvalidJSON")
    listed = api.get("/contacts", params={"attributes": "all"})
    assert listed.status_code == 200 and listed.json()["$total"] == 0


def test_tax_rates_and_artefact_statuses_follow_the_swagger_roles(emu: Emulator) -> None:
    from .test_invoices import limited_client

    roles = {
        "Sales": "no_access",
        "Purchases": "no_access",
        "Bank": "no_access",
        "Settings": "restricted_access",
    }
    with limited_client(emu, roles) as limited:
        assert_error(limited.get("/tax_rates"), 403, "MultiUserAccessDenied")
        assert_error(limited.get("/artefact_statuses"), 403, "MultiUserAccessDenied")
        assert limited.get("/countries").status_code == 200  # reference lists without restrictions stay open


def test_errors_carry_the_business_header(api: httpx.Client) -> None:
    for response in (
        api.get("/contacts/" + "0" * 32),
        api.post("/contacts", json={"contact": {}}),
        api.delete("/contacts"),
    ):
        assert response.status_code >= 400
        assert response.headers["x-business"] == DEMO.business_id
