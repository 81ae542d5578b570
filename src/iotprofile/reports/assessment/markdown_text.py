"""Markdown text helpers shared by ``report.md`` and the Documentation 1c statement."""

from __future__ import annotations

import re

from iotprofile.assessment.model import Evidence, EvidenceKind, VerdictRecord
from iotprofile.reports.assessment.view import ReportView
from iotprofile.reports.assessment.wording import evidence_summary, verdict_word

_SPECIAL = re.compile(r"([\\`*<>\[\]|])")


def md(text: str | None) -> str:
    """Text safe to place in Markdown prose, lists and table cells: one line, markup characters escaped."""
    return _SPECIAL.sub(r"\\\1", " ".join((text or "").split()))


def evidence_line(item: Evidence, view: ReportView) -> str:
    """One piece of evidence in Markdown; a copied file links to its copy."""
    href = view.evidence_hrefs.get(item.sha256 or "") if item.kind is EvidenceKind.FILE else None
    line = md(evidence_summary(item))
    if href:
        name = md(item.path or "unnamed file")
        line = line.replace(name, f"[{name}]({href})", 1)
    return line


def record_line(record: VerdictRecord) -> str:
    """A record in one line, for histories."""
    text = f"{record.recorded_at.isoformat()} {verdict_word(record.verdict)} ({md(record.assessor)})"
    return f"{text}: {md(record.justification)}" if record.justification else text
