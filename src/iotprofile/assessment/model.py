"""Verdicts, evidence and the append-only record of an assessment.

A *cell* is one sub-outcome (or item) for one component, or a non-technical one for the product as a whole. Each
change to a cell is a new :class:`VerdictRecord`; nothing is overwritten, and the latest record of a cell is its
current state. Missing evidence is ``not_assessed``, never ``not_satisfied`` (ARCHITECTURE.md, firm).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import AwareDatetime, Field, model_validator

from iotprofile.catalog.model import Frozen

#: How a cell for the product as a whole is written (non-technical outcomes).
PRODUCT_SCOPE = "product"


class Verdict(StrEnum):
    """The verdict vocabulary (firm)."""

    SATISFIED = "satisfied"
    PARTIALLY_SATISFIED = "partially_satisfied"
    NOT_SATISFIED = "not_satisfied"
    #: Requires a justification.
    NOT_APPLICABLE = "not_applicable"
    NOT_ASSESSED = "not_assessed"
    #: An automated check failed to run; says nothing about the product.
    ERROR = "error"


class EvidenceKind(StrEnum):
    """Kinds of evidence."""

    #: A file, stored by SHA-256 (a test report, a screenshot, a policy PDF).
    FILE = "file"
    URL = "url"
    #: A statement by the manufacturer or the assessor.
    STATEMENT = "statement"
    #: The result of an automated check.
    CHECK = "check"


class Evidence(Frozen):
    """One piece of evidence for a verdict."""

    kind: EvidenceKind
    description: str | None = None
    path: str | None = Field(default=None, description="For a file: its name or path as given.")
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$", description="For a file: content hash.")
    size: int | None = Field(default=None, ge=0)
    url: str | None = None
    text: str | None = Field(default=None, description="For a statement: the statement.")
    check: str | None = Field(default=None, description="For a check result: the check's ID and run.")

    @model_validator(mode="after")
    def _complete(self) -> Evidence:
        required = {
            EvidenceKind.FILE: ("sha256", self.sha256),
            EvidenceKind.URL: ("url", self.url),
            EvidenceKind.STATEMENT: ("text", self.text),
            EvidenceKind.CHECK: ("check", self.check),
        }[self.kind]
        if not required[1]:
            msg = f"{self.kind.value} evidence needs '{required[0]}'"
            raise ValueError(msg)
        return self


class CellRef(Frozen):
    """Which cell: an element for a component, or for the product as a whole (``component`` None)."""

    element: str = Field(min_length=1)
    component: str | None = None

    def __str__(self) -> str:
        return f"{self.element}@{self.component or PRODUCT_SCOPE}"

    @classmethod
    def parse(cls, text: str) -> CellRef:
        """``DP-1@app`` or ``DOC-1a@product`` (also ``DOC-1a`` alone, for the product)."""
        element, _, component = text.partition("@")
        return cls(element=element.strip(), component=None if component in {"", PRODUCT_SCOPE} else component)


class VerdictRecord(Frozen):
    """One recorded verdict: who said what about which cell, when, and why."""

    element: str = Field(min_length=1)
    component: str | None = Field(default=None, description="Component ID; None for the product as a whole.")
    verdict: Verdict
    justification: str | None = Field(default=None, description="Why; required for not_applicable.")
    evidence: tuple[Evidence, ...] = ()
    assessor: str = Field(min_length=1)
    recorded_at: AwareDatetime
    source: str | None = Field(default=None, description="Where the record came from (a CLI call, a file).")

    @property
    def cell(self) -> CellRef:
        """The cell this record is about."""
        return CellRef(element=self.element, component=self.component)

    @model_validator(mode="after")
    def _justified(self) -> VerdictRecord:
        if self.verdict is Verdict.NOT_APPLICABLE and not (self.justification and self.justification.strip()):
            msg = "not_applicable needs a justification"
            raise ValueError(msg)
        return self


class AssessmentLog(Frozen):
    """Every record of one product's assessment against one profile, oldest first (append-only)."""

    product: str
    profile: str
    records: tuple[VerdictRecord, ...] = ()

    def current(self) -> dict[CellRef, VerdictRecord]:
        """The latest record of every cell that has one."""
        latest: dict[CellRef, VerdictRecord] = {}
        for record in sorted(self.records, key=lambda item: item.recorded_at):
            latest[record.cell] = record
        return latest

    def history(self, cell: CellRef) -> list[VerdictRecord]:
        """Every record of one cell, oldest first."""
        return sorted((record for record in self.records if record.cell == cell), key=lambda item: item.recorded_at)


def utc_now() -> datetime:
    """The current time, timezone-aware (records always carry a zone)."""
    from datetime import UTC

    return datetime.now(UTC).replace(microsecond=0)
