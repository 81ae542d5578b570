"""``matrix.csv``: one row per assessable element, one column per component and one for the product.

Cells hold the verdict vocabulary (``satisfied``, ``not_applicable``, ...); a component column is empty where the
element is assessed for the product as a whole. The ``product`` column is the product-level verdict: for a
technical element the roll-up over the components, for a non-technical one its cell.
"""

from __future__ import annotations

import csv
import io
from typing import ClassVar

from iotprofile.reports.assessment.interface import ReportFormat, ReportWriter
from iotprofile.reports.assessment.view import ReportView

#: Columns before the component columns.
LEADING_COLUMNS = ("outcome", "element", "title", "nature")


def matrix_rows(view: ReportView) -> list[list[str]]:
    """The header and one row per assessable element, as strings."""
    rows = [[*LEADING_COLUMNS, *(column.id for column in view.columns)]]
    for outcome in view.outcomes:
        for row in outcome.rows:
            nature = row.element.nature.value if row.element.nature else ""
            cells = [cell.verdict.value if cell else "" for cell in row.cells]
            rows.append([outcome.element.id, row.element.id, row.element.title or "", nature, *cells,
                         row.verdict.value])  # fmt: skip
    return rows


class CsvMatrix(ReportWriter):
    """``matrix.csv``."""

    format: ClassVar[ReportFormat] = ReportFormat.CSV

    def render(self, view: ReportView) -> dict[str, bytes]:
        """The CSV, UTF-8, one line per row ending in a line feed."""
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(matrix_rows(view))
        return {"matrix.csv": buffer.getvalue().encode("utf-8")}
