"""Use cases of the profile pipeline, for the CLI (and later the web app): group, consolidate, build, review."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from iotprofile.errors import PipelineError, UnknownDocumentError
from iotprofile.profiles.build.group import Grouper, GroupSettings, Suggestion
from iotprofile.profiles.build.labels import Target, crosswalk_labels, target_of
from iotprofile.profiles.build.requirements import Requirement, RequirementSet
from iotprofile.profiles.build.review import learned_labels
from iotprofile.services import Workspace


def _target(workspace: Workspace, doc_id: str) -> Target:
    try:
        return target_of(workspace.catalogs, doc_id)
    except UnknownDocumentError as exc:
        # For the pipeline an unknown target is bad input like a bad column (issue 4: exit code 3).
        raise PipelineError(exc.message, where="--profile", tip=exc.tip) from None


def read_requirements_file(path: Path, *, standard: str | None = None) -> RequirementSet:
    """A requirement list with every default of the ingest spec (CSV with at least id and text columns, ...)."""
    from iotprofile.profiles.build.ingest import read_requirement_file

    return read_requirement_file(path, standard)


def group(
    workspace: Workspace,
    requirements: RequirementSet,
    profile: str,
    *,
    top: int = 3,
    threshold: float | None = None,
    decisions: Sequence[Path] = (),
) -> list[Suggestion]:
    """Group's candidates for every requirement, best first (empty: abstains)."""
    target = _target(workspace, profile)
    labels = crosswalk_labels(workspace.crosswalks, target) + learned_labels(decisions)
    settings = GroupSettings() if threshold is None else GroupSettings(threshold=threshold)
    return Grouper(target, labels, settings).suggest(list(requirements), top=top)


@dataclass(frozen=True)
class ConsolidationAnswer:
    """The consolidation of a requirement list under a profile."""

    profile: str
    report: dict[str, Any]
    #: Requirements Group placed nowhere (only when the list gave no element column).
    unplaced: list[str]


def consolidate(workspace: Workspace, requirements: RequirementSet, profile: str) -> ConsolidationAnswer:
    """Concept groups and pair relations per sub-outcome; an ``element`` column is taken as the grouping."""
    from iotprofile.profiles.build.consolidate import Consolidator
    from iotprofile.profiles.build.define import define_all
    from iotprofile.profiles.build.outputs import consolidation_json

    target = _target(workspace, profile)
    grouped: dict[str, list[Requirement]] = {}
    unplaced: list[str] = []
    given = [requirement for requirement in requirements if requirement.element]
    if given:
        for requirement in requirements:
            element = requirement.element
            if not element:
                raise PipelineError(
                    "no element given for this requirement, while others have one", where=requirement.location
                )
            if element not in target.document:
                raise PipelineError(
                    f"element {element!r} is not in {target.id}",
                    where=requirement.location,
                    tip=f"see 'iotprofile catalog show {target.id}'",
                )
            grouped.setdefault(element, []).append(requirement)
    else:
        suggestions = Grouper(target, crosswalk_labels(workspace.crosswalks, target)).suggest(
            list(requirements), top=1, explain=False
        )
        for requirement, suggestion in zip(requirements, suggestions, strict=True):
            if suggestion.candidates:
                grouped.setdefault(suggestion.candidates[0].element, []).append(requirement)
            else:
                unplaced.append(requirement.id)
    order = {element.id: element.order for element in target.document.elements}
    grouped = dict(sorted(grouped.items(), key=lambda item: order.get(item[0], 0)))
    strengths = {key: finding.strength for key, finding in define_all(requirements).items()}
    single = len(requirements.standards) == 1
    names = {requirement.key: requirement.id if single else requirement.key for requirement in requirements}
    items = Consolidator().consolidate(grouped, strengths, name=names)
    report = consolidation_json(items, profile=target.id)
    report["unplaced"] = unplaced
    return ConsolidationAnswer(profile=target.id, report=report, unplaced=unplaced)


@dataclass(frozen=True)
class BuildAnswer:
    """What ``profile build`` did."""

    out_dir: Path
    files: list[Path]
    requirements: int
    standards: tuple[str, ...]
    placed: int
    pending: int
    decided: int
    proposals: int
    unplaced: int
    pairs: dict[str, int]


