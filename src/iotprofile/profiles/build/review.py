"""Review: a person accepts, rejects or overrides each suggestion; decisions are kept with who, when and why.

Decisions live in ``decisions.yaml`` in the build directory, an append-only log (format
``iotprofile/decisions/v1``): the latest decision on a requirement (or a proposal) is the one in force, and
earlier ones stay as history. ``review.yaml`` is the queue a build writes for people: every requirement with
Group's suggestions and its current decision; a reviewer may edit the ``decision`` fields there by hand, and the
next build (or ``profile review``) takes those edits into the log before it rewrites the queue. Both files are
written whole to a temporary file and renamed into place, so a crash never leaves half a review behind.

Accepted and overridden decisions teach Group (they become labels); a rejection says the requirement fits none
of the elements suggested, and teaches abstention.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml
from pydantic import AwareDatetime, Field, ValidationError, model_validator

from iotprofile.catalog.model import Frozen
from iotprofile.catalog.source import first_error, read_located
from iotprofile.errors import PipelineError
from iotprofile.profiles.build.labels import Label
from iotprofile.profiles.build.requirements import RequirementSet

DECISIONS_FORMAT = "iotprofile/decisions/v1"
DECISIONS_FILE = "decisions.yaml"
REVIEW_FILE = "review.yaml"


class Verdict(StrEnum):
    """What a reviewer said about a requirement's grouping or about a proposed sub-outcome."""

    #: Group's (first) suggestion is right; for a proposal: add it to the profile.
    ACCEPT = "accept"
    #: None of the suggestions fits (the requirement goes to Expand); for a proposal: do not add it.
    REJECT = "reject"
    #: The requirement belongs under the elements the reviewer names instead.
    OVERRIDE = "override"


class ReviewDecision(Frozen):
    """One decision, as recorded."""

    subject: str = Field(
        min_length=1, description="A requirement key ('standard:id') or a proposal ID ('proposal:SU-3')."
    )
    verdict: Verdict
    elements: tuple[str, ...] = Field(
        default=(), description="For accept and override: the element(s) chosen (accept: default the first suggestion)."
    )
    statement: str | None = Field(default=None, description="For a proposal: the reviewer's wording of its statement.")
    members: tuple[str, ...] | None = Field(
        default=None,
        description="For a proposal: the requirements it was drawn from when decided, so the decision stays with "
        "them if a later build numbers the proposals differently.",
    )
    reviewer: str = Field(min_length=1)
    decided_at: AwareDatetime
    reason: str | None = None

    @model_validator(mode="after")
    def _complete(self) -> ReviewDecision:
        if self.verdict is Verdict.OVERRIDE and not self.elements:
            msg = "an override names the element(s) the requirement belongs under"
            raise ValueError(msg)
        if self.verdict is Verdict.REJECT and self.elements:
            msg = "a rejection names no elements (use override to move a requirement)"
            raise ValueError(msg)
        return self

    @property
    def is_proposal(self) -> bool:
        """Whether the decision is about a proposed sub-outcome rather than a requirement."""
        return self.subject.startswith("proposal:")


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder: whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_yaml(path: Path, data: Any) -> None:
    """Write ``data`` as YAML, whole or not at all."""
    atomic_write(path, yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120))


def load_decisions(path: Path) -> list[ReviewDecision]:
    """Every decision in a decisions file, oldest first (a missing file has none)."""
    if not path.exists():
        return []
    located = read_located(path, PipelineError)
    data = located.data
    if not isinstance(data, dict) or data.get("format") != DECISIONS_FORMAT:
        raise located.error(PipelineError, (), f"not a decisions file (expected format: {DECISIONS_FORMAT})")
    raw = data.get("decisions") or []
    if not isinstance(raw, list):
        raise located.error(PipelineError, ("decisions",), "decisions must be a list")
    decisions: list[ReviewDecision] = []
    for index, item in enumerate(raw):
        try:
            decisions.append(ReviewDecision.model_validate(item))
        except ValidationError as exc:
            loc, message = first_error(exc)
            raise located.error(PipelineError, ("decisions", index, *loc), message) from None
    return decisions


def save_decisions(path: Path, decisions: Sequence[ReviewDecision]) -> None:
    """Write the whole decision log (atomically)."""
    write_yaml(
        path,
        {
            "format": DECISIONS_FORMAT,
            "decisions": [decision.model_dump(mode="json", exclude_none=True) for decision in decisions],
        },
    )


def current(decisions: Iterable[ReviewDecision]) -> dict[str, ReviewDecision]:
    """The decision in force per subject: the latest one."""
    latest: dict[str, ReviewDecision] = {}
    for decision in sorted(decisions, key=lambda item: item.decided_at):
        latest[decision.subject] = decision
    return latest


