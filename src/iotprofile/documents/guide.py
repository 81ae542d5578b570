"""The customer security guide (NIST IR 8425 Product Education and Awareness 1, minimum criteria 1.1 to 1.5).

Written once in Markdown; the HTML is that Markdown rendered by markdown-it-py (raw HTML disabled, so nothing from
the record becomes markup) inside a self-contained page, and the PDF is that page rendered by WeasyPrint, which
fetches nothing (only ``data:`` URLs are allowed) and carries the as-of date, so the bytes are reproducible.
"""

from __future__ import annotations

from functools import cache
from typing import Any, NoReturn

import jinja2

from iotprofile.documents.inputs import DocumentInputs
from iotprofile.documents.support import UpdateDelivery, UpdatePolicy, support_words
from iotprofile.documents.templating import TEMPLATES, render_markdown


def delivery_words(update: UpdatePolicy) -> str:
    """How updates are applied, in a few words (for the purchasing facts)."""
    match update.delivery:
        case UpdateDelivery.AUTOMATIC:
            return "automatically (can be turned off)" if update.opt_out else "automatically"
        case UpdateDelivery.NOTIFIED:
            return "you are notified and install them"
        case UpdateDelivery.MANUAL:
            return "you look for them and install them"


def guide_markdown(inputs: DocumentInputs) -> str:
    """The guide in Markdown."""
    record, product = inputs.record, inputs.product
    storing = [component.name for component in product.components if component.stores_customer_data]
    return render_markdown(
        "customer-security-guide.md.j2",
        product=product,
        guide=record.guide,
        update=record.update_policy,
        period=record.support_period,
        eos=record.end_of_support,
        disposal=record.disposal,
        contacts=record.contacts,
        disclosure=record.disclosure,
        advisories=record.advisories,
        as_of=inputs.as_of,
        support_words=support_words(record.support_period),
        delivery_words=delivery_words(record.update_policy),
        storing=", ".join(storing) or "none",
    )


@cache
def _page() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    return env.get_template("customer-security-guide.html.j2")


def guide_html(inputs: DocumentInputs, markdown: str) -> str:
    """The guide as one self-contained HTML page."""
    from markdown_it import MarkdownIt
    from markupsafe import Markup

    rendered = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table").render(markdown)
    body = Markup(rendered)  # noqa: S704 - markdown-it's output with raw HTML turned off: it escapes all text
    return _page().render(
        lang=inputs.record.contacts.preferred_languages[0], as_of=inputs.as_of, product=inputs.product, body=body
    )


def _refuse(url: str) -> NoReturn:
    raise ValueError(f"the guide must be self-contained; it would fetch {url}")


def _fetcher(weasyprint: Any) -> Any:
    fetcher_class = getattr(weasyprint.urls, "URLFetcher", None)
    if fetcher_class is None:
        return _refuse
    return fetcher_class(allowed_protocols=("data",), fail_on_errors=True)


def render_guide(inputs: DocumentInputs) -> dict[str, bytes]:
    """``customer-security-guide.md``, ``.html`` and ``.pdf``."""
    import weasyprint  # slow to import: only when the guide is generated

    markdown = guide_markdown(inputs)
    html = guide_html(inputs, markdown)
    pdf: bytes = weasyprint.HTML(string=html, url_fetcher=_fetcher(weasyprint)).render().write_pdf()
    return {
        "customer-security-guide.md": markdown.encode(),
        "customer-security-guide.html": html.encode(),
        "customer-security-guide.pdf": pdf,
    }
