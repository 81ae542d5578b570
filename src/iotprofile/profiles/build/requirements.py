"""Requirements as the pipeline sees them: one requirement of one standard, with where it came from.

Every step of the pipeline (Define, Group, Consolidate, Expand, Tailor) reads :class:`Requirement` and keys its
results by :attr:`Requirement.key`, so each line of a derived profile can be traced back to the requirement, the
file and the row or line it was read from.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from pydantic import Field

from iotprofile.catalog.model import Frozen
from iotprofile.catalog.vocabulary import Strength


class Requirement(Frozen):
    """One requirement of one standard."""

    standard: str = Field(min_length=1, description="Document ID of the standard, e.g. 'bbf-tr-124-i8'.")
    id: str = Field(min_length=1, description="The requirement's ID in its standard, e.g. 'SEC.FIRMWARE.2'.")
    text: str = Field(min_length=1, description="The requirement's text (or the summary the user holds).")
    title: str | None = Field(default=None, description="A heading or short name, where the source gives one.")
    section: str | None = Field(default=None, description="The section or clause it sits in.")
    stated_strength: str | None = Field(
        default=None,
        description="A strength the source states beside the text (ETSI Annex B 'M', 'R C (3)'; 'MUST'; 'L2').",
    )
    level: str | None = Field(default=None, description="A verification level the source states (OWASP L1-L3).")
    element: str | None = Field(
        default=None, description="A grouping the source already gives: the target element ID it belongs under."
    )
    location: str = Field(description="Where it was read: 'file.csv row 4', 'file.md:12', 'catalog etsi-en-303-645'.")

    @property
    def key(self) -> str:
        """``standard:id``, unique across every requirement list of a build."""
        return f"{self.standard}:{self.id}"


class StrengthBasis:
    """How a strength was decided (plain strings, so results stay JSON without conversion)."""

    #: The source states a strength beside the text (ETSI Annex B status, a MUST/SHOULD column); it wins.
    STATED = "stated"
    #: An RFC 2119 / 8174 upper-case keyword in the text.
    KEYWORD = "keyword"
    #: ETSI-style lower-case shall / should / may.
    LOWER_CASE = "lower_case"
    #: OWASP-style "Verify that ..." with the level the source states.
    VERIFY = "verify"
    #: Nothing in the source decides it.
    NONE = "none"


class StrengthFinding(Frozen):
    """The normative strength of one requirement, and the phrase that decided it."""

    requirement: str = Field(description="Requirement key, 'standard:id'.")
    strength: Strength | None = Field(description="None when nothing in the source decides it.")
    phrase: str | None = Field(default=None, description="The words that decided it, as they appear in the source.")
    basis: str = Field(description="stated, keyword, lower_case, verify or none (see StrengthBasis).")


@dataclass(frozen=True)
class RequirementSet:
    """Requirements read from one or more lists, in source order, unique by key."""

    requirements: tuple[Requirement, ...]
    _by_key: dict[str, Requirement] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_key.update((requirement.key, requirement) for requirement in self.requirements)

    def __iter__(self) -> Iterator[Requirement]:
        return iter(self.requirements)

    def __len__(self) -> int:
        return len(self.requirements)

    def __contains__(self, key: object) -> bool:
        return key in self._by_key

    def get(self, key: str) -> Requirement:
        """The requirement with this ``standard:id`` key (KeyError if none)."""
        return self._by_key[key]

    @property
    def standards(self) -> tuple[str, ...]:
        """Standard IDs in the order they first appear."""
        return tuple(dict.fromkeys(requirement.standard for requirement in self.requirements))

    @classmethod
    def of(cls, requirements: Sequence[Requirement]) -> RequirementSet:
        """A set of already-validated requirements (the readers check uniqueness and say where)."""
        return cls(tuple(requirements))