def review_edits(path: Path, log: Sequence[ReviewDecision]) -> list[ReviewDecision]:
    """Decisions a reviewer typed into ``review.yaml`` that the log does not hold yet (time: now, if not given)."""
    if not path.exists():
        return []
    located = read_located(path, PipelineError)
    data = located.data if isinstance(located.data, dict) else {}
    edits: list[ReviewDecision] = []
    for section in ("requirements", "proposals"):
        items = data.get(section) or []
        if not isinstance(items, list):
            raise located.error(PipelineError, (section,), f"{section} must be a list")
        for index, item in enumerate(items):
            if not isinstance(item, dict) or item.get("decision") in {None, "", "pending"}:
                continue
            subject = item.get("requirement") if section == "requirements" else f"proposal:{item.get('id')}"
            elements = item.get("elements") or ()
            suggestions = item.get("suggestions") or []
            if item.get("decision") == Verdict.ACCEPT and not elements and suggestions:
                # A plain "accept" is of the first suggestion the reviewer saw: record it by name, so a re-grouping
                # that ranks another element first cannot move what was accepted.
                elements = (suggestions[0].get("element"),) if isinstance(suggestions[0], dict) else ()
            raw = {
                "subject": subject,
                "verdict": item.get("decision"),
                "elements": elements,
                "statement": (
                    item.get("statement")
                    if section == "proposals" and item.get("statement") != item.get("draft")
                    else None
                ),
                "members": (item.get("members") or None) if section == "proposals" else None,
                "reviewer": item.get("reviewer"),
                "decided_at": item.get("decided_at") or now(),
                "reason": item.get("reason"),
            }
            try:
                decision = ReviewDecision.model_validate(raw)
            except ValidationError as exc:
                loc, message = first_error(exc)
                place: tuple[int | str, ...] = (section, index)
                if loc:
                    place = (*place, {"verdict": "decision", "subject": "requirement"}.get(str(loc[0]), loc[0]))
                raise located.error(PipelineError, place, message) from None
            # Already logged: written back by a build, or taken in by 'profile review' (then without a time).
            if any(_same(decision, logged, timed=bool(item.get("decided_at"))) for logged in log):
                continue
            if decision not in edits:
                edits.append(decision)
    return edits


def _same(first: ReviewDecision, second: ReviewDecision, *, timed: bool) -> bool:
    """Whether two decisions say the same thing (made at the same time, if ``timed``).

    A proposal's members are not compared: the queue lists the proposal's current members, which may have
    changed since the decision recorded them.
    """
    update: dict[str, Any] = {"members": second.members}
    if not timed:
        update["decided_at"] = second.decided_at
    return first.model_copy(update=update) == second


def decided_labels(
    decisions: dict[str, ReviewDecision], requirements: RequirementSet, top: dict[str, str]
) -> list[Label]:
    """Labels from the decisions in force: what reviewers taught Group.

    ``top`` holds each requirement's first suggestion (what a plain "accept" accepts).
    """
    labels: list[Label] = []
    for subject, decision in decisions.items():
        if decision.is_proposal or subject not in requirements:
            continue
        requirement = requirements.get(subject)
        if decision.verdict is Verdict.REJECT:
            labels.append(Label(subject, requirement.standard, requirement.text, None, "review"))
            continue
        elements = decision.elements or ((top[subject],) if subject in top else ())
        labels.extend(Label(subject, requirement.standard, requirement.text, element, "review") for element in elements)
    return labels


def now() -> datetime:
    """The current time with its zone, to the second."""
    from datetime import UTC

    return datetime.now(UTC).replace(microsecond=0)


def learned_labels(paths: Sequence[Path]) -> list[Label]:
    """Labels from other builds' decision logs, each read with the review queue beside it (which holds the texts)."""
    labels: list[Label] = []
    for path in paths:
        if not path.exists():
            raise PipelineError("decisions file not found", where=str(path))
        decisions = current(load_decisions(path))
        queue = path.with_name(REVIEW_FILE)
        if not queue.exists():
            continue
        data = read_located(queue, PipelineError).data or {}
        texts = {
            item["requirement"]: item.get("text", "") for item in data.get("requirements", []) if "requirement" in item
        }
        for decision in decisions.values():
            text = texts.get(decision.subject)
            if not text or decision.is_proposal:
                continue
            standard = decision.subject.partition(":")[0]
            if decision.verdict is Verdict.REJECT:
                labels.append(Label(decision.subject, standard, text, None, "review"))
            labels.extend(Label(decision.subject, standard, text, element, "review") for element in decision.elements)
    return labels
