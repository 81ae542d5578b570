"""Human-readable rendering of service results with Rich (imported only when text output is asked for)."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby

from rich.console import Console
from rich.markup import escape
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from iotprofile.assessment.rollup import AssessmentResult
from iotprofile.catalog.model import Document, Element, TextStatus
from iotprofile.crosswalk.query import Direction
from iotprofile.product.plan import AssessmentPlan
from iotprofile.services import CrosswalkAnswer, CrosswalkRow, DocumentSummary, ElementView

_STATUS_STYLE = {
    TextStatus.VERIFIED: "green",
    TextStatus.SEED: "green",
    TextStatus.UPSTREAM: "green",
    TextStatus.RECALLED: "yellow",
    TextStatus.EDITORIAL: "cyan",
    TextStatus.GENERATED: "magenta",
    TextStatus.USER: "blue",
    TextStatus.UNKNOWN: "red",
}


def _pad(renderable: Text, indent: int) -> Padding:
    """Indent a block; wrapped lines keep the indent, and no trailing spaces are added."""
    return Padding(renderable, (0, 0, 0, indent), expand=False)


def _console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def render_document_list(documents: Sequence[DocumentSummary]) -> None:
    """``catalog list`` as a table."""
    table = Table(title="Documents", show_lines=False)
    for column in ("ID", "Kind", "Title", "Version", "Content", "Elements"):
        table.add_column(column, overflow="fold", justify="right" if column == "Elements" else "left")
    for doc in documents:
        table.add_row(
            doc.id,
            doc.kind + (f" of {doc.based_on}" if doc.based_on else ""),
            doc.title,
            doc.version or "",
            doc.content,
            str(doc.elements) if doc.elements else "",
        )
    _console().print(table)


def _status(element: Element) -> Text:
    status = element.provenance.status
    return Text(f"[{status.value}]", style=_STATUS_STYLE[status])


def _element_lines(element: Element, depth: int) -> list[Padding]:
    """The element as indented blocks; Padding keeps wrapped lines at the block's indent."""
    indent = 2 * depth
    head = Text()
    head.append(element.id, style="bold")
    label = element.label if element.label and element.label != element.title else None
    for part in (label, element.title):
        if part:
            head.append(f"  {part}")
    if element.strength:
        head.append(f"  {element.strength.value.upper().replace('_', ' ')}", style="bold blue")
        if element.strength_source:
            head.append(f" ({element.strength_source})", style="dim")
    blocks = [_pad(head, indent)]
    body: Text | None = None
    if element.text is not None:
        body = Text(element.text + " ").append_text(_status(element))
    elif element.summary is not None:
        body = Text(element.summary + " ").append_text(Text("[summary, our words]", style="cyan"))
    elif element.kind.value != "group":
        body = Text("(text not available) ", style="dim").append_text(_status(element))
    if body is not None:
        blocks.append(_pad(body, indent + 2))
    if element.lead_in:
        blocks.append(_pad(Text(element.lead_in, style="italic"), indent + 2))
    blocks.extend(_pad(Text(f"condition {condition}", style="dim"), indent + 2) for condition in element.conditions)
    return blocks


def render_document(doc: Document) -> None:
    """``catalog show DOC``: the header, then every element indented under its parent."""
    console = _console()
    console.print(Text(f"{doc.id}: {doc.title}", style="bold"))
    facts = [doc.publisher, doc.version, doc.date, f"licence {doc.licence}", f"content {doc.content}"]
    if doc.based_on:
        facts.append(f"profile of {doc.based_on}" + (f" for {doc.product_type}" if doc.product_type else ""))
    console.print(Text(" | ".join(fact for fact in facts if fact), style="dim"))
    if doc.attribution:
        console.print(Text(doc.attribution, style="dim"))
    console.print()
    depth: dict[str, int] = {}
    for element in doc.elements:
        level = depth[element.parent] + 1 if element.parent in depth else 0
        depth[element.id] = level
        for line in _element_lines(element, level):
            console.print(line)
    if doc.known_gaps:
        console.print()
        console.print(Text("Known gaps", style="bold"))
        for gap in doc.known_gaps:
            console.print(f"- {escape(gap)}")
    console.print()
    console.print(
        Text(
            "Text status: verified/seed/upstream = the publisher's words; recalled = not checked against "
            "the source; generated = made by a stated rule; summary = iotprofile's own words.",
            style="dim",
        )
    )


