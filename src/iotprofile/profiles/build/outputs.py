"""Writing a build: the profile in every format, the consolidation report, the proposals and the review queue.

Layout of the output directory::

    catalog/<profile-id>.yaml    the profile in the project's format (use catalog/ as a --catalog-dir)
    <profile-id>.md / .html      laid out like NIST's profiles, with the requirements behind each sub-outcome
    <profile-id>.profile.oscal.json, <profile-id>.additions.oscal.json, <base>.oscal.json   OSCAL
    traceability.csv / .xlsx     one row per (profile element, source requirement)
    consolidation.json           concept groups and every pair relation per sub-outcome
    expansion.yaml               the proposed new sub-outcomes with their member requirements
    group.jsonl                  Group's candidates per requirement (the `profile group` contract, with reasons)
    strengths.csv                Define's strength per requirement and the phrase that decided it
    review.yaml                  the review queue (edit the decision fields, or use `iotprofile profile review`)
    decisions.yaml               the decision log: never rewritten except to add decisions

Every file is written to a temporary name and renamed, so an interrupted build leaves the previous files intact.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from iotprofile.profiles.build.consolidate import ElementConsolidation
from iotprofile.profiles.build.group import Suggestion
from iotprofile.profiles.build.pipeline import BuildResult
from iotprofile.profiles.build.review import DECISIONS_FILE, REVIEW_FILE, atomic_write, save_decisions, write_yaml


def suggestion_json(suggestion: Suggestion, *, explain: bool) -> dict[str, Any]:
    """One line of ``group.jsonl``: the contract fields, plus reasons when ``explain``."""
    candidates: list[dict[str, Any]] = []
    for candidate in suggestion.candidates:
        item: dict[str, Any] = {"element": candidate.element, "score": candidate.score}
        if explain:
            item["terms"] = list(candidate.terms)
            item["neighbours"] = [
                {"requirement": n.key, "similarity": n.similarity, "source": n.origin} for n in candidate.neighbours
            ]
        candidates.append(item)
    line: dict[str, Any] = {"requirement": suggestion.requirement, "candidates": candidates}
    if explain and not suggestion.candidates:
        line["best_score"] = suggestion.best_score
    return line


def consolidation_json(items: Sequence[ElementConsolidation], *, profile: str) -> dict[str, Any]:
    """The consolidation report: concept groups per element, and every pair of requirements within each."""
    return {
        "profile": profile,
        "elements": [
            {
                "element": item.element,
                "requirements": list(item.requirements),
                "concept_groups": [
                    {"name": group.name, "requirements": list(group.requirements), "terms": list(group.terms)}
                    for group in item.groups
                ],
            }
            for item in items
        ],
        "pairs": [
            {
                "element": pair.element,
                "a": pair.a,
                "b": pair.b,
                "relation": pair.relation.value,
                "reason": pair.reason,
                **({"parameter": pair.parameter} if pair.parameter else {}),
                **({"stricter": pair.stricter} if pair.stricter else {}),
            }
            for item in items
            for pair in item.pairs
        ],
    }


def _strengths_csv(result: BuildResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["requirement", "standard", "id", "strength", "phrase", "basis", "location"])
    for requirement in result.requirements:
        finding = result.strengths[requirement.key]
        strength = finding.strength.value.upper().replace("_", " ") if finding.strength else ""
        writer.writerow(
            [
                requirement.key,
                requirement.standard,
                requirement.id,
                strength,
                finding.phrase or "",
                finding.basis,
                requirement.location,
            ]
        )
    return buffer.getvalue()


def review_queue(result: BuildResult) -> dict[str, Any]:
    """The review queue: each requirement with its suggestions and decision, then each proposal."""
    items: list[dict[str, Any]] = []
    for requirement in result.requirements:
        key = requirement.key
        placement = result.placements[key]
        decision = result.decisions.get(key)
        item: dict[str, Any] = {
            "requirement": key,
            "text": requirement.text,
            "location": requirement.location,
            "suggestions": [
                {"element": candidate.element, "score": candidate.score, "because": list(candidate.terms[:4])}
                for candidate in result.suggestions[key].candidates
            ],
        }
        if requirement.element:
            item["given"] = requirement.element
        if decision is not None:
            item |= {
                "decision": decision.verdict.value,
                "elements": list(decision.elements),
                "reviewer": decision.reviewer,
                "decided_at": decision.decided_at.isoformat(),
                **({"reason": decision.reason} if decision.reason else {}),
            }
        elif not requirement.element:
            item["decision"] = "pending"
            item["placed"] = list(placement.elements)
        items.append(item)
    proposals: list[dict[str, Any]] = []
    for proposal in result.proposals:
        decision = result.decisions.get(f"proposal:{proposal.id}")
        entry: dict[str, Any] = {
            "id": proposal.id,
            "parent": proposal.parent,
            "statement": (decision.statement if decision and decision.statement else proposal.statement),
            # The generated statement: a statement left equal to it is not the reviewer's wording.
            "draft": proposal.statement,
            "members": list(proposal.members),
            "decision": decision.verdict.value if decision else "pending",
        }
        if decision is not None:
            entry |= {
                "reviewer": decision.reviewer,
                "decided_at": decision.decided_at.isoformat(),
                **({"reason": decision.reason} if decision.reason else {}),
            }
        proposals.append(entry)
    pending = sum(1 for item in items if item.get("decision") == "pending")
    return {
        "format": "iotprofile/review-queue/v1",
        "profile": result.profile.id,
        "target": result.target.id,
        "how_to": "Set decision to accept (optionally with elements), override (with elements) or reject, with "
        "reviewer and reason; or run `iotprofile profile review DIR REQUIREMENT --accept|--override E|--reject`. "
        "The next `profile build` keeps every decision.",
        "pending": pending,
        "requirements": items,
        "proposals": proposals,
    }


def write_build(result: BuildResult, out_dir: Path) -> list[Path]:
    """Write every output of a build into ``out_dir`` and return the paths, in a stable order."""
    from iotprofile.profiles.build.render import write_profile_outputs

    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    # In its own folder, so that folder works as --catalog-dir (the build directory holds other data files).
    profile_yaml = out_dir / "catalog" / f"{result.profile.id}.yaml"
    document = result.profile.model_dump(mode="json", exclude_defaults=True, by_alias=True)
    atomic_write(profile_yaml, yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=120))
    written.append(profile_yaml)
    written += write_profile_outputs(result.profile, result.target.document, result.trace, out_dir)
    outputs = {
        "consolidation.json": json.dumps(
            consolidation_json(result.consolidation, profile=result.profile.id), indent=2, ensure_ascii=False
        )
        + "\n",
        "group.jsonl": "".join(
            json.dumps(suggestion_json(result.suggestions[r.key], explain=True), ensure_ascii=False) + "\n"
            for r in result.requirements
        ),
        "strengths.csv": _strengths_csv(result),
    }
    for name, text in outputs.items():
        atomic_write(out_dir / name, text)
        written.append(out_dir / name)
    expansion = {
        "format": "iotprofile/expansion/v1",
        "profile": result.profile.id,
        "proposals": [
            {
                "id": proposal.id,
                "parent": proposal.parent,
                "statement": proposal.statement,
                "topic": proposal.topic,
                "terms": list(proposal.terms),
                "members": [
                    {"requirement": key, "text": result.requirements.get(key).text} for key in proposal.members
                ],
            }
            for proposal in result.proposals
        ],
    }
    write_yaml(out_dir / "expansion.yaml", expansion)
    written.append(out_dir / "expansion.yaml")
    save_decisions(out_dir / DECISIONS_FILE, result.decision_log)
    write_yaml(out_dir / REVIEW_FILE, review_queue(result))
    written += [out_dir / REVIEW_FILE, out_dir / DECISIONS_FILE]
    return written
