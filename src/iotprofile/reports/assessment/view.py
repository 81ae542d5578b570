"""The assessment as every report format sees it: built once from an :class:`AssessmentResult`, in a stable order.

Rows are the profile's assessable elements (its leaves) grouped under their top-level outcomes, in profile order;
columns are the product's components in product order, then the product as a whole. Nothing here reads a clock:
the report date is the latest record's ``recorded_at``.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from iotprofile.assessment.model import PRODUCT_SCOPE, Evidence, Verdict, VerdictRecord
from iotprofile.assessment.rollup import AssessmentResult, CellStatus
from iotprofile.catalog.model import Document, Element, Nature
from iotprofile.product.model import Component, Product
from iotprofile.product.plan import CellRequirement
from iotprofile.reports.assessment.wording import kind_words

#: Namespace of every UUID in the reports (uuid5 of stable IDs, so the same input gives the same UUIDs).
UUID_NAMESPACE = uuid.UUID("6f9a3c1e-2b7d-5e48-9c0a-7d1e4b2f8a63")
#: Shown as the report date while no verdict has been recorded.
NO_RECORDS = "no records yet"
#: Written where a format requires a timestamp (OSCAL, XLSX properties) while no verdict has been recorded.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

#: At most this many component columns per matrix table in the HTML and PDF reports (a landscape A4 page holds
#: about ten legibly); a larger product's matrix is split into balanced parts, each with the product column.
MATRIX_COLUMNS = 10
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def report_uuid(*parts: str) -> str:
    """A UUID that depends only on ``parts`` (product, profile and item IDs)."""
    return str(uuid.uuid5(UUID_NAMESPACE, "/".join(parts)))


def cell_anchor(key: str) -> str:
    """The HTML anchor of a cell's details (``DP-1@router`` -> ``cell-DP-1--router``)."""
    return "cell-" + key.replace("@", "--")


def element_anchor(element_id: str) -> str:
    """The HTML anchor of an element's details."""
    return f"el-{element_id}"


def evidence_file_name(evidence: Evidence) -> str:
    """Where a file's copy goes in the report directory: ``evidence/<sha256>/<its base name>``."""
    base = (evidence.path or "").replace("\\", "/").rsplit("/", 1)[-1]
    safe = _UNSAFE_NAME.sub("_", base).strip("._") or "evidence"
    return f"evidence/{evidence.sha256}/{safe}"


@dataclass(frozen=True)
class Column:
    """A matrix column: one product component, or the product as a whole (``component`` None)."""

    id: str
    title: str
    kind: str
    component: Component | None


@dataclass(frozen=True)
class MatrixPart:
    """A slice of the component columns shown in one matrix table."""

    start: int
    stop: int


@dataclass(frozen=True)
class RequirementGroup:
    """The requirements of one document that inform a cell."""

    document: str
    title: str
    requirements: tuple[CellRequirement, ...]


@dataclass(frozen=True)
class CellView:
    """One cell with what the formats show beside its status."""

    status: CellStatus
    column: Column
    requirement_groups: tuple[RequirementGroup, ...]
    #: An earlier cell of the same element informed by the same requirements (components of one kind): formats
    #: for people refer to its list instead of repeating it.
    same_requirements_as: CellView | None = None

    @property
    def key(self) -> str:
        """``DP-1@router``."""
        return self.status.cell.key

    @property
    def anchor(self) -> str:
        """Its HTML anchor."""
        return cell_anchor(self.key)

    @property
    def verdict(self) -> Verdict:
        """Its current verdict."""
        return self.status.verdict

    @property
    def record(self) -> VerdictRecord | None:
        """Its latest record."""
        return self.status.record

    @property
    def history(self) -> tuple[VerdictRecord, ...]:
        """Every record, oldest first."""
        return self.status.history

    @property
    def excluded(self) -> bool:
        """Whether the cell does not apply by rule or override (as opposed to a recorded not_applicable)."""
        return not self.status.cell.applies


