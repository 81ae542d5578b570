"""Organisation settings: members and roles, API tokens, and the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from iotprofile.errors import AccountError, PermissionDeniedError
from iotprofile.services import accounts as account_services
from iotprofile.services.accounts import Permission, Role, require
from iotprofile.web.context import PagePrincipal, State, client_ip
from iotprofile.web.templating import render

router = APIRouter(include_in_schema=False)
AUDIT_PAGE = 100


def _settings_page(request: Request, state: State, principal: PagePrincipal, *, message: str | None = None,
                   status: int = 200, new_token: account_services.NewToken | None = None) -> Response:  # fmt: skip
    members = account_services.members(state.repository, principal)
    tokens = account_services.tokens(state.repository, principal)
    return render(request, "settings/index.html", {
        "members": members, "tokens": tokens, "roles": list(Role), "message": message, "new_token": new_token,
        "flash": request.query_params.get("done", ""),
    }, status=status)  # fmt: skip


@router.get("/o/{org}/settings")
def settings(request: Request, state: State, principal: PagePrincipal) -> Response:
    """Members with their roles, and API tokens (the admin sees every member's)."""
    return _settings_page(request, state, principal)


@router.post("/o/{org}/settings/members")
def set_member(
    request: Request,
    state: State,
    principal: PagePrincipal,
    *,
    email: Annotated[str, Form(max_length=320)],
    role: Annotated[Role, Form()],
    name: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    """Add a member (a new account when name and password are given) or change a member's role (admins)."""
    try:
        account_services.add_member(state.repository, principal, email=email, role=role, name=name or None,
                                    password=password or None, ip=client_ip(request))  # fmt: skip
    except PermissionDeniedError:
        raise
    except AccountError as exc:
        return _settings_page(request, state, principal, message=exc.one_line(), status=422)
    return RedirectResponse(f"/o/{principal.organisation}/settings?done=Member+saved", status_code=303)


@router.post("/o/{org}/settings/members/remove")
def remove_member(request: Request, state: State, principal: PagePrincipal,
                  email: Annotated[str, Form(max_length=320)]) -> Response:  # fmt: skip
    """End a membership (admins); the member's tokens in this organisation are revoked too."""
    try:
        account_services.remove_member(state.repository, principal, email=email, ip=client_ip(request))
    except PermissionDeniedError:
        raise
    except AccountError as exc:
        return _settings_page(request, state, principal, message=exc.one_line(), status=422)
    return RedirectResponse(f"/o/{principal.organisation}/settings?done=Member+removed", status_code=303)


@router.post("/o/{org}/settings/tokens")
def create_token(
    request: Request,
    state: State,
    principal: PagePrincipal,
    *,
    name: Annotated[str, Form(max_length=100)],
    days: Annotated[int | None, Form(ge=1, le=3650)] = None,
) -> Response:
    """Create an API token: its secret is shown on this response only."""
    try:
        token = account_services.create_token(state.repository, principal, name=name, days=days,
                                              ip=client_ip(request))  # fmt: skip
    except AccountError as exc:
        return _settings_page(request, state, principal, message=exc.one_line(), status=422)
    # Rendered, not redirected: the secret must not travel in a URL, and is never shown again.
    return _settings_page(request, state, principal, new_token=token, status=201)


@router.post("/o/{org}/settings/tokens/{token_id}/revoke")
def revoke_token(request: Request, state: State, principal: PagePrincipal, token_id: int) -> Response:
    """Revoke a token (one's own; an admin any of the organisation's)."""
    account_services.revoke_token(state.repository, principal, token_id, ip=client_ip(request))
    return RedirectResponse(f"/o/{principal.organisation}/settings?done=Token+revoked", status_code=303)


@router.get("/o/{org}/audit")
def audit_log(request: Request, state: State, principal: PagePrincipal,
              page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> Response:  # fmt: skip
    """Every change in the organisation, newest first (admins)."""
    require(principal, Permission.READ_AUDIT_LOG)
    events = account_services.accounts(state.repository).events(
        principal.organisation, limit=AUDIT_PAGE + 1, offset=(page - 1) * AUDIT_PAGE
    )
    return render(request, "settings/audit.html", {"events": events[:AUDIT_PAGE], "page_number": page,
                                                   "more": len(events) > AUDIT_PAGE})  # fmt: skip
