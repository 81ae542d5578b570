"""The app's routes as data, for the authorization matrix and the bad-input tests.

Every :class:`fastapi.routing.APIRoute` is classified by the authentication dependency it uses (``page_principal``,
``api_principal``, ``api_user``) or, for the few public routes, by an explicit list. A route that is neither is
*unclassified*: a new route that forgot its authentication. Path parameters get plausible values (``org=acme``, the
example router's ID, ...), request bodies a minimal valid example derived from the route's parameters, so a write
gets past validation and reaches the permission check.
"""

from __future__ import annotations

import enum
import re
import types
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import fastapi.routing
from fastapi import FastAPI, UploadFile
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel
from sqlalchemy import create_engine, inspect, text

from iotprofile.web.context import api_principal, api_user, page_principal

from .conftest import ROUTER

#: Routes anyone may call: (method, path).
PUBLIC = {
    ("GET", "/login"),
    ("POST", "/login"),
    ("POST", "/logout"),
    ("GET", "/healthz"),
}
#: Page routes outside organisations that check the session themselves (they redirect to sign in without one).
SELF_CHECKED_PAGES = {("GET", "/")}
#: Plausible values of path parameters by name; other names get "1".
PATH_VALUES = {
    "org": "acme",
    "organisation": "acme",
    "id": ROUTER,
    "product": ROUTER,
    "product_id": ROUTER,
    "cell": "DP-1@router",
    "doc": "nist-ir-8425a",
    "document": "nist-ir-8425a",
    "document_id": "nist-ir-8425a",
    "element": "DP-1",
    "element_id": "DP-1",
    "profile": "nist-ir-8425a",
    "profile_id": "nist-ir-8425a",
    "name": "report.html",
    "filename": "report.html",
    "report": "report.html",
    "format": "html",
    # Token 1 is the viewer's own (which they may revoke): name one that is nobody's.
    "token_id": "987654",
    "kind": "html",
}
#: Plausible values of form fields and JSON properties by name (others: the shortest value of their type). Fields
#: with a default are sent only when named here.
FIELD_VALUES = {
    "verdict": "satisfied",
    "justification": "sample justification",
    "statement": "sample statement",
    "evidence_url": "https://example.com/evidence",
    "url": "https://example.com/evidence",
    "role": "viewer",
    "email": "new.member@acme.example",
    "product_type": "consumer_iot_product",
    "component_kind": "device",
    "profile": "nist-ir-8425a",
    "name": "sample",
}

_EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
#: Valid uploads by form field name (others: a small text file).
UPLOADS = {
    name: ("product.yaml", (_EXAMPLES / "router" / "product.yaml").read_bytes(), "application/yaml")
    for name in ("product_file", "file")
}

#: Form fields of routes that read their form themselves (no declared parameters to derive a sample from).
EXTRA_FILES = {("POST", "/o/{org}/products/{product_id}/file"): {"product_file": UPLOADS["product_file"]}}

#: Writes a viewer may make: (method, path). Every member may create API tokens of their own (acting with their role).
VIEWER_MAY = frozenset({("POST", "/o/{org}/settings/tokens")})


class Kind(enum.Enum):
    PUBLIC = "public"
    PAGE = "page"
    API = "api"
    API_USER = "api-user"
    UNCLASSIFIED = "unclassified"


@dataclass(frozen=True)
class Endpoint:
    """One method of one route, with a concrete URL and a sample request body."""

    method: str
    path: str
    kind: Kind
    #: The APIRoute (or FastAPI's RouteContext of it): ``.path``, ``.dependant``, ``.param_convertors``.
    route: Any = field(compare=False, repr=False)

    @property
    def in_org(self) -> bool:
        return "{org}" in self.path

    def url(self, **overrides: str) -> str:
        values = {**PATH_VALUES, **overrides}
        url = self.path
        for name in self.route.param_convertors:
            url = url.replace("{" + name + ":path}", values.get(name, "1")).replace(
                "{" + name + "}", values.get(name, "1")
            )
        return url

    def __str__(self) -> str:
        return f"{self.method:6} {self.path} [{self.kind.value}]"


def _dependency_calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _dependency_calls(sub)


def classify(route: Any, method: str) -> Kind:
    """How a route authenticates its callers."""
    if (method, route.path) in PUBLIC:
        return Kind.PUBLIC
    calls = set(_dependency_calls(route.dependant))
    if page_principal in calls or (method, route.path) in SELF_CHECKED_PAGES:
        return Kind.PAGE
    if api_principal in calls:
        return Kind.API
    if api_user in calls:
        return Kind.API_USER
    return Kind.UNCLASSIFIED


def api_routes(app: FastAPI) -> Iterator[Any]:
    """Every APIRoute of the app, with its full path (FastAPI >= 0.160 keeps included routers as one route each)."""
    iter_route_contexts = getattr(fastapi.routing, "iter_route_contexts", None)
    if iter_route_contexts is None:  # older FastAPI: included routes are copied into app.routes
        yield from (route for route in app.routes if isinstance(route, APIRoute))
        return
    for context in iter_route_contexts(app.routes):
        if isinstance(context.original_route, APIRoute):
            yield context


def endpoints(app: FastAPI) -> list[Endpoint]:
    """Every method of every APIRoute of the app (HEAD left out: Starlette derives it from GET)."""
    found = [
        Endpoint(method, route.path, classify(route, method), route)
        for route in api_routes(app)
        for method in sorted(set(route.methods) - {"HEAD"})
    ]
    return sorted(found, key=lambda endpoint: (endpoint.path, endpoint.method))


# Sample request bodies --------------------------------------------------------------------------------------------


