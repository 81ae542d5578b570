"""Property-based tests of the REST API against its own OpenAPI document (Schemathesis, in process over ASGI).

For every operation of ``/api/v1/openapi.json`` Schemathesis generates requests (valid ones, then invalid ones) and
checks each answer: never a server error, a documented status code, a documented content type, and a body that
matches the documented schema. It runs as the acme admin (whose writes succeed and are then read back by later
examples) and as the viewer (whose writes must be refused with a documented status), on one fresh database.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from iotprofile.web.app import create_app
from iotprofile.web.settings import WebSettings

from .conftest import ROUTER, USERS, WebEnv, populate

#: Examples per operation and generation mode: enough to find shallow bugs, few enough for < 2 minutes.
MAX_EXAMPLES = 25
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
#: Negative examples (invalid input) must be refused with a documented 4xx whose body matches its schema (a body
#: that cannot be parsed at all answers 400, documented on every operation with a body).
NEGATIVE_CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


@dataclass
class ApiUnderTest:
    app: FastAPI
    schema: Any
    tokens: dict[str, str]


@pytest.fixture(scope="module")
def api_under_test(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiUnderTest]:
    """A fresh, populated database and the app on it, shared by this module's tests."""
    tmp: Path = tmp_path_factory.mktemp("openapi")
    url = f"sqlite:///{tmp / 'web.db'}"
    populate(url)
    env = WebEnv(url, WebSettings(database_url=url, data_dir=tmp / "data", max_upload_bytes=1 << 20), tmp)
    tokens = {role: env.token(USERS[role]) for role in ("admin", "viewer")}
    app = create_app(env.settings)
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    yield ApiUnderTest(app, schema, tokens)
    app.state.iotprofile.repository.close()


def _operations(schema: Any) -> list[Any]:
    operations = []
    for result in schema.get_all_operations():
        operation = result.ok()  # raises when the document has an operation Schemathesis cannot read
        operations.append(operation)
    return operations


def _exercise(operation: Any, token: str, mode: schemathesis.GenerationMode, checks: list[Any]) -> None:
    """Run ``MAX_EXAMPLES`` generated requests of one operation, as one caller; raises on the first failure."""
    # Some examples name acme and the example router, so routes answer more than 404; the others are free (an
    # unknown organisation or product must answer a documented 404).
    names = {parameter.name for parameter in operation.path_parameters}
    acme = {"org": "acme", "id": ROUTER, "product_id": ROUTER}
    known = {name: value for name, value in acme.items() if name in names}
    strategy = operation.as_strategy(generation_mode=mode)
    if known:
        strategy = st.one_of(
            operation.as_strategy(generation_mode=mode, path_parameters=known),
            operation.as_strategy(generation_mode=mode, path_parameters={"org": "acme"} if "org" in known else {}),
            strategy,
        )

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(case=strategy)
    def run(case: Any) -> None:
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=checks)

    run()


@pytest.mark.parametrize("role", ["admin", "viewer"])
def test_api_conforms_to_its_openapi_document(api_under_test: ApiUnderTest, role: str) -> None:
    token = api_under_test.tokens[role]
    operations = _operations(api_under_test.schema)
    assert operations, "the OpenAPI document lists no operations"
    failures: list[str] = []
    for operation in operations:
        for mode, checks in (
            (schemathesis.GenerationMode.POSITIVE, CHECKS),
            (schemathesis.GenerationMode.NEGATIVE, NEGATIVE_CHECKS),
        ):
            try:
                _exercise(operation, token, mode, checks)
            except Unsatisfiable:
                continue  # nothing to make invalid (path parameters only, any string valid)
            except BaseException as exc:  # Schemathesis raises exception groups; collect all, then report
                if isinstance(exc, KeyboardInterrupt | SystemExit):
                    raise
                failures.append(f"{operation.method.upper()} {operation.path} ({mode.value}, {role}): {exc}")
    print(f"\n{len(operations)} operations, {MAX_EXAMPLES} examples each, valid and invalid input, as {role}:")
    for operation in operations:
        print(f"  {operation.method.upper():6} {operation.path}")
    assert not failures, "\n\n".join(failures)


def test_openapi_document_is_complete(api_under_test: ApiUnderTest) -> None:
    """Every API route is in the document, with its error answers described."""
    from fastapi.testclient import TestClient

    with TestClient(api_under_test.app, base_url="http://127.0.0.1") as client:
        document = client.get("/api/v1/openapi.json").json()
    missing_errors = []
    for path, item in document["paths"].items():
        assert path.startswith("/api/v1/"), f"{path} is not under /api/v1"
        for method, operation in item.items():
            responses = operation.get("responses", {})
            if "{" in path and "404" not in responses:
                missing_errors.append(f"{method.upper()} {path}: no 404 documented")
            if not any(code.startswith("2") for code in responses):
                missing_errors.append(f"{method.upper()} {path}: no success answer documented")
    assert not missing_errors, missing_errors


def test_malformed_multipart_is_documented(api_under_test: ApiUnderTest) -> None:
    """Every multipart operation answers a malformed body with a status its document lists."""
    from fastapi.testclient import TestClient

    with TestClient(api_under_test.app, base_url="http://127.0.0.1") as client:
        document = client.get("/api/v1/openapi.json").json()
        token = api_under_test.tokens["admin"]
        undocumented = []
        for path, item in document["paths"].items():
            for method, operation in item.items():
                content = operation.get("requestBody", {}).get("content", {})
                if "multipart/form-data" not in content:
                    continue
                url = path.replace("{org}", "acme").replace("{product_id}", ROUTER).replace("{cell}", "DP-1@router")
                response = client.request(method, url, content=b"--b\r\n[]--b--\r\n", headers={
                    "Authorization": f"Bearer {token}", "Content-Type": "multipart/form-data; boundary=b"})  # fmt: skip
                if str(response.status_code) not in operation["responses"]:
                    undocumented.append(f"{method.upper()} {path}: {response.status_code} {response.text}")
    assert not undocumented, undocumented
