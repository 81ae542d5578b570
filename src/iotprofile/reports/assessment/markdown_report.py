"""``report.md`` (summary, matrix, details by outcome) and, with it, ``doc-1c-statement.md``."""

from __future__ import annotations

from typing import ClassVar

from iotprofile.assessment.model import Verdict
from iotprofile.reports.assessment.doc1c_statement import render_statement
from iotprofile.reports.assessment.interface import ReportFormat, ReportWriter
from iotprofile.reports.assessment.markdown_text import evidence_line, md, record_line
from iotprofile.reports.assessment.view import CellView, OutcomeView, ReportView, RowView
from iotprofile.reports.assessment.wording import product_type_words, verdict_meaning, verdict_word


def _cell_lines(cell: CellView, view: ReportView) -> list[str]:
    head = f"- **{md(cell.column.title)}: {verdict_word(cell.verdict)}.**"
    facts = cell.status.cell
    if cell.excluded:
        why = "Override in the product file" if facts.overridden else "Applicability rule"
        return [f"{head} {why}: {md(facts.reason.rstrip('.'))}."]
    record = cell.record
    if record is None:
        lines = [f"{head} No verdict recorded yet."]
    else:
        lines = [f"{head} {md(record.justification) or 'No justification given.'} Recorded by {md(record.assessor)} "
                 f"on {record.recorded_at.isoformat()}."]  # fmt: skip
        lines += [f"  - Evidence: {evidence_line(item, view)}" for item in record.evidence]
        if len(cell.history) > 1:
            lines.append("  - History: " + "; ".join(record_line(item) for item in cell.history))
    if facts.overridden:
        lines.append(f"  - Applies by override in the product file: {md(facts.reason)}")
    if cell.same_requirements_as:
        lines.append(f"  - Informed by the same requirements as {md(cell.same_requirements_as.column.title)}")
        return lines
    for group in cell.requirement_groups:
        refs = [requirement.ref.partition(":")[2] or "the document as a whole" for requirement in group.requirements]
        lines.append(f"  - Informed by {md(group.title)}: {md(', '.join(refs))}")
    return lines


def _matrix(view: ReportView) -> list[str]:
    header = ["Element", *(md(column.title) for column in view.columns)]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for outcome in view.outcomes:
        blanks = [""] * (len(view.columns) - 1)
        title = md(outcome.element.title or outcome.element.id)
        lines.append(
            f"| **{md(outcome.element.id)} {title}** | "
            + " | ".join([*blanks, f"*{verdict_word(outcome.verdict)}*"])
            + " |"
        )
        lines += [_matrix_row(row) for row in outcome.rows]
    return lines


def _matrix_row(row: RowView) -> str:
    cells = [
        (verdict_word(cell.verdict) + ("\\*" if cell.status.cell.overridden else "")) if cell else "\u2014"
        for cell in row.cells
    ]
    if row.product_cell:
        product = verdict_word(row.verdict) + ("\\*" if row.product_cell.status.cell.overridden else "")
    else:
        product = f"*{verdict_word(row.verdict)}*"
    name = md(f"{row.element.id} {row.element.title or row.element.label or ''}".strip())
    return f"| {name} | " + " | ".join([*cells, product]) + " |"


def _outcome(outcome: OutcomeView, view: ReportView) -> list[str]:
    element = outcome.element
    lines = ["", f"### {md(element.title or element.id)} ({md(element.id)}): {verdict_word(outcome.verdict)}"]
    if element.display_text:
        lines += ["", f"> {md(element.display_text)}"]
    for row in outcome.rows:
        heading = md(f"{row.element.id} {row.element.title or ''}".strip())
        lines += ["", f"#### {heading}: {verdict_word(row.verdict)}"]
        if row.element.display_text:
            lines += ["", f"> {md(row.element.display_text)}"]
        lines.append("")
        for cell in row.all_cells:
            lines += _cell_lines(cell, view)
    return lines


def render_markdown(view: ReportView) -> str:
    """The Markdown report."""
    product = view.product
    lines = [
        f"# Assessment report: {md(product.name)}",
        "",
        f"- **Manufacturer:** {md(product.manufacturer)}",
        f"- **Model:** {md(product.model)}",
        f"- **Version:** {md(product.version or 'not stated')}",
        f"- **Product type:** {product_type_words(product.product_type)}",
        f"- **Profile:** {md(view.profile_name)}: {md(view.profile.title)} (`{view.profile.id}`)",
        f"- **Report date:** {view.date_text} (latest record)",
        f"- **Records:** {len(view.records)}",
        "",
        "## Summary",
        "",
        f"Product verdict: **{verdict_word(view.product_verdict)}**",
        "",
        "| Verdict | Applicable cells |",
        "|---|---:|",
        *(f"| {verdict_word(verdict)} | {count} |" for verdict, count in view.counts),
        f"| **total** | **{view.applicable}** |",
        "",
        f"{view.excluded} further cells do not apply, by an applicability rule or an override in the product file.",
        "",
        "## Outcomes by component",
        "",
        "Technical elements are assessed per component; their *Product* column, in italics, is the roll-up over the "
        "components. Non-technical elements are assessed for the product as a whole. \\* marks applicability "
        "overridden in the product file.",
        "",
        *_matrix(view),
        "",
        *(f"- **{verdict_word(verdict)}:** {verdict_meaning(verdict)}" for verdict in Verdict),
        "",
        "## Details by outcome",
    ]
    for outcome in view.outcomes:
        lines += _outcome(outcome, view)
    return "\n".join(lines) + "\n"


class MarkdownReport(ReportWriter):
    """``report.md`` and the Documentation 1c statement."""

    format: ClassVar[ReportFormat] = ReportFormat.MD

    def render(self, view: ReportView) -> dict[str, bytes]:
        """Both Markdown files, UTF-8."""
        return {
            "report.md": render_markdown(view).encode("utf-8"),
            "doc-1c-statement.md": render_statement(view).encode("utf-8"),
        }
