"""OSCAL at the edge: ``component-definition.json`` and ``assessment-results.json``, built with trestle's models.

Component definition: one component per product component (hardware, software or service by its kind), plus one
(``process-procedure``) for the product developer, who meets the non-technical outcomes; each lists, against the
profile (``<profile>.oscal.json``, as ``iotprofile export <profile> --format oscal`` writes it), an implemented
requirement per applicable cell, with its verdict and justification.

Assessment results: one result whose local definitions repeat the components (same UUIDs), a finding per cell that
has a record and an observation per piece of evidence of that record. A finding targets the element's statement
(``<id>_smt``); its status maps our verdict: ``satisfied`` -> ``satisfied`` (reason ``pass``),
``not_satisfied`` and ``partially_satisfied`` -> ``not-satisfied`` (``fail``); OSCAL has no state for
``not_applicable``, ``not_assessed`` and ``error``, which become ``not-satisfied`` with reason ``other``. Our own
verdict is always kept in the ``verdict`` property (namespace :data:`~iotprofile.catalog.oscal.NAMESPACE`).

compliance-trestle is slow to import; this module is imported only when the ``oscal`` format is asked for.
"""

from __future__ import annotations

from typing import Any, ClassVar

from trestle.oscal import OSCAL_VERSION, common
from trestle.oscal import assessment_results as oscal_ar
from trestle.oscal import component as oscal_component

from iotprofile.assessment.model import Evidence, EvidenceKind, Verdict
from iotprofile.catalog.model import ComponentKind
from iotprofile.catalog.oscal import NAMESPACE, oscal_id
from iotprofile.reports.assessment.interface import ReportFormat, ReportWriter
from iotprofile.reports.assessment.view import CellView, Column, ReportView
from iotprofile.reports.assessment.wording import element_heading, evidence_summary, kind_words, safe_link, verdict_word


def component_type(kind: ComponentKind) -> str:
    """The OSCAL component type of a product component kind."""
    match kind:
        case ComponentKind.DEVICE | ComponentKind.HUB:
            return "hardware"
        case ComponentKind.MOBILE_APP | ComponentKind.DESKTOP_APP | ComponentKind.WEB_APP:
            return "software"
        case ComponentKind.CLOUD_BACKEND | ComponentKind.THIRD_PARTY_SERVICE:
            return "service"


def objective_status(verdict: Verdict) -> tuple[str, str]:
    """A finding's target state and reason for one of our verdicts."""
    match verdict:
        case Verdict.SATISFIED:
            return "satisfied", "pass"
        case Verdict.NOT_SATISFIED | Verdict.PARTIALLY_SATISFIED:
            return "not-satisfied", "fail"
        case Verdict.NOT_APPLICABLE | Verdict.NOT_ASSESSED | Verdict.ERROR:
            return "not-satisfied", "other"


def _method(kind: EvidenceKind) -> str:
    match kind:
        case EvidenceKind.FILE | EvidenceKind.URL:
            return "EXAMINE"
        case EvidenceKind.STATEMENT:
            return "INTERVIEW"
        case EvidenceKind.CHECK:
            return "TEST"


def _line(text: str) -> str:
    return " ".join(text.split())


def _props(**values: str | None) -> list[common.Property] | None:
    """Properties in our namespace; names given with ``_`` are written with ``-``; empty values are left out."""
    props = [
        common.Property(name=name.replace("_", "-"), value=_line(value), ns=NAMESPACE)
        for name, value in values.items()
        if value and _line(value)
    ]
    return props or None


def _metadata(view: ReportView, title: str) -> common.Metadata:
    return common.Metadata(
        title=title,
        last_modified=view.timestamp,
        version=view.product.version or "unversioned",
        oscal_version=OSCAL_VERSION,
        props=_props(product=view.product.id, profile=view.profile.id),
    )


def _component_uuid(view: ReportView, column: Column) -> str:
    return view.uuid("component", column.id)


def _component_description(view: ReportView, column: Column) -> str:
    if column.component is None:
        return f"The developer of {view.product.name}, who meets the non-technical outcomes for the product as a whole."
    kind = kind_words(column.component.kind)
    return column.component.description or f"The {kind} {column.title} of {view.product.name}."


def _implemented(view: ReportView, cell: CellView) -> oscal_component.ImplementedRequirement:
    record = cell.record
    description = f"{cell.column.title}: {verdict_word(cell.verdict)}."
    if record and record.justification:
        description += f" {record.justification}"
    elif record is None:
        description += " No verdict has been recorded yet."
    return oscal_component.ImplementedRequirement(
        uuid=view.uuid("implemented-requirement", cell.key),
        control_id=oscal_id(cell.status.cell.element.id),
        description=description,
        props=_props(cell=cell.key, verdict=cell.verdict.value),
        remarks=cell.status.cell.reason,
    )


