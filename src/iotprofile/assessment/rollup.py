"""From cell verdicts to the product.

A product-level outcome is satisfied only when every component it applies to satisfies it; missing evidence is
``not_assessed``, never a failure (ARCHITECTURE.md, firm).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from iotprofile.assessment.model import AssessmentLog, CellRef, Verdict, VerdictRecord
from iotprofile.catalog.model import Element
from iotprofile.errors import AssessmentError
from iotprofile.product.plan import AssessmentPlan, Cell

#: When cells disagree, the first verdict in this list that occurs is the product's.
_PRECEDENCE = (
    Verdict.ERROR,
    Verdict.NOT_SATISFIED,
    Verdict.NOT_ASSESSED,
    Verdict.PARTIALLY_SATISFIED,
    Verdict.SATISFIED,
)


def combine(verdicts: Iterable[Verdict]) -> Verdict:
    """Roll verdicts up: a proven failure or an error dominates, then missing evidence, then partial."""
    present = [verdict for verdict in verdicts if verdict is not Verdict.NOT_APPLICABLE]
    if not present:
        return Verdict.NOT_APPLICABLE
    return next(verdict for verdict in _PRECEDENCE if verdict in present)


@dataclass(frozen=True)
class CellStatus:
    """A cell, its current record (if any) and its verdict."""

    cell: Cell
    record: VerdictRecord | None
    history: tuple[VerdictRecord, ...] = ()

    @property
    def verdict(self) -> Verdict:
        """Not applicable by rule or override, else the latest recorded verdict, else ``not_assessed``."""
        if not self.cell.applies:
            return Verdict.NOT_APPLICABLE
        return self.record.verdict if self.record else Verdict.NOT_ASSESSED


@dataclass(frozen=True)
class ElementStatus:
    """An element rolled up over its cells (and, for outcomes and parents, over its children)."""

    element: Element
    verdict: Verdict
    cells: tuple[CellStatus, ...]


@dataclass
class AssessmentResult:
    """Everything a report needs: the plan, every cell's status, and the roll-up per element."""

    plan: AssessmentPlan
    log: AssessmentLog
    cells: list[CellStatus] = field(default_factory=list)
    elements: dict[str, ElementStatus] = field(default_factory=dict)

    def counts(self) -> Counter[Verdict]:
        """How many applicable cells have each verdict."""
        return Counter(status.verdict for status in self.cells if status.cell.applies)

    def product_verdict(self) -> Verdict:
        """The product against the whole profile."""
        return combine(status.verdict for status in self.cells)


def check_records(plan: AssessmentPlan, records: Iterable[VerdictRecord]) -> None:
    """Raise :class:`AssessmentError` for a record naming a cell the plan does not have."""
    for record in records:
        if plan.cell(record.element, record.component) is None:
            known = plan.product.component(record.component) if record.component else True
            why = "no such component" if not known else "no such cell in the plan"
            raise AssessmentError(f"verdict for {record.cell}: {why}", tip="'iotprofile assess plan' lists the cells")


def evaluate(plan: AssessmentPlan, log: AssessmentLog) -> AssessmentResult:
    """Combine the plan with the log: each cell's current verdict and the roll-up to every element."""
    check_records(plan, log.records)
    # One sort and one pass over the log (not one per cell): history per cell, oldest first; the last is current.
    histories: dict[CellRef, list[VerdictRecord]] = {}
    for record in sorted(log.records, key=lambda item: item.recorded_at):
        histories.setdefault(record.cell, []).append(record)
    result = AssessmentResult(plan, log)
    for cell in plan.cells:
        history = histories.get(CellRef(element=cell.element.id, component=cell.component.id if cell.component
                                        else None), [])  # fmt: skip
        result.cells.append(CellStatus(cell, history[-1] if history else None, tuple(history)))
    by_element: dict[str, list[CellStatus]] = {}
    for status in result.cells:
        by_element.setdefault(status.cell.element.id, []).append(status)
    profile = plan.profile
    # Children before parents: walk the profile in reverse order so every parent sees its children's roll-up.
    for element in reversed(profile.elements):
        own = by_element.get(element.id, [])
        children = [result.elements[child.id] for child in profile.children(element.id) if child.id in result.elements]
        if not own and not children:
            continue
        verdict = combine([status.verdict for status in own] + [child.verdict for child in children])
        nested = tuple(own) + tuple(status for child in children for status in child.cells)
        result.elements[element.id] = ElementStatus(element, verdict, nested)
    return result
