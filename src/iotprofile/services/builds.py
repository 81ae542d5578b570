"""Use cases of profile builds in the web app: build a profile from uploaded requirement lists, review it.

The build runs in the background; reviewers accept, override or reject Group's placements; outputs are downloaded.

A build lives in ``<data dir>/builds/<build id>/``: ``input/`` (the uploaded requirement files), ``build.yaml``
(the build file written for them, format ``iotprofile/build/v1``) and ``out/`` (every output of
:func:`iotprofile.services.profile_build.build`, with ``review.yaml`` and ``decisions.yaml``). Reviewing records a
decision in ``out/decisions.yaml`` through :func:`iotprofile.services.profile_build.review` and builds again.
"""

from __future__ import annotations

import re
import shutil
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from iotprofile.errors import ExitCode, IotprofileError, PipelineError
from iotprofile.services import Workspace
from iotprofile.services.accounts import Permission, Principal, audit, now, require
from iotprofile.services.check_runs import safe_filename
from iotprofile.storage.repository import SqlRepository
from iotprofile.storage.runs import DONE, ERROR, QUEUED, RUNNING, ProfileBuild, SqlProfileBuilds

__all__ = [
    "TARGETS",
    "Upload",
    "create_build",
    "execute",
    "get_build",
    "list_builds",
    "output_file",
    "outputs",
    "review",
    "review_queue",
]

#: Profiles a web build can tailor.
TARGETS = ("nist-ir-8425a", "nist-ir-8425")
#: Requirement file types the upload accepts (as ingest reads them by suffix).
SUFFIXES = (".csv", ".xlsx", ".yaml", ".yml", ".json")
INTERRUPTED = "interrupted: the server stopped before the build finished; build again by reviewing or re-creating"
_SLUG = re.compile(r"[^a-z0-9]+")


class UnknownBuildError(IotprofileError):
    """No such build in the principal's organisation (answered 404)."""

    exit_code = ExitCode.NOT_FOUND


@dataclass(frozen=True)
class Upload:
    """One uploaded requirement list."""

    filename: str
    content: bytes
    #: Document ID of the standard; default: from the file name.
    standard: str | None = None


def store(repository: SqlRepository) -> SqlProfileBuilds:
    """The profile-build store on the repository's database."""
    return SqlProfileBuilds(repository)


def directory(data_dir: Path, build_id: str) -> Path:
    """A build's directory."""
    return data_dir / "builds" / build_id


def _slug(text: str) -> str:
    return _SLUG.sub("-", text.lower()).strip("-")[:60]


def create_build(
    repository: SqlRepository,
    principal: Principal,
    *,
    name: str,
    target: str,
    uploads: Sequence[Upload],
    data_dir: Path,
    config: bytes | None = None,
    ip: str | None = None,
) -> ProfileBuild:
    """Store a new queued build of the uploaded requirement lists, audited ``build.create``.

    Without ``config`` a build file is written for the uploads (one standard per file) and each file is read once
    here: bad files are refused before anything is stored. With ``config`` (an uploaded build file), its
    ``file:`` sources must name uploaded files; the target and title come from it. The caller schedules
    :func:`execute`.
    """
    require(principal, Permission.REVIEW_PROFILES)
    name = name.strip()
    if config is None:
        if not name:
            raise PipelineError("give the build a name", where="name")
        if target not in TARGETS:
            raise PipelineError(f"unknown target profile {target!r}; choose {' or '.join(TARGETS)}", where="target")
        if not uploads:
            raise PipelineError("upload at least one requirement file", where="files")
    build_id = uuid.uuid4().hex[:16]
    root = directory(data_dir, build_id)
    try:
        (root / "input").mkdir(parents=True)
        names = _write_uploads(root, uploads, read=config is None)
        if config is None:
            profile_id = _slug(name) or "profile"
            document: dict[str, Any] = {
                "format": "iotprofile/build/v1",
                "profile": {"id": f"{profile_id}-profile", "title": name, "product_type": name},
                "target": target,
                "standards": [{"file": f"input/{filename}", "standard": standard} for filename, standard in names],
            }
        else:
            document = _uploaded_config(config, {filename for filename, _ in names})
        (root / "build.yaml").write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
        if config is not None:
            target, title = _validated_config(root / "build.yaml")
            name = name or title
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    at = now()
    build = ProfileBuild(id=build_id, organisation=principal.organisation, name=name, target=target, status=QUEUED,
                         created_by=principal.actor, created_at=at, updated_at=at, summary={}, error=None)  # fmt: skip
    try:
        store(repository).add(build)
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    audit(repository, principal, "build.create", object_type="profile_build", object_id=build_id, ip=ip,
          detail={"name": name, "target": target, "files": [filename for filename, _ in names],
                  "build_file": config is not None})  # fmt: skip
    return build


