"""``/api/v1/orgs/{org}/products/{id}/assessment``, cells, verdict records and results imports (for CI)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from iotprofile.assessment.model import Evidence, Verdict, VerdictRecord
from iotprofile.reports.assessment.view import CellView
from iotprofile.services.organisation import (
    assessment_key,
    find_cell,
    import_results_file,
    record_cell_verdict,
)
from iotprofile.web.context import ApiPrincipal, State, client_ip
from iotprofile.web.routes.assessment import view_async, view_for

router = APIRouter(prefix="/api/v1/orgs/{org}/products/{product_id}", tags=["assessment"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No or an unknown token or session."},
    404: {"description": "No such product or cell in this organisation."},
}


class EvidenceOut(BaseModel):
    """One piece of evidence of a record."""

    kind: str
    description: str | None = None
    path: str | None = None
    sha256: str | None = None
    size: int | None = None
    url: str | None = None
    text: str | None = None
    check: str | None = None


class RecordOut(BaseModel):
    """A verdict record."""

    element: str
    component: str | None
    verdict: Verdict
    justification: str | None
    assessor: str
    recorded_at: datetime
    source: str | None
    evidence: list[EvidenceOut]


class RequirementOut(BaseModel):
    """A standard's requirement that informs a cell, through a crosswalk."""

    ref: str = Field(description="Qualified ID, e.g. etsi-en-303-645:5.4-1.")
    title: str | None
    relationship: str
    via: str


class CellOut(BaseModel):
    """A cell of the assessment matrix with its history."""

    cell: str = Field(description="ELEMENT@COMPONENT, or ELEMENT@product.")
    element: str
    component: str | None
    applies: bool
    reason: str
    verdict: Verdict
    requirements: list[RequirementOut]
    history: list[RecordOut]


class ImportedOut(BaseModel):
    """What a results import stored."""

    records: int


def _evidence(item: Evidence) -> EvidenceOut:
    return EvidenceOut(**item.model_dump(mode="json"))


def _record(record: VerdictRecord) -> RecordOut:
    return RecordOut(
        element=record.element,
        component=record.component,
        verdict=record.verdict,
        justification=record.justification,
        assessor=record.assessor,
        recorded_at=record.recorded_at,
        source=record.source,
        evidence=[_evidence(item) for item in record.evidence],
    )


def _cell(cell: CellView) -> CellOut:
    status = cell.status.cell
    return CellOut(
        cell=cell.key,
        element=status.element.id,
        component=status.component.id if status.component else None,
        applies=status.applies,
        reason=status.reason,
        verdict=cell.verdict,
        requirements=[
            RequirementOut(ref=item.ref, title=item.title, relationship=item.relationship, via=item.via)
            for group in cell.requirement_groups
            for item in group.requirements
        ],
        history=[_record(record) for record in cell.history],
    )


@router.get(
    "/assessment",
    summary="The product's assessment (the JSON report)",
    responses={
        **_ERRORS,
        200: {
            "description": "The JSON report (schema: report.schema.json of iotprofile).",
            "content": {"application/json": {"schema": {"type": "object"}}},
        },
    },
    response_class=Response,
)
async def get_assessment(state: State, principal: ApiPrincipal, product_id: str) -> Response:
    """Every cell with its verdict, requirements and evidence, the roll-up per element and the product verdict."""
    from iotprofile.reports.assessment.json_report import render_json

    key = assessment_key(state.repository, principal, product_id)
    body: bytes = await state.acached(("report-json", key), lambda: render_json(view_for(state, key)))
    return Response(body, media_type="application/json")


@router.get("/cells/{cell}", response_model=CellOut, responses=_ERRORS, summary="One cell with its history")
async def get_cell(state: State, principal: ApiPrincipal, product_id: str, cell: str) -> CellOut:
    """The cell ``DP-1@router`` (or ``DOC-1a@product``): applicability, verdict, requirements and every record."""
    key = assessment_key(state.repository, principal, product_id)
    return _cell(find_cell(await view_async(state, key), cell))


@router.post(
    "/cells/{cell}/records",
    response_model=RecordOut,
    status_code=201,
    responses={
        **_ERRORS,
        403: {"description": "The role cannot record this."},
        422: {"description": "Invalid verdict or evidence; nothing stored."},
    },
    summary="Record a verdict (or add evidence) for a cell",
)
def post_record(
    request: Request,
    state: State,
    principal: ApiPrincipal,
    product_id: str,
    cell: str,
    *,
    verdict: Annotated[Verdict | None, Form(description="Omit to add evidence to an undecided cell.")] = None,
    justification: Annotated[str | None, Form(max_length=10_000)] = None,
    statement: Annotated[list[str] | None, Form()] = None,
    evidence_url: Annotated[list[str] | None, Form()] = None,
    evidence_file: Annotated[list[UploadFile] | None, File()] = None,
) -> RecordOut:
    """Multipart form: ``verdict``, ``justification``, repeated ``statement``, ``evidence_url``, ``evidence_file``."""
    key = assessment_key(state.repository, principal, product_id)
    found = find_cell(view_for(state, key), cell)
    files = [(upload.filename or "evidence", upload.file.read()) for upload in evidence_file or []]
    record = record_cell_verdict(
        state.repository,
        state.workspace,
        principal,
        product_id,
        cell=found.key,
        verdict=verdict,
        justification=justification,
        statements=[text for text in statement or [] if text.strip()],
        urls=[url for url in evidence_url or [] if url.strip()],
        files=files,
        ip=client_ip(request),
        current=found.verdict,
    )
    return _record(record)


@router.post(
    "/results",
    response_model=ImportedOut,
    status_code=201,
    responses={
        **_ERRORS,
        403: {"description": "The role cannot record verdicts."},
        422: {"description": "The results file is invalid; nothing stored."},
    },
    summary="Import a results file (as 'iotprofile assess import')",
)
def post_results(
    request: Request, state: State, principal: ApiPrincipal, product_id: str, file: Annotated[UploadFile, File()]
) -> ImportedOut:
    """A YAML or JSON results file with verdict records: all stored in one transaction, or none."""
    records = import_results_file(state.repository, state.workspace, principal, product_id, file.file.read(),
                                  filename=file.filename or "results.yaml", ip=client_ip(request))  # fmt: skip
    return ImportedOut(records=len(records))
