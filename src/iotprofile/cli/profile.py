"""``iotprofile profile ...``: derive a profile from standards (Group, Define, Consolidate, Expand, Tailor).

``group`` and ``consolidate`` are the building blocks other tools call (stable JSON contracts); ``build`` runs the
whole pipeline from a build file; ``review`` records a person's decision, which the next ``build`` applies.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from iotprofile.cli.app import _print_json, _run, _workspace, app

profile_app = typer.Typer(
    help="Derive a profile from standards the way NIST built the router profile: group, define, consolidate, "
    "expand, tailor; every suggestion reviewed by a person.",
    no_args_is_help=True,
)
app.add_typer(profile_app, name="profile")

ReqsArgument = Annotated[
    Path,
    typer.Argument(
        help="Requirement list: CSV (at least id and text columns), XLSX, YAML, JSON, OSCAL, text, Markdown or PDF."
    ),
]
TargetOption = Annotated[
    str, typer.Option("--profile", "-p", help="Catalog or profile to group under (8425A offers 8425 + SU-3, CSA-2).")
]
StandardOption = Annotated[
    str | None, typer.Option("--standard", help="Document ID of the requirements' standard (default: from file name).")
]


class GroupFormat(StrEnum):
    """Output formats of ``profile group``."""

    JSONL = "jsonl"
    JSON = "json"
    TEXT = "text"


@profile_app.command("group")
def group_command(
    requirements: ReqsArgument,
    profile: TargetOption = "nist-ir-8425",
    top: Annotated[int, typer.Option("--top", "-n", min=1, max=20, help="Candidates per requirement.")] = 3,
    threshold: Annotated[
        float | None, typer.Option(min=0.0, max=1.0, help="Abstain below this score (default 0.05).")
    ] = None,
    decisions: Annotated[
        list[Path] | None,
        typer.Option("--decisions", help="decisions.yaml of a reviewed build to learn from (repeatable)."),
    ] = None,
    explain: Annotated[bool, typer.Option(help="Add the terms and labeled neighbours behind each candidate.")] = False,
    standard: StandardOption = None,
    output: Annotated[GroupFormat, typer.Option("--format", "-f", help="Output format.")] = GroupFormat.TEXT,
) -> None:
    """Rank the sub-outcomes each requirement may belong under, best first, with scores.

    jsonl writes one object per requirement: {"requirement": ID, "candidates": [{"element": ..., "score": ...}]};
    an empty candidate list means Group abstains (nothing fits well enough). Group learns from every shipped
    crosswalk and from the decisions files you pass.
    """
    from iotprofile.profiles.build.outputs import suggestion_json
    from iotprofile.services.profile_build import group, read_requirements_file

    def action() -> tuple[list[dict[str, object]], dict[str, str]]:
        reqs = read_requirements_file(requirements, standard=standard)
        suggestions = group(_workspace(), reqs, profile, top=top, threshold=threshold, decisions=tuple(decisions or ()))
        single = len(reqs.standards) == 1
        ids = {r.key: (r.id if single else r.key) for r in reqs}
        texts = {r.key: r.text for r in reqs}
        lines = []
        for suggestion in suggestions:
            line = suggestion_json(suggestion, explain=explain or output is GroupFormat.TEXT)
            lines.append(line | {"requirement": ids[suggestion.requirement]})
        return lines, {ids[key]: text for key, text in texts.items()}

    lines, texts = _run(action)
    if output is GroupFormat.JSONL:
        for line in lines:
            if not explain:
                line.pop("best_score", None)
            sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
        return
    if output is GroupFormat.JSON:
        _print_json({"profile": profile, "requirements": lines})
        return
    from iotprofile.cli.render import print_group

    print_group(lines, texts, profile=profile)


@profile_app.command("consolidate")
def consolidate_command(
    requirements: ReqsArgument,
    profile: TargetOption = "nist-ir-8425",
    standard: StandardOption = None,
    output: Annotated[GroupFormat, typer.Option("--format", "-f", help="json or text.")] = GroupFormat.TEXT,
) -> None:
    """Within each sub-outcome: concept groups, and how every pair of requirements relates.

    Relations: equivalent, complementary, stricter (which parameter, which side), contradictory (why) or
    unrelated. With an 'element' column the grouping is taken as given; without one, Group places each
    requirement under its best candidate first.
    """
    from iotprofile.services.profile_build import consolidate, read_requirements_file

    answer = _run(lambda: consolidate(_workspace(), read_requirements_file(requirements, standard=standard), profile))
    if output is not GroupFormat.TEXT:
        _print_json(answer.report)
        return
    from iotprofile.cli.render import print_consolidation

    print_consolidation(answer.report)


@profile_app.command("build")
def build_command(
    config: Annotated[Path, typer.Argument(help="Build file (format iotprofile/build/v1).")],
    out_dir: Annotated[Path, typer.Option("--output", "-o", help="Directory for the profile and the review queue.")],
    output: Annotated[GroupFormat, typer.Option("--format", "-f", help="text or json summary.")] = GroupFormat.TEXT,
) -> None:
    """Run the whole pipeline: the profile (YAML, Markdown, HTML, OSCAL), traceability, consolidation, proposals.

    Re-running after review keeps every decision: decisions.yaml in the output directory is only ever added to,
    and edits typed into review.yaml are taken in before it is rewritten.
    """
    from iotprofile.services.profile_build import build

    answer = _run(lambda: build(_workspace(), config, out_dir))
    if output is not GroupFormat.TEXT:
        _print_json(answer)
        return
    sys.stdout.write(
        f"built {out_dir}: {answer.requirements} requirements from {len(answer.standards)} standards "
        f"({', '.join(answer.standards)})\n"
        f"  placed under a sub-outcome: {answer.placed}; reviewed: {answer.decided}; "
        f"awaiting review: {answer.pending}\n"
        f"  proposed new sub-outcomes: {answer.proposals}; unplaced: {answer.unplaced}\n"
        f"  pairs: {', '.join(f'{count} {name}' for name, count in answer.pairs.items()) or 'none'}\n"
        f"  review: {out_dir / 'review.yaml'} (or 'iotprofile profile review {out_dir} REQUIREMENT --accept')\n"
    )


@profile_app.command("review")
def review_command(
    build_dir: Annotated[Path, typer.Argument(help="The build's output directory.")],
    subject: Annotated[str, typer.Argument(help="A requirement ('standard:id') or a proposal ('proposal:SU-3').")],
    reviewer: Annotated[str, typer.Option("--by", help="Who decides (stored with the decision).")],
    accept: Annotated[bool, typer.Option("--accept", help="Accept the first suggestion (or the proposal).")] = False,
    reject: Annotated[
        bool, typer.Option("--reject", help="None of the suggestions fits (or drop the proposal).")
    ] = False,
    override: Annotated[
        list[str] | None, typer.Option("--override", help="Put the requirement under this element (repeatable).")
    ] = None,
    element: Annotated[
        list[str] | None, typer.Option("--element", help="With --accept: which suggested element(s) to accept.")
    ] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="Why (stored with the decision).")] = None,
    statement: Annotated[str | None, typer.Option(help="For a proposal: your wording of its statement.")] = None,
) -> None:
    """Record a decision on one suggestion or proposal; the next 'profile build' applies it and learns from it."""
    from iotprofile.errors import PipelineError
    from iotprofile.services.profile_build import review

    chosen = [name for name, on in (("accept", accept), ("reject", reject), ("override", bool(override))) if on]

    def action() -> object:
        if len(chosen) != 1:
            raise PipelineError("give exactly one of --accept, --reject and --override")
        elements = tuple(override or ()) if chosen[0] == "override" else tuple(element or ())
        return review(
            build_dir,
            subject,
            verdict=chosen[0],
            elements=elements,
            reviewer=reviewer,
            reason=reason,
            statement=statement,
            workspace=_workspace(),
        )

    decision = _run(action)
    sys.stdout.write(f"recorded: {subject} {chosen[0]} by {reviewer} ({getattr(decision, 'decided_at', '')})\n")
