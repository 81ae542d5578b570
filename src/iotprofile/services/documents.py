"""Use cases for the non-technical documents: generate them all at once, and record them as evidence.

:func:`generate_documents` reads the product file, its support record (``support.yaml`` beside it by default), the
SBOMs the product names and the advisory files (``advisories/`` beside it by default), generates every document in
memory, and only then writes them: into a temporary directory beside the output, moved into place when all
succeeded. Invalid input raises a :class:`~iotprofile.errors.DocumentError` naming the file, the line and the
field, and nothing is written.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from iotprofile.assessment.model import CellRef, Verdict, VerdictRecord, utc_now
from iotprofile.documents.advisory import advisory_files, load_advisory
from iotprofile.documents.coverage import DocumentKind, Generated
from iotprofile.documents.generate import Documents, generate
from iotprofile.documents.inputs import DocumentInputs
from iotprofile.documents.sbom import product_sbom
from iotprofile.documents.support import SUPPORT_FILE_NAME, check_current, load_support
from iotprofile.errors import DocumentError
from iotprofile.product.io import load_product
from iotprofile.product.plan import AssessmentPlan
from iotprofile.services import Workspace
from iotprofile.services.products import plan_for

if TYPE_CHECKING:
    from iotprofile.storage.repository import SqlRepository

#: Written beside the documents: the coverage of the non-technical sub-outcomes; also marks the directory as ours.
COVERAGE_FILE = "coverage.json"


@dataclass(frozen=True)
class DocumentsRun:
    """What ``iotprofile documents`` produced."""

    inputs: DocumentInputs
    documents: Documents
    written: list[Path]


def load_inputs(
    workspace: Workspace,
    product_file: Path,
    *,
    support_file: Path | None,
    advisories_dir: Path | None,
    results_file: Path | None,
    as_of: date,
) -> tuple[DocumentInputs, AssessmentPlan]:
    """Read and check every input; returns the inputs and the product's assessment plan."""
    product = load_product(product_file)
    beside = product_file.parent / SUPPORT_FILE_NAME
    if support_file is None and not beside.exists():
        raise DocumentError(
            "no support record beside the product file",
            where=str(beside),
            tip="write one (examples/router/support.yaml shows every field) or name it with --support",
        )
    support = load_support(support_file or beside)
    check_current(support, product_id=product.id, as_of=as_of)
    sbom = product_sbom(product, product_file.parent)
    directory = advisories_dir or product_file.parent / "advisories"
    if advisories_dir is not None and not advisories_dir.is_dir():
        raise DocumentError("advisories directory not found", where=str(advisories_dir))
    advisories = tuple(load_advisory(path, sbom) for path in advisory_files(directory))
    assessment = None
    assessment_plan = plan_for(workspace, product, requirements=False)
    if results_file is not None:
        from iotprofile.services.products import assess_files

        assessment = assess_files(
            workspace, product_file, profile=None, results_file=results_file, report_dir=None, formats=()
        ).result
    inputs = DocumentInputs(product, support, sbom, advisories, as_of, assessment)
    return inputs, assessment_plan


def generate_documents(
    workspace: Workspace,
    product_file: Path,
    out_dir: Path,
    *,
    support_file: Path | None = None,
    advisories_dir: Path | None = None,
    results_file: Path | None = None,
    only: Sequence[DocumentKind] = (),
    as_of: date,
) -> DocumentsRun:
    """Generate the documents into ``out_dir``: all or nothing."""
    _check_out_dir(out_dir)
    inputs, assessment_plan = load_inputs(
        workspace,
        product_file,
        support_file=support_file,
        advisories_dir=advisories_dir,
        results_file=results_file,
        as_of=as_of,
    )
    documents = generate(inputs, assessment_plan, only)
    files = documents.files()
    files[COVERAGE_FILE] = (json.dumps(documents.coverage.to_json(), indent=2, ensure_ascii=False) + "\n").encode()
    return DocumentsRun(inputs, documents, _write_all(out_dir, files))


