"""The vulnerability disclosure policy (ISO/IEC 29147 topics) and the handling procedure outline (ISO/IEC 30111).

Both are written from the support record's contacts, disclosure timelines and advisory facts, so they say the same
thing as security.txt and the advisories. Headings follow the standards' topics; the wording is ours (the
standards' text is copyrighted and is not reproduced).
"""

from __future__ import annotations

from iotprofile.documents.inputs import DocumentInputs
from iotprofile.documents.support import support_words
from iotprofile.documents.templating import render_markdown


def _context(inputs: DocumentInputs) -> dict[str, object]:
    record = inputs.record
    return {
        "product": inputs.product,
        "record": record,
        "d": record.disclosure,
        "contacts": record.contacts,
        "advisories": record.advisories,
        "update": record.update_policy,
        "as_of": inputs.as_of,
        "support_words": support_words(record.support_period),
        "sbom_count": len(inputs.sbom.components),
    }


def render_disclosure_policy(inputs: DocumentInputs) -> dict[str, bytes]:
    """``vulnerability-disclosure-policy.md`` and ``vulnerability-handling-procedure.md``."""
    context = _context(inputs)
    return {
        "vulnerability-disclosure-policy.md": render_markdown(
            "vulnerability-disclosure-policy.md.j2", **context
        ).encode(),
        "vulnerability-handling-procedure.md": render_markdown(
            "vulnerability-handling-procedure.md.j2", **context
        ).encode(),
    }