def render_element(view: ElementView) -> None:
    """``catalog show DOC ELEMENT``: the element with its provenance, context and children."""
    console = _console()
    element = view.element
    if view.ancestors:
        trail = " > ".join(f"{item.id} {item.title or ''}".strip() for item in reversed(view.ancestors))
        console.print(Text(f"{view.document.id}: {trail}", style="dim"))
    for line in _element_lines(element, 0):
        console.print(line)
    provenance = element.provenance
    details = [
        f"source: {provenance.status.value}"
        + (f", {provenance.source}" if provenance.source else "")
        + (f" - {provenance.note}" if provenance.note else "")
    ]
    if element.guidance:
        details.append(element.guidance)
    if element.applies_to:
        details.append("applies to: " + ", ".join(kind.value for kind in element.applies_to))
    if element.scope:
        details.append(f"scope: {element.scope.value}")
    details += [f"note: {note}" for note in element.notes]
    for detail in details:
        console.print(_pad(Text(detail, style="dim"), 2))
    depth = {element.id: 0}
    for child in view.document.descendants(element.id):
        depth[child.id] = depth.get(child.parent or "", 0) + 1
        for line in _element_lines(child, depth[child.id]):
            console.print(line)


def _row_text(row: CrosswalkRow) -> Padding:
    line = Text()
    line.append(str(row.other), style="bold")
    if row.other_strength:
        line.append(f" {row.other_strength.upper().replace('_', ' ')}", style="blue")
    line.append(f"  {row.relationship}", style="magenta")
    if row.via != "direct":
        line.append(f"  (via {row.matched})", style="dim")
    if row.component_kinds:
        line.append("  [" + ", ".join(row.component_kinds) + "]", style="cyan")
    line.append(f"  {row.origin}", style="dim")
    if row.other_title or row.other_text:
        description = row.other_title or ""
        if row.other_text and row.other_text != row.other_title:
            description = f"{description}: {row.other_text}" if description else row.other_text
        line.append("\n" + description)
    return _pad(line, 2)


def render_crosswalk(answer: CrosswalkAnswer) -> None:
    """``crosswalk REF``: what informs the element and what it serves, grouped by document."""
    console = _console()
    head = Text(str(answer.query), style="bold")
    if answer.title:
        head.append(f"  {answer.title}")
    console.print(head)
    if answer.text:
        console.print(_pad(Text(answer.text), 2))
    if answer.component_kind:
        console.print(Text(f"  component kind: {answer.component_kind.value}", style="dim"))
    titles = {
        Direction.INFORMED_BY: "Informed by (requirements and standards that say how)",
        Direction.SERVES: "Serves (outcomes it helps meet)",
    }
    for direction in Direction:
        rows = [row for row in answer.rows if row.direction is direction]
        if not rows:
            continue
        console.print()
        console.print(Text(f"{titles[direction]}: {len(rows)}", style="bold underline"))
        for document, group in groupby(rows, key=lambda row: row.other.document):
            items = list(group)
            console.print(Text(f" {document} ({len(items)})", style="bold green"))
            for row in items:
                console.print(_row_text(row))
    for gap in answer.gaps:
        console.print()
        console.print(
            Text(
                f"Gap for {gap.target}: {gap.status}" + (f" - {gap.as_printed}" if gap.as_printed else ""),
                style="yellow",
            )
        )
        if gap.note:
            console.print(Text("  " + gap.note, style="dim"))
    if not answer.rows and not answer.gaps:
        console.print(Text("No mappings found.", style="yellow"))


_VERDICT_STYLE = {
    "satisfied": "green",
    "partially_satisfied": "yellow",
    "not_satisfied": "bold red",
    "not_applicable": "dim",
    "not_assessed": "cyan",
    "error": "magenta",
}


