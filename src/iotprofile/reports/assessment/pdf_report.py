"""``report.pdf``: the HTML report rendered by WeasyPrint (A4 landscape, from the page's print CSS).

WeasyPrint is imported here only, since it is slow to import. It never fetches anything: the page has no external
assets, and its URL fetcher allows only ``data:`` URLs (and, where WeasyPrint has ``URLFetcher``, stops the
rendering on any other). The PDF carries the
report date (from the page's ``dcterms`` metadata) and no clock time, so the same input gives the same bytes.
"""

from __future__ import annotations

from typing import Any, ClassVar, NoReturn

from iotprofile.reports.assessment.html_report import render_html
from iotprofile.reports.assessment.interface import ReportFormat, ReportWriter
from iotprofile.reports.assessment.view import ReportView


def _refuse(url: str) -> NoReturn:
    """The URL fetcher of WeasyPrint releases without ``URLFetcher``: nothing is fetched."""
    raise ValueError(f"report.pdf must be self-contained; it would fetch {url}")


def _fetcher(weasyprint: Any) -> Any:
    """A fetcher that allows ``data:`` URLs only (``URLFetcher`` where this WeasyPrint has it)."""
    fetcher_class = getattr(weasyprint.urls, "URLFetcher", None)
    if fetcher_class is None:
        return _refuse
    return fetcher_class(allowed_protocols=("data",), fail_on_errors=True)


class PdfReport(ReportWriter):
    """``report.pdf``."""

    format: ClassVar[ReportFormat] = ReportFormat.PDF

    def render(self, view: ReportView) -> dict[str, bytes]:
        """The PDF bytes."""
        import weasyprint  # WeasyPrint ships no type information (mypy: skipped)

        document = weasyprint.HTML(string=render_html(view, for_print=True), url_fetcher=_fetcher(weasyprint)).render()
        pdf: bytes = document.write_pdf()
        return {"report.pdf": pdf}
