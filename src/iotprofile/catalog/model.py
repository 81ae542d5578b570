"""The catalog domain model: documents (baselines, profiles, standards) and their elements.

Every model is a frozen pydantic v2 model that forbids unknown fields, so a typo in a data file is an error,
not a silently ignored key. These models are the project's API; OSCAL is only an import/export format.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from iotprofile.catalog.vocabulary import (
    ComponentKind,
    DocumentKind,
    ElementKind,
    Nature,
    Scope,
    Strength,
    TextStatus,
)

__all__ = [
    "DOCUMENT_ID_PATTERN",
    "ComponentKind",
    "Document",
    "DocumentKind",
    "Element",
    "ElementKind",
    "Frozen",
    "Nature",
    "Provenance",
    "Scope",
    "Strength",
    "Tailoring",
    "TailoringRule",
    "TextStatus",
]

#: A document ID: lower-case words joined by dashes, dots allowed in version parts (``owasp-asvs-5.0``).
DOCUMENT_ID_PATTERN = r"^[a-z0-9][a-z0-9.\-]*[a-z0-9]$"
_DOCUMENT_ID = re.compile(DOCUMENT_ID_PATTERN)


class Frozen(BaseModel):
    """Base of every domain model: immutable, strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False, defer_build=True)


class Provenance(Frozen):
    """Where a piece of text came from."""

    status: TextStatus = Field(description="How far the text can be trusted.")
    source: str | None = Field(
        default=None,
        description="Source key or citation, e.g. 'SEED-ESSAY', 'NIST IR 8425 (2022-09)', 'OWASP/ASVS@fe04986'.",
    )
    note: str | None = Field(default=None, description="Anything a reader should know about this text.")


class Element(Frozen):
    """One outcome, sub-outcome, item, group or requirement of a document."""

    id: str = Field(min_length=1, description="The element's ID, unique in its document ('DP-1', '5.1-1').")
    parent: str | None = Field(default=None, description="ID of the parent element; None at the top level.")
    order: int = Field(ge=0, description="Position among all elements of the document, in source order.")
    kind: ElementKind
    label: str | None = Field(
        default=None, description="How the source cites the element, e.g. 'Documentation 1a'. None if it has none."
    )
    title: str | None = Field(default=None, description="A short name. For NIST outcomes, the outcome's name.")
    text: str | None = Field(
        default=None, description="The source's own wording, where it may be shipped and is known; else None."
    )
    lead_in: str | None = Field(
        default=None, description="A closing clause that introduces the children ('At a minimum, ... shall:')."
    )
    summary: str | None = Field(
        default=None,
        description="A one-line summary in the project's own words (for copyrighted standards, instead of text).",
    )
    nature: Nature | None = Field(default=None, description="Technical or non-technical, where the source says.")
    strength: Strength | None = Field(default=None, description="Normative strength, where the source gives one.")
    strength_source: str | None = Field(
        default=None,
        description="The marker the strength was read from, as the source prints it ('M C (1)', 'MUST NOT', 'L2').",
    )
    level: str | None = Field(
        default=None, description="Verification level at which a requirement first applies (ASVS 'L1'..'L3')."
    )
    conditions: tuple[str, ...] = Field(
        default=(), description="Conditions a conditional requirement depends on, in the source's words or ours."
    )
    guidance: str | None = Field(
        default=None, description="Explanatory text from the source, where its licence allows shipping it."
    )
    scope: Scope | None = Field(default=None, description="Where the outcome is assessed (outcomes only).")
    applies_to: tuple[ComponentKind, ...] = Field(
        default=(),
        description="Kinds of product component the element applies to; empty for product-as-a-whole elements.",
    )
    provenance: Provenance = Field(description="Where `text` (or, without text, `summary`) came from.")
    title_provenance: Provenance | None = Field(
        default=None, description="Where `title` came from, when that differs from `provenance` (often editorial)."
    )
    lead_in_provenance: Provenance | None = None
    notes: tuple[str, ...] = Field(default=(), description="Editorial notes: known gaps, errata, caveats.")

    @property
    def display_text(self) -> str | None:
        """The best text to show: the source's wording, or failing that the project's summary."""
        return self.text if self.text is not None else self.summary

    @model_validator(mode="after")
    def _parent_is_not_self(self) -> Element:
        if self.parent == self.id:
            msg = f"element {self.id!r} names itself as its parent"
            raise ValueError(msg)
        return self


class TailoringRule(Frozen):
    """A wording substitution a profile applies to its base's statements (the seed slides' "Tailor" step)."""

    replace: str = Field(description="Text to replace, e.g. 'IoT product'.")
    with_: str = Field(alias="with", description="Replacement, e.g. 'consumer-grade router product'.")
    provenance: Provenance

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Tailoring(Frozen):
    """How a profile changes its base: wording rules and element texts the profile states itself."""

    rules: tuple[TailoringRule, ...] = ()
    #: Element texts the profile's source gives for base elements (ID -> text); they win over the rules.
    texts: dict[str, str] = Field(default_factory=dict)
    texts_provenance: Provenance | None = None
    #: Base elements the profile leaves out.
    removed: tuple[str, ...] = ()


