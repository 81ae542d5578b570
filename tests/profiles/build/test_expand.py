"""Expand: left-over requirements become proposed sub-outcomes, numbered after their outcome's last one."""

from __future__ import annotations

from tests.factories import requirement

from iotprofile.profiles.build.expand import expand
from iotprofile.profiles.build.group import Grouper
from iotprofile.profiles.build.labels import Target
from iotprofile.profiles.build.requirements import Requirement

PRESERVE = [
    requirement("R1", "User settings are kept when the software is updated."),
    requirement("R2", "Keep the user's configuration across software updates."),
]
LEDS = [requirement("R3", "The LEDs should be dimmable."), requirement("R4", "The LEDs can be switched off.")]
ALONE = requirement("R5", "The fan is quiet.")


def proposals(grouper: Grouper, target: Target, leftovers: list[Requirement]) -> dict[str, tuple[str, ...]]:
    found = expand(target, leftovers, grouper.raw_scores(leftovers))
    for proposal in found:
        assert proposal.id.startswith(f"{proposal.parent}-")
        assert proposal.statement.startswith(
            ("The IoT product addresses ", "The IoT product meets requirements such as: ")
        )
        assert proposal.topic and proposal.terms
    return {proposal.id: proposal.members for proposal in found}


def test_proposals_are_numbered_after_the_outcomes_last_sub_outcome(
    grouper_8425: Grouper, target_8425: Target, grouper_8425a: Grouper, target_8425a: Target
) -> None:
    leftovers = [*PRESERVE, *LEDS, ALONE]
    under_8425 = proposals(grouper_8425, target_8425, leftovers)
    assert under_8425["SU-3"] == ("t-std:R1", "t-std:R2")
    # 8425A already has SU-3: the next one is SU-4.
    under_8425a = proposals(grouper_8425a, target_8425a, leftovers)
    assert under_8425a["SU-4"] == ("t-std:R1", "t-std:R2")
    assert "SU-3" not in under_8425a
    for found in (under_8425, under_8425a):
        assert ("t-std:R3", "t-std:R4") in found.values()
        # A single requirement is not a proposal (it stays unplaced).
        assert not [members for members in found.values() if "t-std:R5" in members]


def test_the_statement_is_drawn_from_a_member(grouper_8425: Grouper, target_8425: Target) -> None:
    (proposal,) = expand(target_8425, PRESERVE, grouper_8425.raw_scores(PRESERVE))
    assert any(member.text.rstrip(".") in proposal.statement for member in PRESERVE)


def test_nothing_left_over_proposes_nothing(target_8425: Target) -> None:
    assert expand(target_8425, [], {}) == []
