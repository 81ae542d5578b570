"""``/api/v1`` catalogs, crosswalk, profile differences and search: any signed-in caller, token or session."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.core.result import Ok

from iotprofile.web.app import create_app
from iotprofile.web.settings import WebSettings

from .conftest import OTHER_ADMIN, USERS, Browser, WebEnv, populate

ROUTES = [
    "/api/v1/catalogs",
    "/api/v1/catalogs/nist-ir-8425a",
    "/api/v1/catalogs/nist-ir-8425a/elements/DP-1",
    "/api/v1/crosswalk?ref=nist-ir-8425a:DP-1",
    "/api/v1/profiles/nist-ir-8425a/differences",
    "/api/v1/search?q=password",
]


@pytest.fixture(scope="module")
def web_env(tmp_path_factory: pytest.TempPathFactory) -> WebEnv:
    """One database for the module: the catalog API only reads."""
    tmp = tmp_path_factory.mktemp("catalog-api")
    url = f"sqlite:///{tmp / 'web.db'}"
    populate(url)
    return WebEnv(url, WebSettings(database_url=url, data_dir=tmp / "data"), tmp)


@pytest.fixture(scope="module")
def app(web_env: WebEnv) -> Iterator[FastAPI]:
    """One app for the module (and its caches)."""
    application = create_app(web_env.settings)
    yield application
    application.state.iotprofile.repository.close()


@pytest.fixture(scope="module")
def token(web_env: WebEnv) -> dict[str, str]:
    return {"Authorization": f"Bearer {web_env.token(USERS['viewer'])}"}


@pytest.mark.parametrize("url", ROUTES)
def test_every_route_needs_a_token_or_session(api: TestClient, url: str) -> None:
    response = api.get(url)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert api.get(url, headers={"Authorization": "Bearer iotp_not-a-token"}).status_code == 401


def test_any_organisations_token_or_a_session_may_read(api: TestClient, web_env: WebEnv, browser: Browser) -> None:
    other = {"Authorization": f"Bearer {web_env.token(OTHER_ADMIN, 'other')}"}
    assert api.get("/api/v1/catalogs", headers=other).status_code == 200
    browser.sign_in(USERS["viewer"])
    assert browser.client.get("/api/v1/catalogs/nist-ir-8425/elements/DP-1").status_code == 200


def test_catalog_list(api: TestClient, token: dict[str, str]) -> None:
    found = api.get("/api/v1/catalogs", headers=token).json()
    by_id = {item["id"]: item for item in found}
    assert by_id["nist-ir-8425a"]["based_on"] == "nist-ir-8425"
    assert by_id["nist-ir-8425a"]["elements"] == 55
    assert by_id["etsi-en-303-645"]["kind"] == "standard"
    assert by_id["csa-star"]["content"] == "registry-entry"


def test_document_with_elements_resolves_a_profile(api: TestClient, token: dict[str, str]) -> None:
    doc = api.get("/api/v1/catalogs/nist-ir-8425a", headers=token).json()
    ids = [item["id"] for item in doc["items"]]
    assert ids.index("SU-1") < ids.index("SU-3")  # 8425A's own sub-outcome, in place under SU
    dp1 = next(item for item in doc["items"] if item["id"] == "DP-1")
    assert dp1["statement"] == "Each consumer-grade router product component protects data it stores via secure means."
    assert dp1["provenance"]["status"] == "generated"


def test_element_with_parent_and_children(api: TestClient, token: dict[str, str]) -> None:
    found = api.get("/api/v1/catalogs/nist-ir-8425/elements/IAC-1", headers=token).json()
    assert found["ancestors"] == ["IAC"]
    assert [child["id"] for child in found["children"]] == ["IAC-1a", "IAC-1b", "IAC-1c"]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/api/v1/catalogs/nist-ir-9999", "unknown document 'nist-ir-9999'"),
        ("/api/v1/catalogs/nist-ir-8425a/elements/DP-9", "document 'nist-ir-8425a' has no element 'DP-9'"),
        ("/api/v1/crosswalk?ref=nist-ir-8425a:DP-9", "has no element 'DP-9'"),
        ("/api/v1/profiles/etsi-en-303-645/differences", "is not a profile"),
        ("/api/v1/search?document=nist-ir-9999", "has no elements to search"),
        ("/api/v1/search?outcome=NOPE", "unknown outcome 'NOPE'"),
    ],
)
def test_unknown_things_are_404_with_one_line(api: TestClient, token: dict[str, str], url: str, message: str) -> None:
    response = api.get(url, headers=token)
    assert response.status_code == 404
    detail = response.json()["detail"]
    assert message in detail
    assert "\n" not in detail


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/crosswalk?ref=not%20a%20ref",
        "/api/v1/crosswalk?ref=nist-ir-8425a:",
        "/api/v1/crosswalk?ref=",
        "/api/v1/crosswalk?ref=nist-ir-8425a:DP-1&component_kind=toaster",
        "/api/v1/search?limit=0",
        "/api/v1/search?q=" + "x" * 201,
    ],
)
def test_malformed_input_is_422(api: TestClient, token: dict[str, str], url: str) -> None:
    response = api.get(url, headers=token)
    assert response.status_code == 422
    assert response.json()["detail"]


def test_crosswalk_dp1_lists_etsi_and_filters(api: TestClient, token: dict[str, str]) -> None:
    everything = api.get("/api/v1/crosswalk", params={"ref": "nist-ir-8425a:DP-1"}, headers=token).json()
    others = {row["other"] for row in everything["rows"]}
    assert {"etsi-en-303-645:5.4-1", "owasp-masvs-2.1:MASVS-STORAGE-1"} <= others
    row = next(row for row in everything["rows"] if row["other"] == "etsi-en-303-645:5.4-1")
    assert row["via"] == "base"  # mapped to nist-ir-8425:DP-1, which 8425A inherits
    assert row["matched"] == "nist-ir-8425:DP-1"
    assert row["direction"] == "informed_by"
    mobile = api.get(
        "/api/v1/crosswalk", params={"ref": "nist-ir-8425a:DP-1", "component_kind": "mobile_app"}, headers=token
    ).json()
    assert "owasp-masvs-2.1:MASVS-STORAGE-1" in {row["other"] for row in mobile["rows"]}
    assert "etsi-en-303-645:5.4-1" not in {row["other"] for row in mobile["rows"]}
    etsi = api.get(
        "/api/v1/crosswalk", params={"ref": "nist-ir-8425a:DP-1", "standard": "etsi-en-303-645"}, headers=token
    ).json()
    assert etsi["rows"]
    assert len(etsi["rows"]) < len(everything["rows"])
    assert all(row["other"].startswith("etsi-en-303-645") for row in etsi["rows"])


def test_differences_of_8425a(api: TestClient, token: dict[str, str]) -> None:
    found = api.get("/api/v1/profiles/nist-ir-8425a/differences", headers=token).json()
    assert found["base"] == "nist-ir-8425"
    assert [item["id"] for item in found["added"]] == ["SU-3", "CSA-2"]
    assert found["removed"] == []
    assert found["rules"][-1] == {"replace": "IoT product", "with": "consumer-grade router product"}
    changed = {item["id"]: item for item in found["changed"]}
    su1 = changed["SU-1"]
    assert su1["provenance"]["status"] == "seed"
    (text,) = su1["fields"]
    assert text["field"] == "text"
    assert text["base"].startswith("Each IoT product component")
    assert text["profile"] == (
        "Each consumer-grade router product component can receive, verify, and apply verified software updates."
    )
    assert {"op": "added", "text": "consumer-grade router"} in text["segments"]
    assert "PEA-1.1" in changed
    assert "SU-3" not in changed


def test_differences_of_a_profile_without_base(api: TestClient, token: dict[str, str]) -> None:
    found = api.get("/api/v1/profiles/nist-ir-8425/differences", headers=token).json()
    assert found["base"] is None
    assert found["added"] == found["changed"] == found["removed"] == []


def test_search_password_finds_iac_and_filters_narrow(api: TestClient, token: dict[str, str]) -> None:
    def refs(**params: str) -> list[str]:
        response = api.get("/api/v1/search", params={"q": "password", "limit": "500", **params}, headers=token)
        assert response.status_code == 200
        body = response.json()
        assert body["total"] == len(body["items"])
        return [item["ref"] for item in body["items"]]

    everything = refs()
    assert "nist-ir-8425:IAC-1b" in everything
    iac = refs(outcome="IAC")
    assert "etsi-en-303-645:5.1-1" in iac
    assert set(iac) < set(everything)
    mobile = refs(component_kind="mobile_app")
    assert "nist-ir-8425:IAC-1b" in mobile
    assert "etsi-en-303-645:5.1-1" not in mobile
    assert refs(document="owasp-asvs-5.0")
    assert all(ref.startswith("owasp-asvs-5.0:") for ref in refs(document="owasp-asvs-5.0"))


def test_search_ranks_an_exact_id_first_and_limits(api: TestClient, token: dict[str, str]) -> None:
    found = api.get("/api/v1/search", params={"q": "DP-1", "limit": "2"}, headers=token).json()
    assert found["items"][0]["element"]["id"] == "DP-1"
    assert len(found["items"]) == 2
    assert found["total"] > 2


def test_openapi_documents_the_routes(api: TestClient) -> None:
    paths = api.get("/api/v1/openapi.json").json()["paths"]
    assert "404" in paths["/api/v1/catalogs/{doc}/elements/{element}"]["get"]["responses"]
    assert "422" in paths["/api/v1/crosswalk"]["get"]["responses"]
    assert "/api/v1/search" in paths


def test_responses_match_the_openapi_document(app: FastAPI, token: dict[str, str]) -> None:
    """Schemathesis over this module's routes: no server error, every response as documented."""
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    operations = schema.include(path_regex="^/api/v1/(catalogs|crosswalk|profiles|search)").get_all_operations()
    checked = 0
    for result in operations:
        assert isinstance(result, Ok), result
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        def check(case: Any) -> None:
            case.call_and_validate(headers=token)

        check()
        checked += 1
    assert checked == 6
