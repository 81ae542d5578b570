"""The Jinja2 environment of the Markdown document templates (``documents/templates/*.md.j2``).

Text from the support record and the product file goes through the ``md`` filter: one line, Markdown markup
escaped, so a value cannot break the document's structure (or, once rendered to HTML, inject markup).
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from iotprofile.reports.assessment.markdown_text import md

TEMPLATES = Path(__file__).parent / "templates"


def long_date(value: date) -> str:
    """``31 October 2030`` (day month year, no locale lookup: deterministic)."""
    return f"{value.day} {value:%B %Y}"


@cache
def environment() -> jinja2.Environment:
    """Markdown templates: no autoescape (the ``md`` filter escapes), undefined names are errors."""
    # Markdown, not HTML: values are escaped with the md filter (and the guide's HTML renders with raw HTML off).
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=False,  # noqa: S701
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(md=md, long_date=long_date)
    return env


def render_markdown(template: str, **context: Any) -> str:
    """Render one template; runs of blank lines are collapsed so optional sections leave no gaps."""
    text = environment().get_template(template).render(**context)
    lines: list[str] = []
    for line in text.splitlines():
        if not line.strip() and (not lines or not lines[-1].strip()):
            continue
        lines.append(line.rstrip())
    return "\n".join(lines).strip() + "\n"
