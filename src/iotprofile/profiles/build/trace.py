"""The traceability of a built profile: for every element, the source requirements behind it.

A built profile is a :class:`~iotprofile.catalog.model.Document` (kind ``profile``, ``based_on`` the target
baseline, with a tailoring rule and the added sub-outcomes) plus one :class:`TraceRow` per (element, source
requirement) pair that the review kept. Every writer (Markdown, HTML, CSV, XLSX, OSCAL) reads these two things.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from iotprofile.catalog.model import Frozen
from iotprofile.catalog.vocabulary import Strength


class Decision(StrEnum):
    """How a requirement came to sit under an element."""

    #: A reviewer accepted Group's suggestion.
    ACCEPTED = "accepted"
    #: A reviewer put the requirement under an element Group did not suggest first (or at all).
    OVERRIDDEN = "overridden"
    #: The requirement list itself gave the element (an ``element`` column); taken as given.
    GIVEN = "given"
    #: Group's best suggestion, not yet reviewed (a draft profile shows these, marked).
    SUGGESTED = "suggested"


class TraceRow(Frozen):
    """One source requirement behind one element of the built profile."""

    element: str = Field(description="The profile element (a base sub-outcome or an added one).")
    requirement: str = Field(description="The source requirement's key, 'standard:id'.")
    standard: str
    requirement_id: str
    text: str = Field(description="The requirement's text as read (or the summary the user holds).")
    strength: Strength | None = Field(description="SHALL / SHOULD / MAY / SHALL NOT / SHOULD NOT, from Define.")
    strength_phrase: str | None = Field(default=None, description="The words that decided the strength.")
    strength_basis: str = Field(description="stated, keyword, lower_case, verify or none.")
    decision: Decision
    score: float | None = Field(default=None, description="Group's score for this element, where it suggested it.")
    reviewer: str | None = None
    concept_group: str | None = Field(default=None, description="The Consolidate concept group it falls in.")
    location: str = Field(description="Where the requirement was read: file and row or line.")

    @property
    def normative(self) -> bool:
        """Whether the requirement obliges (SHALL / SHALL NOT) rather than recommends or permits."""
        return self.strength in {Strength.SHALL, Strength.SHALL_NOT}
