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
from collections.abc import Mapping
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
_TABLE_DELIMITER = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_CLAUSE_HEADING = re.compile(r"^[ \t]*\d+(?:\.\d+)+[ \t]+[A-Z][^\n]{0,100}(?<![.:;,])$")


@dataclass
class _Open:
    """A requirement being read: its ID, where it starts, and its lines so far."""

    id: str
    where: str
    title: str | None
    section: str | None
    lines: list[str]
    #: Opened by a Markdown heading ("## REQ-1 Title"): without text below, it was a section heading ("## V6.2 ...").
    from_heading: bool = False


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
    path: Path, *, fmt: str, id_pattern: str | None, mapped: Mapping[str, str], collector: RequirementCollector
) -> RequirementSet:
    """Requirements of a text (``fmt`` ``text``), Markdown (``markdown``) or PDF (``pdf``) file.

    A Markdown heading that starts with an ID is a requirement when prose follows it (the heading's words are its
    title); with no prose before the next heading or table it is a section heading (``## V6.2 Password
    Security``), as in OWASP's Markdown, where IDs of chapters and requirements look alike. A Markdown
    table whose header names an ID and a text column (as in a CSV file; ``mapped`` maps them) is read row by
    row; other tables are skipped.
    """
    lines = _lines_of_pdf(path) if fmt == "pdf" else _lines_of_text(path)
    reader = _ProseReader(
        collector,
        id_line=re.compile(rf"{_LEAD}(?:{id_pattern or DEFAULT_ID_PATTERN}){_TRAIL}"),
        markdown=fmt == "markdown",
        mapped=mapped,
    )
    for index, line in enumerate(lines):
        following = lines[index + 1].text if index + 1 < len(lines) else ""
        reader.feed(line, following)
    reader.close()
    return collector.result(str(path))


class _ProseReader:
    """Splits lines into requirements, one line at a time, keeping the section and the open requirement."""

    def __init__(
        self, collector: RequirementCollector, *, id_line: re.Pattern[str], markdown: bool, mapped: Mapping[str, str]
    ) -> None:
        self.collector = collector
        self.id_line = id_line
        self.markdown = markdown
        self.mapped = mapped
        self.section: str | None = None
        self.current: _Open | None = None
        self.in_fence = False
        #: Inside a Markdown table: its field -> column index, or None for a table that holds no requirements.
        self.table: dict[str, int] | None = None
        self.in_table = False

    def close(self) -> None:
        """Add the open requirement, if any; a heading with an ID and no text below it was a section heading."""
        if self.current is not None:
            text = " ".join(" ".join(self.current.lines).split())
            title = self.current.title
            if not text and self.current.from_heading:
                self.section = " ".join(part for part in (self.current.id, title) if part)
                self.current = None
                return
            self.collector.add(
                where=self.current.where, id=self.current.id, text=text, title=title, section=self.current.section
            )
            self.current = None

    def feed(self, line: _Line, following: str) -> None:
        """Read one line; ``following`` is the next line's text (a Markdown table's header is known by it)."""
        if self.markdown and self._markdown_structure(line, following):
            return
        heading = _HEADING.match(line.text) if self.markdown else None
        body = heading.group(2) if heading else line.text
        match = self.id_line.match(body)
        if match is None and heading is not None:
            self.close()
            self.section = heading.group(2).strip() or None
        elif match is None and not self.markdown and _CLAUSE_HEADING.match(line.text.rstrip()):
            self.close()
            self.section = " ".join(line.text.split())
        elif match is None:
            if self.current is not None:
                self.current.lines.append(line.text.strip())
        else:
            self.close()
            requirement_id = (match.groupdict().get("id") or match.group(0)).strip().strip("*_[]")
            rest = _SEPARATOR.sub("", body[match.end() :], count=1).strip()
            if heading is not None:
                # "## REQ-1 Title": the heading names the requirement, its text follows.
                self.current = _Open(requirement_id, line.where, rest or None, self.section, [], from_heading=True)
            else:
                self.current = _Open(requirement_id, line.where, None, self.section, [rest])

    def _markdown_structure(self, line: _Line, following: str) -> bool:
        """Handle fences and tables; True when the line is used up."""
        if _FENCE.match(line.text):
            self.in_fence = not self.in_fence
            return True
        if self.in_fence:
            return True
        is_row = line.text.lstrip().startswith("|")
        if self.in_table and is_row:
            if self.table is not None and not _TABLE_DELIMITER.match(line.text):
                self._add_row(line)
            return True
        self.in_table = False
        if is_row and _TABLE_DELIMITER.match(following):
            self.close()
            self.in_table = True
            self.table = self._table_columns(line)
            return True
        return False

    def _table_columns(self, header: _Line) -> dict[str, int] | None:
        from iotprofile.profiles.build.ingest_tables import field_columns

        cells = _cells(header.text)
        try:
            columns = field_columns(self.mapped, [cell for cell in cells if cell], header.where)
        except RequirementsError:
            if self.mapped:
                raise
            return None  # a table of something else (a legend, a change log)
        return {field: cells.index(column) for field, column in columns.items()}

    def _add_row(self, line: _Line) -> None:
        assert self.table is not None
        cells = _cells(line.text)
        values = {field: cells[index] if index < len(cells) else "" for field, index in self.table.items()}
        self.collector.add(
            where=line.where,
            id=values.pop("id").strip("*_`[]"),
            text=values.pop("text"),
            section=values.pop("section", None) or self.section,
            **{field: value or None for field, value in values.items()},
        )


def _cells(row: str) -> list[str]:
    """The cells of a Markdown table row; an escaped pipe (backslash, pipe) stays in its cell."""
    text = row.strip()
    text = text.removeprefix("|")
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", text)]
