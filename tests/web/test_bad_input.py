"""Bad input through forms and the API: wrong types, missing fields, oversized and malformed uploads, malformed
JSON, unknown IDs. Each answer is a 4xx with a clear one-line message, and nothing is stored.

Routes are discovered from the app where possible (unknown IDs, JSON bodies); the page forms follow the URL and
form contracts of the web brief and are skipped while their route does not exist yet.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from iotprofile.web.app import create_app
from iotprofile.web.settings import WebSettings

from .conftest import ROUTER, USERS, Browser, WebEnv
from .route_matrix import Endpoint, Kind, endpoints, row_counts, sample_body

_MESSAGE = re.compile(r'<p class="error-message" role="alert">(.*?)</p>', re.S)
SMALL_LIMIT = 2048
NEW_PRODUCT = "/o/acme/products/new"
CELL = f"/o/acme/products/{ROUTER}/cells/DP-1@router"


def _files(root: Path | None) -> set[Path]:
    return {path for path in root.rglob("*") if path.is_file()} if root and root.exists() else set()


class Nothing:
    """Asserts that nothing was stored between construction and :meth:`stored`."""

    def __init__(self, web_env: WebEnv) -> None:
        self.web_env = web_env
        self.rows = row_counts(web_env.url)
        self.files = _files(web_env.settings.data_dir)

    def stored(self, what: str) -> None:
        rows = row_counts(self.web_env.url)
        changed = {table: (count, rows.get(table)) for table, count in self.rows.items() if rows.get(table) != count}
        assert not changed, f"{what} stored rows (before, after): {changed}"
        assert _files(self.web_env.settings.data_dir) <= self.files, f"{what} wrote files"


def clear_api_message(response: httpx.Response) -> str:
    """The ``detail`` of a JSON error: one non-empty line, no Python internals."""
    assert response.headers["content-type"].startswith("application/json"), response.text[:200]
    detail = response.json()["detail"]
    assert isinstance(detail, str), f"detail should be one line of text: {detail!r}"
    _assert_clear(detail)
    return detail


def clear_page_message(response: httpx.Response) -> str:
    """The message of an error page (or of a form shown again with its error)."""
    found = _MESSAGE.search(response.text) or re.search(r'class="[^"]*error[^"]*"[^>]*>(.*?)<', response.text, re.S)
    assert found is not None, f"no error message on the page: {response.text[:500]}"
    message = re.sub(r"<[^>]+>", "", found.group(1)).strip()
    _assert_clear(message)
    return message


def _assert_clear(message: str) -> None:
    assert message.strip(), "empty error message"
    assert "\n" not in message.strip(), f"not one line: {message!r}"
    assert len(message) < 400, f"too long to be clear: {message!r}"
    for leak in ("Traceback", "sqlalchemy", "pydantic_core", 'File "/'):
        assert leak not in message, f"internals in the message: {message!r}"


@pytest.fixture
def admin(browser: Browser) -> Browser:
    return browser.sign_in(USERS["admin"])


@pytest.fixture
def admin_token(web_env: WebEnv) -> str:
    return web_env.token(USERS["admin"])


def _exists(admin: Browser, url: str) -> bool:
    status: int = admin.client.get(url, follow_redirects=False).status_code
    return status != 404


# Query parameters of the existing routes -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "place"),
    [("offset=abc", "offset"), ("limit=0", "limit"), ("limit=100000", "limit"), ("q=" + "x" * 300, "q")],
)
def test_api_query_of_the_wrong_type_or_size(api: TestClient, admin_token: str, query: str, place: str) -> None:
    response = api.get(f"/api/v1/orgs/acme/products?{query}", headers={"Authorization": f"Bearer {admin_token}"})
    assert response.status_code == 422
    assert place in clear_api_message(response)


def test_page_query_of_the_wrong_type(admin: Browser) -> None:
    response = admin.client.get("/o/acme/products?page=first")
    assert response.status_code == 422
    assert "page" in clear_page_message(response)


# Unknown IDs, discovered from the routes -------------------------------------------------------------------------


def _unknown_url(endpoint: Endpoint) -> str | None:
    """The route's URL in acme with every other path parameter naming nothing (None: no such parameter)."""
    names = [name for name in endpoint.route.param_convertors if name not in ("org", "organisation")]
    if not names or "{org}" not in endpoint.path:
        return None
    numeric = {param.name for param in endpoint.route.dependant.path_params if param.field_info.annotation is int}
    unknown = {}
    for name in names:
        convertor = type(endpoint.route.param_convertors[name]).__name__
        unknown[name] = "987654" if convertor == "IntegerConvertor" or name in numeric else "no-such-thing-42"
    return endpoint.url(**unknown)


