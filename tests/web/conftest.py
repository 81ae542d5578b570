"""The web app on a real SQLite file (PostgreSQL where a test asks for it), with two organisations and every role.

``acme`` has the example router (IR 8425A) and a member of each role; ``other`` has the example smart plug and its
own admin. :class:`Browser` wraps Starlette's TestClient with the sign-in dance (login CSRF cookie, session CSRF
token from the page).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from iotprofile.product.io import load_product
from iotprofile.services.accounts import Role, create_user, operator_token
from iotprofile.storage.repository import SqlRepository
from iotprofile.web.app import create_app
from iotprofile.web.settings import WebSettings

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"
ROUTER = "acme-router-ax3000"
PLUG = load_product(ROOT / "examples" / "smart-plug" / "product.yaml").id
#: Members of ``acme`` by role, and the admin of ``other``.
USERS = {
    "admin": "admin@acme.example",
    "editor": "editor@acme.example",
    "assessor": "assessor@acme.example",
    "viewer": "viewer@acme.example",
}
OTHER_ADMIN = "admin@other.example"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_LOGIN_CSRF = re.compile(r'name="login_csrf" value="([^"]+)"')


@dataclass
class WebEnv:
    """A migrated database with organisations, users and products, and the settings of an app on it."""

    url: str
    settings: WebSettings
    tmp: Path

    def repository(self) -> SqlRepository:
        """A second connection to the same database (to check what was stored)."""
        return SqlRepository.open(self.url)

    def token(self, email: str, org: str = "acme") -> str:
        """A new API token of a member."""
        with self.repository() as repository:
            return operator_token(repository, email=email, organisation=org, name="test").secret


def populate(url: str) -> None:
    """Two organisations, every role in ``acme``, the example router in ``acme`` and the smart plug in ``other``."""
    with SqlRepository.open(url) as repository:
        for role, email in USERS.items():
            create_user(repository, email=email, name=role.title(), password=PASSWORD, organisation="acme",
                        organisation_name="Acme Labs", role=Role(role))  # fmt: skip
        create_user(repository, email=OTHER_ADMIN, name="Other", password=PASSWORD, organisation="other",
                    organisation_name="Other Org", role=Role.ADMIN)  # fmt: skip
        repository.import_product(load_product(ROOT / "examples" / "router" / "product.yaml"), organisation="acme")
        repository.import_product(load_product(ROOT / "examples" / "smart-plug" / "product.yaml"), organisation="other")


@pytest.fixture
def web_env(tmp_path: Path) -> WebEnv:
    """A fresh SQLite database, populated."""
    url = f"sqlite:///{tmp_path / 'web.db'}"
    populate(url)
    return WebEnv(url, WebSettings(database_url=url, data_dir=tmp_path / "data"), tmp_path)


@pytest.fixture
def app(web_env: WebEnv) -> Iterator[FastAPI]:
    """The app on the test database."""
    application = create_app(web_env.settings)
    yield application
    application.state.iotprofile.repository.close()


class Browser:
    """A TestClient that signs in like a browser and remembers the session's CSRF token."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.csrf = ""

    def sign_in(self, email: str, password: str = PASSWORD) -> Browser:
        """Sign in through the form; raises if it fails."""
        response = self.try_sign_in(email, password)
        assert response.status_code == 303, response.text
        page = self.client.get("/o/acme/products" if email.endswith("acme.example") else "/o/other/products")
        self.csrf = self.csrf_of(page.text)
        return self

    def try_sign_in(self, email: str, password: str) -> httpx.Response:
        """Post the sign-in form (with its login CSRF value); returns the response."""
        form = self.client.get("/login")
        login_csrf = _LOGIN_CSRF.search(form.text)
        assert login_csrf is not None
        response: httpx.Response = self.client.post(
            "/login",
            data={"email": email, "password": password, "login_csrf": login_csrf.group(1), "next": "/"},
            follow_redirects=False,
        )
        return response

    @staticmethod
    def csrf_of(html: str) -> str:
        """The CSRF token in a page's forms."""
        found = _CSRF.search(html)
        assert found is not None, "the page has no form with a CSRF token"
        return found.group(1)

    def post(self, url: str, data: dict[str, str] | None = None, files: object = None) -> httpx.Response:
        """Post a form (and files) with the session's CSRF token; redirects are not followed."""
        response: httpx.Response = self.client.post(
            url, data={"csrf_token": self.csrf, **(data or {})}, files=files, follow_redirects=False
        )
        return response


@pytest.fixture
def browser(app: FastAPI) -> Iterator[Browser]:
    """A signed-out browser on the app (``browser.sign_in(USERS['admin'])``)."""
    with TestClient(app, base_url="http://127.0.0.1") as client:
        yield Browser(client)


@pytest.fixture
def api(app: FastAPI) -> Iterator[TestClient]:
    """A bare API client (pass ``headers={'Authorization': f'Bearer {token}'}``)."""
    with TestClient(app, base_url="http://127.0.0.1") as client:
        yield client
