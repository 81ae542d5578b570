"""``/api/v1/orgs/{org}/checks``: check runs (upload an SBOM or a firmware image, follow it, read its findings)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Request, UploadFile
from pydantic import BaseModel, Field

from iotprofile.services import check_runs
from iotprofile.storage.runs import CheckRun
from iotprofile.web.api.errors import ErrorOut
from iotprofile.web.context import ApiPrincipal, State, client_ip
from iotprofile.web.jobs import jobs
from iotprofile.web.routes.checks import schedule

router = APIRouter(prefix="/api/v1/orgs/{org}", tags=["check runs"])


_ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": ErrorOut, "description": "No valid token or session."},
    403: {"model": ErrorOut, "description": "The role may not do this."},
    404: {"model": ErrorOut, "description": "No such organisation, run or product (in this organisation)."},
    413: {"model": ErrorOut, "description": "The upload is larger than the server accepts."},
    422: {"model": ErrorOut, "description": "Bad input (empty file, unknown check, unknown component, ...)."},
}


class FindingOut(BaseModel):
    """One finding of a finished run."""

    rule: str
    title: str
    severity: str
    observed: str
    elements: list[str] = Field(description="IR 8425/8425A sub-outcomes it bears on.")
    location: str | None
    proposes: str | None = Field(description="The verdict the finding proves, if any.")


class CheckRunSummaryOut(BaseModel):
    """A run of the list."""

    id: str
    kind: Literal["sbom", "firmware"]
    filename: str
    input_sha256: str
    status: Literal["queued", "running", "done", "error"]
    product: str | None = Field(description="Product whose assessment the findings are attached to.")
    component: str | None
    created_by: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    error: str | None = Field(description="Why the run ended in error (one line).")


class CheckRunOut(CheckRunSummaryOut):
    """A run with what it found (empty until it is done)."""

    findings: list[FindingOut]
    inventory: int = Field(description="Components identified (SBOM entries, firmware packages and versions).")
    tool_versions: dict[str, str]


class CheckRunListOut(BaseModel):
    """The organisation's runs, newest first (at most 100)."""

    items: list[CheckRunSummaryOut]


def _summary(run: CheckRun) -> dict[str, object]:
    return {
        "id": run.id,
        "kind": run.kind,
        "filename": run.filename,
        "input_sha256": run.input_sha256,
        "status": run.status,
        "product": run.product_id,
        "component": run.component,
        "created_by": run.created_by,
        "created_at": run.created_at,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "error": run.error,
    }


def _run_out(run: CheckRun) -> CheckRunOut:
    found = check_runs.details(run)
    return CheckRunOut(
        **_summary(run),
        findings=[
            FindingOut(
                rule=item.rule,
                title=item.title,
                severity=item.severity,
                observed=item.observed,
                elements=list(item.elements),
                location=item.location,
                proposes=item.proposes,
            )
            for item in found.findings
        ],
        inventory=found.inventory,
        tool_versions=found.tool_versions,
    )


@router.post("/checks", response_model=CheckRunOut, status_code=202, responses=_ERRORS,
             summary="Upload a file and check it in the background")  # fmt: skip
def start_check(
    *,
    request: Request,
    state: State,
    principal: ApiPrincipal,
    kind: Annotated[Literal["sbom", "firmware"], Form(description="The check: sbom or firmware.")],
    file: Annotated[UploadFile, File(description="The SBOM (CycloneDX/SPDX JSON) or the firmware image.")],
    product: Annotated[str | None, Form(max_length=200, description="Attach the findings to this product.")] = None,
    component: Annotated[str | None, Form(max_length=200, description="... and this component of it.")] = None,
) -> CheckRunOut:
    """Store the upload as a queued run and schedule it; poll ``GET .../checks/{id}`` until done or error."""
    jobs(state)
    run = check_runs.start_run(state.repository, principal, kind=kind, filename=file.filename or kind,
                               content=file.file.read(), product_id=product, component=component,
                               ip=client_ip(request))  # fmt: skip
    schedule(state, run.id)
    return _run_out(run)


@router.get("/checks", response_model=CheckRunListOut, responses=_ERRORS, summary="List the organisation's runs")
def list_checks(state: State, principal: ApiPrincipal) -> CheckRunListOut:
    """Newest first."""
    jobs(state)
    return CheckRunListOut(
        items=[CheckRunSummaryOut(**_summary(run)) for run in check_runs.list_runs(state.repository, principal)]
    )


@router.get("/checks/{run_id}", response_model=CheckRunOut, responses=_ERRORS, summary="One run and its findings")
def get_check(state: State, principal: ApiPrincipal, run_id: str) -> CheckRunOut:
    """The run's status and, once done, its findings."""
    jobs(state)
    return _run_out(check_runs.get_run(state.repository, principal, run_id))
