"""``doc-1c-statement.md``: the Documentation 1c statement, written from the assessment.

NIST IR 8425 Documentation 1c asks the developer to document "how the baseline product outcomes are met by IoT
product components" and which "are not met by IoT product components and why". For each outcome of the profile
this says which components meet which of its sub-outcomes (with a summary of the evidence), then every gap
(not satisfied, partially satisfied, not assessed, error) and every exclusion (not applicable by rule, by override
or by a justified verdict), each with its reason.
"""

from __future__ import annotations

from collections.abc import Iterable

from iotprofile.assessment.model import Verdict
from iotprofile.reports.assessment.markdown_text import evidence_line, md
from iotprofile.reports.assessment.view import CellView, OutcomeView, ReportView, RowView
from iotprofile.reports.assessment.wording import element_heading, kind_words, product_type_words, verdict_word

#: The element whose text this statement answers, where the profile has it.
DOC_1C = "DOC-1c"


def _names(names: Iterable[str]) -> str:
    items = list(names)
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + f" and {items[-1]}"


def _where(cell: CellView) -> str:
    return f"on {md(cell.column.title)}" if cell.column.component else "for the product as a whole"


def _label(row: RowView) -> str:
    return f"**{md(element_heading(row.element))}**"


def _sentence(text: str | None) -> str:
    """Text as a sentence: escaped, one line, ending in a full stop."""
    line = md(text)
    return line if not line or line[-1] in ".!?" else f"{line}."


def _evidence(cell: CellView, view: ReportView) -> str:
    record = cell.record
    if record is None or not record.evidence:
        return "no evidence attached"
    return "; ".join(evidence_line(item, view) for item in record.evidence)


def _met(row: RowView, view: ReportView) -> str | None:
    satisfied = [cell for cell in row.all_cells if cell.verdict is Verdict.SATISFIED]
    if not satisfied:
        return None
    if not row.technical:
        return f"- {_label(row)} is met by the product developer ({_evidence(satisfied[0], view)})."
    parts = [f"{md(cell.column.title)} ({_evidence(cell, view)})" for cell in satisfied]
    return f"- {_label(row)} is met by {_names(parts)}."


def _gaps(row: RowView) -> list[str]:
    """Recorded gaps: not satisfied, partially satisfied, not assessed (with a record) and errors."""
    lines: list[str] = []
    for cell in row.all_cells:
        record = cell.record
        if cell.excluded or record is None:
            continue
        why = _sentence(record.justification) or "No justification was recorded."
        match cell.verdict:
            case Verdict.NOT_SATISFIED | Verdict.PARTIALLY_SATISFIED | Verdict.NOT_ASSESSED:
                lines.append(f"- {_label(row)} is {verdict_word(cell.verdict)} {_where(cell)}: {why}")
            case Verdict.ERROR:
                lines.append(f"- {_label(row)} could not be checked {_where(cell)} (an automated check failed): {why}")
            case Verdict.SATISFIED | Verdict.NOT_APPLICABLE:
                pass
    return lines


def _unrecorded(row: RowView) -> list[str]:
    """Applicable cells without any record, in one line per element."""
    cells = [cell for cell in row.all_cells if not cell.excluded and cell.record is None]
    if not cells:
        return []
    where = "on " + _names(md(cell.column.title) for cell in cells) if row.technical else "for the product"
    return [f"- {_label(row)} is not assessed {where}: no verdict has been recorded yet."]


def _exclusions(row: RowView) -> list[str]:
    lines: list[str] = []
    by_reason: dict[tuple[bool, str], list[CellView]] = {}
    for cell in row.all_cells:
        if cell.excluded:
            by_reason.setdefault((cell.status.cell.overridden, cell.status.cell.reason), []).append(cell)
    for (overridden, reason), cells in by_reason.items():
        where = _names(md(cell.column.title) for cell in cells) if row.technical else "the product"
        source = "the product file overrides the rule" if overridden else "by the applicability rule"
        lines.append(f"- {_label(row)} does not apply to {where} ({source}): {_sentence(reason)}")
    for cell in row.all_cells:
        if not cell.excluded and cell.record is not None and cell.verdict is Verdict.NOT_APPLICABLE:
            where = f"to {md(cell.column.title)}" if cell.column.component else "to the product"
            lines.append(
                f"- {_label(row)} does not apply {where} (assessed as not applicable): "
                f"{_sentence(cell.record.justification)}"
            )
    return lines


def _outcome(number: int, outcome: OutcomeView, view: ReportView) -> list[str]:
    element = outcome.element
    cells = outcome.cells
    applicable = [cell for cell in cells if not cell.excluded]
    satisfied = sum(1 for cell in applicable if cell.verdict is Verdict.SATISFIED)
    lines = ["", f"## {number}. {md(element.title or element.id)} ({md(element.id)})", ""]
    if element.display_text:
        lines += [f"> {md(element.display_text)}", ""]
    lines.append(
        f"Overall: **{verdict_word(outcome.verdict)}**; {satisfied} of {len(applicable)} applicable "
        f"{'cell' if len(applicable) == 1 else 'cells'} satisfied."
    )
    met = [line for row in outcome.rows if (line := _met(row, view))]
    lines += ["", "How it is met:", ""]
    lines += met or ["- Nothing has been shown to meet this outcome yet."]
    gaps = [line for row in outcome.rows for line in _gaps(row)]
    gaps += [line for row in outcome.rows for line in _unrecorded(row)]
    if gaps:
        lines += ["", "Not met, or not yet shown to be met, and why:", "", *gaps]
    exclusions = [line for row in outcome.rows for line in _exclusions(row)]
    if exclusions:
        lines += ["", "Not applicable, and why:", "", *exclusions]
    return lines


def render_statement(view: ReportView) -> str:
    """The Documentation 1c statement in Markdown."""
    product = view.product
    components = [column.component for column in view.columns if column.component]
    facts = ", ".join(
        part
        for part in (md(product.manufacturer), f"model {md(product.model)}",
                     f"version {md(product.version)}" if product.version else "")
        if part
    )  # fmt: skip
    lines = [
        "# Documentation 1c: how the cybersecurity outcomes are met by the product components",
        "",
        f"**{md(product.name)}** ({facts}), a {product_type_words(product.product_type)} product, assessed "
        f"against {md(view.profile_name)}, *{md(view.profile.title)}*.",
        "",
        f"Statement as of {view.date_text}, generated from {len(view.records)} assessment "
        f"{'record' if len(view.records) == 1 else 'records'}.",
    ]
    doc_1c = view.profile.get(DOC_1C)
    if doc_1c is not None and doc_1c.display_text:
        lines += ["", f"> {md(doc_1c.label or DOC_1C)}: {md(doc_1c.display_text)}"]
    lines += [
        "",
        "For each outcome of the profile, this statement says how the product components meet it, and, for every "
        "outcome that is not met, not yet shown to be met, or not applicable to a component, why. Technical "
        "outcomes are met by the product components: "
        + _names(f"{md(component.name)} ({kind_words(component.kind)})" for component in components)
        + ". Non-technical outcomes are met by the product developer for the product as a whole.",
        "",
        f"The product's verdict against the whole profile is **{verdict_word(view.product_verdict)}**.",
    ]
    for number, outcome in enumerate(view.outcomes, start=1):
        lines += _outcome(number, outcome, view)
    return "\n".join(lines) + "\n"
