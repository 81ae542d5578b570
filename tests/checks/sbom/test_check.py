"""The SBOM check end to end: golden findings for every fixture SBOM, inventory only, and error attempts.

Set IOTPROFILE_UPDATE_SNAPSHOTS=1 to rewrite the golden files (tests/checks/sbom/golden/) after an intended
change, then review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from iotprofile.assessment.model import Verdict
from iotprofile.checks.interface import AttemptStatus, CheckTarget, InputKind, Limits
from iotprofile.checks.sbom import SbomCheck

HERE = Path(__file__).parent
FIXTURES = HERE.parent / "fixtures"
GOLDEN = HERE / "golden"
EXAMPLES = HERE.parents[2] / "examples"
UPDATE_ENV = "IOTPROFILE_UPDATE_SNAPSHOTS"
SBOMS = sorted(p.name for p in (FIXTURES / "sbom").iterdir())


def _run(path: Path, vulndb: Path | None = None, limits: Limits | None = None) -> Any:
    options = {"vulndb": str(vulndb)} if vulndb else {}
    return SbomCheck().run(CheckTarget(kind=InputKind.SBOM, path=path, options=options), limits or Limits())


def _stable(attempt: Any) -> dict[str, Any]:
    """What the golden files hold: everything but times, hashes' paths and timings."""
    facts = dict(attempt.facts)
    facts["vulndb"] = {k: v for k, v in facts["vulndb"].items() if k != "match_seconds"}
    return {
        "status": attempt.status.value,
        "facts": facts,
        "findings": [f.model_dump(mode="json", exclude_none=True) for f in attempt.findings],
        "inventory": [i.model_dump(mode="json", exclude_none=True) for i in attempt.inventory],
    }


def _golden(name: str, value: dict[str, Any]) -> None:
    text = json.dumps(value, indent=2, sort_keys=True) + "\n"
    path = GOLDEN / f"{name}.json"
    if os.environ.get(UPDATE_ENV) == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.is_file(), f"no golden file {path}: run the tests once with {UPDATE_ENV}=1"
    assert text.splitlines() == path.read_text(encoding="utf-8").splitlines(), (
        f"{name} differs; if intended, {UPDATE_ENV}=1"
    )


@pytest.mark.parametrize("name", SBOMS)
def test_golden_findings(name: str) -> None:
    attempt = _run(FIXTURES / "sbom" / name, FIXTURES / "vulndb")
    assert attempt.status is AttemptStatus.COMPLETED, attempt.reason
    _golden(name, _stable(attempt))


def test_router_example_with_example_vulndb() -> None:
    attempt = _run(EXAMPLES / "router" / "evidence" / "router-sbom.cdx.json", EXAMPLES / "vulndb")
    assert attempt.status is AttemptStatus.COMPLETED, attempt.reason
    _golden("example-router", _stable(attempt))
    rules = {(f.rule, f.data.get("id")) for f in attempt.findings}
    assert ("vuln.not-affected", "CVE-2024-9143") in rules  # the vendor's VEX, as in advisories/acme-vex-2026-001
    assert ("vuln.known", "CVE-2024-8376") in rules


def test_kev_finding_in_the_fixture_router() -> None:
    attempt = _run(FIXTURES / "sbom" / "router-1.4.cdx.json", FIXTURES / "vulndb")
    exploited = [f for f in attempt.findings if f.proposes is Verdict.NOT_SATISFIED]
    assert [(f.data["id"], f.elements, f.severity.value) for f in exploited] == [
        ("CVE-2024-1086", ("SU-2",), "critical")
    ]
    assert exploited[0].location is not None
    assert exploited[0].location.path == "linux@5.4.200"


def test_inventory_only_without_vulndb() -> None:
    attempt = _run(FIXTURES / "sbom" / "gateway-1.6.cdx.json")
    assert attempt.status is AttemptStatus.COMPLETED
    (finding,) = attempt.findings
    assert finding.rule == "sbom.inventory"
    assert finding.elements == ("AI-2", "DOC-1b")
    assert finding.proposes is None
    assert finding.data["components"] == 4
    assert finding.data["with_purl"] == 4
    assert attempt.facts["vulndb"] is None
    assert "no vulnerability data was used" in attempt.facts["vulndb_note"]
    assert len(attempt.inventory) == 4
    assert attempt.input.sha256 is not None
    assert "cyclonedx-python-lib" in attempt.tool_versions


def test_invalid_sbom_gives_an_error_attempt(tmp_path: Path) -> None:
    bad = tmp_path / "bad.cdx.json"
    bad.write_text('{"bomFormat": "CycloneDX", "specVersion": "1.2"}')
    attempt = _run(bad)
    assert attempt.status is AttemptStatus.ERROR
    assert attempt.reason is not None
    assert str(bad) in attempt.reason
    assert "not supported" in attempt.reason
    assert attempt.findings == ()


def test_bad_vulndb_gives_an_error_attempt(tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text('{"id": "X", "affected": [{"package": {}}]}')
    attempt = _run(FIXTURES / "sbom" / "router-1.4.cdx.json", tmp_path)
    assert attempt.status is AttemptStatus.ERROR
    assert attempt.reason is not None
    assert f"{tmp_path / 'x.json'} $.affected[0].package.ecosystem" in attempt.reason


def test_runner_input_limit_applies(tmp_path: Path) -> None:
    attempt = _run(FIXTURES / "sbom" / "router-1.4.cdx.json", limits=Limits(max_input_bytes=100))
    assert attempt.status is AttemptStatus.ERROR
    assert "over the 100-byte limit" in str(attempt.reason)


def test_missing_and_absent_files(tmp_path: Path) -> None:
    assert _run(tmp_path / "absent.json").status is AttemptStatus.ERROR
    attempt = SbomCheck().run(CheckTarget(kind=InputKind.SBOM), Limits())
    assert attempt.status is AttemptStatus.ERROR
    assert attempt.reason == "no SBOM file given"


def test_check_info() -> None:
    info = SbomCheck.info
    assert info.id == "sbom"
    assert info.inputs == (InputKind.SBOM,)
    assert {"AI-2", "DOC-1b", "SU-2", "ID-1d"} <= set(info.elements)
    assert info.network is False
