"""The documentation package for NIST IR 8425 Documentation 1a-1g, with the places still missing information.

Assembled from the product file (1b), the assessment (1c, through the Documentation 1c statement the assessment
reports already write), the support record (1a, 1d, 1e, 1f, 1g) and the other generated documents. A section
without its information says so, is listed under "Information still missing", and serves no sub-outcome in the
coverage.
"""

from __future__ import annotations

from iotprofile.documents.coverage import Coverage, Generated, coverage_markdown
from iotprofile.documents.guide import delivery_words
from iotprofile.documents.inputs import DocumentInputs
from iotprofile.documents.support import support_words
from iotprofile.documents.templating import render_markdown

DIRECTORY = "documentation-package"


def package_gaps(inputs: DocumentInputs) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(sub-outcomes the package serves, one line per missing piece of information)."""
    lifecycle, where = inputs.record.documentation, inputs.support.located.path.name
    missing: dict[str, str] = {}
    if not lifecycle.assumptions:
        missing["DOC-1a"] = f"development assumptions ({where}: documentation.assumptions)"
    if inputs.assessment is None:
        missing["DOC-1c"] = "how the outcomes are met across components (no assessment given: pass --results)"
    if not lifecycle.design_and_support:
        missing["DOC-1d"] = f"design considerations ({where}: documentation.design_and_support)"
    if not lifecycle.maintenance_requirements and not inputs.record.guide.maintenance:
        missing["DOC-1e"] = f"maintenance requirements ({where}: documentation.maintenance_requirements)"
    if not lifecycle.secure_lifecycle:
        missing["DOC-1f"] = f"secure lifecycle policies and processes ({where}: documentation.secure_lifecycle)"
    serves = tuple(
        item for item in ("DOC-1a", "DOC-1b", "DOC-1c", "DOC-1d", "DOC-1e", "DOC-1f", "DOC-1g") if item not in missing
    )
    return serves, tuple(f"{element}: {text}" for element, text in missing.items())


def render_package(inputs: DocumentInputs, generated: list[Generated], coverage: Coverage) -> dict[str, bytes]:
    """``documentation-package/README.md`` (and ``doc-1c-statement.md`` when an assessment is given)."""
    record = inputs.record
    files: dict[str, bytes] = {}
    if inputs.assessment is not None:
        from iotprofile.reports.assessment.doc1c_statement import render_statement
        from iotprofile.reports.assessment.view import build_view

        files[f"{DIRECTORY}/doc-1c-statement.md"] = render_statement(build_view(inputs.assessment)).encode()
    text = render_markdown(
        "documentation-package.md.j2",
        product=inputs.product,
        assessment=inputs.assessment,
        as_of=inputs.as_of,
        missing=coverage.missing,
        lifecycle=record.documentation,
        guide=record.guide,
        update=record.update_policy,
        disclosure=record.disclosure,
        advisories=record.advisories,
        advisory_count=len(inputs.advisories),
        support_words=support_words(record.support_period),
        delivery_words=delivery_words(record.update_policy),
        generated=generated,
        coverage_table=coverage_markdown(coverage),
    )
    files[f"{DIRECTORY}/README.md"] = text.encode()
    return files