def _write_uploads(root: Path, uploads: Sequence[Upload], *, read: bool) -> list[tuple[str, str]]:
    """Write the uploads to ``input/``; (file name, standard ID) of each. ``read``: read each as ingest would."""
    from iotprofile.services.profile_build import read_requirements_file

    written: list[tuple[str, str]] = []
    used: set[str] = set()
    for upload in uploads:
        filename = _checked_name(upload, used)
        used.add(filename)
        path = root / "input" / filename
        path.write_bytes(upload.content)
        standard = upload.standard or _slug(Path(filename).stem) or "requirements"
        if read:
            try:
                read_requirements_file(path, standard=standard)
            except IotprofileError as exc:
                # Named by the uploaded name: the server's directories are nobody's business.
                where = (exc.where or "").replace(str(path), filename) or filename
                raise PipelineError(exc.message, where=where, tip=exc.tip) from None
        written.append((filename, standard))
    return written


def _uploaded_config(content: bytes, uploaded: set[str]) -> dict[str, Any]:
    """An uploaded build file, its ``file:`` sources pointed at the uploads (nothing else on the server)."""
    try:
        document = yaml.safe_load(content.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise PipelineError(f"not a YAML build file: {str(exc).splitlines()[0]}", where="config") from None
    if not isinstance(document, dict):
        raise PipelineError("a build file is a mapping (format, profile, target, standards)", where="config")
    if document.get("learn_from"):
        raise PipelineError("learn_from is not available in the web app (other builds' files are not shared)",
                            where="config")  # fmt: skip
    standards = document.get("standards")
    for index, source in enumerate(standards if isinstance(standards, list) else []):
        if not isinstance(source, dict) or source.get("file") is None:
            continue
        filename = str(source["file"])
        if filename not in uploaded:
            known = ", ".join(sorted(uploaded)) or "none"
            raise PipelineError(f"standards[{index}] names file {filename!r}, which was not uploaded "
                                f"(uploaded: {known})", where="config")  # fmt: skip
        document["standards"][index] = {**source, "file": f"input/{filename}"}
    return document


def _validated_config(path: Path) -> tuple[str, str]:
    """The target and title of the written build file, refused (one line, no server paths) if invalid."""
    from iotprofile.profiles.build.config import load_config

    try:
        config = load_config(path)
    except IotprofileError as exc:
        where = (exc.where or "").replace(str(path), "config")
        raise PipelineError(exc.message, where=where or "config", tip=exc.tip) from None
    return config.target, config.profile.title


def _checked_name(upload: Upload, used: set[str]) -> str:
    filename = safe_filename(upload.filename, default="requirements.csv")
    if not filename.lower().endswith(SUFFIXES):
        raise PipelineError(f"{filename}: not a requirement list (upload {', '.join(SUFFIXES)} files)", where="files")
    if not upload.content:
        raise PipelineError(f"{filename}: the file is empty", where="files")
    if filename in used:
        raise PipelineError(f"{filename}: uploaded twice", where="files")
    return filename


def list_builds(repository: SqlRepository, principal: Principal) -> list[ProfileBuild]:
    """The organisation's builds, newest first."""
    require(principal, Permission.READ)
    return store(repository).list(principal.organisation)


def get_build(repository: SqlRepository, principal: Principal, build_id: str) -> ProfileBuild:
    """One build of the organisation (another organisation's is unknown)."""
    require(principal, Permission.READ)
    found = store(repository).get(build_id)
    if found is None or found.organisation != principal.organisation:
        raise UnknownBuildError(f"no profile build {build_id!r}")
    return found


def interrupt_live(repository: SqlRepository, *, before: datetime) -> int:
    """Mark builds a stopped server left queued or running as ended in error; how many there were."""
    return store(repository).interrupt_live(before=before, now=now(), message=INTERRUPTED)


def execute(repository: SqlRepository, workspace: Workspace, build_id: str, *, data_dir: Path) -> ProfileBuild | None:
    """Run the pipeline of a queued build and record its summary (or its error); None if it was not queued."""
    from iotprofile.services.profile_build import build

    builds = store(repository)
    if not builds.set_status(build_id, status=RUNNING, now=now(), only_from=(QUEUED,)):
        return None
    root = directory(data_dir, build_id)
    try:
        answer = build(workspace, root / "build.yaml", root / "out")
        contradictions = answer.pairs.get("contradictory", 0)
        summary = {
            "requirements": answer.requirements,
            "standards": list(answer.standards),
            "placed": answer.placed,
            "unreviewed": answer.pending,
            "decided": answer.decided,
            "proposals": answer.proposals,
            "unplaced": answer.unplaced,
            "contradictions": contradictions,
            "pairs": answer.pairs,
        }
    except IotprofileError as exc:
        builds.set_status(build_id, status=ERROR, now=now(), error=exc.one_line().replace(f"{root}/", ""))
    except Exception as exc:  # noqa: BLE001 - a background job must end its build whatever happened
        builds.set_status(build_id, status=ERROR, now=now(), error=f"internal error: {type(exc).__name__}")
    else:
        builds.set_status(build_id, status=DONE, now=now(), summary=summary)
    return builds.get(build_id)


def outputs(data_dir: Path, build: ProfileBuild) -> list[str]:
    """The names of the build's downloadable outputs (files of ``out/`` and its folders, relative, sorted)."""
    out = directory(data_dir, build.id) / "out"
    if not out.is_dir():
        return []
    return sorted(
        path.relative_to(out).as_posix() for path in out.rglob("*") if path.is_file() and not path.is_symlink()
    )


def output_file(data_dir: Path, build: ProfileBuild, name: str) -> Path:
    """One output by a name :func:`outputs` lists (nothing else: no path is built from the request)."""
    listed = outputs(data_dir, build)
    if name not in listed:
        raise UnknownBuildError(f"build {build.id} has no output {name!r}")
    return directory(data_dir, build.id) / "out" / listed[listed.index(name)]


@dataclass(frozen=True)
class QueueItem:
    """One subject awaiting review: a requirement Group placed (or could not), or a proposed sub-outcome."""

    subject: str
    text: str
    location: str | None
    #: Group's suggestions, best first: element, score, the terms that matched.
    suggestions: list[dict[str, Any]]
    is_proposal: bool


def review_queue(data_dir: Path, build: ProfileBuild) -> list[QueueItem]:
    """The pending items of the build's review queue (empty before the first build finished)."""
    path = directory(data_dir, build.id) / "out" / "review.yaml"
    if not path.exists():
        return []
    from iotprofile.profiles.build.review import DECISIONS_FILE, current, load_decisions

    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    # Decisions recorded since the queue was written (the re-build has not finished yet) are not pending either.
    decided = set(current(load_decisions(path.with_name(DECISIONS_FILE))))
    prefix = f"{directory(data_dir, build.id) / 'input'}/"
    items = [
        QueueItem(
            subject=str(item.get("requirement")),
            text=str(item.get("text", "")),
            location=str(item.get("location") or "").replace(prefix, "") or None,
            suggestions=[
                {
                    "element": str(s.get("element")),
                    "score": float(s.get("score", 0.0)),
                    "because": [str(term) for term in s.get("because") or []],
                }
                for s in item.get("suggestions") or []
                if isinstance(s, dict)
            ],
            is_proposal=False,
        )
        for item in data.get("requirements", [])
        if item.get("decision") == "pending" and item.get("requirement") not in decided
    ]
    items += [
        QueueItem(
            subject=f"proposal:{item.get('id')}",
            text=str(item.get("statement", "")),
            location=f"under {item.get('parent')}; from {', '.join(map(str, item.get('members') or []))}",
            suggestions=[],
            is_proposal=True,
        )
        for item in data.get("proposals", [])
        if item.get("decision") == "pending" and f"proposal:{item.get('id')}" not in decided
    ]
    return items


def review(
    repository: SqlRepository,
    workspace: Workspace,
    principal: Principal,
    build_id: str,
    *,
    subject: str,
    verdict: str,
    elements: Sequence[str] = (),
    reason: str | None = None,
    data_dir: Path,
    ip: str | None = None,
) -> ProfileBuild:
    """Record a reviewer's decision in the build's log (audited ``build.review``) and queue the build again."""
    from iotprofile.services import profile_build

    require(principal, Permission.REVIEW_PROFILES)
    found = get_build(repository, principal, build_id)
    if found.status in (QUEUED, RUNNING):
        raise PipelineError("the build is running; review once it is done", where=build_id)
    if verdict not in ("accept", "override", "reject"):
        raise PipelineError(f"unknown decision {verdict!r}; choose accept, override or reject", where="verdict")
    if verdict == "override" and not elements:
        raise PipelineError("choose the element(s) the requirement belongs under", where="elements")
    out = directory(data_dir, build_id) / "out"
    profile_build.review(out, subject, verdict=verdict, elements=tuple(elements), reviewer=principal.actor,
                         reason=reason or None, workspace=workspace)  # fmt: skip
    audit(repository, principal, "build.review", object_type="profile_build", object_id=build_id, ip=ip,
          detail={"subject": subject, "verdict": verdict, "elements": list(elements), "reason": reason})  # fmt: skip
    store(repository).set_status(build_id, status=QUEUED, now=now(), summary=found.summary)
    updated = store(repository).get(build_id)
    assert updated is not None
    return updated


def target_elements(workspace: Workspace, target: str) -> list[tuple[str, str]]:
    """The elements a requirement can be placed under (ID, title), in document order, for override choices."""
    from iotprofile.profiles.resolve import resolve

    document = resolve(workspace.catalogs, target)
    return [(element.id, element.title or element.id) for element in document.elements]
