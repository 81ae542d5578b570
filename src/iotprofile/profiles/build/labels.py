"""What the Group step learns from: the target's outcomes and every labeled mapping the project holds.

A *label* says "this requirement text belongs under this element of the target". Labels come from the shipped
crosswalks (every mapping from a standard's requirement to the target or to a document in its lineage: 8425A
requirements teach 8425 and the other way round, where the element exists in both), from the crosswalks a user
adds with ``--catalog-dir``, and from every decision a reviewer accepted. A mapping to a section (an OWASP ASVS
chapter) labels each requirement in it. Unmapped entries (a crosswalk's "nothing fits") teach abstention.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from iotprofile.catalog.library import CatalogLibrary
from iotprofile.catalog.model import Document, Element, ElementKind
from iotprofile.crosswalk.library import CrosswalkLibrary
from iotprofile.crosswalk.model import ElementRef, Relationship, ReviewState
from iotprofile.errors import PipelineError
from iotprofile.profiles.resolve import resolve


@dataclass(frozen=True)
class Target:
    """The document requirements are grouped under, resolved, with the elements a requirement can land on."""

    document: Document
    #: The document and its bases, nearest first (``nist-ir-8425a``, ``nist-ir-8425``).
    lineage: tuple[str, ...]
    #: The elements a requirement is grouped under: sub-outcomes without items, and items, in document order.
    leaves: tuple[Element, ...]
    #: Leaf ID -> the ID of its top-level outcome.
    outcome_of: dict[str, str]
    #: Leaf ID -> phrases standards use for it (from the bundled glosses of the target's lineage).
    glosses: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def id(self) -> str:
        """The target document's ID."""
        return self.document.id

    def describe(self, element_id: str) -> str:
        """Every text that says what a leaf means: its own, its sub-outcome's and its outcome's."""
        element = self.document.get(element_id)
        if element is None:
            return element_id
        parts = [_text(element) or "", *self.glosses.get(element_id, ())]
        parts.extend(
            " ".join(part for part in (ancestor.title, _text(ancestor)) if part)
            for ancestor in self.document.ancestors(element_id)
        )
        return " ".join(part for part in parts if part)


def _text(element: Element) -> str | None:
    return element.text or element.summary or element.title


def target_of(catalogs: CatalogLibrary, doc_id: str) -> Target:
    """The Group target for a catalog or profile ID (a profile offers its base's elements plus its own)."""
    document = resolve(catalogs, doc_id)
    lineage = [doc_id]
    stored = catalogs.get(doc_id)
    while stored.based_on is not None:
        lineage.append(stored.based_on)
        stored = catalogs.get(stored.based_on)
    groupable = {ElementKind.OUTCOME, ElementKind.SUB_OUTCOME, ElementKind.ITEM, ElementKind.REQUIREMENT}
    leaves = tuple(
        element
        for element in document.elements
        if element.kind in groupable
        and element.kind is not ElementKind.OUTCOME
        and not any(child.kind in groupable for child in document.children(element.id))
    )
    if not leaves:
        raise PipelineError(f"document {doc_id!r} has no sub-outcomes or requirements to group requirements under")
    outcome_of: dict[str, str] = {}
    for leaf in leaves:
        chain = document.ancestors(leaf.id)
        outcome_of[leaf.id] = chain[-1].id if chain else leaf.id
    return Target(
        document=document,
        lineage=tuple(lineage),
        leaves=leaves,
        outcome_of=outcome_of,
        glosses=_glosses(lineage),
    )


#: The bundled glosses: what each sub-outcome is about, in standards' words (see the file's header).
GLOSSES_FILE = Path(__file__).parent / "data" / "glosses.yaml"


def _glosses(lineage: Sequence[str]) -> dict[str, tuple[str, ...]]:
    import yaml

    data = yaml.safe_load(GLOSSES_FILE.read_text(encoding="utf-8"))
    if data["document"] not in lineage:
        return {}
    return {element: tuple(phrases) for element, phrases in data["glosses"].items()}


@dataclass(frozen=True)
class Label:
    """One labeled requirement text: ``text`` belongs under ``element`` of the target (or nowhere)."""

    #: ``standard:id`` of the labeled requirement.
    key: str
    standard: str
    text: str
    #: A leaf of the target, or None: its authors found no target element fits (teaches abstention).
    element: str | None
    #: Where the label comes from: a crosswalk ID or ``review``.
    origin: str


def _family(catalogs: CatalogLibrary, target: Target) -> set[str]:
    """Documents whose element IDs mean the target's: the target's lineage and every profile built on it."""
    family = set(target.lineage)
    for doc_id in catalogs.ids():
        chain, stored = [doc_id], catalogs.get(doc_id)
        while stored.based_on is not None and stored.based_on in catalogs:
            chain.append(stored.based_on)
            stored = catalogs.get(stored.based_on)
        if family & set(chain):
            family.add(doc_id)
    return family


def _requirement_texts(catalogs: CatalogLibrary, ref: ElementRef) -> list[tuple[str, str]]:
    """``(key, text)`` of the requirement a mapping's source names, or of each requirement below a section."""
    if ref.element is None or ref.document not in catalogs:
        return []
    document = catalogs.get(ref.document)
    element = document.get(ref.element)
    if element is None:
        return []
    below = [item for item in document.descendants(element.id) if _text(item) and not document.children(item.id)]
    if below:
        heading = _text(element) or ""
        return [(f"{ref.document}:{item.id}", f"{heading}. {_text(item)}") for item in below]
    text = _text(element)
    return [(str(ref), text)] if text else []


def crosswalk_labels(crosswalks: CrosswalkLibrary, target: Target) -> list[Label]:
    """Labels from every loaded crosswalk that maps requirements onto the target's family of documents."""
    catalogs = crosswalks.catalogs
    family = _family(catalogs, target)
    leaves = {leaf.id for leaf in target.leaves}
    labels: dict[tuple[str, str | None], Label] = {}
    for crosswalk in crosswalks.crosswalks():
        for mapping in crosswalk.mappings:
            if mapping.relationship is Relationship.NOT_RELATED or mapping.review is ReviewState.REJECTED:
                continue
            source, goal = mapping.source, mapping.target
            if source.document in family and goal.document not in family:
                source, goal = goal, source
            if source.document in family or goal.document not in family or goal.element not in leaves:
                continue
            for key, text in _requirement_texts(catalogs, source):
                labels.setdefault((key, goal.element), Label(key, source.document, text, goal.element, crosswalk.id))
        for entry in crosswalk.unmapped:
            for key, text in _requirement_texts(catalogs, entry.source):
                labels.setdefault((key, None), Label(key, entry.source.document, text, None, crosswalk.id))
    return list(labels.values())


def labels_by_key(labels: Iterable[Label]) -> dict[str, set[str | None]]:
    """Requirement key -> every element it is labeled with (None for "nothing fits")."""
    gold: dict[str, set[str | None]] = {}
    for label in labels:
        gold.setdefault(label.key, set()).add(label.element)
    return gold


def without_standard(labels: Sequence[Label], standard: str) -> list[Label]:
    """``labels`` minus those of one standard (to score that standard as unseen)."""
    return [label for label in labels if label.standard != standard]
