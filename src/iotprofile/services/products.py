"""Use cases for products and assessments: model a product, plan its cells, record verdicts, report.

Stored products live in the database (:mod:`iotprofile.storage`, SQLite by default, PostgreSQL by URL); the
stateless form (:func:`assess_files`) needs no database, for CI pipelines with the product in git.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from iotprofile.assessment.model import AssessmentLog, CellRef, Evidence, EvidenceKind, Verdict, VerdictRecord, utc_now
from iotprofile.assessment.results_io import LoadedResults, load_results, read_evidence_file
from iotprofile.assessment.rollup import AssessmentResult, check_records, evaluate
from iotprofile.catalog.source import describe_loc, first_error
from iotprofile.errors import AssessmentError, ProductError
from iotprofile.product.io import load_product
from iotprofile.product.model import Product
from iotprofile.product.plan import AssessmentPlan, plan
from iotprofile.services import Workspace, show_document

if TYPE_CHECKING:
    from iotprofile.storage.repository import SqlRepository

#: Environment variable with the database URL; the default is a SQLite file in the user's data directory.
DATABASE_ENV = "IOTPROFILE_DATABASE_URL"


def default_database_url() -> str:
    """``$IOTPROFILE_DATABASE_URL``, else ``sqlite:///$XDG_DATA_HOME/iotprofile/iotprofile.db``."""
    configured = os.environ.get(DATABASE_ENV, "").strip()
    if configured:
        return configured
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return f"sqlite:///{base / 'iotprofile' / 'iotprofile.db'}"


def open_repository(url: str | None) -> SqlRepository:
    """The database at ``url`` (or the default), migrated to the current schema."""
    from iotprofile.storage.repository import SqlRepository

    return SqlRepository.open(url or default_database_url())


def plan_for(
    workspace: Workspace, product: Product, profile: str | None = None, *, requirements: bool = True
) -> AssessmentPlan:
    """The assessment plan of a product against its profile (or ``profile``).

    ``requirements=False`` skips the crosswalk look-ups (for a quick status).
    """
    document = show_document(workspace, profile or product.profile_id)
    if document.kind.value != "profile":
        raise ProductError(
            f"{document.id} is a {document.kind.value}, not a profile to assess against",
            tip="use nist-ir-8425 or nist-ir-8425a",
        )
    return plan(product, document, workspace.crosswalks if requirements else None)


# ------------------------------------------------------------------------------------------------- stateless


@dataclass(frozen=True)
class StatelessAssessment:
    """What ``assess PRODUCT.yaml`` produced."""

    result: AssessmentResult
    reports: list[Path]


def assess_files(
    workspace: Workspace,
    product_file: Path,
    *,
    profile: str | None,
    results_file: Path | None,
    report_dir: Path | None,
    formats: Sequence[str],
    documents_dir: Path | None = None,
) -> StatelessAssessment:
    """Assess a product file against a profile with an optional results file, writing reports; no database.

    ``documents_dir`` (the output of ``iotprofile documents``) adds its document coverage to the reports.
    """
    product = load_product(product_file)
    assessment_plan = plan_for(workspace, product, profile)
    loaded = load_results(results_file) if results_file else LoadedResults(None, None, [])
    _check_results_target(loaded, product, assessment_plan, results_file)
    log = AssessmentLog(product=product.id, profile=assessment_plan.profile.id, records=tuple(loaded.records))
    result = evaluate(assessment_plan, log)
    reports: list[Path] = []
    if report_dir is not None:
        from iotprofile.reports.assessment import write_reports

        documents = None
        if documents_dir is not None:
            from iotprofile.documents.coverage import read_coverage

            documents = read_coverage(documents_dir, product=product.id, profile=assessment_plan.profile.id)
        reports = write_reports(result, report_dir, formats, blobs=loaded.blobs.__getitem__, documents=documents)
    return StatelessAssessment(result, reports)


def _check_results_target(loaded: LoadedResults, product: Product, assessment_plan: AssessmentPlan,
                          path: Path | None) -> None:  # fmt: skip
    where = str(path) if path else None
    if loaded.product and loaded.product != product.id:
        raise AssessmentError(f"results are for product {loaded.product!r}, not {product.id!r}", where=where)
    if loaded.profile and loaded.profile != assessment_plan.profile.id:
        raise AssessmentError(
            f"results are for profile {loaded.profile!r}, not {assessment_plan.profile.id!r}",
            where=where,
            tip="pass --profile to assess against it",
        )
    try:
        check_records(assessment_plan, loaded.records)
    except AssessmentError as exc:
        raise AssessmentError(exc.message, where=where, tip=exc.tip) from None


# ---------------------------------------------------------------------------------------------------- stored


