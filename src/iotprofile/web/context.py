"""Per-app state and the request dependencies every route uses: who is asking, in which organisation, may they.

Pages and the API authenticate differently:

- pages: the session cookie; no session redirects to the sign-in page; every unsafe request must carry the
  session's CSRF token (form field ``csrf_token`` or header ``X-CSRF-Token``);
- API: ``Authorization: Bearer iotp_...`` (a token belongs to one organisation), or the session cookie with the
  ``X-CSRF-Token`` header for unsafe methods; neither answers 401.

An organisation the principal is not a member of answers 404 (never 403: its existence is not disclosed).

The principal dependencies are ``async`` and query the database on the event loop: one indexed query of well under
a millisecond, cheaper than a hop to a worker thread and free of the GIL contention 40 busy threads cause. Anything
slow (building a plan, a report, a check run) runs in worker threads.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from threading import Lock, RLock
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Request

from iotprofile.errors import AuthenticationError, PermissionDeniedError
from iotprofile.services import accounts as account_services
from iotprofile.services.accounts import Permission, Principal, allowed
from iotprofile.web.security import same_secret

if TYPE_CHECKING:
    from iotprofile.services import Workspace
    from iotprofile.storage.accounts import StoredSession
    from iotprofile.storage.repository import SqlRepository
    from iotprofile.web.settings import WebSettings

#: Cookie names: ``__Host-`` (Secure, host-only, path /) when cookies are secure; browsers refuse that prefix on
#: plain HTTP, so loopback HTTP uses the plain name.
SESSION_COOKIE = "iotprofile-session"
SECURE_SESSION_COOKIE = "__Host-iotprofile-session"
LOGIN_CSRF_COOKIE = "iotprofile-login-csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class WebState:
    """What one app instance shares between requests: settings, the database, the catalogs and caches."""

    settings: WebSettings
    repository: SqlRepository
    workspace: Workspace
    data_dir: Path
    #: Derived views keyed by what they derive from (``assessment_version`` and the like), least recently used last.
    cache: OrderedDict[Any, Any] = field(default_factory=OrderedDict)
    cache_lock: Lock = field(default_factory=Lock)
    #: One lock per key being computed, so concurrent misses compute once (re-entrant: a computation may look up
    #: its own key again through a service's memo).
    computing: dict[Any, RLock] = field(default_factory=dict)
    #: Things routes register at start-up (the check-run executor, ...), closed at shutdown.
    closers: list[Any] = field(default_factory=list)

    async def acached(self, key: Any, compute: Any, *, limit: int = 512) -> Any:
        """:meth:`cached` for async routes: a hit is returned at once, a miss is computed in a worker thread."""
        with self.cache_lock:
            if key in self.cache:
                return self.cache[key]
        from starlette.concurrency import run_in_threadpool

        return await run_in_threadpool(self.cached, key, compute, limit=limit)

    def cached(self, key: Any, compute: Any, *, limit: int = 512) -> Any:
        """``compute()`` once per key, even when many requests miss at once (the others wait for the first).

        The least recently used entry is dropped past ``limit``; keys carry the versions of what they derive from,
        so an entry is never stale, only unused.
        """
        with self.cache_lock:
            if key in self.cache:
                self.cache.move_to_end(key)
                return self.cache[key]
            computing = self.computing.setdefault(key, RLock())
        with computing:
            with self.cache_lock:
                if key in self.cache:
                    return self.cache[key]
            value = compute()
            with self.cache_lock:
                self.cache[key] = value
                while len(self.cache) > limit:
                    self.cache.popitem(last=False)
                self.computing.pop(key, None)
        return value


class LoginRequiredError(Exception):
    """A page needs a signed-in user: answered with a redirect to the sign-in page."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


class NotFoundError(Exception):
    """Answered 404: the thing does not exist, or belongs to an organisation the principal is not in."""

    def __init__(self, message: str = "not found") -> None:
        super().__init__(message)
        self.message = message


async def web_state(request: Request) -> WebState:
    """The app's :class:`WebState` (async: a plain attribute read needs no worker thread)."""
    state: WebState = request.app.state.iotprofile
    return state


State = Annotated[WebState, Depends(web_state)]


def app_state(request: Request) -> WebState:
    """The app's :class:`WebState`, for code that is not a dependency."""
    state: WebState = request.app.state.iotprofile
    return state


def client_ip(request: Request) -> str | None:
    """The client's address (as the ASGI server reports it; behind a proxy, run uvicorn with --proxy-headers)."""
    return request.client.host if request.client else None


