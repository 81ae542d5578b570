"""analyse_root on planted trees: golden findings, the verdicts each planted weakness proves, and a clean tree.

Set IOTPROFILE_UPDATE_SNAPSHOTS=1 to rewrite golden/router.json after an intended change, and review the diff.
"""

from __future__ import annotations

import json
import os
import re
from datetime import date
from pathlib import Path

import pytest
from tests.checks.firmware.analyse.firmware_trees import MD5_ADMIN, clean_tree, router_tree

from iotprofile.assessment.model import Verdict
from iotprofile.checks.firmware.analyse import RootAnalysis, analyse_root
from iotprofile.checks.firmware.analyse.credentials import _crypt
from iotprofile.checks.interface import Limits, Severity

GOLDEN = Path(__file__).parent / "golden"
UPDATE_ENV = "IOTPROFILE_UPDATE_SNAPSHOTS"
TODAY = date(2026, 1, 1)


@pytest.fixture(scope="module")
def router(tmp_path_factory: pytest.TempPathFactory) -> RootAnalysis:
    root = router_tree(tmp_path_factory.mktemp("router") / "rootfs")
    return analyse_root(root, limits=Limits(), today=TODAY)


def by_rule(analysis: RootAnalysis, rule: str) -> list:  # type: ignore[type-arg]
    return [f for f in analysis.findings if f.rule == rule]


@pytest.mark.skipif(_crypt() is None, reason="crypt(3) is not available to verify the planted password")
def test_router_matches_golden(router: RootAnalysis) -> None:
    actual = json.dumps(router.model_dump(mode="json"), indent=2, sort_keys=True) + "\n"
    golden = GOLDEN / "router.json"
    if os.environ.get(UPDATE_ENV):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(actual)
    assert actual == golden.read_text()


@pytest.mark.parametrize(
    ("rule", "element", "etsi", "path"),
    [
        ("firmware.services.telnet-enabled", "IAC-1a", "5.6-1", "etc/inittab"),
        ("firmware.credentials.empty-password", "IAC-1b", "5.1-1", "etc/passwd"),
        ("firmware.credentials.well-known-password", "IAC-1b", "5.1-1", "etc/passwd"),
        ("firmware.keys.private-key", "DP-1", "5.4-3", "etc/ssl/private/device.pem"),
        ("firmware.services.upnp-wan", "IAC-2b", "5.6-1", "etc/config/upnpd"),
        ("firmware.update.signature-check-disabled", "SU-1", "5.3-10", "etc/opkg.conf"),
        ("firmware.update.unverified-plain-feed", "SU-1", "5.3-10", "etc/opkg/distfeeds.conf"),
        ("firmware.kernel.end-of-life", "SU-2", "5.3-8", "boot/vmlinux-3.10.14"),
    ],
)
def test_planted_failures_propose_not_satisfied(
    router: RootAnalysis, rule: str, element: str, etsi: str, path: str
) -> None:
    if rule == "firmware.credentials.well-known-password" and _crypt() is None:
        pytest.skip("crypt(3) is not available")
    proven = [f for f in by_rule(router, rule) if f.proposes is Verdict.NOT_SATISFIED]
    assert len(proven) == 1, [f.rule for f in router.findings]
    finding = proven[0]
    assert element in finding.elements
    assert etsi in finding.etsi
    assert finding.location is not None and finding.location.path == path


def test_evidence_only_findings_propose_nothing(router: RootAnalysis) -> None:
    for rule in ("firmware.services.ftp-enabled", "firmware.services.tftp-available", "firmware.keys.weak-key",
                 "firmware.credentials.weak-hash", "firmware.services.http-without-tls"):  # fmt: skip
        found = by_rule(router, rule)
        assert found, rule
        assert all(f.proposes is None for f in found), rule
    # A key under usr/share/doc is reported, but does not prove anything.
    doc_key = [f for f in by_rule(router, "firmware.keys.private-key") if "usr/share/doc" in str(f.location)]
    assert len(doc_key) == 1 and doc_key[0].proposes is None
    # An empty password on an account without a login shell proves nothing either.
    nobody = [f for f in by_rule(router, "firmware.credentials.empty-password") if f.data["user"] == "nobody"]
    assert nobody[0].proposes is None and nobody[0].severity is Severity.LOW


