"""Consolidate: how each pair of requirements under one sub-outcome relates, and the concept groups."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from tests.factories import requirement

from iotprofile.profiles.build.consolidate import Consolidator, ElementConsolidation, Pair, Relation
from iotprofile.profiles.build.define import define_all
from iotprofile.profiles.build.requirements import RequirementSet


def consolidate(*texts: str, element: str = "DP-1") -> ElementConsolidation:
    """Consolidate ``texts`` (IDs R1, R2, ...) under one element, with Define's strengths, citing bare IDs."""
    requirements = [requirement(f"R{n}", text) for n, text in enumerate(texts, start=1)]
    strengths = {key: finding.strength for key, finding in define_all(RequirementSet.of(requirements)).items()}
    (result,) = Consolidator().consolidate({element: requirements}, strengths, name={r.key: r.id for r in requirements})
    return result


def pair(first: str, second: str) -> Pair:
    (only,) = consolidate(first, second).pairs
    assert (only.a, only.b) == ("R1", "R2")
    return only


def test_every_pair_within_an_element_is_classified_once() -> None:
    texts = [
        "The device shall support TLS 1.2 or higher.",
        "Keys shall be at least 2048 bits.",
        "Telnet shall be disabled.",
        "Unused ports and services shall be closed.",
        "The update mechanism shall be documented in the user manual.",
    ]
    result = consolidate(*texts)
    assert len(result.pairs) == len(texts) * (len(texts) - 1) // 2
    assert len({(p.a, p.b) for p in result.pairs}) == len(result.pairs)
    assert all(p.a != p.b and p.element == "DP-1" and p.reason for p in result.pairs)


def test_equivalent() -> None:
    found = pair(
        "The device shall encrypt personal data it stores.",
        "The device shall encrypt the personal data that it stores.",
    )
    assert found.relation is Relation.EQUIVALENT


def test_complementary_on_a_shared_topic() -> None:
    found = pair("Unused ports and services shall be closed.", "Debug interfaces shall not be reachable from the WAN.")
    assert found.relation is Relation.COMPLEMENTARY
    assert "unneeded interfaces and services" in found.reason


def test_unrelated() -> None:
    found = pair(
        "The update mechanism shall be documented in the user manual.", "Keys shall be kept in a secure element."
    )
    assert found.relation is Relation.UNRELATED


@pytest.mark.parametrize(
    ("weaker", "stricter", "parameter"),
    [
        (
            "The device shall support TLS 1.2 or higher.",
            "The device shall accept TLS 1.3 or higher only.",
            "TLS version",
        ),
        ("RSA keys shall be at least 2048 bits.", "RSA keys shall be at least 3072 bits.", "key length (bits)"),
        (
            "Passwords must be at least 8 characters long.",
            "Passwords must be at least 12 characters long.",
            "password length (characters)",
        ),
        (
            "Security fixes shall be released within 90 days.",
            "Security fixes shall be released within 30 days.",
            "time limit (seconds)",
        ),
        (
            "Security updates shall be provided for at least 3 years.",
            "Security updates shall be provided for at least 5 years.",
            "time limit (seconds)",
        ),
        (
            "Lock the account after 10 failed login attempts.",
            "Lock the account after 5 failed login attempts.",
            "number of attempts",
        ),
    ],
)
def test_stricter_names_the_parameter_and_the_stricter_side(weaker: str, stricter: str, parameter: str) -> None:
    for texts, strict in (((weaker, stricter), "R2"), ((stricter, weaker), "R1")):
        found = pair(*texts)
        assert found.relation is Relation.STRICTER, found
        assert (found.parameter, found.stricter) == (parameter, strict)
        assert found.reason.startswith(f"{strict} is stricter on {parameter}")


def test_contradictory_when_one_forbids_what_the_other_requires() -> None:
    found = pair(
        "Telnet must be disabled in every shipped configuration.", "Telnet may be enabled for remote diagnostics."
    )
    assert found.relation is Relation.CONTRADICTORY
    assert found.reason.startswith("R1 forbids") and "telnet" in found.reason and "R2 requires" in found.reason
    # The same pair the other way round names the sides the other way round.
    reverse = pair(
        "Telnet may be enabled for remote diagnostics.", "Telnet must be disabled in every shipped configuration."
    )
    assert reverse.relation is Relation.CONTRADICTORY and reverse.reason.startswith("R2 forbids")