def test_unknown_ids_are_404_with_a_message(app: FastAPI, admin: Browser, api: TestClient, web_env: WebEnv) -> None:
    token = web_env.token(USERS["admin"])
    nothing = Nothing(web_env)
    checked = []
    for endpoint in endpoints(app):
        url = _unknown_url(endpoint)
        if url is None or endpoint.kind in (Kind.PUBLIC, Kind.UNCLASSIFIED):
            continue
        body = sample_body(endpoint)
        if endpoint.kind is Kind.PAGE:
            data = {"csrf_token": admin.csrf, **body.data} if endpoint.method != "GET" else None
            response = admin.client.request(endpoint.method, url, data=data, files=body.files or None,
                                            follow_redirects=False)  # fmt: skip
            assert response.status_code == 404, f"{endpoint} {url}: {response.status_code} {response.text[:300]}"
            clear_page_message(response)
        else:
            response = api.request(endpoint.method, url, headers={"Authorization": f"Bearer {token}"},
                                   **body.request_kwargs())  # fmt: skip
            assert response.status_code == 404, f"{endpoint} {url}: {response.status_code} {response.text[:300]}"
            clear_api_message(response)
        checked.append(f"{endpoint.method} {url}")
    print("\n404 for unknown IDs:\n  " + "\n  ".join(checked or ["(no routes with IDs yet)"]))
    nothing.stored("requests for unknown IDs")


# JSON bodies, discovered from the routes -------------------------------------------------------------------------


def _json_endpoints(app: FastAPI) -> list[Endpoint]:
    return [
        endpoint
        for endpoint in endpoints(app)
        if endpoint.kind in (Kind.API, Kind.API_USER)
        and endpoint.method not in ("GET", "HEAD")
        and sample_body(endpoint).json is not None
    ]


def test_malformed_wrong_and_incomplete_json_is_422(app: FastAPI, api: TestClient, web_env: WebEnv) -> None:
    targets = _json_endpoints(app)
    if not targets:
        pytest.skip("no API route takes a JSON body yet")
    token = web_env.token(USERS["admin"])
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    nothing = Nothing(web_env)
    for endpoint in targets:
        url = endpoint.url()
        sample = sample_body(endpoint).json
        bad: list[tuple[str, bytes]] = [
            ("malformed JSON", b'{"id": "x", '),
            ("not JSON at all", b"\xff\xfe<xml/>"),
            ("a list instead of an object", b"[1, 2, 3]"),
            ("a number instead of an object", b"42"),
            ("an unknown field", httpx.Request("POST", "/", json={**sample, "no_such_field_42": 1}).read()),
        ]
        if isinstance(sample, dict) and sample:
            bad.append(("every required field missing", b"{}"))
            wrong = {key: ({"nested": True} if isinstance(value, str) else "text") for key, value in sample.items()}
            bad.append(("fields of the wrong type", httpx.Request("POST", "/", json=wrong).read()))
            long = {key: ("x" * 100_000 if isinstance(value, str) else value) for key, value in sample.items()}
            bad.append(("strings far over any length limit", httpx.Request("POST", "/", json=long).read()))
        for what, content in bad:
            response = api.request(endpoint.method, url, content=content, headers=headers)
            assert response.status_code in (400, 404, 409, 413, 422), f"{endpoint} with {what}: {response.status_code}"
            clear_api_message(response)
        nothing.stored(f"{endpoint} with bad JSON")
    print("\nbad JSON refused by: " + ", ".join(str(endpoint) for endpoint in targets))


# Oversized uploads -----------------------------------------------------------------------------------------------


