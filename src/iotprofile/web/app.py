"""The FastAPI application: middleware, error handling, routers, static files.

``create_app(WebSettings(...))`` opens the database (migrating it) and the catalogs once; every request shares them.
"""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from iotprofile import __version__
from iotprofile.errors import (
    AuthenticationError,
    ExitCode,
    IotprofileError,
    PermissionDeniedError,
    RateLimitedError,
)
from iotprofile.web.context import LoginRequiredError, NotFoundError, WebState
from iotprofile.web.security import BodyLimit, CompleteAllowHeader, SecurityHeaders
from iotprofile.web.settings import WebSettings

API_PREFIX = "/api/v1"
#: The answer to a request body that cannot be parsed (FastAPI's, documented on every operation with a body).
UNPARSABLE_BODY_RESPONSE: dict[str, Any] = {
    "description": "The body cannot be parsed (malformed multipart, JSON or text encoding); nothing stored.",
    "content": {
        "application/json": {
            "schema": {"type": "object", "required": ["detail"], "properties": {"detail": {"type": "string"}}}
        }
    },
}
#: The body of every 422 answer: one line for people, the failing places for programs.
VALIDATION_ERROR_SCHEMA: dict[str, Any] = {
    "title": "ValidationError",
    "type": "object",
    "required": ["detail"],
    "properties": {
        "detail": {"type": "string", "description": "The first problem, as one line naming the place."},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"loc": {"type": "array", "items": {"type": "string"}}, "msg": {"type": "string"}},
            },
        },
    },
}
_STATIC = Path(__file__).parent / "static"


def _status(exc: IotprofileError) -> int:
    """The HTTP status of a domain error."""
    from iotprofile.storage.accounts import DuplicateError
    from iotprofile.storage.interface import ProductTakenError

    if isinstance(exc, AuthenticationError):
        return 401
    if isinstance(exc, PermissionDeniedError):
        return 403
    if isinstance(exc, RateLimitedError):
        return 429
    if isinstance(exc, ProductTakenError | DuplicateError):
        return 409
    if exc.exit_code is ExitCode.NOT_FOUND:
        return 404
    return 422


def _is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX)


def _error_page(request: Request, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    from iotprofile.web.templating import render

    return render(request, "error.html", {"status": status, "message": message}, status=status, headers=headers)


def create_app(settings: WebSettings | None = None) -> FastAPI:
    """The web app on the database and catalogs the settings name."""
    from iotprofile.services import Workspace
    from iotprofile.services.products import open_repository
    from iotprofile.storage.engine import parse_url, sqlite_path

    settings = settings or WebSettings()
    repository = open_repository(settings.database_url)
    data_dir = settings.data_dir
    if data_dir is None:
        database = sqlite_path(parse_url(repository.url)) if repository.url.startswith("sqlite") else None
        data_dir = (
            database.parent / "iotprofile-web"
            if database is not None
            else Path(tempfile.mkdtemp(prefix="iotprofile-web-"))
        )
    data_dir.mkdir(parents=True, exist_ok=True)
    state = WebState(settings, repository, Workspace.open(settings.catalog_dirs), data_dir)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if settings.warm_up:
            # The catalogs, crosswalks and caches live as long as the server: keep them out of the cyclic garbage
            # collector's full passes, which otherwise walk millions of objects and stall every request in flight
            # (gc.freeze, as CPython's documentation advises for long-running servers).
            import gc

            gc.collect()
            gc.freeze()
            # Build the catalog explorer's index while the first user signs in, not during their first search.
            from threading import Thread

            from iotprofile.web.catalog_cache import warm_up

            Thread(target=warm_up, args=(state,), name="iotprofile-warm-up", daemon=True).start()
        try:
            yield
        finally:
            for close in reversed(state.closers):
                close()
            repository.close()

    app = FastAPI(
        title="iotprofile",
        version=__version__,
        summary="IoT product cybersecurity: NIST outcomes, crosswalks, products, assessments, evidence.",
        description=(
            "The REST API of the iotprofile web app. Authenticate with an API token "
            "(`Authorization: Bearer iotp_...`, created on the Tokens page of an organisation) or a browser "
            "session (unsafe methods then need the `X-CSRF-Token` header)."
        ),
        openapi_url=f"{API_PREFIX}/openapi.json",
        # The interactive documentation pages load scripts from a CDN: nothing is fetched at run time here.
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.iotprofile = state

    @app.exception_handler(IotprofileError)
    async def domain_error(request: Request, exc: IotprofileError) -> Response:
        status = _status(exc)
        headers: dict[str, str] = {}
        if isinstance(exc, RateLimitedError):
            headers["Retry-After"] = str(exc.retry_after)
        if isinstance(exc, AuthenticationError) and _is_api(request):
            headers["WWW-Authenticate"] = "Bearer"
        if _is_api(request):
            return JSONResponse({"detail": exc.one_line()}, status_code=status, headers=headers)
        return _error_page(request, status, exc.one_line(), headers)

    @app.exception_handler(LoginRequiredError)
    async def login_required(_request: Request, exc: LoginRequiredError) -> Response:
        return RedirectResponse(f"/login?next={quote(exc.next_url, safe='/')}", status_code=303)

    @app.exception_handler(NotFoundError)
    async def not_found(request: Request, exc: NotFoundError) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": exc.message}, status_code=404)
        return _error_page(request, 404, exc.message)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        errors = exc.errors()
        first = errors[0] if errors else {"loc": (), "msg": "invalid request"}
        place = ".".join(str(part) for part in first.get("loc", ()))
        message = f"{place}: {first.get('msg')}" if place else str(first.get("msg"))
        if _is_api(request):
            return JSONResponse({"detail": message, "errors": _jsonable_errors(errors)}, status_code=422)
        return _error_page(request, 422, message)

    def openapi() -> dict[str, Any]:
        """FastAPI's document, with the validation error body this app really sends (see ``invalid_request``)."""
        if app.openapi_schema is None:
            from fastapi.openapi.utils import get_openapi

            document = get_openapi(title=app.title, version=app.version, summary=app.summary,
                                   description=app.description, routes=app.routes)  # fmt: skip
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            schemas["HTTPValidationError"] = VALIDATION_ERROR_SCHEMA
            schemas.pop("ValidationError", None)
            # A body that cannot be parsed at all (not multipart, not UTF-8 JSON) is refused with 400 before any
            # route runs: say so wherever a body is accepted.
            for operations in document.get("paths", {}).values():
                for operation in operations.values():
                    if isinstance(operation, dict) and "requestBody" in operation:
                        operation.setdefault("responses", {}).setdefault("400", UNPARSABLE_BODY_RESPONSE)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

    from iotprofile.web.routes import ROUTERS

    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=_STATIC), name="static")
    app.add_middleware(CompleteAllowHeader, routes=lambda: app.router.routes)
    app.add_middleware(BodyLimit, limit=settings.max_upload_bytes)
    app.add_middleware(SecurityHeaders)
    if settings.allowed_hosts:
        from starlette.middleware.trustedhost import TrustedHostMiddleware

        app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(settings.allowed_hosts))
    return app


def _jsonable_errors(errors: object) -> list[dict[str, object]]:
    items = errors if isinstance(errors, list | tuple) else []
    return [
        {"loc": [str(part) for part in error.get("loc", ())], "msg": str(error.get("msg", ""))}
        for error in items
        if isinstance(error, dict)
    ]
