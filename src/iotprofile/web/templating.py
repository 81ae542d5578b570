"""Server-rendered pages: one Jinja2 environment (autoescaped everywhere) and the context every page gets."""

from __future__ import annotations

import time
from functools import cache
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse

from iotprofile.assessment.model import Verdict
from iotprofile.services.accounts import Permission, Principal, allowed
from iotprofile.templating import template_environment
from iotprofile.web.context import app_state, current_session

#: Text shown for each verdict, beside its colour and symbol: verdicts never rely on colour alone.
VERDICT_LABELS = {
    Verdict.SATISFIED: "Satisfied",
    Verdict.PARTIALLY_SATISFIED: "Partially satisfied",
    Verdict.NOT_SATISFIED: "Not satisfied",
    Verdict.NOT_APPLICABLE: "Not applicable",
    Verdict.NOT_ASSESSED: "Not assessed",
    Verdict.ERROR: "Error",
}
#: A symbol per verdict, for dense tables (with the label as its accessible name).
VERDICT_SYMBOLS = {
    Verdict.SATISFIED: "\u2713",
    Verdict.PARTIALLY_SATISFIED: "\u25d0",
    Verdict.NOT_SATISFIED: "\u2717",
    Verdict.NOT_APPLICABLE: "\u2013",
    Verdict.NOT_ASSESSED: "?",
    Verdict.ERROR: "!",
}


@cache
def environment() -> jinja2.Environment:
    """The pages' environment: autoescape on for every template, undefined names are errors."""
    env = template_environment(jinja2.PackageLoader("iotprofile.web", "templates"))
    env.globals["verdict_label"] = lambda verdict: VERDICT_LABELS[Verdict(verdict)]
    env.globals["verdict_symbol"] = lambda verdict: VERDICT_SYMBOLS[Verdict(verdict)]
    env.globals["verdicts"] = list(Verdict)
    env.globals["Permission"] = Permission
    return env


def render(request: Request, template: str, context: dict[str, Any] | None = None, *, status: int = 200,
           headers: dict[str, str] | None = None) -> HTMLResponse:  # fmt: skip
    """Render a page with the common context: the principal, the session's CSRF token, the user's organisations."""
    principal: Principal | None = getattr(request.state, "principal", None)
    stored = current_session(request)
    organisations: list[Any] = []
    if stored is not None:
        from iotprofile.services.accounts import accounts

        state = app_state(request)
        user_id = stored.user.id
        # Only the navigation's organisation switcher uses this list (authorisation never does), so it may be up
        # to 30 s old: one query less on every page.
        organisations = state.cached(
            ("memberships", user_id, int(time.monotonic() // 30)),
            lambda: [org for org, _ in accounts(state.repository).memberships(user_id)],
        )
    values: dict[str, Any] = {
        "request": request,
        "principal": principal,
        "user": stored.user if stored else None,
        "csrf_token": stored.csrf_token if stored else "",
        "organisations": organisations,
        "org": principal.organisation if principal else None,
        "may": (lambda permission: allowed(principal.role, permission)) if principal else (lambda _permission: False),
    }
    values.update(context or {})
    html = environment().get_template(template).render(values)
    return HTMLResponse(html, status_code=status, headers=headers)
