"""The assessment matrix (components x sub-outcomes) and the cell page (requirements, evidence, history, record)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup

from iotprofile.assessment.model import Verdict
from iotprofile.errors import AssessmentError, PermissionDeniedError
from iotprofile.reports.assessment.view import ReportView
from iotprofile.services.organisation import (
    AssessmentKey,
    assessment_key,
    assessment_view,
    find_cell,
    record_cell_verdict,
)
from iotprofile.web.context import PagePrincipal, State, WebState, client_ip
from iotprofile.web.templating import environment, render

router = APIRouter(include_in_schema=False)

#: Short verdict texts for the dense matrix (the full label is the cell link's accessible name and title).
SHORT_LABELS = {
    Verdict.SATISFIED: "Met",
    Verdict.PARTIALLY_SATISFIED: "Partly",
    Verdict.NOT_SATISFIED: "Not met",
    Verdict.NOT_APPLICABLE: "N/A",
    Verdict.NOT_ASSESSED: "Open",
    Verdict.ERROR: "Error",
}


def view_for(state: WebState, key: AssessmentKey) -> ReportView:
    """The (memoised) assessment view of a product version."""
    return assessment_view(state.repository, state.workspace, key, memo=state.cached)


async def view_async(state: WebState, key: AssessmentKey) -> ReportView:
    """:func:`view_for` for async routes: a cached view at once, else built in a worker thread."""
    view: ReportView = await state.acached(("view", key), lambda: view_for(state, key))
    return view


async def matrix_html(state: WebState, key: AssessmentKey) -> Markup:
    """The matrix table, rendered once per assessment version (the same for every member of the organisation)."""

    def build() -> Markup:
        template = environment().get_template("assessment/_matrix.html")
        html = template.render(view=view_for(state, key), org=key.organisation, short=SHORT_LABELS)
        return Markup(html)  # noqa: S704 (rendered by the autoescaping environment)

    result: Markup = await state.acached(("matrix-html", key), build)
    return result


@router.get("/o/{org}/products/{product_id}/assessment")
async def matrix_page(request: Request, state: State, principal: PagePrincipal, product_id: str) -> Response:
    """The matrix: each applicable cell coloured by verdict, with a symbol and text, linking to its page."""
    key = assessment_key(state.repository, principal, product_id)
    view = await view_async(state, key)
    matrix = await matrix_html(state, key)
    context = {"view": view, "matrix": matrix, "key": key, "short": SHORT_LABELS}
    return render(request, "assessment/matrix.html", context)


def _cell_page(request: Request, state: WebState, key: AssessmentKey, cell: str, *, message: str | None = None,
               status: int = 200, form: dict[str, str] | None = None) -> Response:  # fmt: skip
    view = view_for(state, key)
    found = find_cell(view, cell)
    return render(request, "assessment/cell.html", {
        "view": view, "cell": found, "key": key, "message": message, "form": form or {},
        "recorded": request.query_params.get("recorded") == "1",
    }, status=status)  # fmt: skip


@router.get("/o/{org}/products/{product_id}/cells/{cell}")
async def cell_page(request: Request, state: State, principal: PagePrincipal, product_id: str, cell: str) -> Response:
    """One cell: its sub-outcome, why it applies, the requirements that inform it, its history, and the form."""
    key = assessment_key(state.repository, principal, product_id)
    await view_async(state, key)
    return _cell_page(request, state, key, cell)


@router.post("/o/{org}/products/{product_id}/cells/{cell}")
def record_from_form(
    request: Request,
    state: State,
    principal: PagePrincipal,
    product_id: str,
    cell: str,
    *,
    verdict: Annotated[str, Form(max_length=40)] = "",
    justification: Annotated[str, Form(max_length=10_000)] = "",
    statement: Annotated[str, Form(max_length=10_000)] = "",
    evidence_url: Annotated[str, Form(max_length=2_000)] = "",
    evidence_file: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    """Record a verdict (or add evidence to an undecided cell); on success back to the cell page (303)."""
    key = assessment_key(state.repository, principal, product_id)
    view = view_for(state, key)
    found = find_cell(view, cell)
    form = {"verdict": verdict, "justification": justification, "statement": statement, "evidence_url": evidence_url}
    if not verdict:
        return _cell_page(request, state, key, cell, message="choose a verdict, or 'Evidence only'", status=422,
                          form=form)  # fmt: skip
    try:
        # "evidence": add evidence without deciding (the API omits the verdict for that).
        chosen = None if verdict == "evidence" else Verdict(verdict)
    except ValueError:
        return _cell_page(request, state, key, cell, message=f"unknown verdict {verdict!r}", status=422, form=form)
    files = [(upload.filename or "evidence", upload.file.read()) for upload in evidence_file or [] if upload.filename]
    try:
        record_cell_verdict(state.repository, state.workspace, principal, product_id, cell=found.key, verdict=chosen,
                            justification=justification.strip() or None,
                            statements=[statement.strip()] if statement.strip() else [],
                            urls=[evidence_url.strip()] if evidence_url.strip() else [], files=files,
                            ip=client_ip(request), current=found.verdict)  # fmt: skip
    except PermissionDeniedError:
        raise
    except AssessmentError as exc:
        return _cell_page(request, state, key, cell, message=exc.one_line(), status=422, form=form)
    return RedirectResponse(f"/o/{principal.organisation}/products/{product_id}/cells/{found.key}?recorded=1",
                            status_code=303)  # fmt: skip