def component_definition(view: ReportView) -> oscal_component.ComponentDefinition:
    """The product's components and, per component, the profile's outcomes that apply to it."""
    source = f"{view.profile.id}.oscal.json"
    components = []
    for column in view.columns:
        implemented = [
            _implemented(view, cell) for cell in view.cells if cell.column.id == column.id and not cell.excluded
        ]
        implementation = oscal_component.ControlImplementation(
            uuid=view.uuid("control-implementation", column.id),
            source=source,
            description=f"The {view.profile_name} outcomes that apply to {column.title}.",
            implemented_requirements=implemented,
        )
        components.append(
            oscal_component.DefinedComponent(
                uuid=_component_uuid(view, column),
                type=component_type(column.component.kind) if column.component else "process-procedure",
                title=column.title if column.component else f"{view.product.name} (product developer)",
                description=_component_description(view, column),
                props=_props(
                    component_id=column.id,
                    component_kind=column.component.kind.value if column.component else None,
                    component_version=column.component.version if column.component else None,
                ),
                control_implementations=[implementation] if implemented else None,
            )
        )
    return oscal_component.ComponentDefinition(
        uuid=view.uuid("component-definition"),
        metadata=_metadata(view, f"{view.product.name}: components and the {view.profile_name} outcomes they meet"),
        components=components,
    )


def _observation(view: ReportView, cell: CellView, index: int, item: Evidence) -> common.Observation:
    assert cell.record is not None
    href: str | None
    match item.kind:
        case EvidenceKind.FILE:
            href = view.evidence_hrefs.get(item.sha256 or "")
        case EvidenceKind.URL:
            href = safe_link(item.url)
        case EvidenceKind.STATEMENT | EvidenceKind.CHECK:
            href = None
    summary = _line(evidence_summary(item))
    return common.Observation(
        uuid=view.uuid("observation", cell.key, str(index)),
        title=f"{cell.key}: {item.kind.value} evidence",
        description=summary,
        props=_props(cell=cell.key, evidence_kind=item.kind.value, sha256=item.sha256, check=item.check),
        methods=[_method(item.kind)],
        subjects=[common.SubjectReference(subject_uuid=_component_uuid(view, cell.column), type="component")],
        relevant_evidence=[common.RelevantEvidence(href=href, description=summary)],
        collected=cell.record.recorded_at,
    )


def _finding(view: ReportView, cell: CellView, observations: list[str]) -> common.Finding:
    record = cell.record
    assert record is not None
    element = cell.status.cell.element
    state, reason = objective_status(cell.verdict)
    recorded = f"{verdict_word(cell.verdict)}, recorded by {record.assessor} on {record.recorded_at.isoformat()}"
    return common.Finding(
        uuid=view.uuid("finding", cell.key),
        title=f"{cell.key}: {element_heading(element)}",
        description=_line(record.justification) if record.justification else recorded,
        props=_props(cell=cell.key, component=cell.column.id, verdict=cell.verdict.value, assessor=record.assessor),
        target=common.FindingTarget(
            type="statement-id",
            target_id=f"{oscal_id(element.id)}_smt",
            status=common.ObjectiveStatus(state=state, reason=reason),
        ),
        related_observations=[common.RelatedObservation(observation_uuid=uuid) for uuid in observations] or None,
        remarks=recorded,
    )


def assessment_results(view: ReportView) -> oscal_ar.AssessmentResults:
    """One result: a finding per recorded cell and an observation per piece of its evidence."""
    observations: list[common.Observation] = []
    findings: list[common.Finding] = []
    for cell in view.cells:
        if cell.record is None:
            continue
        made = [_observation(view, cell, index, item) for index, item in enumerate(cell.record.evidence)]
        observations += made
        findings.append(_finding(view, cell, [observation.uuid for observation in made]))
    controls = [common.SelectControlById(control_id=oscal_id(row.element.id))
                for outcome in view.outcomes for row in outcome.rows]  # fmt: skip
    components = [
        common.SystemComponent(
            uuid=_component_uuid(view, column),
            type=component_type(column.component.kind) if column.component else "this-system",
            title=column.title if column.component else view.product.name,
            description=_component_description(view, column),
            props=_props(component_id=column.id),
            status=common.Status(state="operational"),
        )
        for column in view.columns
    ]
    result = oscal_ar.Result(
        uuid=view.uuid("result"),
        title=f"Assessment of {view.product.name} against {view.profile_name}",
        description=f"{len(findings)} recorded cells of {len(view.cells)}; product verdict "
        f"{verdict_word(view.product_verdict)}.",
        start=view.start or view.timestamp,
        end=view.date,
        props=_props(product_verdict=view.product_verdict.value),
        local_definitions=oscal_ar.LocalDefinitions1(components=components),
        reviewed_controls=common.ReviewedControls(
            control_selections=[common.ControlSelections(include_controls=controls)]
        ),
        observations=observations or None,
        findings=findings or None,
    )
    return oscal_ar.AssessmentResults(
        uuid=view.uuid("assessment-results"),
        metadata=_metadata(view, f"Assessment of {view.product.name} against {view.profile_name}"),
        import_ap=oscal_ar.ImportAp(
            href=f"urn:iotprofile:assessment-plan:{view.product.id}:{view.profile.id}",
            remarks="iotprofile keeps no OSCAL assessment plan: the plan is the product file against the profile.",
        ),
        results=[result],
    )


def serialize(model: Any) -> bytes:
    """OSCAL JSON with its root wrapper, two-space indented, UTF-8, newline-terminated (trestle's orjson writer)."""
    data: bytes = model.oscal_serialize_json_bytes(pretty=True)
    return data + b"\n"


class OscalReport(ReportWriter):
    """``component-definition.json`` and ``assessment-results.json``."""

    format: ClassVar[ReportFormat] = ReportFormat.OSCAL

    def render(self, view: ReportView) -> dict[str, bytes]:
        """Both OSCAL documents, UTF-8."""
        return {
            "component-definition.json": serialize(component_definition(view)),
            "assessment-results.json": serialize(assessment_results(view)),
        }
