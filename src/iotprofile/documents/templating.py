"""The Jinja2 environment of the Markdown document templates (``documents/templates/*.md.j2``).

Text from the support record and the product file goes through the ``md`` filter: one line, Markdown markup
escaped, so a value cannot break the document's structure (or, once rendered to HTML, inject markup).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from iotprofile.reports.assessment.markdown_text import md
from iotprofile.templating import template_environment

TEMPLATES = Path(__file__).parent / "templates"


def long_date(value: date) -> str:
    """``31 October 2030`` (day month year, no locale lookup: deterministic)."""
    return f"{value.day} {value:%B %Y}"


def links(uris: Sequence[str], separator: str = ", ") -> str:
    """URIs as Markdown autolinks, joined: ``<mailto:a@example.com>, <https://example.com/b>``."""
    return separator.join(f"<{uri}>" for uri in uris)


def clause(text: str) -> str:
    """Text to place inside a sentence: one line, escaped, without a final full stop."""
    return md(text).rstrip(".")


@cache
def environment() -> jinja2.Environment:
    """Markdown templates: no autoescape (the ``md`` filter escapes), undefined names are errors."""
    # Markdown, not HTML: values are escaped with the md filter (and the guide's HTML renders with raw HTML off).
    filters = {"md": md, "long_date": long_date, "links": links, "clause": clause}
    return template_environment(jinja2.FileSystemLoader(TEMPLATES), autoescape=False, filters=filters)


def _block_start(line: str) -> bool:
    """A line that starts a Markdown block which must follow a blank line (heading, list, table, rule, quote)."""
    stripped = line.lstrip()
    return line == stripped and (
        stripped.startswith(("#", "- ", "1. ", "|", "---", ">")) or (stripped[:1].isdigit() and ". " in stripped[:4])
    )


def _same_block(previous: str, line: str) -> bool:
    """Whether ``line`` continues the block of ``previous`` (list items, table rows, quote lines)."""
    for marker in ("- ", "|", ">"):
        if line.startswith(marker) and previous.lstrip().startswith(marker):
            return True
    return (line[:1].isdigit() and previous.lstrip()[:1].isdigit()) or previous.startswith(" ")


def render_markdown(template: str, **context: Any) -> str:
    """Render one template, then tidy it: one blank line between blocks, never two.

    A blank line goes before every heading, list, table or rule, so optional sections leave neither gaps nor
    run-on paragraphs.
    """
    text = environment().get_template(template).render(**context)
    lines: list[str] = []
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line:
            if lines and lines[-1]:
                lines.append("")
            continue
        previous = lines[-1] if lines else ""
        if previous and ((_block_start(line) and not _same_block(previous, line)) or previous.startswith("#")):
            lines.append("")
        lines.append(line)
    return "\n".join(lines).strip() + "\n"
