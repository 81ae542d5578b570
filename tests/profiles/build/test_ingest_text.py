"""Ingest of prose: plain text, Markdown and PDF, split at lines that start with a requirement ID."""

from __future__ import annotations

import builtins
from pathlib import Path
from typing import Any

import pytest

from iotprofile.errors import RequirementsError
from iotprofile.profiles.build.ingest import (
    RequirementFormat,
    RequirementSource,
    read_requirement_file,
    read_requirements,
)


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def write(name: str, text: str) -> Path:
    path = Path(name)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("5.1-1 All passwords shall be unique.", "5.1-1"),
        ("SEC.FIRMWARE.2: Firmware MUST be signed.", "SEC.FIRMWARE.2"),
        ("V6.2.1 Verify that passwords are long.", "V6.2.1"),
        ("REQ-12. The device MUST boot.", "REQ-12"),
        ("GDS-1.2 - Devices SHOULD update.", "GDS-1.2"),
        ("MASVS-STORAGE-1 The app stores data securely.", "MASVS-STORAGE-1"),
        ("- **LAN.PFWDv6.1**: Forward ports.", "LAN.PFWDv6.1"),
        ("[REQ-3] Bracketed.", "REQ-3"),
        ("5.1 No universal default passwords", None),  # a section number, not an ID
        ("E.g. this is prose.", None),
        ("REQ-12abc is not an ID", None),
        ("The device MUST boot (REQ-1).", None),
    ],
)
def test_default_id_pattern_matches_common_ids_only(line: str, expected: str | None) -> None:
    path = write("one.txt", line + "\n")
    if expected is None:
        with pytest.raises(RequirementsError, match="no requirements found"):
            read_requirement_file(path)
    else:
        (req,) = read_requirement_file(path)
        assert req.id == expected


def test_plain_text_runs_to_the_next_id_line() -> None:
    path = write(
        "router.txt",
        "Router requirements\n"
        "Intro prose before any requirement is not part of one.\n"
        "\n"
        "SEC.GEN.1 The router MUST NOT ship with\n"
        "  a default password.\n"
        "\n"
        "SEC.GEN.2: The router SHOULD log\n"
        "logins.\n",
    )
    reqs = read_requirement_file(path)
    assert [(r.id, r.text, r.location, r.section) for r in reqs] == [
        ("SEC.GEN.1", "The router MUST NOT ship with a default password.", "router.txt:4", None),
        ("SEC.GEN.2", "The router SHOULD log logins.", "router.txt:7", None),
    ]


def test_numbered_clause_headings_become_sections_in_plain_text() -> None:
    path = write(
        "etsi.txt",
        "5.1 No universal default passwords\n"
        "5.1-1 All passwords shall be unique\n"
        "and not resettable to a universal value.\n"
        "5.2 Implement a means to manage reports of vulnerabilities\n"
        "5.2-1 Publish a vulnerability disclosure policy.\n"
        "1.5 seconds later, it retries.\n",
    )
    reqs = read_requirement_file(path)
    assert [(r.id, r.text, r.section) for r in reqs] == [
        (
            "5.1-1",
            "All passwords shall be unique and not resettable to a universal value.",
            "5.1 No universal default passwords",
        ),
        (
            "5.2-1",
            "Publish a vulnerability disclosure policy. 1.5 seconds later, it retries.",
            "5.2 Implement a means to manage reports of vulnerabilities",
        ),
    ]


def test_markdown_headings_become_sections() -> None:
    path = write(
        "guide.md",
        "# Guide\n"
        "Prose.\n"
        "## 5.1 Passwords\n"
        "- **5.1-1**: All passwords shall be\n"
        "  unique per device.\n"
        "- 5.1-2 Users may change them.\n"
        "## 5.2 Vulnerabilities\n"
        "5.2-1 Publish a disclosure policy.\n"
        "```\n"
        "5.2-9 inside a code block is not a requirement\n"
        "```\n"
        "More on 5.2-1.\n"
        "### REQ-9 Firmware signing\n"
        "The firmware MUST be signed.\n"
        "## V6.2 Password Security\n"
        "V6.2.1 Verify that passwords are at least 8 characters long.\n",
    )
    reqs = read_requirement_file(path)
    rows = [(r.id, r.text, r.title, r.section, r.location) for r in reqs]
    assert rows == [
        ("5.1-1", "All passwords shall be unique per device.", None, "5.1 Passwords", "guide.md:4"),
        ("5.1-2", "Users may change them.", None, "5.1 Passwords", "guide.md:6"),
        ("5.2-1", "Publish a disclosure policy. More on 5.2-1.", None, "5.2 Vulnerabilities", "guide.md:8"),
        ("REQ-9", "The firmware MUST be signed.", "Firmware signing", "5.2 Vulnerabilities", "guide.md:13"),
        (
            "V6.2.1",
            "Verify that passwords are at least 8 characters long.",
            None,
            "V6.2 Password Security",
            "guide.md:16",
        ),
    ]


