"""The firmware check end to end: images built by the tests, with planted weaknesses, through the real runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.checks.firmware.builder import ImageFormat, build_image
from typer.testing import CliRunner

from iotprofile.assessment.model import Verdict
from iotprofile.checks.firmware.check import FirmwareCheck
from iotprofile.checks.interface import AttemptStatus, CheckTarget, Finding, InputKind, Limits
from iotprofile.cli.app import app

VULNDB = Path("tests/checks/fixtures/vulndb")

#: Planted weakness kind -> (finding rule, element it must prove not satisfied, or None for evidence).
EXPECTED = {
    "empty-password": ("firmware.credentials.empty-password", "IAC-1b"),
    "weak-password-hash": ("firmware.credentials.well-known-password", "IAC-1b"),
    "private-key": ("firmware.keys.private-key", "DP-1"),
    "telnet-enabled": ("firmware.services.telnet-enabled", "IAC-1a"),
    "unsigned-updates": ("firmware.update.signature-check-disabled", "SU-1"),
}


@pytest.fixture(scope="module")
def uimage(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_image(tmp_path_factory.mktemp("uimage"), ImageFormat.UIMAGE).path


@pytest.mark.slow
def test_every_planted_weakness_is_found_and_mapped(uimage: Path) -> None:
    attempt = FirmwareCheck().run(
        CheckTarget(kind=InputKind.FIRMWARE, path=uimage, options={"vulndb": str(VULNDB)}), Limits()
    )
    assert attempt.status is AttemptStatus.COMPLETED, attempt.reason
    by_rule: dict[str, list[Finding]] = {}
    for finding in attempt.findings:
        by_rule.setdefault(finding.rule, []).append(finding)
    for kind, (rule, element) in EXPECTED.items():
        assert rule in by_rule, f"planted {kind} not found as {rule}"
        finding = by_rule[rule][0]
        assert element in finding.elements
        assert finding.proposes is Verdict.NOT_SATISFIED
    names = {(item.name, item.version) for item in attempt.inventory}
    assert {("busybox", "1.19.4"), ("dropbear", "2012.55"), ("linux", "3.10.14")} <= names
    assert "vuln.known-exploited" in by_rule  # Dirty COW in the 3.10 kernel, listed by the KEV fixture
    assert attempt.facts["extraction"]["coverage"] > 0.9
    assert attempt.input.sha256 and attempt.input.size == uimage.stat().st_size
    assert "unblob" in attempt.tool_versions


def test_a_file_that_is_not_firmware_is_an_attempt_not_a_crash(tmp_path: Path) -> None:
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00\x01garbage" * 100)
    attempt = FirmwareCheck().run(CheckTarget(kind=InputKind.FIRMWARE, path=junk), Limits(timeout_s=60))
    assert attempt.status is AttemptStatus.COMPLETED
    coverage = [f for f in attempt.findings if f.rule == "firmware.extraction.coverage"]
    assert coverage
    assert "0 root filesystem(s)" in coverage[0].observed


def test_a_missing_image_is_an_error_attempt(tmp_path: Path) -> None:
    attempt = FirmwareCheck().run(CheckTarget(kind=InputKind.FIRMWARE, path=tmp_path / "nope.bin"), Limits())
    assert attempt.status is AttemptStatus.ERROR
    assert "nope.bin" in (attempt.reason or "")


@pytest.mark.slow
def test_scan_firmware_cli_sarif_and_cyclonedx(uimage: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    sarif = runner.invoke(app, ["scan", "firmware", str(uimage), "--format", "sarif", "--vulndb", str(VULNDB)])
    assert sarif.exit_code == 0, sarif.stderr
    results = json.loads(sarif.stdout)["runs"][0]["results"]
    assert any(result["ruleId"] == "firmware.services.telnet-enabled" for result in results)
    out = tmp_path / "fw.cdx.json"
    cdx = runner.invoke(app, ["scan", "firmware", str(uimage), "--format", "cyclonedx", "-o", str(out)])
    assert cdx.exit_code == 0, cdx.stderr
    bom = json.loads(out.read_text(encoding="utf-8"))
    assert bom["specVersion"] == "1.6"
    assert {"busybox", "dropbear", "linux"} <= {component["name"] for component in bom["components"]}


@pytest.mark.slow
def test_batch_on_local_workers_and_cluster_give_the_same_findings(tmp_path: Path, uimage: Path) -> None:
    from distributed import LocalCluster

    squash = build_image(tmp_path / "sq", ImageFormat.SQUASHFS).path
    runner = CliRunner()
    local = runner.invoke(app, ["scan", "batch", str(uimage), str(squash), "--workers", "2", "--format", "json"])
    assert local.exit_code == 0, local.stderr
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        remote = runner.invoke(app, ["scan", "batch", str(uimage), str(squash), "--cluster",
                                     cluster.scheduler_address, "--format", "json"])  # fmt: skip
    assert remote.exit_code == 0, remote.stderr

    def rules(text: str) -> list[list[str]]:
        return [sorted(f["rule"] for f in attempt["findings"]) for attempt in json.loads(text)]

    assert rules(local.stdout) == rules(remote.stdout)
    assert "firmware.services.telnet-enabled" in rules(local.stdout)[1]
    # Both images carry the builder's fixed key: the batch sees it is shared, and says so in each image.
    for found in rules(local.stdout):
        assert "firmware.keys.shared-private-key" in found
