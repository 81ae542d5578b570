"""Profile-build pages: create a build from uploaded requirement lists, follow it, review it, download outputs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, RedirectResponse, Response

from iotprofile.services import builds
from iotprofile.web.context import PagePrincipal, State, WebState, client_ip
from iotprofile.web.jobs import jobs
from iotprofile.web.templating import render

router = APIRouter(include_in_schema=False)


def schedule(state: WebState, build_id: str) -> None:
    """Run the build in the background."""
    jobs(state).submit(builds.execute, state.repository, state.workspace, build_id, data_dir=state.data_dir)


def uploads(files: list[UploadFile], standards: str) -> list[builds.Upload]:
    """The uploaded files with the standard IDs given for them (comma-separated, in file order; blank: default)."""
    names = [name.strip() for name in standards.split(",")] if standards.strip() else []
    found = []
    for index, item in enumerate(files):
        if not (item.filename or item.size):
            continue  # the browser's "no file chosen"
        standard = names[index] if index < len(names) and names[index] else None
        found.append(builds.Upload(item.filename or "requirements.csv", item.file.read(), standard))
    return found


def config_of(config: UploadFile | None) -> bytes | None:
    """The uploaded build file's content, or None when none was chosen."""
    if config is None or not (config.filename or config.size):
        return None
    return config.file.read()


@router.get("/o/{org}/builds")
def build_list(request: Request, state: State, principal: PagePrincipal) -> Response:
    """The organisation's builds and the form to create one."""
    jobs(state)
    found = builds.list_builds(state.repository, principal)
    return render(request, "builds/list.html", {"builds": found, "targets": builds.TARGETS})


@router.post("/o/{org}/builds")
def create(
    *,
    request: Request,
    state: State,
    principal: PagePrincipal,
    org: str,
    name: Annotated[str, Form(max_length=200)] = "",
    target: Annotated[str, Form(max_length=100)] = "nist-ir-8425a",
    files: Annotated[list[UploadFile] | None, File()] = None,
    standards: Annotated[str, Form(max_length=2000)] = "",
    config: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Store the build, schedule it and go to its page."""
    jobs(state)
    build = builds.create_build(state.repository, principal, name=name, target=target,
                                uploads=uploads(files or [], standards), data_dir=state.data_dir,
                                config=config_of(config), ip=client_ip(request))  # fmt: skip
    schedule(state, build.id)
    return RedirectResponse(f"/o/{org}/builds/{build.id}", status_code=303)


@router.get("/o/{org}/builds/{build_id}")
def build_page(request: Request, state: State, principal: PagePrincipal, build_id: str) -> Response:
    """A build: status (refreshed while it runs), summary and output downloads."""
    jobs(state)
    build = builds.get_build(state.repository, principal, build_id)
    outputs = builds.outputs(state.data_dir, build) if build.status == "done" else []
    return render(request, "builds/build.html", {"build": build, "outputs": outputs})


@router.get("/o/{org}/builds/{build_id}/files/{name:path}")
def build_file(state: State, principal: PagePrincipal, build_id: str, name: str) -> Response:
    """One output of the build, by a name the build's directory listing has."""
    build = builds.get_build(state.repository, principal, build_id)
    path = builds.output_file(state.data_dir, build, name)
    return FileResponse(path, filename=path.name)


@router.get("/o/{org}/builds/{build_id}/review")
def review_page(request: Request, state: State, principal: PagePrincipal, build_id: str) -> Response:
    """The review queue: each pending requirement with Group's suggestions, and a decision form."""
    jobs(state)
    build = builds.get_build(state.repository, principal, build_id)
    queue = builds.review_queue(state.data_dir, build)
    elements = builds.target_elements(state.workspace, build.target)
    return render(request, "builds/review.html", {"build": build, "queue": queue, "elements": elements})


@router.post("/o/{org}/builds/{build_id}/review")
def review(
    *,
    request: Request,
    state: State,
    principal: PagePrincipal,
    org: str,
    build_id: str,
    subject: Annotated[str, Form(max_length=300)],
    verdict: Annotated[str, Form(max_length=20)],
    element: Annotated[str, Form(max_length=100)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Record the decision, build again and come back to the queue."""
    jobs(state)
    builds.review(state.repository, state.workspace, principal, build_id, subject=subject, verdict=verdict,
                  elements=[element] if element and verdict == "override" else [], reason=reason,
                  data_dir=state.data_dir, ip=client_ip(request))  # fmt: skip
    schedule(state, build_id)
    return RedirectResponse(f"/o/{org}/builds/{build_id}/review", status_code=303)
