"""``iotprofile profile build`` and ``profile review``: every output, the review loop, and nothing ever lost.

A small router build (tests.factories.ROUTER_ROWS) is built into ``tmp_path``, reviewed with the CLI or by
editing review.yaml, and built again. Decisions are append-only; a build that fails on bad input leaves the
directory exactly as it was.
"""

from __future__ import annotations

import csv
import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from tests.factories import ROUTER_ROWS, build_config
from typer.testing import CliRunner, Result

from iotprofile.cli.app import app
from iotprofile.errors import ExitCode

runner = CliRunner()
INVALID = int(ExitCode.INVALID_INPUT)
PROFILE = "t-router-profile"
#: Near-identical to V3 ("The router must log administrator logins and configuration changes.").
SIMILAR_TO_V3 = ("V7", "The router shall log administrator logins and changes to its configuration.")


@pytest.fixture(autouse=True)
def _no_user_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IOTPROFILE_CATALOG_DIR", "")


def invoke(*args: str | Path) -> Result:
    return runner.invoke(app, [str(arg) for arg in args])


def ok(result: Result) -> Result:
    assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
    return result


def error_line(result: Result) -> str:
    assert result.exit_code == INVALID, (result.exit_code, result.stdout, result.stderr, result.exception)
    assert isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def build(config: Path, out: Path) -> None:
    ok(invoke("profile", "build", config, "-o", out))


def review(out: Path, subject: str, *options: str) -> None:
    ok(invoke("profile", "review", out, subject, *options))


def trace(out: Path) -> dict[str, list[tuple[str, str, str]]]:
    """Requirement ID -> its (element, decision, reviewer) rows in traceability.csv."""
    rows: dict[str, list[tuple[str, str, str]]] = {}
    with (out / "traceability.csv").open(encoding="utf-8", newline="") as stream:
        for row in csv.DictReader(stream):
            rows.setdefault(row["requirement_id"], []).append((row["element"], row["decision"], row["reviewer"]))
    return rows


def first_candidates(out: Path) -> dict[str, str | None]:
    """Requirement key -> Group's first candidate in group.jsonl (None: abstains)."""
    lines = [json.loads(line) for line in (out / "group.jsonl").read_text(encoding="utf-8").splitlines()]
    return {line["requirement"]: (line["candidates"][0]["element"] if line["candidates"] else None) for line in lines}


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def snapshot(out: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(out.iterdir()) if path.is_file()}


@pytest.fixture
def config(tmp_path: Path) -> Path:
    folder = tmp_path / "config"
    folder.mkdir()
    return build_config(folder, ROUTER_ROWS)


# --------------------------------------------------------------------------------------------------- outputs