@dataclass(frozen=True)
class RowView:
    """An assessable element across the columns."""

    element: Element
    #: The product-level verdict: for a technical element the roll-up over components, else its one cell.
    verdict: Verdict
    #: One entry per component column (None where the element has no cell, i.e. non-technical elements).
    cells: tuple[CellView | None, ...]
    #: The cell for the product as a whole (non-technical elements only).
    product_cell: CellView | None

    @property
    def all_cells(self) -> tuple[CellView, ...]:
        """Its cells in column order."""
        found = [cell for cell in self.cells if cell is not None]
        return (*found, self.product_cell) if self.product_cell else tuple(found)

    @property
    def technical(self) -> bool:
        """Whether the element is assessed per component."""
        return self.element.nature is Nature.TECHNICAL

    @property
    def anchor(self) -> str:
        """Its HTML anchor."""
        return element_anchor(self.element.id)


@dataclass(frozen=True)
class OutcomeView:
    """A top-level outcome with its assessable elements."""

    element: Element
    verdict: Verdict
    rows: tuple[RowView, ...]

    @property
    def anchor(self) -> str:
        """Its HTML anchor."""
        return f"outcome-{self.element.id}"

    @property
    def cells(self) -> tuple[CellView, ...]:
        """Every cell under the outcome, in row then column order."""
        return tuple(cell for row in self.rows for cell in row.all_cells)


