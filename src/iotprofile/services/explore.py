"""Exploring catalogs, crosswalks and profiles: search and filters across documents, a profile's differences.

The web app's catalog explorer calls these; they only read the workspace (catalogs are immutable per workspace),
so a caller may keep an :class:`ExploreIndex` and answers for as long as it keeps the workspace.

Filters:

- **outcome** (``DP``, ``IAC``): a NIST element under that outcome, or a standard's requirement a crosswalk maps
  to an element under it (a mapping to clause 5.1 of a standard counts for the provisions below 5.1);
- **component kind**: an element whose ``applies_to`` (or, without one, its document's ``component_kinds``)
  names the kind; elements for the product as a whole name none, so they drop out;
- **document**: elements of that document only.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field

from iotprofile.catalog.model import ComponentKind, Document, DocumentKind, Element, ElementKind, TailoringRule
from iotprofile.crosswalk.model import ReviewState
from iotprofile.errors import CrosswalkError, UnknownDocumentError, UnknownElementError
from iotprofile.services import CrosswalkAnswer, Workspace, crosswalk, list_documents, show_document

#: Search results returned at most (the total is reported besides).
SEARCH_LIMIT = 200
#: NIST documents whose outcomes name the outcome filter's choices, in the order they are offered.
_OUTCOME_DOCUMENTS = ("nist-ir-8425", "nist-ir-8259a", "nist-ir-8259b")


@dataclass(frozen=True, slots=True)
class OutcomeChoice:
    """An outcome the explorer can filter by: its ID ('DP') and name ('Data Protection')."""

    id: str
    title: str


@dataclass(frozen=True, slots=True)
class IndexedElement:
    """One element of one (resolved) document, with what the filters and the search look at."""

    document: str
    document_title: str
    element: Element
    depth: int
    #: Outcome IDs the element falls under, or that crosswalks map it to.
    outcomes: tuple[str, ...]
    #: Kinds of product component it applies to (its own, else its document's).
    component_kinds: tuple[str, ...]
    #: Lower-cased ID, label, title, statement and summary, for substring search.
    haystack: str

    @property
    def ref(self) -> str:
        """The qualified reference, ``doc:element``."""
        return f"{self.document}:{self.element.id}"


@dataclass(frozen=True, slots=True)
class SearchResult:
    """Elements matching a search, best first, at most ``limit`` of ``total``."""

    total: int
    items: tuple[IndexedElement, ...]


@dataclass(frozen=True)
class ExploreIndex:
    """Every element of every document with elements, ready to search and filter (build once per workspace)."""

    entries: tuple[IndexedElement, ...]
    outcomes: tuple[OutcomeChoice, ...]
    #: Documents that have elements, by ID (the document filter's choices).
    documents: tuple[str, ...]
    by_document: dict[str, tuple[IndexedElement, ...]] = field(default_factory=dict)

    @classmethod
    def build(cls, workspace: Workspace) -> ExploreIndex:
        """Index the workspace's documents (their resolved form) and the outcomes crosswalks map to."""
        docs = [show_document(workspace, item.id) for item in list_documents(workspace) if item.elements]
        own_outcomes: dict[tuple[str, str], str] = {}
        for doc in docs:
            if doc.kind is not DocumentKind.STANDARD:
                for element in doc.elements:
                    outcome = _outcome_of(doc, element)
                    if outcome is not None:
                        own_outcomes[(doc.id, element.id)] = outcome
        mapped = _mapped_outcomes(workspace, {doc.id: doc for doc in docs}, own_outcomes)
        entries: list[IndexedElement] = []
        by_document: dict[str, tuple[IndexedElement, ...]] = {}
        for doc in docs:
            depths: dict[str, int] = {}
            indexed: list[IndexedElement] = []
            for element in doc.elements:
                depth = depths.get(element.parent, -1) + 1 if element.parent is not None else 0
                depths[element.id] = depth
                key = (doc.id, element.id)
                outcomes = sorted({*([own_outcomes[key]] if key in own_outcomes else []), *mapped.get(key, ())})
                kinds = element.applies_to or doc.component_kinds
                text = " ".join(
                    part for part in (element.id, element.label, element.title, element.text, element.summary) if part
                )
                indexed.append(
                    IndexedElement(
                        doc.id,
                        doc.short_title or doc.title,
                        element,
                        depth,
                        tuple(outcomes),
                        tuple(kind.value for kind in kinds),
                        text.lower(),
                    )
                )
            by_document[doc.id] = tuple(indexed)
            entries.extend(indexed)
        return cls(tuple(entries), _outcome_choices(workspace), tuple(doc.id for doc in docs), by_document)

    def check_outcome(self, outcome: str | None) -> None:
        """Refuse an outcome ID the index does not know (one line, with the known IDs)."""
        if outcome and outcome not in {choice.id for choice in self.outcomes}:
            raise UnknownElementError(
                f"unknown outcome {outcome!r}",
                tip="use one of " + ", ".join(choice.id for choice in self.outcomes),
            )

    def search(self, query: str = "", *, outcome: str | None = None, component_kind: ComponentKind | None = None,
               document: str | None = None, limit: int = SEARCH_LIMIT) -> SearchResult:  # fmt: skip
        """Elements whose ID, title or statement contain every word of ``query``, narrowed by the filters.

        Best first: an exact ID, then IDs that contain the query, then titles, then the rest, each in document
        and source order.
        """
        self.check_outcome(outcome)
        pool = self.by_document.get(document, ()) if document else self.entries
        if document and document not in self.by_document:
            raise UnknownDocumentError(f"document {document!r} has no elements to search", tip=_documents_tip(self))
        words = query.lower().split()
        found = [entry for entry in self._filtered(pool, outcome, component_kind) if _matches(entry, words)]
        if words:
            phrase = " ".join(words)
            found.sort(key=lambda entry: _rank(entry, phrase))  # stable: document and source order within a rank
        return SearchResult(len(found), tuple(found[:limit]))

    def document_elements(self, doc_id: str, *, query: str = "", outcome: str | None = None,
                          component_kind: ComponentKind | None = None) -> tuple[IndexedElement, ...]:  # fmt: skip
        """A document's elements in source order (the tree), narrowed by the search words and filters."""
        self.check_outcome(outcome)
        words = query.lower().split()
        return tuple(
            entry
            for entry in self._filtered(self.by_document.get(doc_id, ()), outcome, component_kind)
            if _matches(entry, words)
        )

    @staticmethod
    def _filtered(pool: Iterable[IndexedElement], outcome: str | None,
                  component_kind: ComponentKind | None) -> Iterable[IndexedElement]:  # fmt: skip
        for entry in pool:
            if outcome and outcome not in entry.outcomes:
                continue
            if component_kind is not None and component_kind.value not in entry.component_kinds:
                continue
            yield entry


