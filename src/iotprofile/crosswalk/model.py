"""Mappings between elements of any two documents, with NIST IR 8477 set-theory relationships.

A mapping reads "SOURCE <relationship> TARGET": ``etsi-en-303-645:5.3-10 subset_of nist-ir-8425:SU-1`` says
the provision asks for part of what the sub-outcome asks for. Direction is stored, never implied.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

from pydantic import Field, field_validator, model_serializer, model_validator

from iotprofile.catalog.model import DOCUMENT_ID_PATTERN, ComponentKind, Frozen

_DOCUMENT_ID = re.compile(DOCUMENT_ID_PATTERN)


class Relationship(StrEnum):
    """NIST IR 8477 set-theory relationships (source relative to target)."""

    EQUAL = "equal"
    SUBSET_OF = "subset_of"
    SUPERSET_OF = "superset_of"
    INTERSECTS_WITH = "intersects_with"
    NOT_RELATED = "not_related"

    def inverse(self) -> Relationship:
        """The same relationship read from the target's side."""
        match self:
            case Relationship.SUBSET_OF:
                return Relationship.SUPERSET_OF
            case Relationship.SUPERSET_OF:
                return Relationship.SUBSET_OF
            case Relationship.EQUAL | Relationship.INTERSECTS_WITH | Relationship.NOT_RELATED:
                return self


class Rationale(StrEnum):
    """NIST IR 8477: why the relationship was asserted."""

    #: The wording of the two elements is the same or nearly so.
    SYNTACTIC = "syntactic"
    #: The two elements mean the same or related things, in other words.
    SEMANTIC = "semantic"
    #: Meeting one element achieves (part of) what the other achieves.
    FUNCTIONAL = "functional"


class Origin(StrEnum):
    """Who asserted a mapping."""

    #: Published by NIST in a final or draft publication.
    NIST_PUBLICATION = "nist_publication"
    #: Given in one of the seed documents (NIST's essay or forum slides).
    SEED = "seed"
    #: Written and reviewed by this project.
    PROJECT_CURATED = "project_curated"
    #: Entered by a user.
    USER = "user"
    #: Suggested by the profile pipeline; carries a confidence and awaits review.
    SUGGESTED = "suggested"


class ReviewState(StrEnum):
    """Whether a person has accepted a mapping."""

    ACCEPTED = "accepted"
    PENDING = "pending"
    REJECTED = "rejected"


class ElementRef(Frozen):
    """A qualified reference: a document, and optionally one element of it."""

    document: str = Field(pattern=DOCUMENT_ID_PATTERN)
    element: str | None = Field(default=None, min_length=1, description="None: the document as a whole.")

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        # Data files write references as "doc:element" strings; accept them wherever a reference is expected.
        if isinstance(value, str):
            document, _, element = value.strip().partition(":")
            return {"document": document, "element": element or None}
        return value

    @model_serializer(mode="plain")
    def _to_string(self) -> str:
        return str(self)

    @classmethod
    def parse(cls, text: str) -> ElementRef:
        """Parse ``doc:element`` or ``doc`` (the whole document); split on the first colon."""
        document, sep, element = text.strip().partition(":")
        if not _DOCUMENT_ID.fullmatch(document):
            msg = f"{text!r} is not DOC or DOC:ELEMENT (DOC like 'nist-ir-8425')"
            raise ValueError(msg)
        if sep and not element:
            msg = f"{text!r} has a colon but no element ID after it"
            raise ValueError(msg)
        return cls(document=document, element=element or None)

    def __str__(self) -> str:
        return f"{self.document}:{self.element}" if self.element else self.document


class Mapping(Frozen):
    """One relationship between a source and a target element."""

    source: ElementRef
    target: ElementRef
    relationship: Relationship
    rationale: Rationale
    explanation: str | None = Field(default=None, description="Why, in a sentence or two.")
    strength: int | None = Field(
        default=None, ge=1, le=10, description="Optional IR 8477 strength of the relationship, 1 (weak) to 10."
    )
    component_kinds: tuple[ComponentKind, ...] = Field(
        default=(), description="Kinds of product component the mapping holds for; empty: any component."
    )
    origin: Origin
    origin_source: str | None = Field(default=None, description="Source key or citation ('SEED-SLIDES').")
    confidence: float | None = Field(default=None, ge=0.0, le=1.0, description="For suggested mappings.")
    review: ReviewState = ReviewState.ACCEPTED
    reviewer: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _suggestions_have_confidence(self) -> Mapping:
        if self.origin is Origin.SUGGESTED and self.confidence is None:
            msg = "a suggested mapping needs a confidence"
            raise ValueError(msg)
        if self.source == self.target:
            msg = f"mapping from {self.source} to itself"
            raise ValueError(msg)
        return self

    def reversed(self) -> Mapping:
        """The same mapping read from the target's side (relationship inverted)."""
        return self.model_copy(
            update={"source": self.target, "target": self.source, "relationship": self.relationship.inverse()}
        )


class Gap(Frozen):
    """A target element for which the source explicitly names nothing ("No standards currently identified")."""

    target: ElementRef
    status: str = Field(description="'none-identified' or 'no-additional-identified'.")
    as_printed: str | None = None
    note: str | None = None

    @field_validator("status")
    @classmethod
    def _known_status(cls, value: str) -> str:
        if value not in {"none-identified", "no-additional-identified"}:
            msg = f"gap status {value!r} is not 'none-identified' or 'no-additional-identified'"
            raise ValueError(msg)
        return value


class Unmapped(Frozen):
    """A source element the crosswalk's authors looked at and found no target for (input to the Expand step)."""

    source: ElementRef
    reason: str = Field(min_length=1, description="Why nothing fits, in a sentence.")
    nearest: tuple[ElementRef, ...] = Field(default=(), description="Targets that come closest, if any.")


class Crosswalk(Frozen):
    """A set of mappings published together, with shared metadata."""

    id: str = Field(pattern=DOCUMENT_ID_PATTERN)
    title: str
    description: str | None = None
    origin: Origin = Field(description="Who asserted these mappings (a mapping may override it).")
    origin_source: str | None = None
    licence: str
    attribution: str | None = None
    notes: tuple[str, ...] = ()
    mappings: tuple[Mapping, ...] = ()
    gaps: tuple[Gap, ...] = ()
    unmapped: tuple[Unmapped, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _inherit_origin(cls, data: Any) -> Any:
        # A mapping that does not state its origin has the crosswalk's: data files state it once.
        if isinstance(data, dict) and isinstance(data.get("mappings"), list | tuple):
            inherited = {key: data[key] for key in ("origin", "origin_source") if data.get(key) is not None}
            data = {
                **data,
                "mappings": [
                    {**inherited, **mapping} if isinstance(mapping, dict) else mapping for mapping in data["mappings"]
                ],
            }
        return data

    @model_validator(mode="after")
    def _no_duplicates(self) -> Crosswalk:
        seen: set[tuple[str, str, tuple[ComponentKind, ...]]] = set()
        for index, mapping in enumerate(self.mappings):
            key = (str(mapping.source), str(mapping.target), mapping.component_kinds)
            if key in seen:
                msg = f"mappings[{index}]: duplicate mapping {mapping.source} -> {mapping.target}"
                raise ValueError(msg)
            seen.add(key)
        return self
