"""The web app on a real PostgreSQL server: the same flows as on SQLite, and the database's own guarantees."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError
from tests.storage.conftest import postgres_database_url, postgres_url  # noqa: F401 (fixtures)

from iotprofile.web.app import create_app
from iotprofile.web.settings import WebSettings

from .conftest import OTHER_ADMIN, PASSWORD, ROUTER, USERS, Browser, populate


@pytest.fixture
def pg_browser(postgres_url: str, tmp_path: Path) -> Iterator[Browser]:  # noqa: F811 (the fixture above)
    populate(postgres_url)
    app = create_app(WebSettings(database_url=postgres_url, data_dir=tmp_path / "data"))
    with TestClient(app, base_url="http://127.0.0.1") as client:
        yield Browser(client)
    app.state.iotprofile.repository.close()


def test_record_a_verdict_and_see_it_in_the_matrix(pg_browser: Browser) -> None:
    pg_browser.sign_in(USERS["assessor"])
    cell = f"/o/acme/products/{ROUTER}/cells/DP-1@router"
    response = pg_browser.post(cell, {"verdict": "not_satisfied", "justification": "Telnet open"},
                               files={"evidence_file": ("nmap.txt", b"23/tcp open telnet", "text/plain")})  # fmt: skip
    assert response.status_code == 303, response.text
    matrix = pg_browser.client.get(f"/o/acme/products/{ROUTER}/assessment").text
    assert re.search(r'<td class="v-not_satisfied"><a [^>]*data-cell="DP-1@router"', matrix)
    assert "nmap.txt" in pg_browser.client.get(cell).text


def test_search_isolation_and_rate_limit(pg_browser: Browser) -> None:
    pg_browser.sign_in(OTHER_ADMIN)
    assert pg_browser.client.get("/o/acme/products").status_code == 404
    found = pg_browser.client.get("/o/other/products?q=PLUG").text
    assert "1 product" in found
    for _ in range(5):
        assert pg_browser.try_sign_in(USERS["viewer"], "wrong password!!").status_code == 401
    assert pg_browser.try_sign_in(USERS["viewer"], PASSWORD).status_code == 429


def test_audit_log_is_append_only_on_postgresql(postgres_url: str, pg_browser: Browser) -> None:  # noqa: F811
    pg_browser.sign_in(USERS["admin"])
    assert pg_browser.post("/o/acme/settings/tokens", {"name": "CI"}).status_code == 201
    engine = create_engine(postgres_url)
    try:
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text("UPDATE audit_events SET actor = 'someone else'"))
    finally:
        engine.dispose()
