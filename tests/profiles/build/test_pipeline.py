"""The pipeline in one call (run_build) and the Tailor step, without the CLI."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from tests.factories import ROUTER_ROWS, build_config, requirements_csv

from iotprofile.errors import PipelineError
from iotprofile.profiles.build.config import load_config
from iotprofile.profiles.build.expand import Proposal
from iotprofile.profiles.build.labels import Target
from iotprofile.profiles.build.pipeline import BuildResult, _keep_decided_ids, run_build
from iotprofile.profiles.build.review import ReviewDecision, Verdict
from iotprofile.profiles.build.trace import Decision
from iotprofile.services import Workspace

EXAMPLE = Path(__file__).parents[3] / "examples" / "profile-build" / "router.yaml"


@pytest.fixture(scope="module")
def example(workspace: Workspace, tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return run_build(workspace, load_config(EXAMPLE), tmp_path_factory.mktemp("example"))


def test_tailoring_rules_replace_the_product_term(workspace: Workspace, tmp_path: Path) -> None:
    result = run_build(workspace, load_config(build_config(tmp_path, ROUTER_ROWS)), tmp_path / "out")
    rules = [(rule.replace, rule.with_) for rule in result.profile.tailoring.rules] if result.profile.tailoring else []
    assert rules == [("an IoT product", "a test router product"), ("IoT product", "test router product")]
    assert result.profile.based_on == "nist-ir-8425" and result.profile.built_from == ("t-std",)
    dp1 = result.resolved.get("DP-1")
    assert dp1 is not None and "test router product" in (dp1.text or "") and "IoT product" not in (dp1.text or "")


def test_an_element_column_is_taken_as_given(workspace: Workspace, tmp_path: Path) -> None:
    build_config(tmp_path, ())
    requirements_csv(
        tmp_path / "reqs.csv",
        [("G1", "Logs are kept for a year.", "CSA-1"), ("G2", "Passwords are at least 12 characters long.", "")],
        header=("id", "text", "element"),
    )
    result = run_build(workspace, load_config(tmp_path / "build.yaml"), tmp_path / "out")
    assert result.placements["t-std:G1"].elements == ("CSA-1",)
    assert result.placements["t-std:G1"].decision is Decision.GIVEN
    assert result.placements["t-std:G2"].decision is Decision.SUGGESTED
    assert [(row.element, row.decision) for row in result.trace if row.requirement == "t-std:G1"] == [
        ("CSA-1", Decision.GIVEN)
    ]


def test_an_unknown_element_in_the_element_column(workspace: Workspace, tmp_path: Path) -> None:
    build_config(tmp_path, ())
    requirements_csv(tmp_path / "reqs.csv", [("G1", "Logs are kept.", "XX-9")], header=("id", "text", "element"))
    with pytest.raises(PipelineError) as caught:
        run_build(workspace, load_config(tmp_path / "build.yaml"), tmp_path / "out")
    assert "'XX-9'" in caught.value.message and caught.value.where == f"{tmp_path / 'reqs.csv'} row 2"
    assert not (tmp_path / "out").exists()


def test_the_shipped_example_builds(example: BuildResult) -> None:
    assert example.requirements.standards == ("bbf-tr-124-i8", "etsi-en-303-645", "acme-router-baseline-2026")
    relations = {
        frozenset((pair.a, pair.b)): pair
        for item in example.consolidation
        for pair in item.pairs
        if pair.a.startswith("acme") and pair.b.startswith("acme")
    }
    tls = relations.get(frozenset(("acme-router-baseline-2026:ACME-1", "acme-router-baseline-2026:ACME-2")))
    assert tls is not None and tls.relation.value == "stricter" and tls.stricter == "acme-router-baseline-2026:ACME-2"
    telnet = relations.get(frozenset(("acme-router-baseline-2026:ACME-5", "acme-router-baseline-2026:ACME-6")))
    assert telnet is not None and telnet.relation.value == "contradictory"
    # Every trace row names an element the resolved profile offers, and every requirement is traced or left over.
    assert all(row.element in example.resolved for row in example.trace)
    traced = {row.requirement for row in example.trace}
    members = {key for proposal in example.proposals for key in proposal.members}
    assert traced | set(example.leftovers) == {r.key for r in example.requirements}
    assert members <= set(example.leftovers)


@pytest.mark.xfail(
    strict=True,
    reason="Group (group.py, not changed here) places 'The router's LEDs should be dimmable from the app.' under "
    "DP-1 at 0.11, on the single term 'app' shared with OWASP MASVS privacy requirements; reported",
)
def test_the_example_led_requirement_is_left_out(example: BuildResult) -> None:
    assert example.suggestions["acme-router-baseline-2026:ACME-14"].abstained


def proposal(id: str, *members: str) -> Proposal:
    return Proposal(id=id, parent=id.rsplit("-", 1)[0], statement="s", members=members, topic="t", terms=())


def proposal_decision(id: str, verdict: str, *members: str) -> ReviewDecision:
    return ReviewDecision(
        subject=f"proposal:{id}",
        verdict=Verdict(verdict),
        reviewer="carol",
        decided_at=datetime(2026, 11, 1, tzinfo=UTC),
        members=members,
    )


def test_decided_proposal_ids_follow_their_members(target_8425: Target) -> None:
    # Expand now numbers a new, larger group IAC-3; the accepted IAC-3 (LEDs) is numbered IAC-4.
    fresh = [proposal("IAC-3", "s:P1", "s:P2", "s:P3"), proposal("IAC-4", "s:L1", "s:L2")]
    decisions = {"proposal:IAC-3": proposal_decision("IAC-3", "accept", "s:L1", "s:L2")}
    kept = {p.id: p.members for p in _keep_decided_ids(fresh, decisions, target_8425)}
    assert kept == {"IAC-3": ("s:L1", "s:L2"), "IAC-4": ("s:P1", "s:P2", "s:P3")}


def test_a_decided_id_whose_members_went_elsewhere_is_not_reused(target_8425: Target) -> None:
    # SU-3 was rejected; its requirements were then placed. A new group must not inherit the rejection.
    fresh = [proposal("SU-3", "s:N1", "s:N2")]
    decisions = {"proposal:SU-3": proposal_decision("SU-3", "reject", "s:R1", "s:R2")}
    (kept,) = _keep_decided_ids(fresh, decisions, target_8425)
    assert kept.id == "SU-4" and kept.members == ("s:N1", "s:N2")
