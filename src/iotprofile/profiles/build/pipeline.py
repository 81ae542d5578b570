"""The whole pipeline in one call: Ingest, Define, Group, (Review), Consolidate, Expand, Tailor.

:func:`run_build` reads the build configuration's standards, groups every requirement under the target's
sub-outcomes (taking into account every review decision recorded in the output directory), consolidates each
sub-outcome, proposes new sub-outcomes for what fits nowhere, tailors the profile and returns everything the
writers need. It computes; :mod:`.outputs` writes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from iotprofile.catalog.model import (
    Document,
    DocumentKind,
    Element,
    ElementKind,
    Provenance,
    Tailoring,
    TailoringRule,
    TextStatus,
)
from iotprofile.errors import PipelineError
from iotprofile.profiles.build.config import BuildConfig
from iotprofile.profiles.build.consolidate import Consolidator, ElementConsolidation
from iotprofile.profiles.build.define import define_all
from iotprofile.profiles.build.expand import Proposal, _next_id, expand
from iotprofile.profiles.build.group import Grouper, GroupSettings, Suggestion
from iotprofile.profiles.build.ingest import read_all
from iotprofile.profiles.build.labels import Target, crosswalk_labels, target_of
from iotprofile.profiles.build.requirements import Requirement, RequirementSet, StrengthFinding
from iotprofile.profiles.build.review import (
    DECISIONS_FILE,
    REVIEW_FILE,
    ReviewDecision,
    Verdict,
    current,
    decided_labels,
    learned_labels,
    load_decisions,
    review_edits,
)
from iotprofile.profiles.build.trace import Decision, TraceRow
from iotprofile.profiles.resolve import resolve_profile
from iotprofile.services import Workspace


@dataclass(frozen=True)
class Placement:
    """Where one requirement sits after Group and review."""

    requirement: str
    elements: tuple[str, ...]
    decision: Decision | None
    reviewer: str | None = None


@dataclass(frozen=True)
class BuildResult:
    """Everything a build computed."""

    config: BuildConfig
    target: Target
    requirements: RequirementSet
    strengths: dict[str, StrengthFinding]
    suggestions: dict[str, Suggestion]
    placements: dict[str, Placement]
    consolidation: list[ElementConsolidation]
    proposals: list[Proposal]
    #: Decision in force per subject (requirement key or ``proposal:ID``).
    decisions: dict[str, ReviewDecision]
    #: The whole decision log, including decisions typed into review.yaml since the last build.
    decision_log: list[ReviewDecision]
    profile: Document
    #: The profile resolved against its base: every element it offers, tailored.
    resolved: Document
    trace: list[TraceRow]

    @property
    def leftovers(self) -> list[str]:
        """Requirements no element took (they are what Expand proposes sub-outcomes for)."""
        return [key for key, placement in self.placements.items() if not placement.elements]


def _check_given(requirement: Requirement, target: Target) -> str:
    element = requirement.element or ""
    if element not in target.document:
        raise PipelineError(
            f"element {element!r} is not in {target.id}",
            where=requirement.location,
            tip="use an element ID of the target",
        )
    return element


def _check_decisions(
    in_force: dict[str, ReviewDecision],
    requirements: RequirementSet,
    target: Target,
    *,
    edits: Sequence[ReviewDecision],
) -> None:
    """Refuse a decision in force that names an element the target lacks, naming the file it came from."""
    for subject, decision in in_force.items():
        if subject not in requirements:
            continue
        unknown = [element for element in decision.elements if element not in target.document]
        if unknown:
            raise PipelineError(
                f"review decision on {subject} names element(s) not in {target.id}: {', '.join(unknown)}",
                where=REVIEW_FILE if decision in edits else DECISIONS_FILE,
                tip="record a new decision on it with 'iotprofile profile review'",
            )


def _place(
    requirement: Requirement,
    suggestion: Suggestion,
    decision: ReviewDecision | None,
    target: Target,
) -> Placement:
    key = requirement.key
    if requirement.element:
        return Placement(key, (_check_given(requirement, target),), Decision.GIVEN)
    if decision is not None:
        if decision.verdict is Verdict.REJECT:
            return Placement(key, (), None, decision.reviewer)
        if decision.verdict is Verdict.OVERRIDE:
            return Placement(key, decision.elements, Decision.OVERRIDDEN, decision.reviewer)
        chosen = decision.elements or tuple(candidate.element for candidate in suggestion.candidates[:1])
        return Placement(key, chosen, Decision.ACCEPTED if chosen else None, decision.reviewer)
    if suggestion.candidates:
        return Placement(key, (suggestion.candidates[0].element,), Decision.SUGGESTED)
    return Placement(key, (), None)


def run_build(workspace: Workspace, config: BuildConfig, out_dir: Path) -> BuildResult:
    """Run the pipeline for ``config``, reusing the review decisions recorded in ``out_dir``."""
    catalogs = workspace.catalogs
    requirements = read_all(config.standards, catalogs=catalogs)
    target = target_of(catalogs, config.target)
    strengths = define_all(requirements)

    log = load_decisions(out_dir / DECISIONS_FILE)
    edits = review_edits(out_dir / REVIEW_FILE, log)
    log += edits
    in_force = current(log)
    _check_decisions(in_force, requirements, target, edits=edits)

    settings = GroupSettings() if config.threshold is None else GroupSettings(threshold=config.threshold)
    base_labels = crosswalk_labels(workspace.crosswalks, target) + learned_labels(config.learn_from)
    first = Grouper(target, base_labels, settings)
    suggestions = {item.requirement: item for item in first.suggest(list(requirements), top=config.top)}
    tops = {key: item.candidates[0].element for key, item in suggestions.items() if item.candidates}
    review_labels = decided_labels(in_force, requirements, tops)
    if review_labels:
        # Decisions feed back: re-group with what reviewers taught, so similar undecided requirements follow them.
        grouper = Grouper(target, base_labels + review_labels, settings)
        suggestions = {item.requirement: item for item in grouper.suggest(list(requirements), top=config.top)}
    else:
        grouper = first

    placements = {
        requirement.key: _place(requirement, suggestions[requirement.key], in_force.get(requirement.key), target)
        for requirement in requirements
    }
    grouped: dict[str, list[Requirement]] = {leaf.id: [] for leaf in target.leaves}
    for requirement in requirements:
        for element in placements[requirement.key].elements:
            grouped.setdefault(element, []).append(requirement)
    strength_of = {key: finding.strength for key, finding in strengths.items()}
    consolidation = Consolidator().consolidate(grouped, strength_of, name=None)

    leftovers = [requirements.get(key) for key, placement in placements.items() if not placement.elements]
    proposals = _keep_decided_ids(expand(target, leftovers, grouper.raw_scores(leftovers)), in_force, target)
    proposals = [proposal for proposal in proposals if _kept(proposal, in_force)]
    profile = tailor(config, target, proposals, in_force)
    resolved = resolve_profile(profile, target.document)
    groups = {key: group.name for item in consolidation for group in item.groups for key in group.requirements}
    trace = _trace(
        requirements,
        strengths=strengths,
        suggestions=suggestions,
        placements=placements,
        proposals=proposals,
        decisions=in_force,
        groups=groups,
        resolved=resolved,
    )
    return BuildResult(
        config=config,
        target=target,
        requirements=requirements,
        strengths=strengths,
        suggestions=suggestions,
        placements=placements,
        consolidation=consolidation,
        proposals=proposals,
        decisions=in_force,
        decision_log=log,
        profile=profile,
        resolved=resolved,
        trace=trace,
    )


def _keep_decided_ids(
    proposals: Sequence[Proposal], decisions: dict[str, ReviewDecision], target: Target
) -> list[Proposal]:
    """Give each decided proposal's ID back to the proposal drawn from (most of) the same requirements.

    Expand numbers proposals afresh in every build (largest first); when a review moves requirements, the
    numbering shifts, and a decision on ``proposal:IAC-3`` (with the reviewer's statement) would silently apply
    to another group of requirements. A decision records the proposal's members; the proposal sharing most of
    them keeps the decided ID (and so its outcome); the others are numbered around every decided ID.
    """
    decided = sorted(
        (subject.removeprefix("proposal:"), set(decision.members))
        for subject, decision in decisions.items()
        if decision.is_proposal and decision.members
    )
    assigned: dict[int, str] = {}
    for decided_id, members in decided:
        overlaps = [
            (len(members & set(proposal.members)), -index)
            for index, proposal in enumerate(proposals)
            if index not in assigned
        ]
        best = max(overlaps, default=(0, 0))
        if best[0] > 0:
            assigned[-best[1]] = decided_id
    if not decided:
        return list(proposals)
    # A decided ID whose requirements went elsewhere stays reserved: a new proposal must not inherit its decision.
    taken = {decided_id for decided_id, _ in decided}
    result: list[Proposal] = []
    for index, proposal in enumerate(proposals):
        if index in assigned:
            new_id = assigned[index]
            parent = new_id.rsplit("-", 1)[0]
        else:
            parent = proposal.parent
            new_id = proposal.id if proposal.id not in taken else _next_id(target, parent, taken)
        taken.add(new_id)
        result.append(dataclasses.replace(proposal, id=new_id, parent=parent))
    return result


def _kept(proposal: Proposal, decisions: dict[str, ReviewDecision]) -> bool:
    decision = decisions.get(f"proposal:{proposal.id}")
    return decision is None or decision.verdict is not Verdict.REJECT


def tailor(
    config: BuildConfig, target: Target, proposals: Sequence[Proposal], decisions: dict[str, ReviewDecision]
) -> Document:
    """The Tailor step: the profile document (rule, added sub-outcomes) on the target."""
    spec = config.profile
    base_order = max((element.order for element in target.document.elements), default=0)
    added: list[Element] = []
    for index, proposal in enumerate(proposals, start=1):
        decision = decisions.get(f"proposal:{proposal.id}")
        accepted = decision is not None and decision.verdict is Verdict.ACCEPT
        statement = (decision.statement if decision and decision.statement else None) or proposal.statement
        status = TextStatus.USER if decision and decision.statement else TextStatus.GENERATED
        note = (
            f"Accepted by {decision.reviewer}."
            if accepted and decision
            else "Proposed by the Expand step; review pending."
        )
        added.append(
            Element(
                id=proposal.id,
                parent=proposal.parent,
                order=base_order + index,
                kind=ElementKind.SUB_OUTCOME,
                title=proposal.topic,
                text=statement,
                provenance=Provenance(
                    status=status,
                    source="iotprofile profile build (Expand)",
                    note=f"{note} Drawn from: {', '.join(proposal.members)}.",
                ),
            )
        )
    rule_provenance = Provenance(status=TextStatus.USER, source="build configuration")
    rules = [TailoringRule.model_validate({"replace": spec.replace, "with": spec.term, "provenance": rule_provenance})]
    if spec.replace.startswith(("I", "i")) and not spec.term.startswith(("a ", "an ")):
        article = "an" if spec.term[:1].lower() in "aeiou" else "a"
        rules.insert(
            0,
            TailoringRule.model_validate(
                {"replace": f"an {spec.replace}", "with": f"{article} {spec.term}", "provenance": rule_provenance}
            ),
        )
    return Document(
        id=spec.id,
        kind=DocumentKind.PROFILE,
        title=spec.title,
        short_title=spec.short_title,
        publisher=spec.publisher,
        licence="user",
        content="full-text",
        based_on=target.id,
        product_type=spec.product_type,
        tailoring=Tailoring(rules=tuple(rules)),
        built_from=tuple(dict.fromkeys(source.standard_id for source in config.standards)),
        provenance=Provenance(status=TextStatus.GENERATED, source="iotprofile profile build"),
        elements=tuple(added),
    )


def _trace(
    requirements: RequirementSet,
    *,
    strengths: dict[str, StrengthFinding],
    suggestions: dict[str, Suggestion],
    placements: dict[str, Placement],
    proposals: Sequence[Proposal],
    decisions: dict[str, ReviewDecision],
    groups: dict[str, str],
    resolved: Document,
) -> list[TraceRow]:
    rows: list[TraceRow] = []
    members = {key: proposal for proposal in proposals for key in proposal.members}

    def row(requirement: Requirement, element: str, decision: Decision, reviewer: str | None) -> TraceRow:
        finding = strengths[requirement.key]
        scores = {candidate.element: candidate.score for candidate in suggestions[requirement.key].candidates}
        return TraceRow(
            element=element,
            requirement=requirement.key,
            standard=requirement.standard,
            requirement_id=requirement.id,
            text=requirement.text,
            strength=finding.strength,
            strength_phrase=finding.phrase,
            strength_basis=finding.basis,
            decision=decision,
            score=scores.get(element),
            reviewer=reviewer,
            concept_group=groups.get(requirement.key),
            location=requirement.location,
        )

    for requirement in requirements:
        placement = placements[requirement.key]
        rows.extend(
            row(requirement, element, placement.decision or Decision.SUGGESTED, placement.reviewer)
            for element in placement.elements
            if element in resolved
        )
        proposal = members.get(requirement.key)
        if not placement.elements and proposal is not None:
            decision = decisions.get(f"proposal:{proposal.id}")
            accepted = decision is not None and decision.verdict is Verdict.ACCEPT
            rows.append(
                row(
                    requirement,
                    proposal.id,
                    Decision.ACCEPTED if accepted else Decision.SUGGESTED,
                    decision.reviewer if decision else None,
                )
            )
    return rows
