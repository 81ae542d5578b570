"""``/api/v1/orgs/{org}/builds``: profile builds from uploaded requirement lists, and their review queue."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Request, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from iotprofile.services import builds
from iotprofile.storage.runs import ProfileBuild
from iotprofile.web.api.errors import ErrorOut
from iotprofile.web.context import ApiPrincipal, State, client_ip
from iotprofile.web.jobs import jobs
from iotprofile.web.routes.builds import config_of, schedule, uploads

router = APIRouter(prefix="/api/v1/orgs/{org}", tags=["profile builds"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "No valid token or session."},
    403: {"model": ErrorOut, "description": "The role may not do this (building and reviewing need editor)."},
    404: {"model": ErrorOut, "description": "No such organisation or build (in this organisation)."},
    413: {"model": ErrorOut, "description": "The upload is larger than the server accepts."},
    422: {"model": ErrorOut, "description": "Bad input (unreadable requirement file, unknown element, ...)."},
}


class BuildSummaryOut(BaseModel):
    """A build of the list."""

    id: str
    name: str
    target: str
    status: Literal["queued", "running", "done", "error"]
    created_by: str
    created_at: datetime
    updated_at: datetime
    summary: dict[str, Any] = Field(
        description="Counts of the last finished build: requirements, placed, unreviewed, decided, proposals, "
        "unplaced, contradictions, pairs (by relation)."
    )
    error: str | None


class BuildOut(BuildSummaryOut):
    """A build with the names of its outputs (download them from the build's page)."""

    outputs: list[str]


class BuildListOut(BaseModel):
    """The organisation's builds, newest first."""

    items: list[BuildSummaryOut]


class SuggestionOut(BaseModel):
    """One of Group's suggestions."""

    element: str
    score: float
    because: list[str] = Field(description="The terms that matched.")


class QueueItemOut(BaseModel):
    """A pending item of the review queue."""

    subject: str = Field(description="standard:id for a requirement, proposal:ID for a proposed sub-outcome.")
    text: str
    location: str | None
    suggestions: list[SuggestionOut]
    is_proposal: bool


class ReviewQueueOut(BaseModel):
    """The items awaiting review."""

    status: Literal["queued", "running", "done", "error"]
    items: list[QueueItemOut]


class ReviewIn(BaseModel):
    """A reviewer's decision on one subject of the queue."""

    model_config = ConfigDict(extra="forbid")

    subject: str = Field(min_length=1, max_length=300)
    verdict: Literal["accept", "override", "reject"]
    elements: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        default_factory=list, max_length=20, description="For override: the elements it belongs under."
    )
    reason: str | None = Field(default=None, max_length=2000)


def _summary(build: ProfileBuild) -> dict[str, Any]:
    return {
        "id": build.id,
        "name": build.name,
        "target": build.target,
        "status": build.status,
        "created_by": build.created_by,
        "created_at": build.created_at,
        "updated_at": build.updated_at,
        "summary": build.summary,
        "error": build.error,
    }


def _build_out(state: State, build: ProfileBuild) -> BuildOut:
    outputs = builds.outputs(state.data_dir, build) if build.status == "done" else []
    return BuildOut(**_summary(build), outputs=outputs)


@router.post("/builds", response_model=BuildOut, status_code=202, responses=_ERRORS,
             summary="Upload requirement lists and build a profile in the background")  # fmt: skip
def create_build(
    *,
    request: Request,
    state: State,
    principal: ApiPrincipal,
    name: Annotated[
        str, Form(max_length=200, description="What the profile is for (with a build file: default its title).")
    ] = "",
    target: Annotated[
        Literal["nist-ir-8425a", "nist-ir-8425"], Form(description="The profile to tailor (not with a build file).")
    ] = "nist-ir-8425a",
    files: Annotated[list[UploadFile] | None, File(description="Requirement lists: CSV, XLSX, YAML or JSON.")] = None,
    standards: Annotated[
        str, Form(max_length=2000, description="Standard IDs, comma-separated in file order; default: file names.")
    ] = "",
    config: Annotated[
        UploadFile | None,
        File(description="A build file (iotprofile/build/v1); its file sources name the uploaded files."),
    ] = None,
) -> BuildOut:
    """Store the build and schedule it; poll ``GET .../builds/{id}`` until done or error."""
    jobs(state)
    build = builds.create_build(state.repository, principal, name=name, target=target,
                                uploads=uploads(files or [], standards), data_dir=state.data_dir,
                                config=config_of(config), ip=client_ip(request))  # fmt: skip
    schedule(state, build.id)
    return _build_out(state, build)


@router.get("/builds", response_model=BuildListOut, responses=_ERRORS, summary="List the organisation's builds")
def list_builds(state: State, principal: ApiPrincipal) -> BuildListOut:
    """Newest first."""
    jobs(state)
    found = builds.list_builds(state.repository, principal)
    return BuildListOut(items=[BuildSummaryOut(**_summary(item)) for item in found])


@router.get("/builds/{build_id}", response_model=BuildOut, responses=_ERRORS, summary="One build")
def get_build(state: State, principal: ApiPrincipal, build_id: str) -> BuildOut:
    """Its status, summary and outputs."""
    jobs(state)
    return _build_out(state, builds.get_build(state.repository, principal, build_id))


@router.get("/builds/{build_id}/review", response_model=ReviewQueueOut, responses=_ERRORS,
            summary="The build's review queue")  # fmt: skip
def get_review_queue(state: State, principal: ApiPrincipal, build_id: str) -> ReviewQueueOut:
    """The items awaiting a decision (empty until the first build is done)."""
    jobs(state)
    build = builds.get_build(state.repository, principal, build_id)
    queue = builds.review_queue(state.data_dir, build)
    return ReviewQueueOut(
        status=build.status,
        items=[
            QueueItemOut(
                subject=item.subject,
                text=item.text,
                location=item.location,
                suggestions=[SuggestionOut(**suggestion) for suggestion in item.suggestions],
                is_proposal=item.is_proposal,
            )
            for item in queue
        ],
    )


@router.post("/builds/{build_id}/review", response_model=BuildOut, status_code=202, responses=_ERRORS,
             summary="Record a review decision and build again")  # fmt: skip
def post_review(request: Request, state: State, principal: ApiPrincipal, build_id: str, body: ReviewIn) -> BuildOut:
    """The decision goes to the build's ``decisions.yaml``; the build runs again (poll it until done)."""
    jobs(state)
    build = builds.review(state.repository, state.workspace, principal, build_id, subject=body.subject,
                          verdict=body.verdict, elements=body.elements, reason=body.reason, data_dir=state.data_dir,
                          ip=client_ip(request))  # fmt: skip
    schedule(state, build.id)
    return _build_out(state, build)
