"""Use cases of check runs in the web app: upload a file, check it in the background, see and attach findings.

The file is an SBOM or a firmware image; the findings can be attached to a product's assessment.

A run is ``queued`` when stored (with its uploaded file, in one transaction), ``running`` while a background
worker checks it, then ``done`` (the attempt stored as JSON) or ``error`` (a one-line message). Runs left queued or
running when the server stopped are marked ``error`` ("interrupted") when the next server starts.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from iotprofile.errors import CheckError, ExitCode, IotprofileError
from iotprofile.services import Workspace
from iotprofile.services.accounts import Permission, Principal, accounts, audit, now, require
from iotprofile.services.organisation import check_owned
from iotprofile.storage.repository import SqlRepository
from iotprofile.storage.runs import DONE, ERROR, QUEUED, CheckRun, SqlCheckRuns

__all__ = [
    "KINDS",
    "UnknownRunError",
    "attach_targets",
    "details",
    "execute",
    "get_run",
    "interrupt_live",
    "list_runs",
    "start_run",
]

#: What a run checks: the check of that name.
KINDS = ("sbom", "firmware")
INTERRUPTED = "interrupted: the server stopped before the run finished; start it again"
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class UnknownRunError(IotprofileError):
    """No such run in the principal's organisation (answered 404)."""

    exit_code = ExitCode.NOT_FOUND


def runs(repository: SqlRepository) -> SqlCheckRuns:
    """The check-run store on the repository's database."""
    return SqlCheckRuns(repository)


def safe_filename(name: str, default: str = "upload") -> str:
    """The last part of an uploaded file's name, with only letters, digits, dot, dash and underscore."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _SAFE_NAME.sub("_", base).strip("._")[:120]
    return cleaned or default


def start_run(
    repository: SqlRepository,
    principal: Principal,
    *,
    kind: str,
    filename: str,
    content: bytes,
    product_id: str | None = None,
    component: str | None = None,
    ip: str | None = None,
) -> CheckRun:
    """Store a new queued run of the uploaded file (audited ``check_run.start``); the caller schedules it."""
    require(principal, Permission.RUN_CHECKS)
    if kind not in KINDS:
        raise CheckError(f"unknown check {kind!r}; choose {' or '.join(KINDS)}", where="kind")
    if not content:
        raise CheckError("the uploaded file is empty", where="file")
    product_id = product_id or None
    component = component or None
    if component and not product_id:
        raise CheckError("a component is attached to through its product: choose the product too", where="component")
    if product_id:
        check_owned(repository, principal, product_id)
        product = repository.get_product(product_id)
        known = [item.id for item in product.components]
        if component is None:
            raise CheckError(f"choose the component of {product_id} the file belongs to ({', '.join(known)})",
                             where="component")  # fmt: skip
        if component not in known:
            raise CheckError(f"product {product_id!r} has no component {component!r} (components: {', '.join(known)})",
                             where="component")  # fmt: skip
    run = CheckRun(
        id=uuid.uuid4().hex[:16],
        organisation=principal.organisation,
        product_id=product_id,
        component=component,
        kind=kind,
        filename=safe_filename(filename, default=kind),
        input_sha256=hashlib.sha256(content).hexdigest(),
        status=QUEUED,
        created_by=principal.actor,
        created_at=now(),
        started_at=None,
        finished_at=None,
        result=None,
        error=None,
    )
    runs(repository).add(run, content)
    audit(repository, principal, "check_run.start", object_type="check_run", object_id=run.id, ip=ip,
          detail={"kind": kind, "filename": run.filename, "size": len(content), "sha256": run.input_sha256,
                  "product": product_id, "component": component})  # fmt: skip
    return run


def list_runs(repository: SqlRepository, principal: Principal, *, limit: int = 100) -> list[CheckRun]:
    """The organisation's runs, newest first."""
    require(principal, Permission.READ)
    return runs(repository).list(principal.organisation, limit=limit)


def get_run(repository: SqlRepository, principal: Principal, run_id: str) -> CheckRun:
    """One run of the organisation (another organisation's is unknown)."""
    require(principal, Permission.READ)
    found = runs(repository).get(run_id)
    if found is None or found.organisation != principal.organisation:
        raise UnknownRunError(f"no check run {run_id!r}")
    return found


def interrupt_live(repository: SqlRepository, *, before: datetime) -> int:
    """Mark runs a stopped server left queued or running as ended in error; how many there were."""
    return runs(repository).interrupt_live(before=before, now=now(), message=INTERRUPTED)


