"""Signing in and out, and the landing page."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from iotprofile.errors import AuthenticationError, RateLimitedError
from iotprofile.services import accounts as account_services
from iotprofile.web.context import (
    LOGIN_CSRF_COOKIE,
    SECURE_SESSION_COOKIE,
    SESSION_COOKIE,
    LoginRequiredError,
    PagePrincipal,
    State,
    client_ip,
    current_session,
    secure_cookies,
    session_token,
    submitted_csrf,
)
from iotprofile.web.security import same_secret
from iotprofile.web.templating import render

router = APIRouter(include_in_schema=False)


def _local(next_url: str | None) -> str:
    """Only a path on this site (no scheme, no ``//host``): an open redirect would help phishing."""
    if next_url and next_url.startswith("/") and not next_url.startswith(("//", "/\\")):
        return next_url
    return "/"


def _login_page(request: Request, *, next_url: str, message: str | None = None, status: int = 200,
                email: str = "", headers: dict[str, str] | None = None) -> Response:  # fmt: skip
    # Login CSRF: a double-submitted random value (a cookie and a hidden field) before any session exists.
    token = secrets.token_urlsafe(32)
    response = render(request, "login.html", {"next": next_url, "message": message, "login_csrf": token,
                                              "email": email}, status=status, headers=headers)  # fmt: skip
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=secure_cookies(request),
                        max_age=3600)  # fmt: skip
    return response


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> Response:
    """The sign-in form."""
    return _login_page(request, next_url=_local(next))


@router.post("/login")
def login(
    request: Request,
    state: State,
    *,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1024)],
    login_csrf: Annotated[str, Form(max_length=100)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Check the password, start a session, go where the user was going."""
    target = _local(next)
    if not same_secret(login_csrf, request.cookies.get(LOGIN_CSRF_COOKIE, "\x00")):
        return _login_page(request, next_url=target, status=403, email=email,
                           message="The sign-in form expired or came from another site; please try again.")  # fmt: skip
    try:
        signed_in = account_services.sign_in(state.repository, email, password, ip=client_ip(request))
    except RateLimitedError as exc:
        return _login_page(request, next_url=target, status=429, email=email, message=exc.message.capitalize() + ".",
                           headers={"Retry-After": str(exc.retry_after)})  # fmt: skip
    except AuthenticationError:
        return _login_page(request, next_url=target, status=401, email=email, message="Wrong e-mail or password.")
    response = RedirectResponse(target, status_code=303)
    secure = secure_cookies(request)
    response.set_cookie(
        SECURE_SESSION_COOKIE if secure else SESSION_COOKIE,
        signed_in.token,
        max_age=int(account_services.SESSION_LIFETIME.total_seconds()),
        httponly=True,
        secure=secure,
        samesite="lax",
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout")
async def logout(request: Request, state: State) -> Response:
    """End the session (the form carries the session's CSRF token)."""
    from starlette.concurrency import run_in_threadpool

    token = session_token(request)
    stored = await run_in_threadpool(current_session, request)
    if token and stored is not None and same_secret(await submitted_csrf(request), stored.csrf_token):
        await run_in_threadpool(account_services.sign_out, state.repository, token, ip=client_ip(request))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    response.delete_cookie(SECURE_SESSION_COOKIE, secure=True)
    return response


@router.get("/")
def home(request: Request, state: State) -> Response:
    """The first organisation's products, or a note when the user belongs to none."""
    stored = current_session(request)
    if stored is None:
        raise LoginRequiredError("/")
    memberships = account_services.accounts(state.repository).memberships(stored.user.id)
    if memberships:
        return RedirectResponse(f"/o/{memberships[0][0].id}/products", status_code=303)
    return render(request, "error.html", {"status": 200, "message": "You are not a member of any organisation yet; "
                                          "ask an administrator to add you."})  # fmt: skip


@router.get("/o/{org}/")
def organisation_home(principal: PagePrincipal) -> Response:
    """An organisation's landing page is its product list."""
    return RedirectResponse(f"/o/{principal.organisation}/products", status_code=303)


@router.get("/healthz")
def health() -> dict[str, str]:
    """Liveness for load balancers and the test harness (no data, no authentication)."""
    return {"status": "ok"}
