"""Check-run pages: upload an SBOM or a firmware image, follow the run, see its findings."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from iotprofile.services import check_runs
from iotprofile.web.context import PagePrincipal, State, WebState, client_ip
from iotprofile.web.jobs import jobs
from iotprofile.web.templating import render

router = APIRouter(include_in_schema=False)


def schedule(state: WebState, run_id: str) -> None:
    """Check the run in the background."""
    jobs(state).submit(check_runs.execute, state.repository, state.workspace, run_id, work_dir=state.data_dir,
                       vulndb=state.settings.vulndb)  # fmt: skip


@router.get("/o/{org}/checks")
def run_list(request: Request, state: State, principal: PagePrincipal) -> Response:
    """The upload form and the organisation's runs, newest first."""
    jobs(state)
    found = check_runs.list_runs(state.repository, principal)
    targets = check_runs.attach_targets(state.repository, principal)
    return render(request, "checks/list.html", {"runs": found, "targets": targets, "kinds": check_runs.KINDS})


@router.post("/o/{org}/checks")
def start(
    *,
    request: Request,
    state: State,
    principal: PagePrincipal,
    org: str,
    kind: Annotated[str, Form(max_length=20)],
    file: Annotated[UploadFile, File()],
    product: Annotated[str, Form(max_length=200)] = "",
    component: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Store the upload as a queued run, schedule it and go to its page."""
    jobs(state)
    run = check_runs.start_run(state.repository, principal, kind=kind, filename=file.filename or kind,
                               content=file.file.read(), product_id=product, component=component,
                               ip=client_ip(request))  # fmt: skip
    schedule(state, run.id)
    return RedirectResponse(f"/o/{org}/checks/{run.id}", status_code=303)


@router.get("/o/{org}/checks/{run_id}")
def run_page(request: Request, state: State, principal: PagePrincipal, run_id: str) -> Response:
    """A run: its status (refreshed by app.js while it is queued or running) and, once done, its findings."""
    jobs(state)
    found = check_runs.get_run(state.repository, principal, run_id)
    return render(request, "checks/run.html", {"run": found, "details": check_runs.details(found)})