def test_build_writes_every_output(config: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    summary = ok(invoke("profile", "build", config, "-o", out)).stdout
    assert "6 requirements from 1 standards (t-std)" in summary
    names = {path.relative_to(out).as_posix() for path in out.rglob("*")}
    assert {
        f"catalog/{PROFILE}.yaml", f"{PROFILE}.md", f"{PROFILE}.html", f"{PROFILE}.profile.oscal.json",
        "traceability.csv", "traceability.xlsx", "consolidation.json", "expansion.yaml", "group.jsonl",
        "strengths.csv", "review.yaml", "decisions.yaml",
    } <= names  # fmt: skip
    assert not [name for name in names if name.startswith(".")]  # no temporary file left behind
    assert ok(invoke("validate", out / "catalog" / f"{PROFILE}.yaml")).stdout.startswith("ok: ")
    oscal = json.loads((out / f"{PROFILE}.profile.oscal.json").read_text(encoding="utf-8"))
    assert "profile" in oscal
    sheet = openpyxl.load_workbook(out / "traceability.xlsx").active
    assert sheet is not None and sheet.max_row == 1 + sum(len(rows) for rows in trace(out).values())
    assert set(first_candidates(out)) == {f"t-std:{rid}" for rid, _ in ROUTER_ROWS}
    assert "DRAFT" in (out / f"{PROFILE}.md").read_text(encoding="utf-8")
    queue = load(out / "review.yaml")
    assert queue["pending"] == 6 and [item["decision"] for item in queue["requirements"]] == ["pending"] * 6
    assert load(out / "decisions.yaml") == {"format": "iotprofile/decisions/v1", "decisions": []}
    strengths = list(csv.DictReader((out / "strengths.csv").open(encoding="utf-8")))
    assert [row["strength"] for row in strengths] == ["SHALL", "SHALL", "SHALL", "SHOULD", "SHOULD", "SHALL"]
    report = json.loads((out / "consolidation.json").read_text(encoding="utf-8"))
    assert {"profile", "elements", "pairs"} <= set(report)


def test_the_built_profile_loads_from_a_catalog_dir(config: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(config, out)
    catalogs = out / "catalog"  # the build's own catalog folder works as a catalog directory as it is
    shown = json.loads(ok(invoke("--catalog-dir", catalogs, "catalog", "show", PROFILE, "-f", "json")).stdout)
    assert shown["id"] == PROFILE and shown["based_on"] == "nist-ir-8425"
    # The built profile is itself a target: it offers its base's elements.
    reqs = config.parent / "reqs.csv"
    lines = ok(invoke("--catalog-dir", catalogs, "profile", "group", reqs, "--profile", PROFILE, "-f", "jsonl"))
    assert json.loads(lines.stdout.splitlines()[1])["candidates"][0]["element"] == "IAC-1b"


def test_two_builds_are_identical(config: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    build(config, first)
    build(config, second)
    assert snapshot(first) == snapshot(second)
    # With the same decisions (and so the same timestamps, which the reviewer supplied), still identical.
    review(first, "t-std:V4", "--reject", "--by", "alice")
    review(first, "t-std:V3", "--override", "CSA-1", "--by", "bob")
    shutil.copy(first / "decisions.yaml", second / "decisions.yaml")
    build(config, first)
    build(config, second)
    assert snapshot(first) == snapshot(second)


# ----------------------------------------------------------------------------------------------- review loop


def test_review_decisions_are_kept_and_applied(config: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(config, out)
    before = trace(out)
    assert before["V3"] == [(before["V3"][0][0], "suggested", "")]
    review(out, "t-std:V1", "--accept", "--by", "alice", "--reason", "signed images are SU-1")
    review(out, "t-std:V3", "--override", "CSA-1", "--by", "bob", "--reason", "logging is state awareness")
    review(out, "t-std:V4", "--reject", "--by", "alice")
    review(out, "t-std:V5", "--reject", "--by", "alice")
    log = (out / "decisions.yaml").read_text(encoding="utf-8")
    build(config, out)
    after = trace(out)
    assert after["V1"] == [(before["V1"][0][0], "accepted", "alice")]
    assert after["V3"] == [("CSA-1", "overridden", "bob")]
    # Rejected: they leave their elements and go to Expand, which proposes one sub-outcome for both.
    expansion = load(out / "expansion.yaml")["proposals"]
    assert len(expansion) == 1
    (proposal,) = expansion
    assert [m["requirement"] for m in proposal["members"]] == ["t-std:V4", "t-std:V5"]
    assert after["V4"] == after["V5"] == [(proposal["id"], "suggested", "")]
    assert after["V2"][0][1] == after["V6"][0][1] == "suggested"
    # The log is append-only: the second build kept it as it was.
    assert (out / "decisions.yaml").read_text(encoding="utf-8") == log
    decisions = load(out / "decisions.yaml")["decisions"]
    assert [(d["subject"], d["verdict"], d["reviewer"]) for d in decisions] == [
        ("t-std:V1", "accept", "alice"),
        ("t-std:V3", "override", "bob"),
        ("t-std:V4", "reject", "alice"),
        ("t-std:V5", "reject", "alice"),
    ]
    queue = {item["requirement"]: item for item in load(out / "review.yaml")["requirements"]}
    assert queue["t-std:V3"]["decision"] == "override" and queue["t-std:V3"]["elements"] == ["CSA-1"]
    assert queue["t-std:V3"]["reason"] == "logging is state awareness"
    assert load(out / "review.yaml")["pending"] == 2


def test_a_later_decision_wins_and_the_earlier_stays(config: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(config, out)
    review(out, "t-std:V3", "--override", "CSA-1", "--by", "bob")
    review(out, "t-std:V3", "--override", "PC-1", "--by", "carol")
    build(config, out)
    assert trace(out)["V3"] == [("PC-1", "overridden", "carol")]
    decisions = load(out / "decisions.yaml")["decisions"]
    assert [(d["subject"], d["elements"]) for d in decisions] == [("t-std:V3", ["CSA-1"]), ("t-std:V3", ["PC-1"])]


def test_an_accepted_proposal_uses_the_reviewer_wording(config: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(config, out)
    for rid in ("V4", "V5"):
        review(out, f"t-std:{rid}", "--reject", "--by", "alice")
    build(config, out)
    (proposal,) = load(out / "expansion.yaml")["proposals"]
    wording = "The router's indicator lights can be switched off by the owner."
    review(out, f"proposal:{proposal['id']}", "--accept", "--by", "carol", "--statement", wording)
    build(config, out)
    added = {element["id"]: element for element in load(out / "catalog" / f"{PROFILE}.yaml")["elements"]}
    assert added[proposal["id"]]["text"] == wording
    assert added[proposal["id"]]["provenance"]["status"] == "user"
    assert wording in (out / f"{PROFILE}.md").read_text(encoding="utf-8")
    assert trace(out)["V4"] == [(proposal["id"], "accepted", "carol")]


def test_a_rejected_proposal_disappears(config: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(config, out)
    for rid in ("V4", "V5"):
        review(out, f"t-std:{rid}", "--reject", "--by", "alice")
    build(config, out)
    (proposal,) = load(out / "expansion.yaml")["proposals"]
    assert [e["id"] for e in load(out / "catalog" / f"{PROFILE}.yaml")["elements"]] == [proposal["id"]]
    review(out, f"proposal:{proposal['id']}", "--reject", "--by", "carol")
    build(config, out)
    assert load(out / "catalog" / f"{PROFILE}.yaml").get("elements", []) == []
    assert f"({proposal['id']})" not in (out / f"{PROFILE}.md").read_text(encoding="utf-8")
    assert "V4" not in trace(out) and "V5" not in trace(out)
    assert ok(invoke("profile", "build", config, "-o", out, "-f", "json")).stdout.count('"unplaced": 2') == 1


def test_draft_marker_only_while_a_row_is_merely_suggested(config: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(config, out)
    markdown = out / f"{PROFILE}.md"
    for rid in ("V1", "V2", "V3", "V6"):
        review(out, f"t-std:{rid}", "--accept", "--by", "alice")
    for rid in ("V4", "V5"):
        review(out, f"t-std:{rid}", "--reject", "--by", "alice")
    build(config, out)
    # Every requirement is decided, but the proposal drawn from V4 and V5 is not: still a draft.
    assert "DRAFT" in markdown.read_text(encoding="utf-8")
    (proposal,) = load(out / "expansion.yaml")["proposals"]
    review(out, f"proposal:{proposal['id']}", "--accept", "--by", "carol")
    build(config, out)
    assert "DRAFT" not in markdown.read_text(encoding="utf-8")
    assert {decision for rows in trace(out).values() for _, decision, _ in rows} == {"accepted"}


def test_decisions_typed_into_review_yaml_are_taken_in(config: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(config, out)
    queue = load(out / "review.yaml")
    for item in queue["requirements"]:
        if item["requirement"] == "t-std:V6":
            item.update(decision="override", elements=["IAC-1a", "PC-3"], reviewer="dana", reason="telnet")
        if item["requirement"] == "t-std:V2":
            item.update(decision="accept", reviewer="dana")
    (out / "review.yaml").write_text(yaml.safe_dump(queue, sort_keys=False), encoding="utf-8")
    build(config, out)
    decisions = load(out / "decisions.yaml")["decisions"]
    assert [(d["subject"], d["verdict"], d["reviewer"]) for d in decisions] == [
        ("t-std:V2", "accept", "dana"),
        ("t-std:V6", "override", "dana"),
    ]
    rows = trace(out)
    assert sorted(rows["V6"]) == [("IAC-1a", "overridden", "dana"), ("PC-3", "overridden", "dana")]
    assert rows["V2"] == [("IAC-1b", "accepted", "dana")]
    # Building again neither duplicates nor loses them.
    build(config, out)
    assert load(out / "decisions.yaml")["decisions"] == decisions


# ------------------------------------------------------------------------------------------------- feedback


def test_an_override_pulls_a_near_identical_requirement(tmp_path: Path) -> None:
    folder = tmp_path / "config"
    folder.mkdir()
    config = build_config(folder, [*ROUTER_ROWS, SIMILAR_TO_V3])
    out = tmp_path / "out"
    build(config, out)
    assert first_candidates(out)["t-std:V7"] != "CSA-1"
    review(out, "t-std:V3", "--override", "CSA-1", "--by", "bob")
    build(config, out)
    assert first_candidates(out)["t-std:V7"] == "CSA-1"
    assert trace(out)["V7"] == [("CSA-1", "suggested", "")]


def test_another_build_learns_from_decisions(config: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(config, out)
    review(out, "t-std:V3", "--override", "CSA-1", "--by", "bob")
    build(config, out)
    # A second build of another standard, learning from the first one's decisions.
    folder = tmp_path / "second"
    folder.mkdir()
    second = build_config(
        folder, [SIMILAR_TO_V3], standards=[{"file": "reqs.csv", "standard": "u-std"}],
        learn_from=[str(out / "decisions.yaml")],
    )  # fmt: skip
    build(second, tmp_path / "out2")
    assert first_candidates(tmp_path / "out2")["u-std:V7"] == "CSA-1"
    # And 'profile group --decisions' does the same.
    reqs = folder / "reqs.csv"
    without = json.loads(ok(invoke("profile", "group", reqs, "-f", "jsonl")).stdout)
    with_decisions = json.loads(
        ok(invoke("profile", "group", reqs, "-f", "jsonl", "--decisions", out / "decisions.yaml")).stdout
    )
    assert without["candidates"][0]["element"] != "CSA-1"
    assert with_decisions["candidates"][0]["element"] == "CSA-1"


# ---------------------------------------------------------------------------------------------- never lost


@pytest.fixture
def reviewed(config: Path, tmp_path: Path) -> Path:
    """A built and partially reviewed directory (decisions recorded, not yet built again)."""
    out = tmp_path / "out"
    build(config, out)
    review(out, "t-std:V3", "--override", "CSA-1", "--by", "bob")
    review(out, "t-std:V4", "--reject", "--by", "alice")
    return out


def test_a_failing_build_changes_nothing(config: Path, reviewed: Path) -> None:
    before = snapshot(reviewed)
    reqs = config.parent / "reqs.csv"
    reqs.write_text(reqs.read_text(encoding="utf-8") + "V1,A second V1.\n", encoding="utf-8")
    line = error_line(invoke("profile", "build", config, "-o", reviewed))
    assert "duplicate requirement ID 'V1'" in line
    assert snapshot(reviewed) == before


def test_a_bad_config_field_names_its_line_and_writes_nothing(config: Path, reviewed: Path) -> None:
    before = snapshot(reviewed)
    lines = config.read_text(encoding="utf-8").splitlines()
    number = next(n for n, text in enumerate(lines, start=1) if text.startswith("target:"))
    lines[number - 1] = "target: nist-ir-8425\ntop: 99"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    line = error_line(invoke("profile", "build", config, "-o", reviewed))
    assert f"build.yaml:{number + 1}" in line and "top" in line
    assert snapshot(reviewed) == before


def test_an_unknown_target_in_the_config_is_bad_input(config: Path, tmp_path: Path) -> None:
    config.write_text(config.read_text(encoding="utf-8").replace("nist-ir-8425", "nist-ir-9999"), encoding="utf-8")
    assert "nist-ir-9999" in error_line(invoke("profile", "build", config, "-o", tmp_path / "out"))
    assert not (tmp_path / "out").exists()


def test_review_refuses_an_unknown_override_element(reviewed: Path) -> None:
    before = snapshot(reviewed)
    line = error_line(invoke("profile", "review", reviewed, "t-std:V2", "--override", "XX-9", "--by", "bob"))
    assert "XX-9" in line
    # SU-3 is 8425A's, not 8425's (the build's target).
    assert "SU-3" in error_line(invoke("profile", "review", reviewed, "t-std:V2", "--override", "SU-3", "--by", "b"))
    assert snapshot(reviewed) == before


def test_review_refuses_an_unknown_subject_and_a_second_verdict(reviewed: Path) -> None:
    before = snapshot(reviewed)
    assert "t-std:V99" in error_line(invoke("profile", "review", reviewed, "t-std:V99", "--accept", "--by", "bob"))
    error_line(invoke("profile", "review", reviewed, "t-std:V2", "--accept", "--reject", "--by", "bob"))
    assert snapshot(reviewed) == before


def test_an_unknown_element_typed_into_review_yaml_writes_nothing(config: Path, reviewed: Path) -> None:
    queue = load(reviewed / "review.yaml")
    for item in queue["requirements"]:
        if item["requirement"] == "t-std:V6":
            item.update(decision="override", elements=["XX-9"], reviewer="dana")
    (reviewed / "review.yaml").write_text(yaml.safe_dump(queue, sort_keys=False), encoding="utf-8")
    before = snapshot(reviewed)
    line = error_line(invoke("profile", "build", config, "-o", reviewed))
    assert line.startswith("error: review.yaml") and "XX-9" in line
    assert snapshot(reviewed) == before


def test_a_plain_accept_keeps_the_element_the_reviewer_saw(tmp_path: Path) -> None:
    folder = tmp_path / "config"
    folder.mkdir()
    config = build_config(folder, [*ROUTER_ROWS, SIMILAR_TO_V3])
    out = tmp_path / "out"
    build(config, out)
    seen = first_candidates(out)["t-std:V7"]
    assert seen not in {None, "CSA-1"}
    review(out, "t-std:V7", "--accept", "--by", "alice")
    # This override makes Group rank CSA-1 first for V7 (see test_an_override_pulls_a_near_identical_requirement).
    review(out, "t-std:V3", "--override", "CSA-1", "--by", "bob")
    build(config, out)
    assert trace(out)["V7"] == [(seen, "accepted", "alice")]


def test_nothing_to_accept_where_group_abstains(tmp_path: Path) -> None:
    folder = tmp_path / "config"
    folder.mkdir()
    config = build_config(folder, [*ROUTER_ROWS, ("V8", "The LED should be blue.")])
    out = tmp_path / "out"
    build(config, out)
    assert first_candidates(out)["t-std:V8"] is None
    before = snapshot(out)
    line = error_line(invoke("profile", "review", out, "t-std:V8", "--accept", "--by", "alice"))
    assert "nothing to accept" in line and "--override" in line
    assert snapshot(out) == before


def test_a_hand_edit_does_not_come_back_over_a_later_decision(
    config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from iotprofile.profiles.build import review as review_module

    ticks = iter(range(10_000))
    monkeypatch.setattr(
        review_module, "now", lambda: datetime(2026, 11, 1, 12, 0, tzinfo=UTC) + timedelta(minutes=next(ticks))
    )
    out = tmp_path / "out"
    build(config, out)
    queue = load(out / "review.yaml")
    for item in queue["requirements"]:
        if item["requirement"] == "t-std:V6":
            item.update(decision="override", elements=["IAC-1a"], reviewer="dana")
    (out / "review.yaml").write_text(yaml.safe_dump(queue, sort_keys=False), encoding="utf-8")
    # The reviewer changes their mind on the command line (which takes the hand edit in first).
    review(out, "t-std:V6", "--override", "PC-3", "--by", "dana")
    build(config, out)
    assert trace(out)["V6"] == [("PC-3", "overridden", "dana")]
    decisions = load(out / "decisions.yaml")["decisions"]
    assert [(d["subject"], d["elements"]) for d in decisions] == [("t-std:V6", ["IAC-1a"]), ("t-std:V6", ["PC-3"])]


def test_a_proposal_decision_stays_with_its_requirements(tmp_path: Path) -> None:
    folder = tmp_path / "config"
    folder.mkdir()
    passwords = [
        ("P2", "Administrator passwords must contain letters and digits."),
        ("P3", "Administrator passwords must be changed at first login."),
    ]
    config = build_config(folder, [*ROUTER_ROWS, *passwords])
    out = tmp_path / "out"
    build(config, out)
    for rid in ("V4", "V5"):
        review(out, f"t-std:{rid}", "--reject", "--by", "alice")
    build(config, out)
    (leds,) = load(out / "expansion.yaml")["proposals"]
    review(out, f"proposal:{leds['id']}", "--accept", "--by", "carol", "--statement", "LEDs can be switched off.")
    # Three more rejections make a larger group under the same outcome, which Expand numbers first.
    for rid in ("V2", "P2", "P3"):
        review(out, f"t-std:{rid}", "--reject", "--by", "alice")
    build(config, out)
    members = {p["id"]: [m["requirement"] for m in p["members"]] for p in load(out / "expansion.yaml")["proposals"]}
    assert members[leds["id"]] == ["t-std:V4", "t-std:V5"]
    assert len(members) == 2 and len(set(members)) == 2
    texts = {element["id"]: element["text"] for element in load(out / "catalog" / f"{PROFILE}.yaml")["elements"]}
    assert texts[leds["id"]] == "LEDs can be switched off."
    assert [t for t in texts.values() if t == "LEDs can be switched off."] == ["LEDs can be switched off."]
    assert trace(out)["V4"] == [(leds["id"], "accepted", "carol")]
    assert trace(out)["P2"][0][1] == "suggested"


def test_rebuilding_never_duplicates_a_proposal_decision(config: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(config, out)
    for rid in ("V4", "V5"):
        review(out, f"t-std:{rid}", "--reject", "--by", "alice")
    build(config, out)
    (proposal,) = load(out / "expansion.yaml")["proposals"]
    review(out, f"proposal:{proposal['id']}", "--accept", "--by", "carol", "--reason", "owners asked for it")
    log = (out / "decisions.yaml").read_text(encoding="utf-8")
    build(config, out)
    build(config, out)
    # The queue shows the accepted proposal with its generated statement; reading it back is not a new decision.
    assert (out / "decisions.yaml").read_text(encoding="utf-8") == log
    (entry,) = load(out / "review.yaml")["proposals"]
    assert (entry["decision"], entry["reason"]) == ("accept", "owners asked for it")
    (added,) = load(out / "catalog" / f"{PROFILE}.yaml")["elements"]
    assert added["provenance"]["status"] == "generated"  # nobody wrote this wording
