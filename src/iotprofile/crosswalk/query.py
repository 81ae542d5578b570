"""Answering "what relates to this element?" across every crosswalk, in both directions.

A query for ``nist-ir-8425a:DP-1`` finds mappings whose source or target is DP-1, one of its ancestors (a
mapping to the Data Protection outcome applies to DP-1 too), one of its descendants, or, because 8425A is a
profile of 8425, the same element in the base (``nist-ir-8425:DP-1``). Each hit is turned so that the queried
element is on the left: "DP-1 <relationship> OTHER".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from iotprofile.catalog.library import CatalogLibrary
from iotprofile.catalog.model import ComponentKind, Document
from iotprofile.crosswalk.library import CrosswalkLibrary
from iotprofile.crosswalk.model import Crosswalk, ElementRef, Mapping


class Direction(StrEnum):
    """How the queried element relates to the other end."""

    #: The other end is a requirement or standard that informs the queried element (queried element is target).
    INFORMED_BY = "informed_by"
    #: The queried element serves the other end (queried element is source).
    SERVES = "serves"


class Via(StrEnum):
    """Why a mapping that does not name the queried element itself still applies to it."""

    DIRECT = "direct"
    ANCESTOR = "ancestor"
    DESCENDANT = "descendant"
    BASE = "base"


@dataclass(frozen=True)
class CrosswalkHit:
    """One mapping, seen from the queried element."""

    direction: Direction
    via: Via
    #: The element on the queried side the mapping actually names (the queried one, an ancestor, ...).
    matched: ElementRef
    #: The mapping turned so that ``matched`` is its source.
    mapping: Mapping
    crosswalk: Crosswalk

    @property
    def other(self) -> ElementRef:
        """The other end of the mapping."""
        return self.mapping.target


def _parents(catalogs: CatalogLibrary, doc_id: str) -> dict[str, str | None]:
    """Element -> parent for every element a document offers, a profile's base included."""
    doc = catalogs.get(doc_id)
    parents = _parents(catalogs, doc.based_on) if doc.based_on else {}
    parents.update({element.id: element.parent for element in doc.elements})
    return parents


def _related_refs(catalogs: CatalogLibrary, ref: ElementRef) -> dict[ElementRef, Via]:
    """The queried element, its ancestors and descendants, and the same in a profile's base, with why."""
    chain: list[str] = []
    doc_id: str | None = ref.document
    while doc_id is not None:
        chain.append(doc_id)
        doc_id = catalogs.get(doc_id).based_on
    if ref.element is None:
        return {ElementRef(document=doc): Via.DIRECT if doc == ref.document else Via.BASE for doc in chain}
    parents = _parents(catalogs, ref.document)
    family: dict[str, Via] = {ref.element: Via.DIRECT}
    parent = parents.get(ref.element)
    while parent is not None:
        family[parent] = Via.ANCESTOR
        parent = parents.get(parent)
    for element_id in parents:
        node = parents[element_id]
        while node is not None:
            if node == ref.element:
                family.setdefault(element_id, Via.DESCENDANT)
                break
            node = parents.get(node)
    related: dict[ElementRef, Via] = {}
    for doc in chain:
        offered = _parents(catalogs, doc)
        for element_id, via in family.items():
            if element_id in offered:
                base_via = Via.BASE if via is Via.DIRECT and doc != ref.document else via
                related.setdefault(ElementRef(document=doc, element=element_id), base_via)
    return related


def query(
    crosswalks: CrosswalkLibrary, ref: ElementRef, *, component_kind: ComponentKind | None = None
) -> list[CrosswalkHit]:
    """Every mapping that bears on ``ref``, optionally only those that hold for a kind of component."""
    catalogs = crosswalks.catalogs
    catalogs.get(ref.document)
    if ref.element is not None:
        catalogs.require_element(ref.document, ref.element)
    related = _related_refs(catalogs, ref)
    hits: list[CrosswalkHit] = []
    for crosswalk, mapping in crosswalks.mappings():
        if component_kind is not None and mapping.component_kinds and component_kind not in mapping.component_kinds:
            continue
        if mapping.target in related:
            hits.append(
                CrosswalkHit(
                    Direction.INFORMED_BY, related[mapping.target], mapping.target, mapping.reversed(), crosswalk
                )
            )
        if mapping.source in related:
            hits.append(CrosswalkHit(Direction.SERVES, related[mapping.source], mapping.source, mapping, crosswalk))
    order = _Order(catalogs)
    hits.sort(
        key=lambda hit: (
            hit.direction != Direction.INFORMED_BY,
            list(Via).index(hit.via),
            order.key(hit.other),
            order.key(hit.matched),
        )
    )
    return hits


class _Order:
    """Sort key for references: by document ID, then by the element's position in its document."""

    def __init__(self, catalogs: CatalogLibrary) -> None:
        self._catalogs = catalogs
        self._docs: dict[str, Document] = {}

    def key(self, ref: ElementRef) -> tuple[str, int]:
        doc = self._docs.get(ref.document) or self._docs.setdefault(ref.document, self._catalogs.get(ref.document))
        if ref.element is None:
            return (ref.document, -1)
        element = doc.get(ref.element)
        return (ref.document, element.order if element is not None else 10**6)