@pytest.fixture
def small_app(web_env: WebEnv) -> Iterator[FastAPI]:
    """The app with a request body limit of :data:`SMALL_LIMIT` bytes."""
    settings = WebSettings(database_url=web_env.url, data_dir=web_env.settings.data_dir, max_upload_bytes=SMALL_LIMIT)
    application = create_app(settings)
    yield application
    application.state.iotprofile.repository.close()


@pytest.fixture
def small(small_app: FastAPI) -> Iterator[Browser]:
    with TestClient(small_app, base_url="http://127.0.0.1") as client:
        yield Browser(client).sign_in(USERS["admin"])


def _product_yaml(product_id: str, padding: int = 0) -> bytes:
    text = (ROOT_PRODUCT.read_text(encoding="utf-8")).replace(ROUTER, product_id)
    return (text + "\n# " + "x" * padding + "\n").encode()


ROOT_PRODUCT = Path(__file__).resolve().parents[2] / "examples" / "router" / "product.yaml"


def test_oversized_upload_with_content_length_is_413(small: Browser, web_env: WebEnv) -> None:
    token = web_env.token(USERS["admin"])
    nothing = Nothing(web_env)
    files = {"product_file": ("product.yaml", _product_yaml("big-router", SMALL_LIMIT * 4), "application/yaml")}
    response = small.post("/o/acme/products/new", files=files)
    assert response.status_code == 413
    assert str(SMALL_LIMIT) in clear_api_message(response)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    api = small.client.post("/api/v1/orgs/acme/products", content=b"{" + b" " * SMALL_LIMIT * 2 + b"}", headers=headers)
    assert api.status_code == 413
    nothing.stored("an oversized upload")


def test_oversized_chunked_upload_is_413(small: Browser, web_env: WebEnv) -> None:
    """No Content-Length (Transfer-Encoding: chunked): the limit is counted while the body streams in."""
    nothing = Nothing(web_env)
    boundary = "qa-boundary"
    payload = _product_yaml("chunked-router", SMALL_LIMIT * 4)
    targets = [("/login", "email")]
    if _exists(small, NEW_PRODUCT):
        targets.append((NEW_PRODUCT, "product_file"))
    for url, field in targets:
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{small.csrf}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="product.yaml"\r\n'
            "Content-Type: application/yaml\r\n\r\n"
        ).encode()

        def chunks(head: bytes = head) -> Iterator[bytes]:
            yield head
            for start in range(0, len(payload), 512):
                yield payload[start : start + 512]
            yield f"\r\n--{boundary}--\r\n".encode()

        request = small.client.build_request(
            "POST", url, content=chunks(), headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )
        assert "content-length" not in request.headers
        assert request.headers.get("transfer-encoding") == "chunked"
        response = small.client.send(request, follow_redirects=False)
        assert response.status_code == 413, f"{url}: {response.status_code} {response.text}"
        assert str(SMALL_LIMIT) in clear_api_message(response)
    nothing.stored("an oversized chunked upload")


def test_declared_length_that_is_not_a_number_is_400(small: Browser) -> None:
    response = small.client.post("/logout", content=b"x", headers={"Content-Length": "lots"})
    assert response.status_code == 400
    clear_api_message(response)


# Page forms (contract routes) ------------------------------------------------------------------------------------

VALID_PRODUCT = {
    "id": "qa-plug",
    "name": "QA plug",
    "manufacturer": "QA",
    "model": "P-1",
    "version": "1.0",
    "product_type": "consumer_iot_product",
    "component_id": "plug",
    "component_name": "Plug",
    "component_kind": "device",
    "component_updatable": "on",
}


def _refused_form(response: httpx.Response, what: str) -> str:
    assert 400 <= response.status_code < 500, f"{what}: {response.status_code} {response.text[:300]}"
    return clear_page_message(response)


BAD_PRODUCT_FIELDS = [
    ("no product ID", {"id": ""}),
    ("an ID with spaces and slashes", {"id": "not/a valid id"}),
    ("an unknown product type", {"product_type": "toaster"}),
    ("an unknown component kind", {"component_kind": "teleporter"}),
    ("no name", {"name": ""}),
    ("the ID of an existing product", {"id": ROUTER}),
]
BAD_PRODUCT_FILES = [
    ("malformed YAML", b"id: [unclosed\nname: {\n"),
    ("YAML that is not a product", b"- just\n- a list\n"),
    ("a product without components", b"format: iotprofile/product/v1\nid: qa-x\nname: X\nmanufacturer: M\n"
     b"model: X\nproduct_type: consumer_iot_product\ncomponents: []\n"),
    ("malformed JSON", b'{"id": "qa-x", '),
    ("binary garbage", bytes(range(256)) * 4),
    ("an empty file", b""),
]  # fmt: skip