#: Short words for the status matrix, so it fits a terminal; the legend under it spells them out.
_VERDICT_SHORT = {
    "satisfied": "satisfied",
    "partially_satisfied": "partial",
    "not_satisfied": "UNSATISFIED",
    "not_applicable": "n/a",
    "not_assessed": "open",
    "error": "ERROR",
}


def _verdict(value: str, *, short: bool = False) -> Text:
    """A verdict as a word (readable without colour), coloured."""
    return Text(_VERDICT_SHORT.get(value, value) if short else value, style=_VERDICT_STYLE.get(value, ""))


def render_products(products: Sequence[object]) -> None:
    """``product list`` as a table."""
    table = Table(title="Products")
    for column in ("ID", "Name", "Manufacturer", "Model", "Type", "Profile", "Records"):
        table.add_column(column, overflow="fold")
    for product in products:
        values = vars(product)
        table.add_row(*(str(values.get(key) or "") for key in
                        ("id", "name", "manufacturer", "model", "product_type", "profile", "records")))  # fmt: skip
    _console().print(table)


def render_plan(plan: AssessmentPlan) -> None:
    """``assess plan``: one line per cell with why it applies and how many requirements inform it."""
    console = _console()
    product = plan.product
    console.print(Text(f"{product.name} ({product.id}) against {plan.profile.id}", style="bold"))
    applicable = plan.applicable()
    console.print(Text(f"{len(applicable)} of {len(plan.cells)} cells apply", style="dim"))
    table = Table(show_lines=False)
    for column in ("Cell", "Applies", "Why", "Requirements"):
        table.add_column(column, overflow="fold")
    for cell in plan.cells:
        refs = ", ".join(requirement.ref for requirement in cell.requirements[:4])
        more = f" (+{len(cell.requirements) - 4})" if len(cell.requirements) > 4 else ""
        table.add_row(cell.key, "yes" if cell.applies else "no", cell.reason + (" (override)" if cell.overridden
                      else ""), refs + more)  # fmt: skip
    console.print(table)


def render_status(result: AssessmentResult) -> None:
    """``assess status``: the product verdict, counts, and each outcome over its components."""
    console = _console()
    product = result.plan.product
    head = Text(f"{product.name} ({product.id}) against {result.plan.profile.id}: ", style="bold")
    head.append_text(_verdict(result.product_verdict().value))
    console.print(head)
    counts = result.counts()
    console.print(Text(", ".join(f"{count} {verdict.value}" for verdict, count in sorted(counts.items())),
                       style="dim"))  # fmt: skip
    components = [component.id for component in product.components]
    table = Table()
    table.add_column("Outcome / sub-outcome", overflow="fold")
    table.add_column("Product")
    for component in components:
        table.add_column(component)
    for element in result.plan.profile.elements:
        status = result.elements.get(element.id)
        if status is None:
            continue
        by_component = {cell.cell.component.id if cell.cell.component else "product": cell.verdict.value
                        for cell in status.cells if cell.cell.element.id == element.id}  # fmt: skip
        label = element.id if element.kind.value == "outcome" else f"  {element.id}"
        row = [Text(label, style="bold" if element.kind.value == "outcome" else ""),
               _verdict(status.verdict.value, short=True)]  # fmt: skip
        row += [_verdict(by_component[component], short=True) if component in by_component else Text("")
                for component in components]  # fmt: skip
        table.add_row(*row)
    console.print(table)
    console.print(Text("partial = partially_satisfied, UNSATISFIED = not_satisfied, n/a = not_applicable, "
                       "open = not_assessed", style="dim"))  # fmt: skip


