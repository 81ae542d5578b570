"""The traceability matrix of a built profile: ``traceability.csv`` and ``traceability.xlsx``.

One row per (element, source requirement) placement, in profile element order, then standard, then requirement ID
in natural order (5.1-2 before 5.1-10). Requirement texts come from users' files, so every text cell that a
spreadsheet would read as a formula (a leading ``=``, ``+``, ``-``, ``@``, tab or carriage return) is prefixed with
``'`` (OWASP "CSV Injection"; ASVS 5.0 V1.2.10).

The workbook is deterministic: fixed document properties and one fixed timestamp for every archive member, as in
:mod:`iotprofile.reports.assessment.xlsx_matrix`.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from iotprofile.profiles.build.render_view import ProfileView
from iotprofile.workbook import workbook_bytes

#: The matrix's columns, in order.
COLUMNS = (
    "element",
    "element_text",
    "outcome",
    "standard",
    "requirement_id",
    "strength",
    "strength_phrase",
    "strength_basis",
    "decision",
    "score",
    "reviewer",
    "concept_group",
    "text",
    "location",
)
#: Columns of the "elements" sheet.
ELEMENT_COLUMNS = ("element", "outcome", "kind", "added", "text", "shall", "should", "total")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Every member of the archive gets this timestamp (the earliest a zip entry can have).
#: The workbook's created/modified properties: fixed, so that the same profile gives the same bytes.
WORKBOOK_TIMESTAMP = datetime(2026, 11, 22)  # naive: openpyxl writes naive times as UTC
_WIDTHS = (10, 48, 9, 20, 18, 11, 16, 11, 11, 7, 14, 28, 70, 28)
_ELEMENT_WIDTHS = (10, 9, 12, 7, 70, 7, 7, 7)
_HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")


def cell_text(value: str | None) -> str:
    """A text cell safe to open in a spreadsheet: formula starts quoted with ``'``."""
    text = value or ""
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def _score(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def matrix_rows(view: ProfileView) -> list[list[str]]:
    """One list of cells per trace row, in the order of :data:`COLUMNS`; text cells already made safe."""
    by_id = {element.element.id: element for element in view.elements}
    rows = []
    for row in view.rows:
        element = by_id[row.element]
        rows.append(
            [
                cell_text(row.element),
                cell_text(element.text),
                cell_text(element.outcome.id),
                cell_text(row.standard),
                cell_text(row.requirement_id),
                row.strength.value if row.strength else "",
                cell_text(row.strength_phrase),
                cell_text(row.strength_basis),
                row.decision.value,
                _score(row.score),
                cell_text(row.reviewer),
                cell_text(row.concept_group),
                cell_text(row.text),
                cell_text(row.location),
            ]
        )
    return rows


def render_csv(view: ProfileView) -> str:
    """``traceability.csv``: a header and one line per trace row, line feeds between records."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(matrix_rows(view))
    return buffer.getvalue()


def _xlsx_value(value: str) -> str:
    # openpyxl refuses control characters that XML 1.0 cannot hold; a PDF's text may carry them.
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _header(sheet: Worksheet, titles: tuple[str, ...], widths: tuple[int, ...]) -> None:
    sheet.append(list(titles))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _finish(sheet: Worksheet, columns: int, freeze: str) -> None:
    sheet.freeze_panes = freeze
    sheet.auto_filter.ref = f"A1:{get_column_letter(columns)}{max(sheet.max_row, 1)}"


def _matrix_sheet(sheet: Worksheet, view: ProfileView) -> None:
    sheet.title = "traceability"
    _header(sheet, COLUMNS, _WIDTHS)
    score = COLUMNS.index("score")
    for cells, row in zip(matrix_rows(view), view.rows, strict=True):
        values: list[str | float | None] = [_xlsx_value(cell) for cell in cells]
        values[score] = row.score  # a number, so that the column sorts and filters as one
        sheet.append(values)
        for cell in sheet[sheet.max_row]:
            cell.alignment = Alignment(vertical="top", wrap_text=cell.column in {2, 13})
    _finish(sheet, len(COLUMNS), "B2")


def _elements_sheet(sheet: Worksheet, view: ProfileView) -> None:
    _header(sheet, ELEMENT_COLUMNS, _ELEMENT_WIDTHS)
    for element in view.elements:
        shall, should = len(element.shall), len(element.should)
        sheet.append(
            [
                _xlsx_value(cell_text(element.element.id)),
                _xlsx_value(cell_text(element.outcome.id)),
                element.element.kind.value,
                "yes" if element.added else "no",
                _xlsx_value(cell_text(element.text)),
                shall,
                should,
                shall + should,
            ]
        )
    _finish(sheet, len(ELEMENT_COLUMNS), "B2")


def render_xlsx(view: ProfileView) -> bytes:
    """``traceability.xlsx``: the "traceability" sheet (the CSV's rows) and the "elements" sheet (counts)."""
    workbook = Workbook()
    matrix = workbook.active
    assert matrix is not None
    _matrix_sheet(matrix, view)
    _elements_sheet(workbook.create_sheet("elements"), view)
    properties = workbook.properties
    properties.creator = "iotprofile"
    properties.title = f"{view.profile.title}: traceability"
    return workbook_bytes(workbook, stamp=WORKBOOK_TIMESTAMP)
