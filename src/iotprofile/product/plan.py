"""Which cells to assess, and which standards' requirements inform each.

Each technical sub-outcome is assessed for each component it applies to, each non-technical one for the product
as a whole.

The applicability rules are stated here, each with the reason shown to the assessor, and a product file can
override any cell with a reason of its own (Documentation 1c: "which baseline product outcomes are not met by IoT
product components and why"). Cells are the leaves of the profile's tree: Interface Access Control 1 is assessed
through its items 1a-1c, Product Education and Awareness 1 through its five minimum criteria.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from iotprofile.catalog.model import ComponentKind, Document, Element, ElementKind, Nature
from iotprofile.crosswalk.library import CrosswalkLibrary
from iotprofile.crosswalk.model import ElementRef
from iotprofile.crosswalk.query import Direction, query
from iotprofile.errors import ProductError
from iotprofile.product.model import Component, Product


@dataclass(frozen=True)
class Rule:
    """When a technical element applies to a component, and why (shown to the assessor)."""

    applies: Callable[[Component, Product], bool]
    reason: str


def _connected(component: Component, product: Product) -> bool:
    return any(component.id in (link.source, link.target) for link in product.connections)


def _transmits(component: Component, product: Product) -> bool:
    return _connected(component, product) or any(i.kind.value == "network" for i in component.interfaces)


_EVERY = Rule(lambda component, product: True, "applies to every product component")
#: Rules by element ID (8425 and 8425A share IDs). Elements without a rule apply to every component.
RULES: dict[str, Rule] = {
    "SU-1": Rule(lambda c, p: c.updatable, "applies to components whose software can be updated"),
    "SU-2": Rule(lambda c, p: c.updatable, "applies to components whose software can be updated"),
    "SU-3": Rule(lambda c, p: c.updatable, "applies to components whose software can be updated"),
    "DP-2": Rule(lambda c, p: c.stores_customer_data, "applies to components that store customer data"),
    "DP-3": Rule(_transmits, "applies to components that send data to other components or outside the product"),
    "IAC-2a": Rule(_connected, "applies to components that exchange data with other components"),
    "IAC-2b": Rule(_connected, "applies to components that exchange data with other components"),
    "IAC-2c": Rule(lambda c, p: c.onboards, "applies to components that take part in onboarding or reconnection"),
}


@dataclass(frozen=True)
class CellRequirement:
    """A requirement (or a whole standard) that informs a cell, from the crosswalks."""

    ref: str
    title: str | None
    text: str | None
    relationship: str
    origin: str
    via: str


@dataclass(frozen=True)
class Cell:
    """One thing to assess."""

    element: Element
    component: Component | None
    applies: bool
    reason: str
    overridden: bool = False
    requirements: tuple[CellRequirement, ...] = ()

    @property
    def key(self) -> str:
        """``DP-1@app`` / ``DOC-1a@product``: how cells are named in files and on the command line."""
        return f"{self.element.id}@{self.component.id if self.component else 'product'}"


@dataclass
class AssessmentPlan:
    """Every cell of a product against a resolved profile, in profile order then component order."""

    product: Product
    profile: Document
    #: Complete when the plan is made; not changed afterwards (the index below is built from it once).
    cells: list[Cell] = field(default_factory=list)
    _index: dict[tuple[str, str | None], Cell] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # Looked up once per verdict record: a dict, not a scan of every cell.
        self._index = {(cell.element.id, cell.component.id if cell.component else None): cell for cell in self.cells}

    def cell(self, element: str, component: str | None) -> Cell | None:
        """The cell for an element and a component (None: the product as a whole)."""
        return self._index.get((element, component))

    def applicable(self) -> list[Cell]:
        """The cells that apply (by rule or override)."""
        return [cell for cell in self.cells if cell.applies]


def leaves(profile: Document, nature: Nature) -> list[Element]:
    """The assessable elements of one nature: sub-outcomes and items that have no children."""
    parents = {element.parent for element in profile.elements}
    return [
        element for element in profile.elements
        if element.nature is nature and element.kind in {ElementKind.SUB_OUTCOME, ElementKind.ITEM}
        and element.id not in parents
    ]  # fmt: skip


class _Requirements:
    """Crosswalk look-ups per (element, component kind), made once per plan."""

    def __init__(self, crosswalks: CrosswalkLibrary, profile: Document) -> None:
        self._crosswalks = crosswalks
        self._profile = profile
        self._memo: dict[tuple[str, ComponentKind | None], tuple[CellRequirement, ...]] = {}

    def __call__(self, element: Element, kind: ComponentKind | None) -> tuple[CellRequirement, ...]:
        key = (element.id, kind)
        if key not in self._memo:
            ref = ElementRef(document=self._profile.id, element=element.id)
            found: list[CellRequirement] = []
            seen: set[str] = set()
            for hit in query(self._crosswalks, ref, component_kind=kind):
                other = str(hit.other)
                if (
                    hit.direction is not Direction.INFORMED_BY
                    or other in seen
                    or hit.other.document.startswith("nist-ir-8259")
                ):
                    continue
                seen.add(other)
                described = self._describe(hit.other)
                found.append(
                    CellRequirement(
                        other,
                        described[0],
                        described[1],
                        hit.mapping.relationship.value,
                        hit.mapping.origin.value,
                        hit.via.value,
                    )
                )
            self._memo[key] = tuple(found)
        return self._memo[key]

    def _describe(self, ref: ElementRef) -> tuple[str | None, str | None]:
        doc = self._crosswalks.catalogs.get(ref.document)
        if ref.element is None:
            return doc.short_title or doc.title, None
        element = doc.get(ref.element)
        if element is None:
            return None, None
        return element.title or element.label, element.display_text


def _no_requirements(element: Element, kind: ComponentKind | None) -> tuple[CellRequirement, ...]:
    del element, kind  # same signature as _Requirements.__call__
    return ()


def plan(product: Product, profile: Document, crosswalks: CrosswalkLibrary | None) -> AssessmentPlan:
    """The assessment plan of ``product`` against the resolved ``profile``.

    Without ``crosswalks`` the cells carry no requirements (enough for a status, and much faster).
    """
    overrides = {(item.element, item.component): item for item in product.applicability}
    known = {element.id for element in profile.elements}
    for item in product.applicability:
        if item.element not in known:
            raise ProductError(f"applicability override names {item.element!r}, which {profile.id} does not have")
    requirements = _Requirements(crosswalks, profile) if crosswalks is not None else _no_requirements
    cells: list[Cell] = []
    for element in leaves(profile, Nature.TECHNICAL):
        rule = RULES.get(element.id, _EVERY)
        for component in product.components:
            override = overrides.get((element.id, component.id))
            applies = override.applies if override else rule.applies(component, product)
            cells.append(Cell(
                element, component, applies, override.reason if override else rule.reason,
                overridden=override is not None,
                requirements=requirements(element, component.kind) if applies else (),
            ))  # fmt: skip
    for element in leaves(profile, Nature.NON_TECHNICAL):
        override = overrides.get((element.id, None))
        applies = override.applies if override else True
        reason = override.reason if override else "applies to the product as a whole (the product developer)"
        cells.append(
            Cell(
                element,
                None,
                applies,
                reason,
                overridden=override is not None,
                requirements=requirements(element, None) if applies else (),
            )
        )
    result = AssessmentPlan(product, profile, cells)
    for element_id, component_id in overrides:
        if result.cell(element_id, component_id) is None:
            raise ProductError(
                f"applicability override {element_id}@{component_id or 'product'} names no cell "
                f"(technical elements are per component, non-technical ones per product)"
            )
    return result