def _unwrap(annotation: Any) -> Any:
    """The first non-None member of an Optional/Union, the inner type of Annotated."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin is typing.Union or origin is types.UnionType:
        members = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return _unwrap(members[0]) if members else str
    return annotation


def _form_value(annotation: Any, min_length: int) -> str:
    kind = _unwrap(annotation)
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return str(next(iter(kind)).value)
    if kind is bool:
        return "on"
    if kind in (int, float):
        return "1"
    if typing.get_origin(kind) is typing.Literal:
        return str(typing.get_args(kind)[0])
    return "x" * max(min_length, 1)


def _is_upload(annotation: Any) -> bool:
    kind = _unwrap(annotation)
    if typing.get_origin(kind) in (list, typing.List):  # noqa: UP006
        kind = _unwrap(typing.get_args(kind)[0])
    return kind in (UploadFile, bytes) or (isinstance(kind, type) and issubclass(kind, UploadFile))


def _min_length(field_info: Any) -> int:
    for item in getattr(field_info, "metadata", []):
        value = getattr(item, "min_length", None)
        if isinstance(value, int):
            return value
    return 0


def sample_json(schema: dict[str, Any], defs: dict[str, Any]) -> Any:
    """A minimal instance of a JSON schema (required properties only, first enum value, shortest strings)."""
    if "$ref" in schema:
        return sample_json(defs[schema["$ref"].rsplit("/", 1)[-1]], defs)
    for key in ("examples",):
        if schema.get(key):
            return schema[key][0]
    if "default" in schema:
        return schema["default"]
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [option for option in schema[key] if option.get("type") != "null"]
            return sample_json(options[0], defs) if options else None
    kind = schema.get("type", "object")
    if kind == "object":
        properties = schema.get("properties", {})
        return {name: _named(name, properties[name], defs) for name in schema.get("required", []) if name in properties}
    if kind == "array":
        return [sample_json(schema.get("items", {}), defs) for _ in range(schema.get("minItems", 0))]
    if kind == "string":
        return _string(schema)
    if kind == "integer":
        return max(int(schema.get("minimum", 1)), 1)
    if kind == "number":
        return float(schema.get("minimum", 1))
    if kind == "boolean":
        return False
    return None


_CANDIDATES = ["x", "qa-sample", "sample", "a1", "1", "https://example.com/x", "qa@example.com", "2026-01-01"]


def _string(schema: dict[str, Any]) -> str:
    """The first candidate that fits the string's pattern and length (the shortest "x...x" when none does)."""
    low: int = max(schema.get("minLength", 1), 1)
    high: int = schema.get("maxLength", 10_000)
    pattern = schema.get("pattern")
    for candidate in _CANDIDATES:
        if low <= len(candidate) <= high and (pattern is None or re.search(pattern, candidate)):
            return candidate
    return "x" * low


def _named(name: str, schema: dict[str, Any], defs: dict[str, Any]) -> Any:
    value = sample_json(schema, defs)
    hinted = FIELD_VALUES.get(name)
    if hinted is None or not isinstance(value, str) or schema.get("enum"):
        return value
    pattern = schema.get("pattern")
    return hinted if pattern is None or re.search(pattern, hinted) else value


@dataclass
class Body:
    """What to send: form fields and files (pages, multipart API routes) or JSON."""

    data: dict[str, str] = field(default_factory=dict)
    files: dict[str, tuple[str, bytes, str]] = field(default_factory=dict)
    json: Any = None

    def request_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {}
        if self.json is not None:
            kwargs["json"] = self.json
        if self.data:
            kwargs["data"] = self.data
        if self.files:
            kwargs["files"] = self.files
        return kwargs


def sample_body(endpoint: Endpoint) -> Body:
    """A body the route's validation accepts (as far as the parameters tell)."""
    body = Body(files=dict(EXTRA_FILES.get((endpoint.method, endpoint.path), {})))
    for param in endpoint.route.dependant.body_params:
        info = param.field_info
        annotation = info.annotation
        name = param.alias or param.name
        if _is_upload(annotation):
            body.files[name] = UPLOADS.get(name) or ("sample.txt", b"sample evidence\n", "text/plain")
            continue
        model = _unwrap(annotation)
        if isinstance(model, type) and issubclass(model, BaseModel):
            schema = model.model_json_schema()
            value = sample_json(schema, schema.get("$defs", {}))
            if len(endpoint.route.dependant.body_params) == 1 and not _embedded(info):
                body.json = value
            else:
                body.json = {**(body.json or {}), name: value}
            continue
        if type(info).__name__ in ("Form", "File"):
            if name in FIELD_VALUES:
                body.data[name] = FIELD_VALUES[name]
            elif param.field_info.is_required():
                body.data[name] = _form_value(annotation, _min_length(info))
        else:
            schema_value = sample_json({"type": "string"}, {})
            body.json = {**(body.json or {}), name: schema_value}
    return body


def _embedded(info: Any) -> bool:
    return bool(getattr(info, "embed", False))


# Database snapshots -----------------------------------------------------------------------------------------------


def row_counts(url: str) -> dict[str, int]:
    """Rows per table, leaving out what reading and signing in write (sessions, sign-in audit events)."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            counts = {}
            for table in sorted(inspect(connection).get_table_names()):
                if table in {"sessions", "alembic_version"}:
                    continue
                query = f'SELECT COUNT(*) FROM "{table}"'  # table names come from the schema
                if table == "audit_events":
                    query += (
                        " WHERE action NOT LIKE 'login.%' AND action NOT LIKE 'logout%' AND action NOT LIKE 'session.%'"
                    )
                counts[table] = int(connection.execute(text(query)).scalar_one())
            return counts
    finally:
        engine.dispose()