def test_recovered_password_never_reported(router: RootAnalysis) -> None:
    text = json.dumps(router.model_dump(mode="json"))
    assert not re.search(r"\badmin\b", text)  # the planted password
    assert MD5_ADMIN not in text  # nor its hash
    known = by_rule(router, "firmware.credentials.well-known-password")
    if known:
        assert known[0].data["password_length"] == 5
        assert "length 5" in known[0].observed


def test_inventory_from_version_strings_and_package_db(router: RootAnalysis) -> None:
    found = {(i.name, i.version, i.how): i for i in router.inventory}
    assert found["busybox", "1.19.4", "version-string"].cpe == "cpe:2.3:a:busybox:busybox:1.19.4:*:*:*:*:*:*:*"
    assert found["busybox", "1.19.4", "version-string"].purl == "pkg:generic/busybox@1.19.4"
    assert found["openssl", "1.0.2k", "version-string"].cpe == "cpe:2.3:a:openssl:openssl:1.0.2k:*:*:*:*:*:*:*"
    assert ("dropbear", "2012.55", "version-string") in found
    linux = found["linux", "3.10.14", "version-string"]
    assert linux.cpe == "cpe:2.3:o:linux:linux_kernel:3.10.14:*:*:*:*:*:*:*"
    assert found["dnsmasq", "2.80-1", "package-db"].purl == "pkg:generic/opkg/dnsmasq@2.80-1?arch=mips_24kc"
    assert not any(i.name == "removed-thing" for i in router.inventory)


def test_inventory_is_evidence_for_ai2_and_doc1b(router: RootAnalysis) -> None:
    (summary,) = by_rule(router, "firmware.inventory.components")
    assert summary.elements == ("AI-2", "DOC-1b") and summary.proposes is None
    assert summary.data["count"] == len(router.inventory)


def test_kernel_facts(router: RootAnalysis) -> None:
    assert router.facts["kernel_versions"] == ["3.10.14"]
    (kernel,) = router.facts["kernel"]["kernels"]
    assert kernel["series"] == "3.10"
    assert kernel["built"] == "2019-03-05"
    assert kernel["series_eol"] == "2017-11-04"


def test_clean_tree_has_no_failures(tmp_path: Path) -> None:
    analysis = analyse_root(clean_tree(tmp_path / "rootfs"), limits=Limits(), today=TODAY)
    assert [f.rule for f in analysis.findings] == ["firmware.inventory.components", "firmware.update.verification-keys"]
    assert all(f.proposes is None for f in analysis.findings)
    assert analysis.facts["update"]["opkg_signature_check"] is True
    assert analysis.facts["update"]["sysupgrade_signature_scripts"] == ["lib/upgrade/common.sh"]
    assert [(i.name, i.version) for i in analysis.inventory] == [("linux", "6.6.30")]
    assert analysis.facts["kernel"]["kernels"][0]["series_eol_basis"] == "kernel.org long-term end of life"


def test_dpkg_status_and_apt_settings(tmp_path: Path) -> None:
    from tests.checks.firmware.analyse.firmware_trees import write

    root = tmp_path / "rootfs"
    write(root, "etc/os-release", 'NAME="Ubuntu"\nID=ubuntu\n')
    write(
        root,
        "var/lib/dpkg/status",
        "Package: openssl\nStatus: install ok installed\nArchitecture: armhf\nVersion: 3.0.2-0ubuntu1.10\n"
        "Description: tools\n continued line\n\nPackage: gone\nStatus: deinstall ok config-files\nVersion: 1\n",
    )
    write(root, "etc/apt/apt.conf.d/99insecure", 'APT::Get::AllowUnauthenticated "true";\n')
    write(root, "etc/apt/sources.list", "deb [trusted=yes] http://mirror.example/ubuntu jammy main\n")
    analysis = analyse_root(root, limits=Limits(), today=TODAY)
    assert [(i.name, i.purl) for i in analysis.inventory] == [
        ("openssl", "pkg:deb/ubuntu/openssl@3.0.2-0ubuntu1.10?arch=armhf")
    ]
    rules = {f.rule: f for f in analysis.findings}
    assert rules["firmware.update.apt-unauthenticated"].proposes is Verdict.NOT_SATISFIED
    assert rules["firmware.update.apt-trusted-source"].location.line == 1  # type: ignore[union-attr]