def test_new_product_form_refuses_bad_fields(admin: Browser, web_env: WebEnv) -> None:
    if not _exists(admin, NEW_PRODUCT):
        pytest.skip(f"{NEW_PRODUCT} is not on this branch yet")
    nothing = Nothing(web_env)
    for what, change in BAD_PRODUCT_FIELDS:
        data = {key: value for key, value in {**VALID_PRODUCT, **change}.items() if value != ""}
        _refused_form(admin.post(NEW_PRODUCT, data), what)
        nothing.stored(f"a new product with {what}")


def test_new_product_form_refuses_an_over_long_name(admin: Browser, web_env: WebEnv) -> None:
    if not _exists(admin, NEW_PRODUCT):
        pytest.skip(f"{NEW_PRODUCT} is not on this branch yet")
    nothing = Nothing(web_env)
    _refused_form(admin.post(NEW_PRODUCT, {**VALID_PRODUCT, "name": "n" * 5000}), "an over-long name")
    nothing.stored("a new product with an over-long name")


def test_new_product_file_refuses_malformed_files(admin: Browser, web_env: WebEnv) -> None:
    if not _exists(admin, NEW_PRODUCT):
        pytest.skip(f"{NEW_PRODUCT} is not on this branch yet")
    nothing = Nothing(web_env)
    for what, content in BAD_PRODUCT_FILES:
        response = admin.post(NEW_PRODUCT, files={"product_file": ("product.yaml", content, "application/yaml")})
        _refused_form(response, what)
        nothing.stored(f"a product file with {what}")


def test_new_product_form_works_when_valid(admin: Browser, web_env: WebEnv) -> None:
    """The control for the refusals above: the same form, valid, creates the product."""
    if not _exists(admin, NEW_PRODUCT):
        pytest.skip(f"{NEW_PRODUCT} is not on this branch yet")
    response = admin.post(NEW_PRODUCT, VALID_PRODUCT)
    assert response.status_code == 303, response.text[:300]
    assert response.headers["location"] == "/o/acme/products/qa-plug"


BAD_VERDICTS: list[tuple[str, dict[str, str]]] = [
    ("an unknown verdict", {"verdict": "mostly_fine", "justification": "x"}),
    ("no verdict", {"justification": "x"}),
    ("not applicable without a justification", {"verdict": "not_applicable", "justification": ""}),
    ("an evidence URL that is not a web address", {"verdict": "satisfied", "justification": "x",
                                                   "evidence_url": "javascript:alert(1)"}),
    ("an over-long justification", {"verdict": "satisfied", "justification": "j" * 200_000}),
]  # fmt: skip


def test_cell_form_refuses_bad_verdicts(admin: Browser, web_env: WebEnv) -> None:
    if not _exists(admin, CELL):
        pytest.skip(f"{CELL} is not on this branch yet")
    nothing = Nothing(web_env)
    for what, data in BAD_VERDICTS:
        _refused_form(admin.post(CELL, {key: value for key, value in data.items() if value != ""}), what)
        nothing.stored(f"a verdict with {what}")


def test_cell_of_an_unknown_element_or_component_is_404(admin: Browser, web_env: WebEnv) -> None:
    if not _exists(admin, CELL):
        pytest.skip(f"{CELL} is not on this branch yet")
    nothing = Nothing(web_env)
    for cell, expected in (("NOPE-1@router", {404}), ("DP-1@no-such-component", {404}),
                           ("no-at-sign", {404, 422}), ("DP-1@", {404, 422})):  # fmt: skip
        url = f"/o/acme/products/{ROUTER}/cells/{cell}"
        assert admin.client.get(url).status_code in expected, url
        response = admin.post(url, {"verdict": "satisfied", "justification": "x"})
        assert response.status_code in expected, f"POST {url}: {response.status_code}"
        clear_page_message(response)
    nothing.stored("verdicts for unknown cells")