def test_contradictory_when_no_value_meets_both() -> None:
    found = pair("Passwords must be at least 12 characters long.", "Passwords must be no more than 8 characters.")
    assert found.relation is Relation.CONTRADICTORY
    assert found.parameter == "password length (characters)"
    assert "incompatible values" in found.reason and ">= 12" in found.reason and "<= 8" in found.reason
    tls = pair("Connections shall use only TLS 1.2.", "The device shall support TLS 1.3 or higher.")
    assert tls.relation is Relation.CONTRADICTORY and tls.parameter == "TLS version"


def test_a_floor_and_a_ceiling_set_a_range() -> None:
    # Texts that differ only in their numbers are not "the same thing".
    found = pair("Passwords must be at least 8 characters.", "Passwords must be at most 64 characters.")
    assert found.relation is Relation.COMPLEMENTARY
    assert "range of password length" in found.reason


def test_the_same_requirement_in_other_words_is_not_a_contradiction() -> None:
    found = pair("UPnP shall be disabled by default.", "UPnP shall be off by default.")
    assert found.relation is Relation.EQUIVALENT


def test_concept_groups_partition_the_requirements() -> None:
    result = consolidate(
        "Data at rest shall be encrypted with AES-256.",
        "Stored secrets shall be hashed with a salt.",
        "The enclosure shall show evidence of tampering.",
        "Tampering with the enclosure shall leave physical evidence.",
    )
    members = [key for group in result.groups for key in group.requirements]
    assert sorted(members) == ["R1", "R2", "R3", "R4"]
    assert {group.name for group in result.groups} >= {"physical security"}
    physical = next(group for group in result.groups if group.name == "physical security")
    assert set(physical.requirements) == {"R3", "R4"}


def test_one_requirement_has_no_pairs() -> None:
    (result,) = Consolidator().consolidate({"DP-1": [requirement("R1", "Keys shall be stored securely.")]}, {})
    assert result.pairs == () and len(result.groups) == 1


def relations(texts: Sequence[str]) -> list[str]:
    return [p.relation.value for p in consolidate(*texts).pairs]


def test_consolidation_is_deterministic() -> None:
    texts = [
        "Telnet shall be disabled.",
        "Unused services shall be disabled.",
        "Passwords must be at least 8 characters.",
    ]
    assert relations(texts) == relations(texts)


def test_different_time_limits_are_not_stricter() -> None:
    # The shipped example once called a 15-minute lockout "stricter" than a 30-minute session timeout.
    found = pair(
        "Web GUI authorisation must expire after 30 minutes without use.",
        "Lock the administrator account for 15 minutes after 5 failed login attempts.",
    )
    assert found.relation is not Relation.STRICTER and found.relation is not Relation.CONTRADICTORY


def test_forbidding_an_insecure_way_complements_requiring_the_secure_one() -> None:
    found = pair("Passwords shall not be stored in plain text.", "Passwords shall be stored hashed with a salt.")
    assert found.relation is Relation.COMPLEMENTARY
    # Forbidding the thing itself still contradicts requiring it.
    assert (
        pair("Passwords shall not be stored.", "Passwords shall be stored hashed.").relation is Relation.CONTRADICTORY
    )


def test_disabling_old_tls_versions_is_not_weaker_than_requiring_a_newer_one() -> None:
    # "Disable TLS 1.0 and 1.1" sets TLS >= 1.2: the same floor as "TLS 1.2 or higher", so neither is stricter.
    found = pair("TLS 1.0 and TLS 1.1 shall be disabled.", "The device shall support TLS 1.2 or higher.")
    assert found.relation is Relation.COMPLEMENTARY
    stricter = pair("TLS 1.0 and TLS 1.1 shall be disabled.", "The device shall accept TLS 1.3 or higher only.")
    assert (stricter.relation, stricter.stricter) == (Relation.STRICTER, "R2")


def test_not_doing_what_the_other_requires_at_the_same_value_still_contradicts() -> None:
    found = pair(
        "Lock the account after 5 failed login attempts.", "Do not lock the account after 5 failed login attempts."
    )
    assert found.relation is Relation.CONTRADICTORY