def execute(
    repository: SqlRepository,
    workspace: Workspace,
    run_id: str,
    *,
    work_dir: Path,
    vulndb: Path | None = None,
) -> CheckRun | None:
    """Check a queued run's file (in a forked worker process) and record the outcome; attach it if asked.

    The file is written to a directory of its own under ``work_dir`` for the check and removed afterwards.
    Returns the finished run, or None when the run was not queued any more.
    """
    from iotprofile.checks.interface import InputKind
    from iotprofile.services.scan import file_jobs, run

    store = runs(repository)
    found = store.get(run_id)
    if found is None or not store.start(run_id, now=now()):
        return None
    directory = work_dir / "checks" / run_id
    result: dict[str, Any] | None = None
    try:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / found.filename
        path.write_bytes(store.input(found))
        jobs = file_jobs([path], kind=InputKind(found.kind), vulndb=vulndb)
        # Two workers: even a lone job runs in a forked process, with its time limit (one worker runs it inline).
        attempt = run(jobs, workers=2)[0]
        attempt = attempt.model_copy(update={"input": attempt.input.model_copy(update={"name": found.filename})})
        result = attempt.model_dump(mode="json")
        _completed(attempt, found.kind)
        if found.product_id and found.component:
            _attach(repository, workspace, found, attempt)
    except IotprofileError as exc:
        message = exc.one_line().replace(f"{directory}/", "")
        store.finish(run_id, status=ERROR, now=now(), result=result, error=message)
    except Exception as exc:  # noqa: BLE001 - a background job must end its run whatever happened
        store.finish(run_id, status=ERROR, now=now(), result=result, error=f"internal error: {type(exc).__name__}")
    else:
        store.finish(run_id, status=DONE, now=now(), result=result, error=None)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    return store.get(run_id)


def _completed(attempt: Any, kind: str) -> None:
    from iotprofile.checks.interface import AttemptStatus

    if attempt.status is not AttemptStatus.COMPLETED:
        raise CheckError(attempt.reason or f"the {kind} check did not complete ({attempt.status.value})")


def _attach(repository: SqlRepository, workspace: Workspace, found: CheckRun, attempt: Any) -> None:
    from iotprofile.services.scan import attach

    assert found.product_id is not None
    assert found.component is not None
    attached = attach(repository, workspace, [attempt], product_id=found.product_id, component=found.component,
                      assessor=found.created_by)  # fmt: skip
    accounts(repository).audit(
        at=now(),
        actor=found.created_by,
        action="check_run.attach",
        organisation_id=found.organisation,
        object_type="product",
        object_id=found.product_id,
        detail={
            "run": found.id,
            "component": found.component,
            "recorded": [f"{record.element}@{record.component}" for record in attached.recorded],
            "kept": attached.kept,
            "not_cells": attached.not_cells,
        },
    )


@dataclass(frozen=True)
class FindingView:
    """One finding of a finished run, as pages and the API show it."""

    rule: str
    title: str
    severity: str
    observed: str
    elements: tuple[str, ...]
    location: str | None
    proposes: str | None


@dataclass(frozen=True)
class RunDetails:
    """What a finished run found: findings (most severe first) and the inventory's size and first items."""

    findings: list[FindingView]
    inventory: int
    components: list[str]
    tool_versions: dict[str, str]


_SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3, "info": 4}


def _location(location: dict[str, Any] | None) -> str | None:
    if not location:
        return None
    parts = [str(location["path"])] if location.get("path") else []
    if location.get("line") is not None:
        parts.append(f"line {location['line']}")
    if location.get("offset") is not None:
        parts.append(f"offset {location['offset']}")
    if location.get("endpoint"):
        parts.append(str(location["endpoint"]))
    return ", ".join(parts) or None


def details(found: CheckRun) -> RunDetails:
    """The findings and inventory of a run's stored attempt (empty while it runs)."""
    result = found.result or {}
    findings = [
        FindingView(
            rule=str(item.get("rule", "")),
            title=str(item.get("title", "")),
            severity=str(item.get("severity", "")),
            observed=str(item.get("observed", "")),
            elements=tuple(str(element) for element in item.get("elements") or ()),
            location=_location(item.get("location")),
            proposes=item.get("proposes"),
        )
        for item in result.get("findings") or []
        if isinstance(item, dict)
    ]
    findings.sort(key=lambda finding: _SEVERITY_ORDER.get(finding.severity, 9))
    inventory = [item for item in result.get("inventory") or [] if isinstance(item, dict)]
    names = [f"{item.get('name')} {item.get('version') or ''}".strip() for item in inventory[:50]]
    return RunDetails(findings, len(inventory), names, dict(result.get("tool_versions") or {}))


@dataclass(frozen=True)
class AttachTarget:
    """A product of the organisation whose components a run can be attached to."""

    id: str
    name: str
    components: list[str]


def attach_targets(repository: SqlRepository, principal: Principal, *, limit: int = 200) -> list[AttachTarget]:
    """The organisation's products (the first ``limit``) with their component IDs, for the upload form."""
    require(principal, Permission.READ)
    targets = []
    for item in repository.list_products(principal.organisation, limit=limit, offset=0):
        product = repository.get_product(item.id)
        targets.append(AttachTarget(item.id, item.name, [component.id for component in product.components]))
    return targets
