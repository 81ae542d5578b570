"""Define: the strength of each requirement and the words in the source that decide it."""

from __future__ import annotations

import pytest

from iotprofile.catalog.vocabulary import Strength
from iotprofile.profiles.build.define import define, define_all, strength_of_stated
from iotprofile.profiles.build.requirements import Requirement, StrengthBasis

SHALL, SHALL_NOT, SHOULD, SHOULD_NOT, MAY = (
    Strength.SHALL, Strength.SHALL_NOT, Strength.SHOULD, Strength.SHOULD_NOT, Strength.MAY,
)  # fmt: skip


def requirement(text: str, *, stated: str | None = None, level: str | None = None, id: str = "R-1") -> Requirement:
    return Requirement(standard="std", id=id, text=text, stated_strength=stated, level=level, location="reqs.csv row 2")


@pytest.mark.parametrize(
    ("stated", "strength"),
    [
        ("M", SHALL),
        ("M C (1)", SHALL),
        ("M C (11, 12)", SHALL),
        ("R", SHOULD),
        ("R C (3, 4)", SHOULD),
        ("O", MAY),
        ("MUST", SHALL),
        ("SHALL", SHALL),
        ("REQUIRED", SHALL),
        ("MUST NOT", SHALL_NOT),
        ("SHALL NOT", SHALL_NOT),
        ("shall_not", SHALL_NOT),
        ("SHOULD", SHOULD),
        ("RECOMMENDED", SHOULD),
        ("SHOULD NOT", SHOULD_NOT),
        ("NOT RECOMMENDED", SHOULD_NOT),
        ("MAY", MAY),
        ("OPTIONAL", MAY),
        ("Mandatory", SHALL),
        ("recommended", SHOULD),
        ("Recommendation", SHOULD),
        ("optional", MAY),
        ("must", SHALL),
        ("SHOULD, MUST NOT", SHOULD),  # BBF lists every keyword, the principal one first
        ("MUST NOT, MAY", SHALL_NOT),
        ("shall (provision wording; not in the Annex B copy used)", SHALL),
    ],
)
def test_stated_values(stated: str, strength: Strength) -> None:
    assert strength_of_stated(stated) is strength
    finding = define(requirement("Text without any keyword.", stated=stated))
    assert (finding.strength, finding.phrase, finding.basis) == (strength, stated, StrengthBasis.STATED)


@pytest.mark.parametrize("stated", ["High", "L2", "Mustang", "Maybe", "Mx", "Rx", "-"])
def test_a_stated_value_that_names_no_strength_leaves_it_to_the_text(stated: str) -> None:
    assert strength_of_stated(stated) is None
    finding = define(requirement("The device MUST log in.", stated=stated))
    assert (finding.strength, finding.basis) == (SHALL, StrengthBasis.KEYWORD)


def test_stated_wins_over_the_text() -> None:
    finding = define(requirement("The device MUST NOT expose telnet.", stated="R"))
    assert (finding.strength, finding.phrase, finding.basis) == (SHOULD, "R", StrengthBasis.STATED)
    finding = define(requirement("Verify that the device logs in.", stated="MAY", level="L1"))
    assert (finding.strength, finding.basis) == (MAY, StrengthBasis.STATED)


@pytest.mark.parametrize(
    ("text", "strength", "phrase"),
    [
        ("The device MUST authenticate users.", SHALL, "MUST"),
        ("The device SHALL authenticate users.", SHALL, "SHALL"),
        ("Authentication is REQUIRED.", SHALL, "REQUIRED"),
        ("The device MUST NOT expose telnet.", SHALL_NOT, "MUST NOT"),
        ("The device SHALL NOT expose telnet.", SHALL_NOT, "SHALL NOT"),
        ("The device SHOULD log failures.", SHOULD, "SHOULD"),
        ("Logging failures is RECOMMENDED.", SHOULD, "RECOMMENDED"),
        ("The device SHOULD NOT use SHA-1.", SHOULD_NOT, "SHOULD NOT"),
        ("Using SHA-1 is NOT RECOMMENDED.", SHOULD_NOT, "NOT RECOMMENDED"),
        ("The device MAY offer SSH.", MAY, "MAY"),
        ("An SSH server is OPTIONAL.", MAY, "OPTIONAL"),
        ("The device MUST  NOT\nexpose telnet.", SHALL_NOT, "MUST  NOT\nexpose"[:9]),
        # The strongest obligation decides; the MAY grants an option and never loosens the MUST.
        ("The device MUST log failures and MAY send them to a server.", SHALL, "MUST"),
        ("The device MAY send logs and MUST sign them.", SHALL, "MUST"),
        ("The device SHOULD log failures and MAY send them.", SHOULD, "SHOULD"),
        ("The device SHOULD log failures. It MUST keep them for a week.", SHALL, "MUST"),
        # Between equals the first decides, so a negation is its own value.
        ("The device MUST NOT expose telnet and MUST offer SSH.", SHALL_NOT, "MUST NOT"),
        ("The device MUST offer SSH and MUST NOT expose telnet.", SHALL, "MUST"),
        # A condition says when, not how strongly.
        ("If the device has a display, it SHOULD show the status.", SHOULD, "SHOULD"),
        ("When remote access is enabled, the device MUST use TLS.", SHALL, "MUST"),
        # A keyword in a relative clause qualifies what the earlier keyword introduced.
        ("Login SHOULD use a challenge that MUST NOT depend on WAN access.", SHOULD, "SHOULD"),
        ("The device MAY offer SSH, which MUST be off by default.", MAY, "MAY"),
        # ... but not after the sentence ends.
        ("The device MAY offer SSH. Telnet, which is insecure, MUST NOT be offered.", SHALL_NOT, "MUST NOT"),
        # "may not" withdraws permission.
        ("Passwords MAY NOT be shared.", SHALL_NOT, "MAY NOT"),
        # The negation counts in any case, and "never" negates as "not" does.
        ("The device MUST not expose telnet.", SHALL_NOT, "MUST not"),
        ("Keys MUST NEVER leave the device.", SHALL_NOT, "MUST NEVER"),
        ("Keys SHOULD never be logged.", SHOULD_NOT, "SHOULD never"),
        ("Using SHA-1 is not RECOMMENDED.", SHOULD_NOT, "not RECOMMENDED"),
        ("An SSH server is NOT REQUIRED.", MAY, "NOT REQUIRED"),
    ],
)
def test_rfc_2119_keywords(text: str, strength: Strength, phrase: str) -> None:
    finding = define(requirement(text))
    assert (finding.strength, finding.phrase, finding.basis) == (strength, phrase, StrengthBasis.KEYWORD)


