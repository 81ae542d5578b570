"""Requirements in prose: plain text, Markdown and PDF, split at lines that start with a requirement ID.

A requirement starts at a line (or Markdown heading) that begins with an ID matching the pattern, and its text
runs until the next such line; in Markdown also until the next heading, and other headings become the ``section``
of the requirements below them. In plain text and PDF, a numbered clause heading plays that part: a short line
of a dotted clause number and a capitalised title without closing punctuation (``5.2 Implement a means to
manage reports of vulnerabilities``), so the next clause's title is not read as the last provision's closing words.
Fenced code blocks are skipped. A list bullet or bold markers around the ID are allowed (``- **REQ-1**: ...``);
a separator after the ID (``:``, ``.``, ``)``, a dash) is dropped.

PDF text is taken page by page with pypdf (the optional extra ``iotprofile[pdf]``) and read like plain text;
each requirement's location names its page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from iotprofile.catalog.source import read_text
from iotprofile.errors import RequirementsError
from iotprofile.profiles.build.collect import check_file

if TYPE_CHECKING:
    from iotprofile.profiles.build.collect import RequirementCollector
    from iotprofile.profiles.build.requirements import RequirementSet

__all__ = ["DEFAULT_ID_PATTERN", "read_text_requirements"]

#: Requirement IDs recognised by default at the start of a line: ETSI ``5.1-1``; dotted or dashed upper-case
#: words ending in a number, ``SEC.FIRMWARE.2``, ``V6.2.1``, ``REQ-12``, ``GDS-1.2``, ``MASVS-STORAGE-1``. A
#: bare section number (``5.1``) is not an ID, so numbered headings in the text are not taken for requirements.
DEFAULT_ID_PATTERN = r"(?P<id>\d+(?:\.\d+)*-\d+[a-z]?|[A-Z][A-Za-z0-9]*(?:[.\-][A-Za-z0-9]+)*[.\-]\d+[a-z]?)"

#: What may come before an ID on its line: spaces, a list bullet, bold or italic markers, an opening bracket.
_LEAD = r"[ \t]*(?:[-*+\u2022][ \t]+)?(?:\*\*|__|\*|_)?\[?"
#: What must follow an ID: the end of the line, or a separator or space (so "REQ-12abc" is not "REQ-12").
_TRAIL = r"\]?(?:\*\*|__|\*|_)?(?=$|[\s:.)\u2013\u2014-])"
_SEPARATOR = re.compile(r"^[\s:.)\u2013\u2014-]*")
_HEADING = re.compile(r"^[ \t]{0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$")
_FENCE = re.compile(r"^[ \t]{0,3}(```|~~~)")
_CLAUSE_HEADING = re.compile(r"^[ \t]*\d+(?:\.\d+)+[ \t]+[A-Z][^\n]{0,100}(?<![.:;,])$")


@dataclass
class _Open:
    """A requirement being read: its ID, where it starts, and its lines so far."""

    id: str
    where: str
    title: str | None
    section: str | None
    lines: list[str]


@dataclass(frozen=True)
class _Line:
    text: str
    where: str


def _lines_of_text(path: Path) -> list[_Line]:
    text = read_text(path, RequirementsError)
    return [_Line(line, f"{path}:{number}") for number, line in enumerate(text.splitlines(), start=1)]


def _lines_of_pdf(path: Path) -> list[_Line]:
    try:
        import pypdf
    except ImportError:
        raise RequirementsError(
            "reading PDF needs pypdf, which is not installed", where=str(path), tip="pip install 'iotprofile[pdf]'"
        ) from None
    check_file(path)
    try:
        reader = pypdf.PdfReader(path)
        pages = [page.extract_text() or "" for page in reader.pages]
    except (pypdf.errors.PdfReadError, ValueError, KeyError) as exc:
        raise RequirementsError(f"cannot read as PDF: {exc}", where=str(path)) from None
    return [
        _Line(line, f"{path} page {number}") for number, page in enumerate(pages, start=1) for line in page.splitlines()
    ]


def read_text_requirements(
    path: Path, *, fmt: str, id_pattern: str | None, collector: RequirementCollector
) -> RequirementSet:
    """Requirements of a text (``fmt`` ``text``), Markdown (``markdown``) or PDF (``pdf``) file.

    A Markdown heading that starts with an ID and has no text below it is a requirement whose text is the
    heading's (``### V6.2.1 Verify that ...``); with text below, the heading's words are its title.
    """
    lines = _lines_of_pdf(path) if fmt == "pdf" else _lines_of_text(path)
    markdown = fmt == "markdown"
    id_line = re.compile(rf"{_LEAD}(?:{id_pattern or DEFAULT_ID_PATTERN}){_TRAIL}")
    section: str | None = None
    current: _Open | None = None
    in_fence = False

    def close() -> None:
        nonlocal current
        if current is not None:
            text = " ".join(" ".join(current.lines).split())
            title = current.title
            if not text and title:
                text, title = title, None
            collector.add(where=current.where, id=current.id, text=text, title=title, section=current.section)
            current = None

    for line in lines:
        if markdown and _FENCE.match(line.text):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        heading = _HEADING.match(line.text) if markdown else None
        body = heading.group(2) if heading else line.text
        match = id_line.match(body)
        if match is None and heading is not None:
            close()
            section = heading.group(2).strip() or None
            continue
        if match is None and not markdown and _CLAUSE_HEADING.match(line.text.rstrip()):
            close()
            section = " ".join(line.text.split())
            continue
        if match is None:
            if current is not None:
                current.lines.append(line.text.strip())
            continue
        close()
        requirement_id = match.groupdict().get("id") or match.group(0)
        requirement_id = requirement_id.strip().strip("*_[]")
        rest = _SEPARATOR.sub("", body[match.end() :], count=1).strip()
        if heading is not None:
            # "## REQ-1 Title": the heading names the requirement, its text follows.
            current = _Open(requirement_id, line.where, rest or None, section, [])
        else:
            current = _Open(requirement_id, line.where, None, section, [rest])
    close()
    return collector.result(str(path))