@dataclass(frozen=True)
class ReportView:
    """Everything the writers need, computed once and ordered stably."""

    result: AssessmentResult
    columns: tuple[Column, ...]
    outcomes: tuple[OutcomeView, ...]
    cells: tuple[CellView, ...]
    #: Evidence files copied into the report directory: SHA-256 -> relative path.
    evidence_hrefs: Mapping[str, str] = field(default_factory=dict)
    #: Generated documents (``iotprofile documents``) serving each non-technical element; None: not given.
    documents: Mapping[str, tuple[str, ...]] | None = None

    @property
    def document_rows(self) -> tuple[tuple[CellView, tuple[str, ...]], ...]:
        """Each applicable product-level cell with the generated documents that serve it (empty: none yet)."""
        documents = self.documents or {}
        return tuple(
            (cell, documents.get(cell.status.cell.element.id, ()))
            for cell in self.cells
            if cell.column.component is None and not cell.excluded
        )

    @property
    def product(self) -> Product:
        """The product assessed."""
        return self.result.plan.product

    @property
    def profile(self) -> Document:
        """The profile it is assessed against."""
        return self.result.plan.profile

    @property
    def profile_name(self) -> str:
        """How the profile is cited (``NIST IR 8425A``)."""
        return self.profile.short_title or self.profile.id

    @property
    def records(self) -> tuple[VerdictRecord, ...]:
        """Every record of the log."""
        return self.result.log.records

    @property
    def date(self) -> datetime | None:
        """The report date: the latest record's time, None while there are no records."""
        return max((record.recorded_at for record in self.records), default=None)

    @property
    def start(self) -> datetime | None:
        """The earliest record's time."""
        return min((record.recorded_at for record in self.records), default=None)

    @property
    def date_text(self) -> str:
        """The report date as shown: ISO 8601, or ``no records yet``."""
        return self.date.isoformat() if self.date else NO_RECORDS

    @property
    def timestamp(self) -> datetime:
        """The report date where a format requires one (the epoch while there are no records)."""
        return self.date or EPOCH

    @property
    def product_verdict(self) -> Verdict:
        """The product against the whole profile."""
        return self.result.product_verdict()

    @property
    def counts(self) -> tuple[tuple[Verdict, int], ...]:
        """Applicable cells per verdict, every verdict listed, in vocabulary order."""
        counts = self.result.counts()
        return tuple((verdict, counts.get(verdict, 0)) for verdict in Verdict)

    @property
    def applicable(self) -> int:
        """How many cells apply."""
        return sum(1 for cell in self.cells if not cell.excluded)

    @property
    def excluded(self) -> int:
        """How many cells do not apply by rule or override."""
        return sum(1 for cell in self.cells if cell.excluded)

    @property
    def matrix_parts(self) -> tuple[MatrixPart, ...]:
        """The component columns split into tables of at most :data:`MATRIX_COLUMNS`, as evenly as possible."""
        count = len(self.columns) - 1
        parts = max(1, -(-count // MATRIX_COLUMNS))
        size = -(-count // parts)
        return tuple(MatrixPart(start, min(start + size, count)) for start in range(0, count, size))

    def uuid(self, *parts: str) -> str:
        """A UUID for an item of this product's report against this profile."""
        return report_uuid(self.product.id, self.profile.id, *parts)

    def element_verdict(self, element_id: str) -> Verdict:
        """An element's rolled-up verdict (``not_applicable`` for one without cells)."""
        status = self.result.elements.get(element_id)
        return status.verdict if status else Verdict.NOT_APPLICABLE


def _requirement_groups(requirements: tuple[CellRequirement, ...]) -> tuple[RequirementGroup, ...]:
    """Requirements grouped by document, documents in order of first appearance, as the crosswalks list them."""
    titles: dict[str, str] = {}
    grouped: dict[str, list[CellRequirement]] = {}
    for requirement in requirements:
        document, _, element = requirement.ref.partition(":")
        grouped.setdefault(document, []).append(requirement)
        if not element and requirement.title:
            titles[document] = requirement.title
    return tuple(
        RequirementGroup(document, titles.get(document, document), tuple(items)) for document, items in grouped.items()
    )


def _top(profile: Document, element: Element) -> Element:
    ancestors = profile.ancestors(element.id)
    return ancestors[-1] if ancestors else element


def build_view(
    result: AssessmentResult,
    *,
    evidence_hrefs: Mapping[str, str] | None = None,
    documents: Mapping[str, tuple[str, ...]] | None = None,
) -> ReportView:
    """The report view of ``result``; ``evidence_hrefs`` maps SHA-256 to evidence files copied beside the report.

    ``documents`` maps non-technical element IDs to the generated documents that serve them (a coverage.json).
    """
    product = result.plan.product
    profile = result.plan.profile
    components = tuple(
        Column(component.id, component.name, kind_words(component.kind), component) for component in product.components
    )
    product_column = Column(PRODUCT_SCOPE, "Product", "as a whole", None)
    columns = (*components, product_column)
    by_id = {column.id: column for column in columns}
    groups_memo: dict[tuple[CellRequirement, ...], tuple[RequirementGroup, ...]] = {}
    first_with: dict[tuple[str, tuple[CellRequirement, ...]], CellView] = {}
    cells: list[CellView] = []
    by_key: dict[str, CellView] = {}
    leaves: dict[str, Element] = {}
    for status in result.cells:
        requirements = status.cell.requirements
        if requirements not in groups_memo:
            groups_memo[requirements] = _requirement_groups(requirements)
        component = status.cell.component
        shared = first_with.get((status.cell.element.id, requirements)) if requirements else None
        view = CellView(status, by_id[component.id if component else PRODUCT_SCOPE], groups_memo[requirements], shared)
        first_with.setdefault((status.cell.element.id, requirements), view)
        cells.append(view)
        by_key[view.key] = view
        leaves.setdefault(status.cell.element.id, status.cell.element)
    ordered = sorted(leaves.values(), key=lambda element: element.order)
    outcomes: dict[str, tuple[Element, list[RowView]]] = {}
    for element in ordered:
        row_cells = tuple(by_key.get(f"{element.id}@{column.id}") for column in components)
        product_cell = by_key.get(f"{element.id}@{PRODUCT_SCOPE}")
        verdict = result.elements[element.id].verdict if element.id in result.elements else Verdict.NOT_APPLICABLE
        top = _top(profile, element)
        outcomes.setdefault(top.id, (top, []))[1].append(RowView(element, verdict, row_cells, product_cell))
    outcome_views = tuple(
        OutcomeView(top, result.elements[top.id].verdict if top.id in result.elements else Verdict.NOT_APPLICABLE,
                    tuple(rows))
        for top, rows in sorted(outcomes.values(), key=lambda item: item[0].order)
    )  # fmt: skip
    return ReportView(result, columns, outcome_views, tuple(cells), dict(evidence_hrefs or {}),
                      None if documents is None else dict(documents))  # fmt: skip