def build(workspace: Workspace, config_path: Path, out_dir: Path) -> BuildAnswer:
    """Run the whole pipeline for a build file and write every output into ``out_dir``."""
    from collections import Counter

    from iotprofile.profiles.build.config import load_config
    from iotprofile.profiles.build.outputs import write_build
    from iotprofile.profiles.build.pipeline import run_build

    config = load_config(config_path)
    try:
        result = run_build(workspace, config, out_dir)
    except UnknownDocumentError as exc:
        raise PipelineError(exc.message, where=str(config_path), tip=exc.tip) from None
    files = write_build(result, out_dir)
    members = {key for proposal in result.proposals for key in proposal.members}
    relations = Counter(pair.relation.value for item in result.consolidation for pair in item.pairs)
    return BuildAnswer(
        out_dir=out_dir,
        files=files,
        requirements=len(result.requirements),
        standards=result.requirements.standards,
        placed=sum(1 for placement in result.placements.values() if placement.elements),
        pending=sum(
            1
            for requirement in result.requirements
            if not requirement.element and requirement.key not in result.decisions
        ),
        decided=sum(1 for subject in result.decisions if not subject.startswith("proposal:")),
        proposals=len(result.proposals),
        unplaced=len(set(result.leftovers) - members),
        pairs=dict(sorted(relations.items())),
    )


def review(
    out_dir: Path,
    subject: str,
    *,
    verdict: str,
    elements: Sequence[str] = (),
    reviewer: str,
    reason: str | None = None,
    statement: str | None = None,
    workspace: Workspace | None = None,
) -> Any:
    """Record one decision in a build directory's log (the next build applies it).

    With ``workspace``, the elements named are checked against the build's target first: a decision the next
    build would refuse is never written.
    """
    from pydantic import ValidationError

    from iotprofile.catalog.source import first_error, read_located
    from iotprofile.profiles.build.review import (
        DECISIONS_FILE,
        REVIEW_FILE,
        ReviewDecision,
        Verdict,
        load_decisions,
        now,
        review_edits,
        save_decisions,
    )

    queue_path = out_dir / REVIEW_FILE
    if not queue_path.exists():
        raise PipelineError(
            "no review queue here; run 'iotprofile profile build CONFIG -o DIR' first", where=str(out_dir)
        )
    queue = read_located(queue_path, PipelineError).data or {}
    requirements = {item.get("requirement") for item in queue.get("requirements", [])}
    proposals = {f"proposal:{item.get('id')}" for item in queue.get("proposals", [])}
    if subject not in requirements | proposals:
        raise PipelineError(
            f"{subject!r} is neither a requirement nor a proposal of this build",
            where=str(queue_path),
            tip="requirements are written standard:id, proposals proposal:ID",
        )
    if subject in proposals and (verdict == Verdict.OVERRIDE or elements):
        raise PipelineError("a proposal is accepted or rejected, not moved to elements", where=subject)
    if subject in requirements and verdict == Verdict.ACCEPT and not elements:
        # Record the suggestion the reviewer saw by name: a later re-grouping must not change what was accepted.
        item = next(item for item in queue.get("requirements", []) if item.get("requirement") == subject)
        suggested = [str(s["element"]) for s in item.get("suggestions") or [] if isinstance(s, dict) and "element" in s]
        if not suggested:
            raise PipelineError(
                "Group suggested nothing here, so there is nothing to accept",
                where=subject,
                tip="use --override ELEMENT or --reject",
            )
        elements = (suggested[0],)
    if workspace is not None and elements:
        from iotprofile.profiles.resolve import resolve

        target = str(queue.get("target") or "")
        try:
            document = resolve(workspace.catalogs, target)
        except UnknownDocumentError as exc:
            raise PipelineError(exc.message, where=str(queue_path), tip=exc.tip) from None
        unknown = [element for element in elements if element not in document]
        if unknown:
            raise PipelineError(
                f"element(s) not in {target}: {', '.join(unknown)}",
                where=subject,
                tip=f"see 'iotprofile catalog show {target}'",
            )
    members = next(
        (
            tuple(item.get("members") or ())
            for item in queue.get("proposals", [])
            if f"proposal:{item.get('id')}" == subject
        ),
        (),
    )
    log = load_decisions(out_dir / DECISIONS_FILE)
    log += review_edits(queue_path, log)
    try:
        decision = ReviewDecision(
            subject=subject,
            verdict=Verdict(verdict),
            elements=tuple(elements),
            statement=statement,
            members=members or None,
            reviewer=reviewer,
            decided_at=now(),
            reason=reason,
        )
    except ValidationError as exc:
        raise PipelineError(first_error(exc)[1], where=subject) from None
    save_decisions(out_dir / DECISIONS_FILE, [*log, decision])
    return decision
