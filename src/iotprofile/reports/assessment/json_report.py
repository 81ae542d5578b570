"""``report.json``: the whole assessment as data, valid against ``report.schema.json`` (JSON Schema 2020-12).

Keys keep a fixed order, lists keep the view's order (profile order, then component order; records oldest
first), and no value depends on the clock.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

import pydantic_core

from iotprofile.assessment.model import Evidence, Verdict, VerdictRecord
from iotprofile.reports.assessment.interface import ReportFormat, ReportWriter
from iotprofile.reports.assessment.view import CellView, ReportView

#: The report format's name and version; bumped when a field's meaning changes.
REPORT_FORMAT = "iotprofile/assessment-report/v1"
#: The JSON Schema every ``report.json`` validates against (shipped with the package).
SCHEMA_PATH = Path(__file__).with_name("report.schema.json")


def report_schema() -> dict[str, Any]:
    """The JSON Schema of ``report.json``."""
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


def _evidence(item: Evidence, view: ReportView) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": item.kind.value}
    for name in ("description", "path", "sha256", "size", "url", "text", "check"):
        value = getattr(item, name)
        if value is not None:
            data[name] = value
    href = view.evidence_hrefs.get(item.sha256 or "")
    if href:
        data["href"] = href
    return data


def _record(record: VerdictRecord, view: ReportView) -> dict[str, Any]:
    return {
        "verdict": record.verdict.value,
        "justification": record.justification,
        "assessor": record.assessor,
        "recorded_at": record.recorded_at.isoformat(),
        "source": record.source,
        "evidence": [_evidence(item, view) for item in record.evidence],
    }


def _cell(cell: CellView, view: ReportView) -> dict[str, Any]:
    facts = cell.status.cell
    record = cell.record
    return {
        "key": cell.key,
        "element": facts.element.id,
        "component": facts.component.id if facts.component else None,
        "applies": facts.applies,
        "reason": facts.reason,
        "overridden": facts.overridden,
        "verdict": cell.verdict.value,
        "justification": record.justification if record else None,
        "assessor": record.assessor if record else None,
        "recorded_at": record.recorded_at.isoformat() if record else None,
        "evidence": [_evidence(item, view) for item in record.evidence] if record else [],
        "history": [_record(item, view) for item in cell.history],
        "requirements": [
            {
                "ref": requirement.ref,
                "title": requirement.title,
                "relationship": requirement.relationship,
                "origin": requirement.origin,
                "via": requirement.via,
            }
            for requirement in facts.requirements
        ],
    }


def report_data(view: ReportView) -> dict[str, Any]:
    """The report as JSON-ready data."""
    product = view.product
    profile = view.profile
    counts = dict(view.counts)
    return {
        "format": REPORT_FORMAT,
        "report_date": view.date.isoformat() if view.date else None,
        "product": {
            "id": product.id,
            "name": product.name,
            "manufacturer": product.manufacturer,
            "model": product.model,
            "version": product.version,
            "product_type": product.product_type.value,
            "description": product.description,
            "components": [
                {
                    "id": component.id,
                    "name": component.name,
                    "kind": component.kind.value,
                    "version": component.version,
                    "description": component.description,
                }
                for component in product.components
            ],
        },
        "profile": {
            "id": profile.id,
            "title": profile.title,
            "short_title": profile.short_title,
            "version": profile.version,
            "date": profile.date,
            "based_on": profile.based_on,
        },
        "summary": {
            "product_verdict": view.product_verdict.value,
            "records": len(view.records),
            "cells": len(view.cells),
            "applicable_cells": view.applicable,
            "excluded_cells": view.excluded,
            "counts": {verdict.value: counts.get(verdict, 0) for verdict in Verdict},
        },
        "elements": [
            {
                "id": status.element.id,
                "parent": status.element.parent,
                "kind": status.element.kind.value,
                "nature": status.element.nature.value if status.element.nature else None,
                "label": status.element.label,
                "title": status.element.title,
                "verdict": status.verdict.value,
                "cells": [item.cell.key for item in status.cells],
            }
            for status in sorted(view.result.elements.values(), key=lambda item: item.element.order)
        ],
        "cells": [_cell(cell, view) for cell in view.cells],
    }


def render_json(view: ReportView) -> bytes:
    """``report.json``: two-space indented, UTF-8, newline-terminated.

    Written by pydantic-core's serializer: the standard library's indenting encoder is pure Python and several
    times slower on a large product.
    """
    return pydantic_core.to_json(report_data(view), indent=2) + b"\n"


class JsonReport(ReportWriter):
    """``report.json``."""

    format: ClassVar[ReportFormat] = ReportFormat.JSON

    def render(self, view: ReportView) -> dict[str, bytes]:
        """The JSON document, UTF-8."""
        return {"report.json": render_json(view)}