def secure_cookies(request: Request) -> bool:
    """Whether this request's cookies are set Secure (see :attr:`WebSettings.secure_cookies`)."""
    configured = app_state(request).settings.secure_cookies
    return request.url.scheme == "https" if configured is None else configured


def session_token(request: Request) -> str | None:
    """The session cookie's value, if any."""
    return request.cookies.get(SECURE_SESSION_COOKIE) or request.cookies.get(SESSION_COOKIE)


def current_session(request: Request) -> StoredSession | None:
    """The request's live session (looked up once per request), or None."""
    if hasattr(request.state, "session"):
        found: StoredSession | None = request.state.session
        return found
    token = session_token(request)
    found = account_services.session(app_state(request).repository, token) if token else None
    request.state.session = found
    return found


async def submitted_csrf(request: Request) -> str | None:
    """The CSRF token an unsafe request carries: the ``X-CSRF-Token`` header or the form field ``csrf_token``."""
    if request.method in SAFE_METHODS:
        return None
    header = request.headers.get("x-csrf-token")
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get("csrf_token")
        return value if isinstance(value, str) else None
    return None


def _check_csrf(request: Request, stored: StoredSession, submitted: str | None) -> None:
    if request.method not in SAFE_METHODS and not same_secret(submitted, stored.csrf_token):
        raise PermissionDeniedError("the form is out of date or was not sent by this site (CSRF check failed)",
                                    tip="reload the page and try again")  # fmt: skip


async def page_principal(request: Request, org: str, csrf: Annotated[str | None, Depends(submitted_csrf)]) -> Principal:
    """The signed-in member of ``org`` a page serves; redirect to sign in, 404 for non-members, CSRF on writes."""
    token = session_token(request)
    stored, principal = (
        account_services.session_principal(app_state(request).repository, token, org) if token else (None, None)
    )
    request.state.session = stored
    if stored is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequiredError(target if request.method in SAFE_METHODS else f"/o/{org}/")
    if principal is None:
        raise NotFoundError(f"no organisation {org!r}")
    _check_csrf(request, stored, csrf)
    request.state.principal = principal
    return principal


async def api_principal(request: Request, org: str, csrf: Annotated[str | None, Depends(submitted_csrf)]) -> Principal:
    """The API caller in ``org``: a bearer token of that organisation, or a session (with CSRF header on writes)."""
    repository = app_state(request).repository
    principal = _bearer_principal(request)
    if principal is not None:
        if principal.organisation != org:
            raise NotFoundError(f"no organisation {org!r}")
    else:
        token = session_token(request) or ""
        if not token:
            raise AuthenticationError("sign in or send an API token (Authorization: Bearer iotp_...)")
        stored_in, found = account_services.session_principal(repository, token, org)
        if stored_in is None:
            raise AuthenticationError("sign in or send an API token (Authorization: Bearer iotp_...)")
        if found is None:
            raise NotFoundError(f"no organisation {org!r}")
        _check_csrf(request, stored_in, csrf)
        request.state.session = stored_in
        principal = found
    request.state.principal = principal
    return principal


def _bearer_principal(request: Request) -> Principal | None:
    """The principal of the request's ``Authorization: Bearer`` token; None without the header, 401 if it is bad."""
    authorization = request.headers.get("authorization", "")
    if not authorization:
        return None
    scheme, _, secret = authorization.partition(" ")
    repository = app_state(request).repository
    principal = account_services.token_principal(repository, secret.strip()) if scheme.lower() == "bearer" else None
    if principal is None:
        raise AuthenticationError("the API token is unknown, expired or revoked")
    return principal


PagePrincipal = Annotated[Principal, Depends(page_principal)]
ApiPrincipal = Annotated[Principal, Depends(api_principal)]


def may(principal: Principal, permission: Permission) -> bool:
    """Whether the principal may (for showing or hiding forms; the services enforce it again)."""
    return allowed(principal.role, permission)


async def api_user(request: Request, csrf: Annotated[str | None, Depends(submitted_csrf)]) -> Principal | StoredSession:
    """Any signed-in caller, for routes outside organisations (catalogs, crosswalks): a token or a session."""
    principal = _bearer_principal(request)
    if principal is not None:
        return principal
    stored = current_session(request)
    if stored is None:
        raise AuthenticationError("sign in or send an API token (Authorization: Bearer iotp_...)")
    _check_csrf(request, stored, csrf)
    return stored


ApiUser = Annotated["Principal | StoredSession", Depends(api_user)]
