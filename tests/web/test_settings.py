"""Members, roles, API tokens and the audit log pages."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from iotprofile.services.accounts import accounts

from .conftest import PASSWORD, USERS, Browser, WebEnv


def test_admin_adds_a_new_member_who_can_sign_in(browser: Browser, web_env: WebEnv) -> None:
    browser.sign_in(USERS["admin"])
    response = browser.post(
        "/o/acme/settings/members",
        {"email": "New.Person@Acme.Example", "role": "assessor", "name": "New Person", "password": PASSWORD},
    )
    assert response.status_code == 303
    page = browser.client.get("/o/acme/settings")
    assert "new.person@acme.example" in page.text
    newcomer = Browser(browser.client)
    browser.client.cookies.clear()
    assert newcomer.try_sign_in("new.person@acme.example", PASSWORD).status_code == 303
    with web_env.repository() as repository:
        actions = [event.action for event in accounts(repository).events("acme")]
    assert "user.create" in actions


def test_short_passwords_and_bad_addresses_are_refused(browser: Browser, web_env: WebEnv) -> None:
    browser.sign_in(USERS["admin"])
    short = browser.post(
        "/o/acme/settings/members", {"email": "x@acme.example", "role": "viewer", "name": "X", "password": "short"}
    )
    assert short.status_code == 422
    assert "shorter than 12 characters" in short.text
    bad = browser.post("/o/acme/settings/members", {"email": "not-an-address", "role": "viewer"})
    assert bad.status_code == 422
    with web_env.repository() as repository:
        assert accounts(repository).user_by_email("x@acme.example") is None


def test_only_admins_manage_members(browser: Browser) -> None:
    browser.sign_in(USERS["editor"])
    page = browser.client.get("/o/acme/settings")
    assert "Add a member" not in page.text
    response = browser.post("/o/acme/settings/members", {"email": USERS["viewer"], "role": "admin"})
    assert response.status_code == 403
    assert browser.client.get("/o/acme/audit").status_code == 403


def test_admin_cannot_lower_their_own_role_or_remove_themselves(browser: Browser) -> None:
    browser.sign_in(USERS["admin"])
    assert browser.post("/o/acme/settings/members", {"email": USERS["admin"], "role": "viewer"}).status_code == 422
    assert browser.post("/o/acme/settings/members/remove", {"email": USERS["admin"]}).status_code == 422


def test_token_is_shown_once_works_and_can_be_revoked(browser: Browser, api: TestClient) -> None:
    browser.sign_in(USERS["viewer"])
    created = browser.post("/o/acme/settings/tokens", {"name": "CI", "days": "30"})
    assert created.status_code == 201
    found = re.search(r'id="token-secret" readonly size="60" value="(iotp_[^"]+)"', created.text)
    assert found is not None
    secret = found.group(1)
    headers = {"Authorization": f"Bearer {secret}"}
    assert api.get("/api/v1/orgs/acme/products", headers=headers).status_code == 200
    page = browser.client.get("/o/acme/settings")
    assert secret not in page.text
    token_id = re.search(r"/settings/tokens/(\d+)/revoke", page.text)
    assert token_id is not None
    assert browser.post(f"/o/acme/settings/tokens/{token_id.group(1)}/revoke").status_code == 303
    assert api.get("/api/v1/orgs/acme/products", headers=headers).status_code == 401


def test_removed_member_loses_access_and_tokens(browser: Browser, api: TestClient, web_env: WebEnv) -> None:
    token = web_env.token(USERS["editor"])
    browser.sign_in(USERS["admin"])
    assert browser.post("/o/acme/settings/members/remove", {"email": USERS["editor"]}).status_code == 303
    assert api.get("/api/v1/orgs/acme/products", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_audit_log_lists_changes_and_cannot_be_altered(browser: Browser, web_env: WebEnv) -> None:
    browser.sign_in(USERS["admin"])
    browser.post("/o/acme/settings/tokens", {"name": "CI"})
    page = browser.client.get("/o/acme/audit")
    assert page.status_code == 200
    assert "token.create" in page.text
    assert "user.create" in page.text
    import pytest
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import DBAPIError

    engine = create_engine(web_env.url)
    try:
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text("DELETE FROM audit_events"))
    finally:
        engine.dispose()
