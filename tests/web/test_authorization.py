"""The authorization matrix, derived from the app's routes: every route is public, a page or an API route, and each
kind answers callers without the right to it the same way (sign in, 401, 403, 404), storing nothing.

New routes are picked up automatically; a route with no authentication dependency that is not on the public list
fails :func:`test_every_route_is_classified`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from .conftest import OTHER_ADMIN, PLUG, USERS, Browser, WebEnv
from .route_matrix import VIEWER_MAY, Endpoint, Kind, endpoints, row_counts, sample_body

SAFE = {"GET", "HEAD", "OPTIONS"}


def _files(root: Path) -> set[str]:
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()} if root.exists() else set()


class Stored:
    """Row counts (and data files) before, compared after: nothing may be stored by refused requests."""

    def __init__(self, web_env: WebEnv) -> None:
        self.web_env = web_env
        self.before = self.snapshot()

    def snapshot(self) -> tuple[dict[str, int], set[str]]:
        data_dir = self.web_env.settings.data_dir
        return row_counts(self.web_env.url), _files(data_dir) if data_dir else set()

    def assert_unchanged(self, what: str) -> None:
        after = self.snapshot()
        changed = {table: (self.before[0][table], after[0].get(table)) for table in self.before[0]
                   if self.before[0][table] != after[0].get(table)}  # fmt: skip
        assert not changed, f"{what} stored something: rows (before, after) {changed}"
        assert after[1] <= self.before[1], f"{what} wrote files: {sorted(after[1] - self.before[1])}"


@pytest.fixture
def routes(app: FastAPI) -> list[Endpoint]:
    return endpoints(app)


def _client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://127.0.0.1") as client:
        yield client


@pytest.fixture
def other_browser(app: FastAPI) -> Iterator[Browser]:
    """The admin of ``other``, signed in."""
    for client in _client(app):
        yield Browser(client).sign_in(OTHER_ADMIN)


def test_every_route_is_classified(routes: list[Endpoint]) -> None:
    print("\nroutes covered by the authorization matrix:")
    for endpoint in routes:
        print(f"  {endpoint}")
    unclassified = [str(endpoint) for endpoint in routes if endpoint.kind is Kind.UNCLASSIFIED]
    assert not unclassified, (
        "routes without an authentication dependency (PagePrincipal, ApiPrincipal, ApiUser) and not on the public "
        f"list in tests/web/route_matrix.py: {unclassified}"
    )
    misplaced = [str(e) for e in routes if e.kind in (Kind.API, Kind.API_USER) and not e.path.startswith("/api/v1/")]
    misplaced += [str(e) for e in routes if e.kind is Kind.PAGE and e.path.startswith("/api/")]
    assert not misplaced, f"API routes must live under /api/v1 and pages outside it: {misplaced}"
    assert any(endpoint.kind is Kind.PAGE for endpoint in routes)
    assert any(endpoint.kind is Kind.API for endpoint in routes)


def test_api_without_credentials_is_401(routes: list[Endpoint], api: TestClient, web_env: WebEnv) -> None:
    stored = Stored(web_env)
    checked = []
    for endpoint in routes:
        if endpoint.kind not in (Kind.API, Kind.API_USER):
            continue
        response = api.request(endpoint.method, endpoint.url(), **sample_body(endpoint).request_kwargs())
        assert response.status_code == 401, f"{endpoint}: {response.status_code} {response.text[:200]}"
        assert response.headers.get("www-authenticate") == "Bearer", str(endpoint)
        assert response.json()["detail"], str(endpoint)
        forged = api.request(endpoint.method, endpoint.url(), headers={"Authorization": "Bearer iotp_forged"},
                             **sample_body(endpoint).request_kwargs())  # fmt: skip
        assert forged.status_code == 401, f"{endpoint} with a forged token: {forged.status_code}"
        checked.append(endpoint)
    print(f"401 without credentials: {len(checked)} API endpoints")
    stored.assert_unchanged("unauthenticated API calls")


def test_pages_without_a_session_redirect_to_sign_in(routes: list[Endpoint], browser: Browser, web_env: WebEnv) -> None:
    stored = Stored(web_env)
    checked = []
    for endpoint in routes:
        if endpoint.kind is not Kind.PAGE or endpoint.path.startswith("/static"):
            continue
        url = endpoint.url()
        response = browser.client.request(endpoint.method, url, follow_redirects=False,
                                          **sample_body(endpoint).request_kwargs())  # fmt: skip
        assert response.status_code == 303, f"{endpoint}: {response.status_code} {response.text[:200]}"
        location = response.headers["location"]
        assert location.startswith("/login?next="), f"{endpoint} redirects to {location}"
        if endpoint.method in SAFE:
            # Back to the page after signing in.
            assert location == "/login?next=" + quote(url, safe="/"), f"{endpoint} redirects to {location}"
        checked.append(endpoint)
    print(f"303 to /login without a session: {len(checked)} page endpoints")
    stored.assert_unchanged("signed-out page requests")


def test_viewer_cannot_write(routes: list[Endpoint], browser: Browser, api: TestClient, web_env: WebEnv) -> None:
    browser.sign_in(USERS["viewer"])
    token = web_env.token(USERS["viewer"])
    stored = Stored(web_env)
    checked = []
    for endpoint in routes:
        if endpoint.method in SAFE or endpoint.kind is Kind.PUBLIC or (endpoint.method, endpoint.path) in VIEWER_MAY:
            continue
        body = sample_body(endpoint)
        if endpoint.kind is Kind.PAGE:
            response = browser.client.request(endpoint.method, endpoint.url(), follow_redirects=False,
                                              data={"csrf_token": browser.csrf, **body.data},
                                              files=body.files or None)  # fmt: skip
        else:
            response = api.request(endpoint.method, endpoint.url(), headers={"Authorization": f"Bearer {token}"},
                                   **body.request_kwargs())  # fmt: skip
        assert response.status_code in (403, 404), (
            f"viewer {endpoint}: {response.status_code} {response.text[:300]} (a 422 means the sample body in "
            "tests/web/route_matrix.py does not validate: add one for this route)"
        )
        if response.status_code == 403 and endpoint.kind is not Kind.PAGE:
            assert response.json()["detail"], str(endpoint)
        checked.append(endpoint)
        stored.assert_unchanged(f"viewer {endpoint}")
    print(f"403/404 for a viewer's writes: {len(checked)} endpoints")


def test_viewer_writes_are_not_a_csrf_loophole(routes: list[Endpoint], browser: Browser, web_env: WebEnv) -> None:
    """A session without the CSRF token is refused even before permissions (admin here, the strongest role)."""
    browser.sign_in(USERS["admin"])
    stored = Stored(web_env)
    for endpoint in routes:
        if endpoint.method in SAFE or endpoint.kind not in (Kind.PAGE, Kind.API, Kind.API_USER):
            continue
        body = sample_body(endpoint)
        response = browser.client.request(endpoint.method, endpoint.url(), follow_redirects=False,
                                          **body.request_kwargs())  # fmt: skip
        assert response.status_code in (403, 422), f"admin without CSRF {endpoint}: {response.status_code}"
    stored.assert_unchanged("writes without the CSRF token")


def test_other_organisations_admin_gets_404_everywhere_in_acme(
    routes: list[Endpoint], other_browser: Browser, api: TestClient, web_env: WebEnv
) -> None:
    token = web_env.token(OTHER_ADMIN, "other")
    stored = Stored(web_env)
    checked = []
    for endpoint in routes:
        if not endpoint.in_org:
            continue
        body = sample_body(endpoint)
        if endpoint.kind is Kind.PAGE:
            data = {"csrf_token": other_browser.csrf, **body.data} if endpoint.method not in SAFE else None
            response = other_browser.client.request(endpoint.method, endpoint.url(), follow_redirects=False,
                                                    data=data, files=body.files or None)  # fmt: skip
        else:
            response = api.request(endpoint.method, endpoint.url(), headers={"Authorization": f"Bearer {token}"},
                                   **body.request_kwargs())  # fmt: skip
        assert response.status_code == 404, f"other admin {endpoint}: {response.status_code} {response.text[:200]}"
        assert "acme-router" not in response.text, f"{endpoint} discloses acme's product"
        checked.append(endpoint)
    print(f"404 for another organisation's admin: {len(checked)} endpoints")
    stored.assert_unchanged("another organisation's requests")


def test_acme_admin_cannot_reach_others_product_through_acme_urls(
    routes: list[Endpoint], browser: Browser, api: TestClient, web_env: WebEnv
) -> None:
    """``/o/acme/products/<other's product>``: 404, even for acme's admin (objects are checked, not only orgs)."""
    browser.sign_in(USERS["admin"])
    token = web_env.token(USERS["admin"])
    stored = Stored(web_env)
    checked = []
    for endpoint in routes:
        params = set(endpoint.route.param_convertors)
        product_param = next((name for name in ("id", "product", "product_id") if name in params), None)
        if not endpoint.in_org or product_param is None or endpoint.kind is Kind.PUBLIC:
            continue
        url = endpoint.url(**{product_param: PLUG})
        body = sample_body(endpoint)
        if endpoint.kind is Kind.PAGE:
            data = {"csrf_token": browser.csrf, **body.data} if endpoint.method not in SAFE else None
            response = browser.client.request(endpoint.method, url, follow_redirects=False, data=data,
                                              files=body.files or None)  # fmt: skip
        else:
            response = api.request(endpoint.method, url, headers={"Authorization": f"Bearer {token}"},
                                   **body.request_kwargs())  # fmt: skip
        assert response.status_code == 404, f"acme admin, other's product, {endpoint}: {response.status_code}"
        checked.append(endpoint)
    print(f"404 for another organisation's product through acme URLs: {len(checked)} endpoints")
    stored.assert_unchanged("requests for another organisation's product")
