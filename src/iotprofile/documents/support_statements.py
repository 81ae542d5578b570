"""The support-period statement and the end-of-support notice (ETSI EN 303 645 provision 5.3-13).

The statement publishes the defined support period and how updates are delivered; the notice announces the end
of support, dated from the support record's end date minus its notice period. The notice needs an end date: a
record that states only a minimum is refused for it (a notice cannot announce an end it does not know).
"""

from __future__ import annotations

from datetime import date

from iotprofile.documents.inputs import DocumentInputs
from iotprofile.documents.support import support_words
from iotprofile.documents.templating import render_markdown


def months_before(day: date, months: int) -> date:
    """The same day ``months`` earlier (clamped to the month's last day)."""
    import calendar

    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _context(inputs: DocumentInputs) -> dict[str, object]:
    record = inputs.record
    return {
        "product": inputs.product,
        "manufacturer": record.manufacturer,
        "period": record.support_period,
        "update": record.update_policy,
        "eos": record.end_of_support,
        "disposal": record.disposal,
        "contacts": record.contacts,
        "disclosure": record.disclosure,
        "advisories": record.advisories,
        "as_of": inputs.as_of,
        "support_words": support_words(record.support_period),
    }


def render_support_statement(inputs: DocumentInputs) -> dict[str, bytes]:
    """``support-period-statement.md``."""
    return {
        "support-period-statement.md": render_markdown("support-period-statement.md.j2", **_context(inputs)).encode()
    }


def render_end_of_support_notice(inputs: DocumentInputs) -> dict[str, bytes]:
    """``end-of-support-notice.md``."""
    end = inputs.support.end_date("the end-of-support notice")
    announce = months_before(end, inputs.record.support_period.notice_months)
    text = render_markdown("end-of-support-notice.md.j2", end=end, announce=announce, **_context(inputs))
    return {"end-of-support-notice.md": text.encode()}