class Document(Frozen):
    """A catalog: a baseline, a profile or a standard, with its elements in source order."""

    id: str = Field(pattern=DOCUMENT_ID_PATTERN, description="Stable document ID ('nist-ir-8425').")
    kind: DocumentKind
    title: str
    short_title: str | None = Field(default=None, description="How people cite it ('NIST IR 8425', 'ASVS 5.0').")
    publisher: str
    version: str | None = None
    date: str | None = Field(default=None, description="Publication date, ISO 8601 (YYYY, YYYY-MM or YYYY-MM-DD).")
    url: str | None = None
    licence: str = Field(description="Licence of the shipped content ('public-domain-us', 'CC-BY-SA-4.0', ...).")
    licence_note: str | None = None
    attribution: str | None = Field(default=None, description="Required attribution line, where the licence asks.")
    content: str = Field(
        default="full-text",
        description="What is shipped: 'full-text', 'ids+summaries', 'ids+status', 'ids-only' or 'registry-entry'.",
    )
    based_on: str | None = Field(default=None, description="For a profile: the document it is derived from.")
    product_type: str | None = Field(default=None, description="For a profile: the product type it is tailored to.")
    tailoring: Tailoring | None = None
    built_from: tuple[str, ...] = Field(
        default=(), description="For a profile: IDs of the standards whose requirements it was built from."
    )
    component_kinds: tuple[ComponentKind, ...] = Field(
        default=(), description="Kinds of product component a standard is written for (its requirements' default)."
    )
    provenance: Provenance
    sources: dict[str, str] = Field(default_factory=dict, description="Source keys used in this document's data.")
    known_gaps: tuple[str, ...] = Field(default=(), description="What is known to be missing or uncertain.")
    notes: tuple[str, ...] = Field(default=(), description="Definitions, errata and other editorial notes.")
    elements: tuple[Element, ...] = ()

    _index_cache: tuple[tuple[Element, ...], dict[str, Element]] | None = PrivateAttr(default=None)

    @field_validator("date")
    @classmethod
    def _iso_date(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
            msg = f"date {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD"
            raise ValueError(msg)
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Document:
        seen: set[str] = set()
        for index, element in enumerate(self.elements):
            if element.id in seen:
                msg = f"elements[{index}]: duplicate element ID {element.id!r}"
                raise ValueError(msg)
            seen.add(element.id)
        for index, element in enumerate(self.elements):
            # A profile's own elements may hang under its base's elements; resolution checks those parents.
            if element.parent is not None and element.parent not in seen and self.based_on is None:
                msg = f"elements[{index}]: element {element.id!r} has unknown parent {element.parent!r}"
                raise ValueError(msg)
        self._check_no_cycles()
        if self.kind is DocumentKind.PROFILE and self.based_on is None and self.tailoring is not None:
            msg = "a profile with tailoring must name the document it is based_on"
            raise ValueError(msg)
        return self

    def _check_no_cycles(self) -> None:
        parents = {element.id: element.parent for element in self.elements}
        for index, start in enumerate(parents):
            seen: set[str] = set()
            node: str | None = start
            while node is not None:
                if node in seen:
                    msg = f"elements[{index}]: element {start!r}: parent chain loops through {node!r}"
                    raise ValueError(msg)
                seen.add(node)
                node = parents.get(node)

    def __eq__(self, other: object) -> bool:
        # The element index is a cache, not part of the value; pydantic would compare private attributes too,
        # making a document unequal to its own copy once one of them has been searched.
        if isinstance(other, Document):
            return self.__dict__ == other.__dict__
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.id, self.elements))

    @property
    def _index(self) -> dict[str, Element]:
        # Cached per elements tuple: model_copy(update={"elements": ...}) must not reuse a stale index.
        if self._index_cache is None or self._index_cache[0] is not self.elements:
            self._index_cache = (self.elements, {element.id: element for element in self.elements})
        return self._index_cache[1]

    def get(self, element_id: str) -> Element | None:
        """The element with this ID, or None."""
        return self._index.get(element_id)

    def __contains__(self, element_id: object) -> bool:
        return element_id in self._index

    def children(self, element_id: str | None) -> tuple[Element, ...]:
        """Direct children of an element (``None``: the top-level elements), in source order."""
        return tuple(element for element in self.elements if element.parent == element_id)

    def descendants(self, element_id: str) -> tuple[Element, ...]:
        """All elements below ``element_id``, in source order."""
        wanted = {element_id}
        found: list[Element] = []
        for element in self.elements:
            if element.parent in wanted:
                wanted.add(element.id)
                found.append(element)
        return tuple(found)

    def ancestors(self, element_id: str) -> tuple[Element, ...]:
        """The chain of parents of ``element_id``, nearest first."""
        chain: list[Element] = []
        element = self._index.get(element_id)
        while element is not None and element.parent is not None:
            element = self._index[element.parent]
            chain.append(element)
        return tuple(chain)
