"""security.txt against the rules of RFC 9116, and the checker against files that break them."""

from __future__ import annotations

from datetime import date

import pytest
from tests.documents.examples import AS_OF

from iotprofile.documents.generate import Documents
from iotprofile.documents.security_txt import security_txt_problems


def _fields(text: str) -> list[tuple[str, str]]:
    return [
        (name, value.strip())
        for name, _, value in (line.partition(":") for line in text.splitlines())
        if name and not name.startswith("#")
    ]


def test_generated_file_follows_rfc_9116(router_documents: Documents) -> None:
    text = router_documents.files()["security.txt"].decode()
    fields = _fields(text)
    names = [name for name, _ in fields]
    assert names.count("Expires") == 1
    assert names.count("Preferred-Languages") == 1
    assert names[0] == "Contact"
    contacts = [value for name, value in fields if name == "Contact"]
    assert contacts == ["mailto:psirt@example.com", "https://example.com/security/report"]
    assert dict(fields)["Expires"] == "2027-05-21T00:00:00Z"  # 180 days after the as-of date
    for name in ("Policy", "Canonical", "Encryption", "CSAF"):
        assert dict(fields)[name].startswith("https://"), name
    assert security_txt_problems(text, AS_OF) == []


def test_expires_must_be_ahead_of_the_as_of_date(router_documents: Documents) -> None:
    text = router_documents.files()["security.txt"].decode()
    assert security_txt_problems(text, date(2027, 6, 1)) == [
        "Expires 2027-05-21T00:00:00Z is not after 2027-06-01 (section 2.5.5)"
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Expires: 2027-01-01T00:00:00Z\n", "Contact is required (section 2.5.3)"),
        ("Contact: mailto:a@example.com\n", "Expires is required (section 2.5.5)"),
        (
            "Contact: mailto:a@example.com\nExpires: 2027-01-01T00:00:00Z\nExpires: 2027-02-01T00:00:00Z\n",
            "Expires must not appear more than once (section 2.5)",
        ),
        (
            "Contact: http://example.com/report\nExpires: 2027-01-01T00:00:00Z\n",
            "Contact 'http://example.com/report' is not an https, mailto or tel URI (section 2.5.3)",
        ),
        (
            "Contact: mailto:a@example.com\nExpires: 2027-01-01T00:00:00Z\nPolicy: http://example.com/vdp\n",
            "Policy 'http://example.com/vdp' must be an https URI (section 2.5)",
        ),
        (
            "Contact: mailto:a@example.com\nExpires: 2028-06-01T00:00:00Z\n",
            "Expires 2028-06-01T00:00:00Z is more than a year after 2026-11-22 (section 2.5.5 recommends less)",
        ),
        ("Contact: mailto:a@example.com\nExpires: next year\n", "Expires 'next year' is not an RFC 3339 date-time"),
    ],
)
def test_checker_names_each_broken_rule(text: str, problem: str) -> None:
    assert security_txt_problems(text, AS_OF) == [problem]