def _documents_tip(index: ExploreIndex) -> str:
    return "documents with elements: " + ", ".join(index.documents)


def _matches(entry: IndexedElement, words: list[str]) -> bool:
    return all(word in entry.haystack for word in words)


def _rank(entry: IndexedElement, phrase: str) -> int:
    element_id = entry.element.id.lower()
    if element_id == phrase:
        return 0
    if phrase in element_id:
        return 1
    if phrase in (entry.element.title or "").lower():
        return 2
    return 3


def _outcome_of(doc: Document, element: Element) -> str | None:
    """The ID of the outcome an element of a NIST document falls under (itself, if it is one)."""
    if element.kind is ElementKind.OUTCOME:
        return element.id
    for ancestor in doc.ancestors(element.id):
        if ancestor.kind is ElementKind.OUTCOME:
            return ancestor.id
    return None


def _mapped_outcomes(workspace: Workspace, docs: dict[str, Document],
                     own: dict[tuple[str, str], str]) -> dict[tuple[str, str], set[str]]:  # fmt: skip
    """For elements of standards: the outcomes crosswalks map them (or a group above them) to."""
    direct: dict[tuple[str, str], set[str]] = {}
    for _crosswalk, mapping in workspace.crosswalks.mappings():
        if mapping.review is ReviewState.REJECTED:
            continue
        for this, other in ((mapping.source, mapping.target), (mapping.target, mapping.source)):
            if this.element is None or other.element is None:
                continue
            outcome = own.get((other.document, other.element))
            if outcome is not None and this.document in docs and (this.document, this.element) not in own:
                direct.setdefault((this.document, this.element), set()).add(outcome)
    mapped: dict[tuple[str, str], set[str]] = {}
    for (doc_id, element_id), outcomes in direct.items():
        doc = docs[doc_id]
        for element in (doc.get(element_id), *doc.descendants(element_id)):
            if element is not None:
                mapped.setdefault((doc_id, element.id), set()).update(outcomes)
    return mapped


def _outcome_choices(workspace: Workspace) -> tuple[OutcomeChoice, ...]:
    choices: dict[str, OutcomeChoice] = {}
    for doc_id in _OUTCOME_DOCUMENTS:
        if doc_id not in workspace.catalogs:
            continue
        for element in show_document(workspace, doc_id).elements:
            if element.kind is ElementKind.OUTCOME and element.id not in choices:
                choices[element.id] = OutcomeChoice(element.id, element.title or element.label or element.id)
    return tuple(choices.values())


# ---------------------------------------------------------------------------------------------------- crosswalk