def _check_out_dir(out_dir: Path) -> None:
    """Refuse to replace a directory that is not a previous output (it might be the user's own files)."""
    if out_dir.exists() and not out_dir.is_dir():
        raise DocumentError("the output directory is a file", where=str(out_dir))
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / COVERAGE_FILE).is_file():
        raise DocumentError(
            "the output directory is not empty and holds no earlier documents (no coverage.json); not replacing it",
            where=str(out_dir),
            tip="name a new or empty directory",
        )


def _write_all(out_dir: Path, files: dict[str, bytes]) -> list[Path]:
    """Write into a temporary sibling directory, then swap it in for ``out_dir``."""
    parent = out_dir.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=parent))
    except OSError as exc:
        raise DocumentError(f"cannot create the output directory: {exc.strerror or exc}", where=str(out_dir)) from None
    try:
        for name, content in sorted(files.items()):
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        staging.chmod(0o755)
        old = None
        if out_dir.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old.", dir=parent))
            out_dir.rename(old / "previous")
        staging.rename(out_dir)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise DocumentError(f"cannot write the documents: {exc.strerror or exc}", where=str(out_dir)) from None
    return [out_dir / name for name in sorted(files)]


# --------------------------------------------------------------------------------------------------- evidence


@dataclass(frozen=True)
class RecordedDocuments:
    """Evidence records added, and cells left alone because an assessor already decided them."""

    recorded: list[VerdictRecord]
    decided: list[tuple[str, Verdict]]
    unchanged: list[str]


def record_documents(
    repository: SqlRepository, workspace: Workspace, run: DocumentsRun, *, assessor: str
) -> RecordedDocuments:
    """Add each served non-technical cell a ``not_assessed`` record with the documents as file evidence.

    Documents are evidence, not verdicts: the assessor decides. A cell whose current verdict is anything but
    ``not_assessed`` is left alone (a new ``not_assessed`` record would replace the assessor's verdict), and so is
    a cell whose current record already carries exactly these files. All records go in one transaction.
    """
    product = repository.get_product(run.inputs.product.id)
    assessment_plan = plan_for(workspace, product, requirements=False)
    from iotprofile.assessment.rollup import check_records

    log = repository.log(product.id, assessment_plan.profile.id)
    current = log.current()
    by_element: dict[str, list[Generated]] = {}
    for item in run.documents.generated:
        for element in item.serves:
            by_element.setdefault(element, []).append(item)
    recorded: list[VerdictRecord] = []
    decided: list[tuple[str, Verdict]] = []
    unchanged: list[str] = []
    blobs: dict[str, bytes] = {}
    now = utc_now()
    for row in run.documents.coverage.rows:
        if not row.covered:
            continue
        ref = CellRef(element=row.element)
        existing = current.get(ref)
        if existing is not None and existing.verdict is not Verdict.NOT_ASSESSED:
            decided.append((str(ref), existing.verdict))
            continue
        serving = by_element[row.element]
        evidence = tuple(found for item in serving for found in item.evidence(run.inputs.as_of))
        if existing is not None and {item.sha256 for item in existing.evidence} == {item.sha256 for item in evidence}:
            unchanged.append(str(ref))
            continue
        for item in serving:
            blobs.update({_sha256(content): content for content in item.files.values()})
        recorded.append(
            VerdictRecord(
                element=row.element,
                verdict=Verdict.NOT_ASSESSED,
                evidence=evidence,
                assessor=assessor,
                recorded_at=now,
                justification="Generated documents attached as evidence; the verdict is the assessor's to give.",
                source="iotprofile documents --record",
            )
        )
    if recorded:
        check_records(assessment_plan, recorded)  # the stored product may be an older definition than the file
        repository.add_records(product.id, assessment_plan.profile.id, recorded, blobs)
    return RecordedDocuments(recorded, decided, unchanged)


def _sha256(content: bytes) -> str:
    import hashlib

    return hashlib.sha256(content).hexdigest()