def test_markdown_tables_with_id_and_text_columns_are_read_by_row() -> None:
    path = write(
        "asvs.md",
        "# V6 Authentication\n"
        "## V6.2 Password Security\n"
        "| Level | Meaning |\n"
        "|---|---|\n"
        "| L1 | the lowest |\n"
        "\n"
        "| # | Description | Level |\n"
        "| :---: | --- | :---: |\n"
        "| **6.2.1** | Verify that passwords are at least 8 characters long. | 1 |\n"
        "| **6.2.2** | Verify that users can change their password \\| passphrase. | 1 |\n"
        "Prose after the table.\n",
    )
    reqs = read_requirement_file(path)
    assert [(r.id, r.text, r.level, r.section, r.location) for r in reqs] == [
        ("6.2.1", "Verify that passwords are at least 8 characters long.", "1", "V6.2 Password Security", "asvs.md:9"),
        (
            "6.2.2",
            "Verify that users can change their password | passphrase.",
            "1",
            "V6.2 Password Security",
            "asvs.md:10",
        ),
    ]


def test_a_mapped_markdown_table_must_have_its_columns() -> None:
    path = write("t.md", "| Ref | Words |\n|---|---|\n| A-1 | Do A. |\n")
    (req,) = read_requirements(RequirementSource(file=path, standard="tt", columns={"id": "Ref", "text": "Words"}))
    assert (req.id, req.text) == ("A-1", "Do A.")
    source = RequirementSource(file=path, standard="tt", columns={"id": "Ref", "text": "Wording"})
    with pytest.raises(RequirementsError) as caught:
        read_requirements(source)
    assert caught.value.one_line() == "t.md:1: no column 'Wording' (mapped to text); columns found: 'Ref', 'Words'"


def test_a_heading_ends_a_requirement_in_markdown_but_not_in_text() -> None:
    text = "REQ-1 The device MUST boot.\n# Next chapter\nNo requirement here.\n"
    (md,) = read_requirement_file(write("doc.md", text))
    assert md.text == "The device MUST boot."
    (txt,) = read_requirement_file(write("doc.txt", text))
    assert txt.text == "The device MUST boot. # Next chapter No requirement here."


def test_custom_id_pattern_with_an_id_group() -> None:
    path = write(
        "etsi.txt", "Provision 5.1-1 All passwords shall be unique.\nProvision 5.1-2 Use good crypto.\nREQ-1 not one\n"
    )
    source = RequirementSource(file=path, id_pattern=r"Provision (?P<id>\d+\.\d+-\d+)")
    reqs = read_requirements(source)
    assert [(r.id, r.text) for r in reqs] == [
        ("5.1-1", "All passwords shall be unique."),
        ("5.1-2", "Use good crypto. REQ-1 not one"),
    ]


def test_markdown_format_for_another_suffix() -> None:
    path = write("reqs.txt", "## Access\nREQ-1 Log in.\n")
    (req,) = read_requirements(RequirementSource(file=path, format=RequirementFormat.MARKDOWN))
    assert req.section == "Access"


def write_pdf(name: str, pages: list[str]) -> Path:
    import weasyprint

    html = "".join(
        f'<div style="page-break-before: {"always" if index else "auto"}">{page}</div>'
        for index, page in enumerate(pages)
    )
    path = Path(name)
    weasyprint.HTML(string=html).write_pdf(path)
    return path


def test_pdf_is_read_page_by_page() -> None:
    path = write_pdf(
        "reqs.pdf",
        [
            "<h1>Requirements</h1><p>REQ-1 The device MUST use signed firmware.</p><p>REQ-2 The device SHOULD log.</p>",
            "<p>REQ-3 The device MAY offer SSH.</p>",
        ],
    )
    reqs = read_requirement_file(path)
    assert [(r.id, r.text, r.location) for r in reqs] == [
        ("REQ-1", "The device MUST use signed firmware.", "reqs.pdf page 1"),
        ("REQ-2", "The device SHOULD log.", "reqs.pdf page 1"),
        ("REQ-3", "The device MAY offer SSH.", "reqs.pdf page 2"),
    ]


def test_pdf_without_pypdf_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_pdf("reqs.pdf", ["<p>REQ-1 The device MUST boot.</p>"])
    real_import = builtins.__import__

    def no_pypdf(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "pypdf":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pypdf)
    with pytest.raises(RequirementsError) as caught:
        read_requirement_file(path)
    assert caught.value.one_line() == (
        "reqs.pdf: reading PDF needs pypdf, which is not installed (tip: pip install 'iotprofile[pdf]')"
    )


def test_a_file_that_is_not_a_pdf() -> None:
    path = write("broken.pdf", "not a pdf at all")
    with pytest.raises(RequirementsError, match=r"^cannot read as PDF") as caught:
        read_requirement_file(path)
    assert caught.value.where == "broken.pdf"