def import_product(repository: SqlRepository, workspace: Workspace, path: Path, *,
                   organisation: str | None = None) -> Product:  # fmt: skip
    """Validate a product file (and its plan against its profile), then store it in one transaction.

    The product belongs to ``organisation`` (the web app's; default: ``default``), which must exist.
    """
    from iotprofile.storage.tables import DEFAULT_ORGANISATION

    product = load_product(path)
    plan_for(workspace, product)  # an override naming a non-existent cell is refused before anything is stored
    owner = organisation or DEFAULT_ORGANISATION
    if owner != DEFAULT_ORGANISATION:
        from iotprofile.services.accounts import accounts

        if accounts(repository).organisation(owner) is None:
            raise ProductError(f"no organisation {owner!r}", tip="create it with 'iotprofile user create --org'")
    repository.import_product(product, organisation=owner)
    return product


def import_results(repository: SqlRepository, workspace: Workspace, product_id: str, path: Path,
                   *, assessor: str, profile: str | None = None) -> list[VerdictRecord]:  # fmt: skip
    """Check every record of a results file against the product's plan, then store them all in one transaction."""
    product = repository.get_product(product_id)
    assessment_plan = plan_for(workspace, product, profile)
    loaded = load_results(path, assessor=assessor)
    _check_results_target(loaded, product, assessment_plan, path)
    repository.add_records(product.id, assessment_plan.profile.id, loaded.records, loaded.blobs)
    return loaded.records


def record_verdict(
    repository: SqlRepository,
    workspace: Workspace,
    product_id: str,
    cell: str,
    verdict: Verdict,
    *,
    assessor: str,
    justification: str | None = None,
    evidence_files: Sequence[Path] = (),
    evidence_urls: Sequence[str] = (),
    statements: Sequence[str] = (),
    profile: str | None = None,
) -> VerdictRecord:
    """Record one verdict with its evidence (files hashed and stored) for one cell, in one transaction."""
    uploads: list[tuple[Evidence, bytes]] = [read_evidence_file(path, where=str(path)) for path in evidence_files]
    return record_cell(repository, workspace, product_id, cell, verdict, assessor=assessor,
                       justification=justification, files=uploads, evidence_urls=evidence_urls,
                       statements=statements, profile=profile, source="iotprofile assess set")  # fmt: skip


def evidence_upload(name: str, content: bytes) -> tuple[Evidence, bytes]:
    """File evidence from uploaded bytes (the web app's form or API), hashed; refused over the size limit."""
    from iotprofile.assessment.results_io import MAX_EVIDENCE_BYTES

    if len(content) > MAX_EVIDENCE_BYTES:
        raise AssessmentError(f"evidence file {name} is {len(content)} bytes, over the {MAX_EVIDENCE_BYTES} limit")
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip() or "evidence"
    evidence = Evidence(kind=EvidenceKind.FILE, path=base[:255], sha256=hashlib.sha256(content).hexdigest(),
                        size=len(content))  # fmt: skip
    return evidence, content


def record_cell(
    repository: SqlRepository,
    workspace: Workspace,
    product_id: str,
    cell: str,
    verdict: Verdict,
    *,
    assessor: str,
    source: str,
    justification: str | None = None,
    files: Sequence[tuple[Evidence, bytes]] = (),
    evidence_urls: Sequence[str] = (),
    statements: Sequence[str] = (),
    profile: str | None = None,
) -> VerdictRecord:
    """Record one verdict for one cell with evidence already read (file evidence with its content), atomically.

    The cell must be in the product's plan; nothing is stored when anything is wrong.
    """
    product = repository.get_product(product_id)
    assessment_plan = plan_for(workspace, product, profile, requirements=False)
    ref = CellRef.parse(cell)
    evidence = [item for item, _ in files]
    blobs = {item.sha256 or "": content for item, content in files}
    try:
        evidence += [Evidence(kind=EvidenceKind.URL, url=url) for url in evidence_urls]
        evidence += [Evidence(kind=EvidenceKind.STATEMENT, text=text) for text in statements]
        record = VerdictRecord(element=ref.element, component=ref.component, verdict=verdict,
                               justification=justification, evidence=tuple(evidence), assessor=assessor,
                               recorded_at=utc_now(), source=source)  # fmt: skip
    except ValidationError as exc:
        loc, message = first_error(exc)
        raise AssessmentError(
            f"{describe_loc(loc)}: {message}" if loc else message,
            where=f"cell {cell}",
            tip="give a reason with --justification" if "justification" in message else None,
        ) from None
    check_records(assessment_plan, [record])
    repository.add_records(product.id, assessment_plan.profile.id, [record], blobs)
    return record


def stored_result(repository: SqlRepository, workspace: Workspace, product_id: str,
                  profile: str | None = None, *, requirements: bool = True) -> AssessmentResult:  # fmt: skip
    """The stored product's assessment: its plan with every recorded verdict."""
    product = repository.get_product(product_id)
    assessment_plan = plan_for(workspace, product, profile, requirements=requirements)
    return evaluate(assessment_plan, repository.log(product.id, assessment_plan.profile.id))
