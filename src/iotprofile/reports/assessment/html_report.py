"""``report.html``: one self-contained page (inline CSS, no scripts, no external assets), rendered with Jinja2."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import ClassVar

import jinja2

from iotprofile.assessment.model import Verdict
from iotprofile.reports.assessment.interface import ReportFormat, ReportWriter
from iotprofile.reports.assessment.view import ReportView
from iotprofile.reports.assessment.wording import (
    evidence_short,
    product_type_words,
    safe_link,
    verdict_meaning,
    verdict_word,
)
from iotprofile.templating import template_environment

TEMPLATES = Path(__file__).parent / "templates"


def verdict_class(verdict: Verdict) -> str:
    """The CSS class of a verdict (``v-partially-satisfied``)."""
    return "v-" + verdict.value.replace("_", "-")


@cache
def environment() -> jinja2.Environment:
    """The Jinja2 environment of the report templates (autoescaped; undefined names are errors)."""
    filters = {
        "word": verdict_word,
        "vclass": verdict_class,
        "meaning": verdict_meaning,
        "product_type": product_type_words,
        "evidence_short": evidence_short,
        "safe_link": safe_link,
        "words": lambda text: str(text).replace("_", " "),
    }
    return template_environment(jinja2.FileSystemLoader(TEMPLATES), filters=filters)


def render_html(view: ReportView, *, for_print: bool = False) -> str:
    """The report page.

    ``for_print`` (the PDF) names each cell's requirements instead of listing them all: the lists run to hundreds
    of pages for a large product, and stay one click away in report.html.
    """
    template = environment().get_template("report.html.j2")
    return template.render(
        view=view, product=view.product, profile=view.profile, verdicts=tuple(Verdict), for_print=for_print
    )


class HtmlReport(ReportWriter):
    """``report.html``."""

    format: ClassVar[ReportFormat] = ReportFormat.HTML

    def render(self, view: ReportView) -> dict[str, bytes]:
        """The page, UTF-8."""
        return {"report.html": render_html(view).encode("utf-8")}
