"""What every assessment report writer is: a format, and a pure function from the report view to files."""

from __future__ import annotations

from abc import ABC, abstractmethod
from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from iotprofile.reports.assessment.view import ReportView


class ReportFormat(StrEnum):
    """The formats :func:`~iotprofile.reports.assessment.write_reports` writes, and the files each produces."""

    #: ``report.html``: one self-contained page.
    HTML = "html"
    #: ``report.pdf``: the HTML page rendered by WeasyPrint.
    PDF = "pdf"
    #: ``report.md`` and ``doc-1c-statement.md`` (the Documentation 1c statement).
    MD = "md"
    #: ``report.json``, valid against ``report.schema.json``.
    JSON = "json"
    #: ``matrix.csv``: elements by components.
    CSV = "csv"
    #: ``matrix.xlsx``: the same matrix with a legend sheet.
    XLSX = "xlsx"
    #: ``component-definition.json`` and ``assessment-results.json`` (OSCAL, via compliance-trestle).
    OSCAL = "oscal"


class ReportWriter(ABC):
    """One output format. Writers render to bytes; only the entry point touches the file system."""

    format: ClassVar[ReportFormat]

    @abstractmethod
    def render(self, view: ReportView) -> dict[str, bytes]:
        """The files of this format: name (relative to the report directory) -> content."""
