"""Signing in and out, sessions, CSRF, rate limiting, tokens and organisation isolation."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient

from iotprofile.services.accounts import accounts

from .conftest import OTHER_ADMIN, PASSWORD, PLUG, ROUTER, USERS, Browser, WebEnv


def test_sign_in_lists_the_organisations_products_only(browser: Browser) -> None:
    browser.sign_in(USERS["viewer"])
    page = browser.client.get("/o/acme/products")
    assert page.status_code == 200
    assert ROUTER in page.text
    assert PLUG not in page.text
    assert "viewer" in page.text


def test_pages_redirect_to_sign_in_and_back(browser: Browser) -> None:
    response = browser.client.get("/o/acme/products?q=router", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/o/acme/products%3Fq%3Drouter"


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(browser: Browser, web_env: WebEnv) -> None:
    response = browser.try_sign_in(USERS["admin"], "not the password at all")
    assert response.status_code == 401
    assert "Wrong e-mail or password" in response.text
    unknown = browser.try_sign_in("nobody@acme.example", PASSWORD)
    assert unknown.status_code == 401
    assert browser.client.get("/o/acme/products", follow_redirects=False).status_code == 303
    with web_env.repository() as repository:
        events = accounts(repository).count_events("login.failed", since=datetime(2000, 1, 1, tzinfo=UTC))
    assert events == 2


def test_sign_in_is_rate_limited_per_account(browser: Browser) -> None:
    for _ in range(5):
        assert browser.try_sign_in(USERS["editor"], "wrong password 123").status_code == 401
    # Even the right password is refused while the account is locked out: guessing cannot go on.
    locked = browser.try_sign_in(USERS["editor"], PASSWORD)
    assert locked.status_code == 429
    assert int(locked.headers["retry-after"]) > 0
    # Another account from the same address is still allowed (the per-address limit is higher).
    assert browser.try_sign_in(USERS["viewer"], PASSWORD).status_code == 303


def test_login_form_needs_its_csrf_cookie(browser: Browser) -> None:
    browser.client.get("/login")
    response = browser.client.post(
        "/login", data={"email": USERS["admin"], "password": PASSWORD, "login_csrf": "forged", "next": "/"}
    )
    assert response.status_code == 403


def test_session_cookie_is_httponly_and_samesite(browser: Browser) -> None:
    response = browser.try_sign_in(USERS["admin"], PASSWORD)
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "samesite=lax" in cookie.lower()


def test_logout_ends_the_session_on_the_server(browser: Browser) -> None:
    browser.sign_in(USERS["admin"])
    cookies = dict(browser.client.cookies)
    assert browser.post("/logout").status_code == 303
    # Replaying the old cookie does not work: the session is gone from the database.
    browser.client.cookies.update(cookies)
    assert browser.client.get("/o/acme/products", follow_redirects=False).status_code == 303


def test_other_organisations_do_not_exist_for_a_member(browser: Browser) -> None:
    browser.sign_in(USERS["admin"])
    assert browser.client.get("/o/other/products").status_code == 404


def test_security_headers_on_pages_and_api(browser: Browser, api: TestClient) -> None:
    for response in (browser.client.get("/login"), api.get("/api/v1/openapi.json")):
        headers = response.headers
        assert "default-src 'self'" in headers["content-security-policy"]
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "same-origin"


def test_api_needs_a_token_of_the_organisation(api: TestClient, web_env: WebEnv) -> None:
    assert api.get("/api/v1/orgs/acme/products").status_code == 401
    assert api.get("/api/v1/orgs/acme/products").headers["www-authenticate"] == "Bearer"
    bad = api.get("/api/v1/orgs/acme/products", headers={"Authorization": "Bearer iotp_forged"})
    assert bad.status_code == 401
    token = web_env.token(USERS["viewer"])
    listed = api.get("/api/v1/orgs/acme/products", headers={"Authorization": f"Bearer {token}"})
    assert listed.status_code == 200
    assert [item["id"] for item in listed.json()["items"]] == [ROUTER]
    other = web_env.token(OTHER_ADMIN, "other")
    assert api.get("/api/v1/orgs/acme/products", headers={"Authorization": f"Bearer {other}"}).status_code == 404


def test_api_with_a_session_needs_the_csrf_header_to_write(browser: Browser) -> None:
    browser.sign_in(USERS["admin"])
    assert browser.client.get("/api/v1/orgs/acme/products").status_code == 200


def test_method_not_allowed_lists_every_method_of_the_path(api: TestClient, web_env: WebEnv) -> None:
    headers = {"Authorization": f"Bearer {web_env.token(USERS['admin'])}"}
    response = api.delete("/api/v1/orgs/acme/checks", headers=headers)
    assert response.status_code == 405
    assert {method.strip() for method in response.headers["allow"].split(",")} >= {"GET", "POST"}