def crosswalk_table(workspace: Workspace, ref_text: str, *, component_kind: ComponentKind | None = None,
                    standard: str | None = None) -> CrosswalkAnswer:  # fmt: skip
    """The crosswalk answer for ``DOC:ELEMENT``, optionally only rows whose other end is in ``standard``.

    Raises :class:`CrosswalkError` for a malformed reference, :class:`UnknownDocumentError` or
    :class:`UnknownElementError` for one that names nothing.
    """
    if not ref_text.strip():
        raise CrosswalkError("no reference given", tip="write the reference as DOC:ELEMENT, e.g. nist-ir-8425a:DP-1")
    if standard:
        workspace.catalogs.get(standard)  # an unknown standard is an error, not an empty answer
    answer = crosswalk(workspace, ref_text, component_kind=component_kind)
    if standard:
        answer = CrosswalkAnswer(
            answer.query,
            answer.title,
            answer.text,
            answer.component_kind,
            [row for row in answer.rows if row.other.document == standard],
            list(answer.gaps),
        )
    return answer


def standards_in(answer: CrosswalkAnswer) -> list[str]:
    """The documents the answer's other ends belong to, sorted (the standard filter's choices)."""
    return sorted({row.other.document for row in answer.rows})


# ------------------------------------------------------------------------------------------------------ profiles


@dataclass(frozen=True, slots=True)
class WordingSegment:
    """A run of words of a changed statement: kept, added by the profile, or removed from the base's wording."""

    op: str  # "equal", "added" or "removed"
    text: str


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of an element the profile words differently from its base."""

    field: str  # "title", "text" or "lead_in"
    base: str | None
    profile: str | None
    segments: tuple[WordingSegment, ...]


@dataclass(frozen=True, slots=True)
class ElementChange:
    """An element both documents have, worded differently in the profile."""

    base: Element
    profile: Element
    fields: tuple[FieldChange, ...]

    @property
    def id(self) -> str:
        """The element's ID (the same in both)."""
        return self.profile.id


@dataclass(frozen=True, slots=True)
class ProfileDifferences:
    """A profile against its base: what it adds, leaves out and rewords (both resolved)."""

    profile: Document
    base: Document | None
    rules: tuple[TailoringRule, ...]
    added: tuple[Element, ...]
    removed: tuple[Element, ...]
    changed: tuple[ElementChange, ...]


_COMPARED_FIELDS = ("title", "text", "lead_in")


def profile_differences(workspace: Workspace, profile_id: str) -> ProfileDifferences:
    """What ``profile_id`` adds to, removes from and changes in its base (nist-ir-8425a against nist-ir-8425).

    A profile without a base has no differences (``base`` is None). A document that is not a profile raises
    :class:`UnknownDocumentError`.
    """
    stored = workspace.catalogs.get(profile_id)
    if stored.kind is not DocumentKind.PROFILE or (not stored.elements and stored.based_on is None):
        raise UnknownDocumentError(
            f"{profile_id!r} is not a profile with elements (it is a {stored.kind.value})",
            tip="profiles: " + ", ".join(_profile_ids(workspace)),
        )
    profile = show_document(workspace, profile_id)
    if stored.based_on is None:
        return ProfileDifferences(profile, None, (), (), (), ())
    base = show_document(workspace, stored.based_on)
    added = tuple(element for element in profile.elements if element.id not in base)
    removed = tuple(element for element in base.elements if element.id not in profile)
    changed: list[ElementChange] = []
    for element in profile.elements:
        before = base.get(element.id)
        if before is None:
            continue
        fields = tuple(
            FieldChange(name, old, new, _word_diff(old, new))
            for name in _COMPARED_FIELDS
            if (old := getattr(before, name)) != (new := getattr(element, name))
        )
        if fields:
            changed.append(ElementChange(before, element, fields))
    rules = stored.tailoring.rules if stored.tailoring else ()
    return ProfileDifferences(profile, base, rules, added, removed, tuple(changed))


def _profile_ids(workspace: Workspace) -> list[str]:
    return [item.id for item in list_documents(workspace) if item.kind == DocumentKind.PROFILE.value and item.elements]


def _word_diff(before: str | None, after: str | None) -> tuple[WordingSegment, ...]:
    """Word-level differences from ``before`` to ``after``, as runs of kept, removed and added words."""
    old = (before or "").split()
    new = (after or "").split()
    segments: list[WordingSegment] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(WordingSegment("equal", " ".join(old[a1:a2])))
            continue
        if a2 > a1:
            segments.append(WordingSegment("removed", " ".join(old[a1:a2])))
        if b2 > b1:
            segments.append(WordingSegment("added", " ".join(new[b1:b2])))
    return tuple(segments)