def test_keywords_are_upper_case_only_and_whole_words() -> None:
    # RFC 8174: only upper case has the special meaning; lower case falls to the lower-case reading.
    assert define(requirement("The device must authenticate.")).basis == StrengthBasis.LOWER_CASE
    # MUSTANG and MAYBE are not keywords; an all-capitals heading is not a statement.
    assert define(requirement("The MUSTANG module, MAYBE.")).basis == StrengthBasis.NONE
    assert define(requirement("FIRMWARE MUST BE SIGNED")).basis == StrengthBasis.NONE


@pytest.mark.parametrize(
    ("text", "strength", "phrase"),
    [
        ("All passwords shall be unique.", SHALL, "shall"),
        ("Passwords shall not be shared.", SHALL_NOT, "shall not"),
        ("The manufacturer should publish a policy.", SHOULD, "should"),
        ("The device should not log secrets.", SHOULD_NOT, "should not"),
        ("The user may change the password.", MAY, "may"),
        ("The device must be updatable.", SHALL, "must"),
        ("The device must not expose telnet.", SHALL_NOT, "must not"),
        ("Passwords may not be shared across devices.", SHALL_NOT, "may not"),
        ("The device need not support IPv6.", MAY, "need not"),
        ("Passwords must never be displayed.", SHALL_NOT, "must never"),
        ("Shall the device fail, it reboots.", SHALL, "Shall"),  # capitalised at the start of a sentence
        ("The device shall log failures and may send them to a server.", SHALL, "shall"),
        ("Where passwords are used, they should be unique, which shall be checked.", SHOULD, "should"),
        ("The device shall log so that users can review.", SHALL, "shall"),
    ],
)
def test_lower_case_etsi_style(text: str, strength: Strength, phrase: str) -> None:
    finding = define(requirement(text))
    assert (finding.strength, finding.phrase, finding.basis) == (strength, phrase, StrengthBasis.LOWER_CASE)


def test_can_is_informative() -> None:
    finding = define(requirement("Users can change the password."))
    assert (finding.strength, finding.phrase, finding.basis) == (None, "can", StrengthBasis.LOWER_CASE)
    finding = define(requirement("Users cannot change the password."))
    assert (finding.strength, finding.phrase) == (None, "cannot")


def test_a_month_is_not_a_permission() -> None:
    finding = define(requirement("Released in May 2020 with the Shall-pass feature."))
    assert (finding.strength, finding.basis) == (None, StrengthBasis.NONE)


@pytest.mark.parametrize(
    ("level", "phrase"), [("L1", "Verify that (L1)"), ("L2", "Verify that (L2)"), (None, "Verify that")]
)
def test_verify_that_is_shall_at_its_level(level: str | None, phrase: str) -> None:
    finding = define(requirement("Verify that the application logs failures.", level=level))
    assert (finding.strength, finding.phrase, finding.basis) == (SHALL, phrase, StrengthBasis.VERIFY)


def test_verify_that_comes_before_lower_case_modals_inside_the_clause() -> None:
    text = "Verify that security controls are consistent, which must be enforced across them."
    finding = define(requirement(text, level="L3"))
    assert (finding.strength, finding.phrase, finding.basis) == (SHALL, "Verify that (L3)", StrengthBasis.VERIFY)


def test_upper_case_keyword_wins_over_verify_that() -> None:
    finding = define(requirement("Verify that the app MUST NOT store secrets.", level="L1"))
    assert (finding.strength, finding.basis) == (SHALL_NOT, StrengthBasis.KEYWORD)


def test_nothing_decides() -> None:
    finding = define(requirement("The app securely stores sensitive data."))
    assert (finding.strength, finding.phrase, finding.basis) == (None, None, StrengthBasis.NONE)


def test_define_all_keys_by_requirement_key_in_order() -> None:
    findings = define_all([requirement("A MUST b.", id="B-2"), requirement("A MAY b.", id="A-1")])
    assert list(findings) == ["std:B-2", "std:A-1"]
    assert findings["std:A-1"].requirement == "std:A-1"
    assert findings["std:A-1"].strength is MAY
