"""Use cases behind the web downloads: assessment reports, evidence files, support records and documents.

Reports are rendered in memory by the report writers (:mod:`iotprofile.reports.assessment`) from the stored
assessment; documents by the document generators (:mod:`iotprofile.documents.generate`) from the stored product
and its stored support record. Nothing is written to disk except a private temporary copy of an uploaded
support record while it is parsed (so that its errors name the line).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from iotprofile.assessment.model import EvidenceKind
from iotprofile.errors import DocumentError, ExitCode, ReportError
from iotprofile.services.accounts import Permission, Principal, audit, require
from iotprofile.services.organisation import assessment_key, check_owned, get_product
from iotprofile.storage.interface import UnknownProductError

if TYPE_CHECKING:
    from collections.abc import Callable

    from iotprofile.documents.coverage import Generated
    from iotprofile.documents.support import LoadedSupport
    from iotprofile.product.model import Product
    from iotprofile.services import Workspace
    from iotprofile.storage.repository import SqlRepository

#: Largest support record accepted.
MAX_SUPPORT_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Download:
    """One file to send: its name (for Content-Disposition), media type and content."""

    filename: str
    media_type: str
    content: bytes


@dataclass(frozen=True)
class ReportKind:
    """A downloadable report: the writer's format, the file it writes, its media type and its link text."""

    format: str
    file: str
    media_type: str
    label: str


#: Every report a product page links to, by the name in its URL (the writers' own file names).
REPORTS: dict[str, ReportKind] = {
    "report.html": ReportKind("html", "report.html", "text/html; charset=utf-8", "HTML report"),
    "report.md": ReportKind("md", "report.md", "text/markdown; charset=utf-8", "Markdown report"),
    "report.json": ReportKind("json", "report.json", "application/json", "JSON report"),
    "matrix.csv": ReportKind("csv", "matrix.csv", "text/csv; charset=utf-8", "CSV matrix"),
    "matrix.xlsx": ReportKind(
        "xlsx", "matrix.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX matrix"
    ),
    "assessment-results.oscal.json": ReportKind(
        "oscal", "assessment-results.json", "application/json", "OSCAL assessment results"
    ),
    "report.pdf": ReportKind("pdf", "report.pdf", "application/pdf", "PDF report"),
}
#: Other names accepted in URLs: the writers' file names that the table above names differently, and extras.
_ALIASES: dict[str, tuple[str, str]] = {
    # name in the URL -> (format, writer's file)
    "assessment-results.json": ("oscal", "assessment-results.json"),
    "component-definition.json": ("oscal", "component-definition.json"),
    "doc-1c-statement.md": ("md", "doc-1c-statement.md"),
    "report.csv": ("csv", "matrix.csv"),
    "report.xlsx": ("xlsx", "matrix.xlsx"),
}
_MEDIA = {
    ".html": "text/html; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".json": "application/json",
    ".csv": "text/csv; charset=utf-8",
    ".xlsx": REPORTS["matrix.xlsx"].media_type,
    ".pdf": "application/pdf",
    ".txt": "text/plain; charset=utf-8",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".xml": "application/xml",
    ".yaml": "application/yaml",
}


class UnknownReportError(ReportError):
    """No such report (answered 404)."""

    exit_code = ExitCode.NOT_FOUND


#: The media types downloads are sent with.
MEDIA_TYPES: tuple[str, ...] = tuple(sorted(set(_MEDIA.values())))
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def media_type(name: str) -> str:
    """The media type of a file by its suffix (``application/octet-stream`` when unknown)."""
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return _MEDIA.get(suffix, "application/octet-stream")


def safe_filename(name: str) -> str:
    """A file name safe in a Content-Disposition header: letters, digits, dot, dash, underscore."""
    return _UNSAFE.sub("_", name.replace("\\", "/").rsplit("/", 1)[-1]).strip("._") or "download"


def report(repository: SqlRepository, workspace: Workspace, principal: Principal, product_id: str, name: str, *,
           evidence_href: Callable[[str], str] | None = None,
           cache: Callable[[Any, Callable[[], Download]], Download] | None = None) -> Download:  # fmt: skip
    """Render one report of the product's stored assessment.

    ``evidence_href`` gives the link of a stored evidence file by SHA-256 (the evidence download route); the
    reports link every evidence file recorded. ``cache(key, compute)`` (the web app's cache) keeps rendered reports
    under the product's assessment version, so an unchanged assessment is not rendered again (a PDF takes seconds).
    """
    from iotprofile.reports.assessment import _writer
    from iotprofile.reports.assessment.interface import ReportFormat
    from iotprofile.reports.assessment.view import build_view
    from iotprofile.services.products import stored_result

    check_owned(repository, principal, product_id)
    if name in REPORTS:
        kind = REPORTS[name]
        fmt, file = kind.format, kind.file
    elif name in _ALIASES:
        fmt, file = _ALIASES[name]
    else:
        raise UnknownReportError(f"no report {name!r}", tip=f"choose from {', '.join(REPORTS)}")
    if cache is not None:
        version = assessment_key(repository, principal, product_id)
        key = ("report", version, fmt, file, evidence_href("") if evidence_href else None)
        return cache(key, lambda: report(repository, workspace, principal, product_id, name,
                                         evidence_href=evidence_href))  # fmt: skip
    result = stored_result(repository, workspace, product_id)
    hrefs: dict[str, str] = {}
    if evidence_href is not None:
        for record in result.log.records:
            for item in record.evidence:
                if item.kind is EvidenceKind.FILE and item.sha256 and item.sha256 not in hrefs:
                    hrefs[item.sha256] = evidence_href(item.sha256)
    view = build_view(result, evidence_hrefs=hrefs)
    files = _writer(ReportFormat(fmt)).render(view)
    return Download(f"{safe_filename(product_id)}-{file}", media_type(file), files[file])


