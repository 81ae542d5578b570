"""Reading verdicts from results files (YAML or CSV), with evidence files hashed and checked to exist.

YAML::

    product: acme-router            # optional; checked against the product when given
    profile: nist-ir-8425a          # optional; likewise
    records:
      - cell: DP-1@router           # or DOC-1a@product
        verdict: satisfied
        justification: ...          # required for not_applicable
        assessor: alice@example.com
        recorded_at: 2026-11-01T10:00:00Z
        evidence:
          - {kind: file, path: evidence/flash-encryption.txt, description: ...}   # relative to the results file
          - {kind: url, url: https://example.com/vdp}
          - {kind: statement, text: ...}
          - {kind: check, check: firmware/credentials@run-42}

CSV: one record per row, columns ``cell, verdict, justification, assessor, recorded_at, evidence_file,
evidence_url, evidence_statement`` (the first two required).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from iotprofile.assessment.model import CellRef, Evidence, EvidenceKind, VerdictRecord, utc_now
from iotprofile.catalog.source import Located, first_error, read_located
from iotprofile.errors import AssessmentError

CSV_RESULTS_COLUMNS = (
    "cell", "verdict", "justification", "assessor", "recorded_at", "evidence_file", "evidence_url",
    "evidence_statement",
)  # fmt: skip
#: Largest evidence file accepted (a screenshot, a PDF report; not a firmware image).
MAX_EVIDENCE_BYTES = 64 * 1024 * 1024


@dataclass
class LoadedResults:
    """Records from a results file, and the evidence files' bytes by SHA-256 (to store beside them)."""

    product: str | None
    profile: str | None
    records: list[VerdictRecord]
    blobs: dict[str, bytes] = field(default_factory=dict)


def read_evidence_file(path: Path, *, where: str) -> tuple[Evidence, bytes]:
    """Hash an evidence file; a missing, unreadable or oversized file is an :class:`AssessmentError`."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise AssessmentError(f"evidence {path} is not a file", where=where)
        if size > MAX_EVIDENCE_BYTES:
            raise AssessmentError(
                f"evidence file {path} is {size} bytes, over the {MAX_EVIDENCE_BYTES} limit", where=where
            )
        content = path.read_bytes()
    except FileNotFoundError:
        raise AssessmentError(f"evidence file not found: {path}", where=where) from None
    except OSError as exc:
        raise AssessmentError(f"cannot read evidence file {path}: {exc.strerror}", where=where) from None
    evidence = Evidence(
        kind=EvidenceKind.FILE, path=path.name, sha256=hashlib.sha256(content).hexdigest(), size=len(content)
    )
    return evidence, content


@dataclass
class _Reader:
    """Turns raw records of one file into validated records, hashing evidence files as it goes."""

    located: Located
    assessor: str
    time: datetime
    blobs: dict[str, bytes] = field(default_factory=dict)

    def record(self, raw: Any, loc: tuple[int | str, ...]) -> VerdictRecord:
        located = self.located
        if not isinstance(raw, dict):
            raise located.error(AssessmentError, loc, "a record is a mapping with 'cell' and 'verdict'")
        data = dict(raw)
        if "cell" in data:
            cell = CellRef.parse(str(data.pop("cell")))
            data.setdefault("element", cell.element)
            data.setdefault("component", cell.component)
        data.setdefault("assessor", self.assessor)
        data.setdefault("recorded_at", self.time)
        data["evidence"] = [self._evidence(item, (*loc, "evidence", index))
                            for index, item in enumerate(data.get("evidence") or [])]  # fmt: skip
        try:
            return VerdictRecord.model_validate(data)
        except ValidationError as exc:
            error_loc, message = first_error(exc)
            raise located.error(AssessmentError, (*loc, *error_loc), message) from None

    def _evidence(self, item: Any, loc: tuple[int | str, ...]) -> Any:
        if not (isinstance(item, dict) and item.get("kind") == EvidenceKind.FILE.value and "sha256" not in item):
            return item
        if not item.get("path"):
            raise self.located.error(AssessmentError, loc, "file evidence needs a 'path'")
        where = self.located.where((*loc, "path"))
        found, content = read_evidence_file(self.located.path.parent / str(item["path"]), where=where)
        self.blobs[found.sha256 or ""] = content
        return {**item, "sha256": found.sha256, "size": found.size, "path": str(item["path"])}

    def csv_record(self, row: dict[str, str], index: int) -> VerdictRecord:
        raw: dict[str, Any] = {key: value for key, value in row.items() if value and not key.startswith("evidence_")}
        evidence: list[dict[str, Any]] = []
        if row.get("evidence_file"):
            evidence.append({"kind": "file", "path": row["evidence_file"]})
        if row.get("evidence_url"):
            evidence.append({"kind": "url", "url": row["evidence_url"]})
        if row.get("evidence_statement"):
            evidence.append({"kind": "statement", "text": row["evidence_statement"]})
        raw["evidence"] = evidence
        try:
            return self.record(raw, (index,))
        except AssessmentError as exc:
            if exc.where and " row " in exc.where:
                raise
            raise AssessmentError(exc.message, where=self.located.where((index,)), tip=exc.tip) from None


def load_results(path: Path, *, assessor: str = "unknown", now: datetime | None = None) -> LoadedResults:
    """Read a results file; every record is validated and every evidence file hashed, or nothing is returned."""
    located = read_located(path, AssessmentError)
    reader = _Reader(located, assessor, now or utc_now())
    if located.is_csv:
        missing = [name for name in ("cell", "verdict") if name not in located.columns]
        unknown = set(located.columns) - set(CSV_RESULTS_COLUMNS)
        if missing or unknown:
            problem = f"missing column(s) {', '.join(missing)}" if missing else \
                f"unknown column(s) {', '.join(sorted(unknown))}"  # fmt: skip
            raise AssessmentError(
                problem,
                where=f"{path} row 1",
                tip=f"a CSV results file has the columns {', '.join(CSV_RESULTS_COLUMNS)}",
            )
        records = [reader.csv_record(row, index) for index, row in enumerate(located.data)]
        return LoadedResults(None, None, records, reader.blobs)
    data = located.data
    if not isinstance(data, dict) or not isinstance(data.get("records"), list):
        raise AssessmentError("a results file is a mapping with a 'records' list", where=located.where())
    unknown = set(data) - {"product", "profile", "records"}
    if unknown:
        raise located.error(AssessmentError, (sorted(unknown)[0],), "unknown field")
    records = [reader.record(raw, ("records", index)) for index, raw in enumerate(data["records"])]
    return LoadedResults(data.get("product"), data.get("profile"), records, reader.blobs)