def print_group(lines: Sequence[dict[str, object]], texts: dict[str, str], *, profile: str) -> None:
    """Group's candidates per requirement, with the terms behind the first one."""
    console = _console()
    console.print(Text(f"Group: requirements under {profile} (best first; '-' = abstains)", style="bold"))
    for line in lines:
        requirement = str(line["requirement"])
        candidates = line["candidates"]
        assert isinstance(candidates, list)
        console.print(Text(f"{requirement}: {texts.get(requirement, '')}"))
        if not candidates:
            console.print(_pad(Text("- nothing fits well enough (abstains)", style="yellow"), 2))
            continue
        for candidate in candidates:
            because = ", ".join(str(term) for term in candidate.get("terms", [])[:4])
            neighbours = ", ".join(str(item["requirement"]) for item in candidate.get("neighbours", [])[:2])
            detail = "; ".join(part for part in (f"terms: {because}" if because else "", f"like: {neighbours}"
                                                  if neighbours else "") if part)  # fmt: skip
            console.print(_pad(Text(f"{candidate['element']:<8} {candidate['score']:.3f}  {detail}"), 2))


def print_consolidation(report: dict[str, object]) -> None:
    """Concept groups and the notable pairs (everything but complementary and unrelated) per element."""
    console = _console()
    elements = report["elements"]
    pairs = report["pairs"]
    assert isinstance(elements, list)
    assert isinstance(pairs, list)
    for item in elements:
        console.print(Text(f"{item['element']}: {len(item['requirements'])} requirements", style="bold"))
        for group in item["concept_groups"]:
            console.print(_pad(Text(f"{group['name']}: {', '.join(group['requirements'])}"), 2))
        notable = [pair for pair in pairs if pair["element"] == item["element"] and pair["relation"] not in
                   {"complementary", "unrelated"}]  # fmt: skip
        for pair in notable:
            style = "red" if pair["relation"] == "contradictory" else "cyan"
            console.print(
                _pad(Text(f"{pair['relation']}: {pair['a']} / {pair['b']}: {pair['reason']}", style=style), 4)
            )
    counts: dict[str, int] = {}
    for pair in pairs:
        counts[pair["relation"]] = counts.get(pair["relation"], 0) + 1
    console.print(Text("pairs: " + (", ".join(f"{n} {name}" for name, n in sorted(counts.items())) or "none")))
    unplaced = report.get("unplaced") or []
    if unplaced:
        assert isinstance(unplaced, list)
        console.print(Text(f"unplaced (Group abstained): {', '.join(map(str, unplaced))}", style="yellow"))


def print_attempts(attempts: Sequence[object]) -> None:
    """Each attempt: what ran on what, its status, then its findings most severe first."""
    from iotprofile.checks.interface import Attempt, AttemptStatus

    order = {"critical": 0, "high": 1, "medium": 2, "low": 3, "info": 4}
    style = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan", "info": "dim"}
    console = _console()
    for attempt in attempts:
        assert isinstance(attempt, Attempt)
        seconds = (attempt.finished_at - attempt.started_at).total_seconds()
        head = (
            f"{attempt.check} {attempt.check_version} on {attempt.input.name}: {attempt.status.value} ({seconds:.1f} s)"
        )
        console.print(Text(head, style="bold" if attempt.status is AttemptStatus.COMPLETED else "bold red"))
        if attempt.reason:
            console.print(_pad(Text(attempt.reason, style="red"), 2))
        if attempt.inventory:
            names = ", ".join(f"{item.name} {item.version or '?'}" for item in attempt.inventory[:12])
            more = f" and {len(attempt.inventory) - 12} more" if len(attempt.inventory) > 12 else ""
            console.print(_pad(Text(f"components: {names}{more}"), 2))
        for finding in sorted(attempt.findings, key=lambda item: (order[item.severity.value], item.rule)):
            elements = ", ".join(finding.elements) or "-"
            verdict = f" -> {finding.proposes.value}" if finding.proposes else ""
            where = ""
            if finding.location is not None:
                where = f" [{finding.location.path or finding.location.endpoint or ''}]".replace(" []", "")
            line = Text(f"{finding.severity.value:<8} ", style=style[finding.severity.value])
            line.append(f"{finding.rule} ({elements}{verdict}){where}: {finding.observed}")
            console.print(_pad(line, 2))
