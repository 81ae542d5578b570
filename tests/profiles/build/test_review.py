"""Review: the append-only decision log, decisions typed into review.yaml, and whole-or-nothing writes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.factories import requirement

from iotprofile.errors import PipelineError
from iotprofile.profiles.build import review
from iotprofile.profiles.build.requirements import RequirementSet
from iotprofile.profiles.build.review import (
    ReviewDecision,
    Verdict,
    atomic_write,
    current,
    decided_labels,
    load_decisions,
    review_edits,
    save_decisions,
)

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """``now()`` moves on a minute per call, from 12:00, so 'when' is never the same twice by accident."""
    ticks = iter(range(10_000))
    monkeypatch.setattr(
        review, "now", lambda: datetime(2026, 11, 1, 12, 0, tzinfo=UTC) + timedelta(minutes=next(ticks))
    )


def decision(subject: str, verdict: str, *elements: str, minute: int = 0, **changes: Any) -> ReviewDecision:
    data: dict[str, Any] = {
        "subject": subject,
        "verdict": verdict,
        "elements": elements,
        "reviewer": "alice",
        "decided_at": T0 + timedelta(minutes=minute),
    }
    data.update(changes)
    return ReviewDecision.model_validate(data)


def test_decisions_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "decisions.yaml"
    assert load_decisions(path) == []
    log = [decision("s:R1", "override", "CSA-1", reason="logs"), decision("proposal:SU-3", "accept", statement="X")]
    save_decisions(path, log)
    assert load_decisions(path) == log
    assert [p.name for p in tmp_path.iterdir()] == ["decisions.yaml"]


def test_a_bad_decision_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "decisions.yaml"
    save_decisions(path, [decision("s:R1", "accept"), decision("s:R2", "reject")])
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(n for n, line in enumerate(lines, start=1) if "verdict: reject" in line)
    lines[number - 1] = lines[number - 1].replace("reject", "maybe")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(PipelineError) as caught:
        load_decisions(path)
    assert caught.value.where == f"{path}:{number}"


def test_not_a_decisions_file(tmp_path: Path) -> None:
    path = tmp_path / "decisions.yaml"
    path.write_text("format: something/else\n", encoding="utf-8")
    with pytest.raises(PipelineError, match="not a decisions file"):
        load_decisions(path)


def test_override_needs_elements_and_reject_takes_none() -> None:
    with pytest.raises(ValueError, match="override names"):
        decision("s:R1", "override")
    with pytest.raises(ValueError, match="rejection names no elements"):
        decision("s:R1", "reject", "DP-1")


def test_the_latest_decision_is_in_force() -> None:
    first, later = decision("s:R1", "override", "DP-1", minute=5), decision("s:R1", "override", "DP-2", minute=1)
    other = decision("s:R2", "reject", minute=3)
    in_force = current([first, later, other])
    assert in_force == {"s:R1": first, "s:R2": other}
    # The same time: the one recorded last wins.
    again = decision("s:R1", "reject", minute=5)
    assert current([first, again])["s:R1"] == again


def test_atomic_write_leaves_the_old_file_when_interrupted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "review.yaml"
    path.write_text("old\n", encoding="utf-8")

    def broken(self: Path, target: Path) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(Path, "replace", broken)
    with pytest.raises(OSError, match="disk full"):
        atomic_write(path, "new\n")
    assert path.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["review.yaml"]


def queue(tmp_path: Path, *items: dict[str, Any], proposals: tuple[dict[str, Any], ...] = ()) -> Path:
    path = tmp_path / "review.yaml"
    data = {"format": "iotprofile/review-queue/v1", "requirements": list(items), "proposals": list(proposals)}
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


SUGGESTED = [{"element": "PC-1", "score": 0.3}, {"element": "CSA-1", "score": 0.2}]


def test_review_edits_take_decided_items_only(tmp_path: Path) -> None:
    path = queue(
        tmp_path,
        {"requirement": "s:R1", "suggestions": SUGGESTED, "decision": "pending"},
        {"requirement": "s:R2", "suggestions": SUGGESTED, "decision": "override", "elements": ["CSA-1"],
         "reviewer": "dana", "reason": "logs"},
        {"requirement": "s:R3", "suggestions": SUGGESTED, "decision": "reject", "reviewer": "dana"},
        proposals=({"id": "SU-3", "decision": "accept", "reviewer": "dana", "statement": "Keep settings."},),
    )  # fmt: skip
    edits = review_edits(path, [])
    assert [(d.subject, d.verdict, d.elements, d.reviewer) for d in edits] == [
        ("s:R2", Verdict.OVERRIDE, ("CSA-1",), "dana"),
        ("s:R3", Verdict.REJECT, (), "dana"),
        ("proposal:SU-3", Verdict.ACCEPT, (), "dana"),
    ]
    assert edits[0].reason == "logs" and edits[2].statement == "Keep settings."


def test_a_plain_accept_records_the_suggestion_the_reviewer_saw(tmp_path: Path) -> None:
    # "accept" means the first suggestion in review.yaml; it is recorded by name, so a later re-grouping that
    # ranks another element first does not move the requirement the reviewer accepted.
    path = queue(tmp_path, {"requirement": "s:R1", "suggestions": SUGGESTED, "decision": "accept", "reviewer": "d"})
    (edit,) = review_edits(path, [])
    assert edit.elements == ("PC-1",)


def test_an_edit_already_in_the_log_is_not_taken_again(tmp_path: Path) -> None:
    item = {"requirement": "s:R1", "suggestions": SUGGESTED, "decision": "override", "elements": ["CSA-1"],
            "reviewer": "dana"}  # fmt: skip
    path = queue(tmp_path, item)
    log = review_edits(path, [])
    # 'profile review' took the edit in; the reviewer then changed their mind on the command line.
    log.append(decision("s:R1", "override", "DP-1", minute=24 * 60))
    # review.yaml still holds the old edit, without a time: it is the logged one, not a new decision.
    assert review_edits(path, log) == []
    assert current(log)["s:R1"].elements == ("DP-1",)


def test_an_edit_naming_a_bad_verdict_names_its_line(tmp_path: Path) -> None:
    path = queue(tmp_path, {"requirement": "s:R1", "decision": "maybe", "reviewer": "dana"})
    with pytest.raises(PipelineError) as caught:
        review_edits(path, [])
    line = path.read_text(encoding="utf-8").splitlines().index("  decision: maybe") + 1
    assert caught.value.where == f"{path}:{line}"
    assert "decision" in caught.value.message


def test_an_edit_without_a_reviewer_is_refused(tmp_path: Path) -> None:
    path = queue(tmp_path, {"requirement": "s:R1", "decision": "reject"})
    with pytest.raises(PipelineError, match="reviewer"):
        review_edits(path, [])


def test_decided_labels_teach_group() -> None:
    reqs = RequirementSet.of([requirement("R1", "Log logins."), requirement("R2", "LEDs."), requirement("R3", "Keys.")])
    in_force = {
        "t-std:R1": decision("t-std:R1", "override", "CSA-1", "PC-1"),
        "t-std:R2": decision("t-std:R2", "reject"),
        "t-std:R3": decision("t-std:R3", "accept"),
        "t-std:R9": decision("t-std:R9", "accept", "DP-1"),  # not in this build: teaches nothing
        "proposal:SU-3": decision("proposal:SU-3", "accept"),
    }
    labels = decided_labels(in_force, reqs, {"t-std:R3": "DP-1"})
    assert sorted((label.key, label.element) for label in labels) == [
        ("t-std:R1", "CSA-1"),
        ("t-std:R1", "PC-1"),
        ("t-std:R2", None),
        ("t-std:R3", "DP-1"),
    ]
    assert {label.origin for label in labels} == {"review"}
