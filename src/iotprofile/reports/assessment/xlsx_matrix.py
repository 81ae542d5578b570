"""``matrix.xlsx``: the matrix as a workbook (header row, frozen panes, colour fills) with a legend sheet.

Deterministic: the workbook's created/modified properties are the report date, and the archive is rewritten with
one fixed timestamp for every member (zip entries otherwise carry the time of writing).
"""

from __future__ import annotations

from typing import ClassVar

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from iotprofile.assessment.model import Verdict
from iotprofile.reports.assessment.interface import ReportFormat, ReportWriter
from iotprofile.reports.assessment.view import ReportView
from iotprofile.reports.assessment.wording import verdict_meaning, verdict_word
from iotprofile.workbook import workbook_bytes

#: Fill colours per verdict (the same as the HTML report's); the word is always in the cell too.
FILLS: dict[Verdict, str] = {
    Verdict.SATISFIED: "D4EFD4",
    Verdict.PARTIALLY_SATISFIED: "FCE7AD",
    Verdict.NOT_SATISFIED: "F8D0CC",
    Verdict.NOT_APPLICABLE: "ECECEC",
    Verdict.NOT_ASSESSED: "FFFFFF",
    Verdict.ERROR: "E5D8FA",
}
#: Every member of the archive gets this timestamp (the earliest a zip entry can have).
_HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
_THIN = Side(style="thin", color="C9CED6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_NONE_FILL = PatternFill("solid", fgColor="FAFAFA")


def _fill(verdict: Verdict) -> PatternFill:
    return PatternFill("solid", fgColor=FILLS[verdict])


def _header(sheet: Worksheet, titles: list[str]) -> None:
    sheet.append(titles)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(vertical="bottom", wrap_text=True)


def _matrix_sheet(sheet: Worksheet, view: ReportView) -> None:
    sheet.title = "Matrix"
    _header(sheet, ["Outcome", "Element", "Title", *(column.title for column in view.columns)])
    for outcome in view.outcomes:
        for row in outcome.rows:
            verdicts: list[Verdict | None] = [cell.verdict if cell else None for cell in row.cells]
            verdicts.append(row.verdict)
            sheet.append([outcome.element.title or outcome.element.id, row.element.id, row.element.title or "",
                          *(verdict_word(verdict) if verdict else "" for verdict in verdicts)])  # fmt: skip
            for offset, verdict in enumerate(verdicts):
                cell = sheet.cell(row=sheet.max_row, column=4 + offset)
                cell.fill = _fill(verdict) if verdict else _NONE_FILL
                cell.alignment = Alignment(horizontal="center")
                cell.border = _BORDER
                if verdict and offset == len(verdicts) - 1 and row.technical:
                    cell.font = Font(italic=True)
    widths = [26, 10, 48, *([18] * len(view.columns))]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "D2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(widths))}{sheet.max_row}"


def _legend_sheet(sheet: Worksheet) -> None:
    _header(sheet, ["Verdict", "Value", "Meaning"])
    for verdict in Verdict:
        sheet.append([verdict_word(verdict), verdict.value, verdict_meaning(verdict)])
        sheet.cell(row=sheet.max_row, column=1).fill = _fill(verdict)
    sheet.append([])
    sheet.append(["Product column", "", "Technical elements: the roll-up over the components (in italics). "
                  "Non-technical elements: the verdict for the product as a whole."])  # fmt: skip
    sheet.append(["Empty cell", "", "The element is assessed for the product as a whole, not per component."])
    for column, width in (("A", 22), ("B", 22), ("C", 90)):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"


def render_xlsx(view: ReportView) -> bytes:
    """The workbook's bytes."""
    workbook = Workbook()
    matrix = workbook.active
    assert matrix is not None
    _matrix_sheet(matrix, view)
    _legend_sheet(workbook.create_sheet("Legend"))
    properties = workbook.properties
    properties.creator = "iotprofile"
    properties.title = f"{view.product.name}: {view.profile_name} matrix"
    return workbook_bytes(workbook, stamp=view.timestamp)


class XlsxMatrix(ReportWriter):
    """``matrix.xlsx``."""

    format: ClassVar[ReportFormat] = ReportFormat.XLSX

    def render(self, view: ReportView) -> dict[str, bytes]:
        """The workbook."""
        return {"matrix.xlsx": render_xlsx(view)}
