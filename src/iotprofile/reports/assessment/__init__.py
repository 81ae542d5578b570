"""Assessment reports: the product's verdicts as HTML, PDF, Markdown, JSON, CSV, XLSX and OSCAL.

One entry point, :func:`write_reports`; one small writer module per format (``interface.ReportWriter``), each
imported only when its format is asked for (WeasyPrint, openpyxl and compliance-trestle are slow to import).
Every output is deterministic for the same input: no clock is read (the report date is the latest record's
time), everything is sorted stably, and UUIDs are derived from the product's and the profile's IDs.
"""

from __future__ import annotations

import hashlib
import importlib
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from iotprofile.assessment.model import EvidenceKind
from iotprofile.assessment.rollup import AssessmentResult
from iotprofile.errors import ReportError
from iotprofile.reports.assessment.interface import ReportFormat, ReportWriter
from iotprofile.reports.assessment.view import build_view, evidence_file_name

__all__ = ["FORMATS", "ReportFormat", "write_reports"]

#: Every format name :func:`write_reports` accepts, in the order it writes them.
FORMATS: tuple[str, ...] = tuple(item.value for item in ReportFormat)


def write_reports(
    result: AssessmentResult,
    out_dir: Path,
    formats: Sequence[str],
    *,
    blobs: Callable[[str], bytes] | None = None,
    documents: Mapping[str, tuple[str, ...]] | None = None,
) -> list[Path]:
    """Write the reports of ``result`` in ``formats`` (names from :data:`FORMATS`) into ``out_dir``.

    ``blobs`` returns an evidence file's content by SHA-256; when given, every evidence file it knows is copied to
    ``evidence/<sha256>/<name>`` in ``out_dir`` and the reports link to the copy (a file it does not know is shown
    by name and hash only). Returns the paths written: the reports in format order, then the evidence copies.
    ``documents`` (from a ``coverage.json`` of ``iotprofile documents``) adds to the HTML and Markdown reports which
    non-technical sub-outcomes have a generated document and which still lack one.
    Raises :class:`ReportError` for an unknown format, an unwritable directory or an evidence file whose content
    does not match its hash.
    """
    chosen = _formats(formats)
    _prepare(out_dir)
    evidence = _evidence(result, blobs) if blobs is not None else {}
    view = build_view(
        result, evidence_hrefs={sha256: name for sha256, (name, _) in evidence.items()}, documents=documents
    )
    files: dict[str, bytes] = {}
    for fmt in chosen:
        files.update(_writer(fmt).render(view))
    files.update(dict(evidence.values()))
    return [_write(out_dir, name, content) for name, content in files.items()]


def _formats(formats: Sequence[str]) -> list[ReportFormat]:
    wanted: set[ReportFormat] = set()
    for name in formats:
        try:
            wanted.add(ReportFormat(name.strip().lower()))
        except ValueError:
            raise ReportError(f"unknown report format {name!r}", tip=f"choose from {', '.join(FORMATS)}") from None
    if not wanted:
        raise ReportError("no report format given", tip=f"choose from {', '.join(FORMATS)}")
    return [fmt for fmt in ReportFormat if fmt in wanted]


#: The module and class of each format's writer, imported only when that format is asked for (some are slow to
#: import: WeasyPrint, compliance-trestle, openpyxl).
_WRITERS: dict[ReportFormat, tuple[str, str]] = {
    ReportFormat.HTML: ("html_report", "HtmlReport"),
    ReportFormat.PDF: ("pdf_report", "PdfReport"),
    ReportFormat.MD: ("markdown_report", "MarkdownReport"),
    ReportFormat.JSON: ("json_report", "JsonReport"),
    ReportFormat.CSV: ("csv_matrix", "CsvMatrix"),
    ReportFormat.XLSX: ("xlsx_matrix", "XlsxMatrix"),
    ReportFormat.OSCAL: ("oscal_results", "OscalReport"),
}


def _writer(fmt: ReportFormat) -> ReportWriter:
    module_name, class_name = _WRITERS[fmt]
    module = importlib.import_module(f"{__name__}.{module_name}")
    writer: type[ReportWriter] = getattr(module, class_name)
    assert writer.format is fmt, f"{class_name} writes {writer.format}, not {fmt}"
    return writer()


def _prepare(out_dir: Path) -> None:
    """Create the report directory, or fail with one line before anything is rendered."""
    if out_dir.exists() and not out_dir.is_dir():
        raise ReportError("the report directory is a file", where=str(out_dir))
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"cannot create the report directory: {exc.strerror or exc}", where=str(out_dir)) from None
    if not os.access(out_dir, os.W_OK | os.X_OK):
        raise ReportError("the report directory is not writable", where=str(out_dir))


def _evidence(result: AssessmentResult, blobs: Callable[[str], bytes]) -> dict[str, tuple[str, bytes]]:
    """Evidence files to copy beside the reports: SHA-256 -> (relative path, content), first name wins."""
    found: dict[str, tuple[str, bytes]] = {}
    missing: set[str] = set()
    for record in result.log.records:
        for item in record.evidence:
            sha256 = item.sha256
            if item.kind is not EvidenceKind.FILE or not sha256 or sha256 in found or sha256 in missing:
                continue
            try:
                content = blobs(sha256)
            except (LookupError, FileNotFoundError):
                missing.add(sha256)
                continue
            if hashlib.sha256(content).hexdigest() != sha256:
                raise ReportError(
                    f"evidence file {item.path or sha256} does not match its recorded SHA-256 {sha256}",
                    where=f"cell {record.cell}",
                )
            found[sha256] = (evidence_file_name(item), content)
    return found


def _write(out_dir: Path, name: str, content: bytes) -> Path:
    path = out_dir / name
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    except OSError as exc:
        raise ReportError(f"cannot write {name}: {exc.strerror or exc}", where=str(path)) from None
    return path
