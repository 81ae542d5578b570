"""Scoring Group honestly: leave one standard out, train on the rest, score the one left out.

Metrics (over the held-out standard's requirements):

* ``top1_outcome``: the best candidate's outcome is the outcome of one of the requirement's labels;
* ``top1_element`` / ``top3_element``: one of the labels is the best candidate / among the first three (exact leaf,
  e.g. IAC-1b);
* ``top3_sub_outcome``: the same at sub-outcome level (IAC-1b counts as IAC-1);
* ``abstention_precision``: of the requirements Group abstained on, the share its authors also found nothing for;
* ``abstention_recall``: of the requirements labeled "nothing fits", the share Group abstained on.

Requirements labeled only "nothing fits" count in the abstention figures, not in the accuracy figures.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from iotprofile.profiles.build.group import Grouper, GroupSettings, Suggestion
from iotprofile.profiles.build.labels import Label, Target, labels_by_key, without_standard
from iotprofile.profiles.build.requirements import Requirement


@dataclass(frozen=True)
class GroupScore:
    """Group's figures on one held-out standard (or all of them pooled)."""

    standard: str
    requirements: int
    top1_outcome: float
    top1_element: float
    top3_element: float
    top3_sub_outcome: float
    abstention_precision: float | None
    abstention_recall: float | None
    seconds: float

    @property
    def per_second(self) -> float:
        """Requirements grouped per second (model fitted beforehand)."""
        return self.requirements / self.seconds if self.seconds else float("inf")


def sub_outcome(element: str) -> str:
    """``IAC-1b`` -> ``IAC-1``; ``PEA-1.3`` -> ``PEA-1``; ``DP-1`` stays."""
    match = re.fullmatch(r"([A-Z]+-\d+)(?:[a-z]|\.\d+)", element)
    return match.group(1) if match else element


def score(
    target: Target, suggestions: Sequence[Suggestion], gold: dict[str, set[str | None]], standard: str, seconds: float
) -> GroupScore:
    """Figures for ``suggestions`` against ``gold`` (requirement key -> labeled elements)."""
    mapped = [s for s in suggestions if gold.get(s.requirement, set()) - {None}]
    n = len(mapped) or 1

    def share(hit: Callable[[Suggestion, set[str]], bool]) -> float:
        return sum(hit(s, {g for g in gold[s.requirement] if g}) for s in mapped) / n

    def outcome(element: str) -> str:
        return target.outcome_of.get(element, element)

    abstained = [s for s in suggestions if s.abstained]
    none_labeled = [s for s in suggestions if gold.get(s.requirement) == {None}]
    return GroupScore(
        standard=standard,
        requirements=len(suggestions),
        top1_outcome=share(
            lambda s, g: bool(s.candidates) and outcome(s.candidates[0].element) in {outcome(x) for x in g}
        ),
        top1_element=share(lambda s, g: bool(s.candidates) and s.candidates[0].element in g),
        top3_element=share(lambda s, g: any(c.element in g for c in s.candidates[:3])),
        top3_sub_outcome=share(
            lambda s, g: any(sub_outcome(c.element) in {sub_outcome(x) for x in g} for c in s.candidates[:3])
        ),
        abstention_precision=(
            sum(gold.get(s.requirement) == {None} for s in abstained) / len(abstained) if abstained else None
        ),
        abstention_recall=(sum(s.abstained for s in none_labeled) / len(none_labeled) if none_labeled else None),
        seconds=seconds,
    )


def held_out_requirements(labels: Sequence[Label], standard: str) -> list[Requirement]:
    """The labeled requirements of one standard, as requirements (one per key)."""
    seen: dict[str, Requirement] = {}
    for label in labels:
        if label.standard == standard and label.key not in seen:
            seen[label.key] = Requirement(
                standard=standard, id=label.key.partition(":")[2], text=label.text, location=label.origin
            )
    return list(seen.values())


def leave_one_standard_out(
    target: Target,
    labels: Sequence[Label],
    *,
    settings: GroupSettings | None = None,
    baseline: Callable[[Target, Sequence[Requirement]], list[Suggestion]] | None = None,
) -> list[GroupScore]:
    """A score per standard with labels, each scored by a model that never saw that standard's labels."""
    gold = labels_by_key(labels)
    scores: list[GroupScore] = []
    for standard in sorted({label.standard for label in labels}):
        requirements = held_out_requirements(labels, standard)
        if baseline is not None:
            start = time.perf_counter()
            suggestions = baseline(target, requirements)
        else:
            grouper = Grouper(target, without_standard(labels, standard), settings or GroupSettings())
            start = time.perf_counter()
            suggestions = grouper.suggest(requirements, top=3, explain=False)
        scores.append(score(target, suggestions, gold, standard, time.perf_counter() - start))
    return scores


def pooled(scores: Sequence[GroupScore]) -> GroupScore:
    """All held-out standards together, weighted by their number of requirements."""
    total = sum(item.requirements for item in scores) or 1

    def mean(field: str) -> float:
        return float(sum(getattr(item, field) * item.requirements for item in scores)) / total

    def mean_optional(field: str) -> float | None:
        values = [(getattr(item, field), item.requirements) for item in scores if getattr(item, field) is not None]
        weight = sum(count for _, count in values)
        return sum(value * count for value, count in values) / weight if weight else None

    return GroupScore(
        standard="all",
        requirements=total,
        top1_outcome=mean("top1_outcome"),
        top1_element=mean("top1_element"),
        top3_element=mean("top3_element"),
        top3_sub_outcome=mean("top3_sub_outcome"),
        abstention_precision=mean_optional("abstention_precision"),
        abstention_recall=mean_optional("abstention_recall"),
        seconds=sum(item.seconds for item in scores),
    )