def evidence(repository: SqlRepository, principal: Principal, product_id: str, sha256: str) -> Download:
    """A stored evidence file of one of the product's records (others' and unknown hashes: 404)."""
    from iotprofile.storage.interface import UnknownBlobError

    product = get_product(repository, principal, product_id)
    wanted = sha256.lower()
    if not _SHA256.match(wanted):
        raise UnknownBlobError(f"no evidence file {sha256!r} for product {product_id!r}")
    name = None
    for record in repository.log(product_id, product.profile_id).records:
        for item in record.evidence:
            if item.kind is EvidenceKind.FILE and item.sha256 == wanted:
                name = item.path or wanted
                break
        if name:
            break
    if name is None:
        raise UnknownBlobError(f"no evidence file {wanted} for product {product_id!r}")
    content = repository.blob(wanted)
    return Download(safe_filename(name), media_type(name), content)


# -------------------------------------------------------------------------------------------------- documents


def _load_support_text(text: bytes, filename: str) -> LoadedSupport:
    from iotprofile.documents.support import load_support
    from iotprofile.services.product_editing import parse_uploaded

    loaded: LoadedSupport = parse_uploaded(text, filename, DocumentError, MAX_SUPPORT_BYTES, load_support)
    return loaded


def set_support(repository: SqlRepository, principal: Principal, product_id: str, content: bytes, *,
                filename: str = "support.yaml", ip: str | None = None) -> None:  # fmt: skip
    """Validate a support record (for this product) and store it; audited ``support.update``."""
    require(principal, Permission.EDIT_PRODUCTS)
    check_owned(repository, principal, product_id)
    loaded = _load_support_text(content, filename)
    if loaded.record.product != product_id:
        raise loaded.error(("product",), f"the record is for product {loaded.record.product!r}, not {product_id!r}")
    repository.set_support_record(product_id, content.decode("utf-8-sig"))
    audit(repository, principal, "support.update", object_type="product", object_id=product_id, ip=ip,
          detail={"sha256": hashlib.sha256(content).hexdigest()})  # fmt: skip


def support_text(repository: SqlRepository, principal: Principal, product_id: str) -> str | None:
    """The product's stored support record (YAML or JSON text), or None."""
    check_owned(repository, principal, product_id)
    return repository.support_record(product_id)


@dataclass(frozen=True)
class GeneratedDocuments:
    """The documents of a product: each document's heading and files, and the files by name."""

    documents: list[Generated]
    files: dict[str, bytes]
    notes: tuple[str, ...]


def documents(repository: SqlRepository, workspace: Workspace, principal: Principal, product_id: str, *,
              as_of: date | None = None,
              cache: Callable[[Any, Callable[[], GeneratedDocuments]], GeneratedDocuments] | None = None,
              ) -> GeneratedDocuments | None:  # fmt: skip
    """Generate every document of the product from its stored support record (None: no record stored yet).

    The stored verdicts go in as the assessment (the documentation package uses them); SBOM files are not read
    (a stored product has no directory), so advisories and SBOM-based content are left out.
    """
    product = get_product(repository, principal, product_id)
    text = repository.support_record(product_id)
    if text is None:
        return None
    day = as_of or date.today()
    if cache is not None:
        version = assessment_key(repository, principal, product_id)
        key = ("documents", version, hashlib.sha256(text.encode()).hexdigest(), day)
        return cache(key, lambda: _generate(repository, workspace, product, text, day))
    return _generate(repository, workspace, product, text, day)


def _generate(repository: SqlRepository, workspace: Workspace, product: Product, text: str,
              day: date) -> GeneratedDocuments:  # fmt: skip
    from iotprofile.documents.generate import generate
    from iotprofile.documents.inputs import DocumentInputs
    from iotprofile.documents.sbom import Sbom
    from iotprofile.documents.support import check_current
    from iotprofile.services.products import stored_result

    stripped = text.lstrip()
    loaded = _load_support_text(text.encode(), "support.json" if stripped.startswith("{") else "support.yaml")
    check_current(loaded, product_id=product.id, as_of=day)
    result = stored_result(repository, workspace, product.id, requirements=False)
    inputs = DocumentInputs(product, loaded, Sbom((), ()), (), day, result)
    generated = generate(inputs, result.plan)
    files = generated.files()
    return GeneratedDocuments(generated.generated, files, generated.coverage.missing)


def document(repository: SqlRepository, workspace: Workspace, principal: Principal, product_id: str, name: str, *,
             as_of: date | None = None,
             cache: Callable[[Any, Callable[[], GeneratedDocuments]], GeneratedDocuments] | None = None,
             ) -> Download:  # fmt: skip
    """One generated document file by its name (as listed)."""
    found = documents(repository, workspace, principal, product_id, as_of=as_of, cache=cache)
    if found is None:
        raise UnknownProductError(f"product {product_id!r} has no support record yet",
                                  tip="upload its support.yaml on the Documents page")  # fmt: skip
    if name not in found.files:
        raise UnknownProductError(f"no document {name!r} for product {product_id!r}")
    return Download(safe_filename(name), media_type(name), found.files[name])
