"""Use cases of the automated checks: plan jobs, run them, attach what they prove to an assessment."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from iotprofile.assessment.model import CellRef, Evidence, EvidenceKind, Verdict, VerdictRecord, utc_now
from iotprofile.checks.interface import Attempt, AttemptStatus, CheckTarget, Finding, InputKind, Limits
from iotprofile.checks.runner import Job, Progress, Runner, kind_of_file
from iotprofile.errors import CheckError
from iotprofile.services import Workspace
from iotprofile.storage.repository import SqlRepository


def _existing_file(path: Path) -> Path:
    if not path.exists():
        raise CheckError("file not found", where=str(path))
    if path.is_dir():
        raise CheckError("is a directory, not a file", where=str(path))
    return path


def file_jobs(
    paths: Sequence[Path],
    *,
    kind: InputKind | None = None,
    vulndb: Path | None = None,
    limits: Limits | None = None,
) -> list[Job]:
    """One job per file: an SBOM check or a firmware check (by ``kind``, or guessed from each file's content)."""
    if vulndb is not None and not vulndb.is_dir():
        raise CheckError("vulnerability database directory not found", where=str(vulndb))
    options = {"vulndb": str(vulndb)} if vulndb is not None else {}
    jobs = []
    for path in paths:
        found = kind or kind_of_file(_existing_file(path))
        jobs.append(Job(found.value, CheckTarget(kind=found, path=path, options=options), limits or Limits()))
    return jobs


def device_job(
    host: str,
    *,
    ports: Sequence[int],
    credentials: Sequence[tuple[str, str]] = (),
    certificates: Sequence[str] = (),
    side: str | None = None,
    limits: Limits | None = None,
) -> Job:
    """The device check for one host the user named (ranges and networks are refused by the check's planner)."""
    from iotprofile.checks.device.target import plan_device_target

    options: dict[str, object] = {
        "credentials": [list(pair) for pair in credentials],
        "certificates": list(certificates),
    }
    if side:
        options["side"] = side
    return Job("device", plan_device_target(host, list(ports), options=options), limits or Limits())


def run(jobs: Sequence[Job], *, workers: int | None = None, cluster: str | None = None,
        progress: Progress | None = None) -> list[Attempt]:  # fmt: skip
    """Run the jobs (locally, or on the Dask cluster at ``cluster``) and return one attempt per job."""
    return Runner(workers=workers, cluster=cluster).run(jobs, progress=progress)


@dataclass
class Attached:
    """What attaching check results to an assessment did."""

    recorded: list[VerdictRecord] = field(default_factory=list)
    #: Cells the assessor has decided that no finding disproves: left alone, their evidence not replaced.
    kept: list[str] = field(default_factory=list)
    #: Elements the findings named that are not cells of this component (not applicable to it).
    not_cells: list[str] = field(default_factory=list)


def _proposal(findings: Sequence[Finding]) -> Verdict | None:
    proposals = {finding.proposes for finding in findings}
    if Verdict.NOT_SATISFIED in proposals:
        return Verdict.NOT_SATISFIED
    if proposals == {Verdict.SATISFIED}:
        return Verdict.SATISFIED
    return None


def attach(
    repository: SqlRepository,
    workspace: Workspace,
    attempts: Sequence[Attempt],
    *,
    product_id: str,
    component: str,
    assessor: str,
) -> Attached:
    """Record what the attempts show for one component, in one transaction.

    Per cell (element x component): a finding that proves a failure records ``not_satisfied`` with the evidence
    (whatever the cell said before: a proof is new information); findings that prove the whole sub-outcome record
    ``satisfied``; otherwise the evidence goes to a ``not_assessed`` record, only if the assessor has not decided
    the cell yet. The attempts themselves are stored as JSON blobs and cited by every record.
    """
    from iotprofile.assessment.rollup import check_records
    from iotprofile.services.products import plan_for

    product = repository.get_product(product_id)
    if component not in {item.id for item in product.components}:
        known = ", ".join(item.id for item in product.components)
        raise CheckError(f"product {product_id!r} has no component {component!r} (components: {known})",
                         where="--component")  # fmt: skip
    plan = plan_for(workspace, product, requirements=False)
    current = repository.log(product.id, plan.profile.id).current()
    result = Attached()
    blobs: dict[str, bytes] = {}
    by_cell: dict[str, list[tuple[Attempt, Finding, str]]] = {}
    for attempt in attempts:
        if attempt.status is not AttemptStatus.COMPLETED:
            continue
        content = attempt.model_dump_json(indent=2).encode("utf-8")
        digest = hashlib.sha256(content).hexdigest()
        blobs[digest] = content
        for finding in attempt.findings:
            for element in finding.elements:
                cell = plan.cell(element, component)
                if cell is None or not cell.applies:
                    if element not in result.not_cells:
                        result.not_cells.append(element)
                    continue
                by_cell.setdefault(element, []).append((attempt, finding, digest))
    now = utc_now()
    for element, items in by_cell.items():
        ref = CellRef(element=element, component=component)
        proposal = _proposal([finding for _, finding, _ in items])
        existing = current.get(ref)
        if proposal is None and existing is not None and existing.verdict is not Verdict.NOT_ASSESSED:
            result.kept.append(str(ref))
            continue
        evidence: list[Evidence] = []
        for attempt, finding, _ in items:
            evidence.append(
                Evidence(
                    kind=EvidenceKind.CHECK,
                    check=f"{attempt.check} {attempt.check_version}: {finding.rule}",
                    description=finding.observed,
                )
            )
        for digest in dict.fromkeys(digest for _, _, digest in items):
            attempt_name = next(attempt for attempt, _, d in items if d == digest)
            evidence.append(
                Evidence(
                    kind=EvidenceKind.FILE,
                    path=f"{attempt_name.check}-attempt.json",
                    sha256=digest,
                    size=len(blobs[digest]),
                    description=f"the {attempt_name.check} check's full attempt on {attempt_name.input.name}",
                )
            )
        rules = ", ".join(dict.fromkeys(finding.rule for _, finding, _ in items))
        verdict = proposal or Verdict.NOT_ASSESSED
        justification = (
            f"Proved by automated check findings: {rules}."
            if proposal
            else f"Automated check evidence attached ({rules}); the verdict is the assessor's to give."
        )
        result.recorded.append(
            VerdictRecord(
                element=element,
                component=component,
                verdict=verdict,
                justification=justification,
                evidence=tuple(evidence),
                assessor=assessor,
                recorded_at=now,
                source="iotprofile scan",
            )
        )
    if result.recorded:
        check_records(plan, result.recorded)
        repository.add_records(product.id, plan.profile.id, result.recorded, blobs)
    return result


def with_shared_keys(attempts: Sequence[Attempt]) -> list[Attempt]:
    """The attempts, each firmware attempt that shares a private key with another image given that finding too.

    A key in one image may be a per-model key; the same key in several images (or products) is one every unit of
    all of them holds: the batch is where that shows.
    """
    from iotprofile.checks.firmware.analyse import RootAnalysis, shared_keys

    analyses: dict[str, RootAnalysis] = {}
    for attempt in attempts:
        if attempt.check != "firmware" or attempt.status is not AttemptStatus.COMPLETED:
            continue
        private = [
            key for root in attempt.facts.get("roots", []) for key in root.get("keys", {}).get("private_keys", [])
        ]
        analyses[attempt.input.name] = RootAnalysis(root=attempt.input.name, facts={"keys": {"private_keys": private}})
    findings = shared_keys(analyses)
    if not findings:
        return list(attempts)
    result = []
    for attempt in attempts:
        mine = [f for f in findings if attempt.input.name in {p["image"] for p in f.data.get("places", [])}]
        result.append(attempt.model_copy(update={"findings": (*attempt.findings, *mine)}) if mine else attempt)
    return result
