"""Matching an inventory against OSV/NVD records: range boundaries, CPE semantics, aliases, KEV and VEX."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.checks.vulndb.builders import cpe_match, item, kev, nvd, osv, write_db

from iotprofile.assessment.model import Verdict
from iotprofile.checks.interface import Severity
from iotprofile.checks.vulndb import match_inventory

BUSYBOX = "cpe:2.3:a:busybox:busybox:*:*:*:*:*:*:*:*"


def _ids(findings: list) -> list[str]:  # type: ignore[type-arg]
    return [f.data["id"] for f in findings]


@pytest.mark.parametrize(
    ("version", "hit"),
    [("0.9", False), ("1.0", True), ("1.5", True), ("2.0", False), ("2.5", True), ("3.0", True), ("3.0.1", False)],
)
def test_osv_introduced_fixed_and_last_affected(tmp_path: Path, version: str, hit: bool) -> None:
    events = [{"introduced": "1.0"}, {"fixed": "2.0"}, {"introduced": "2.5"}, {"last_affected": "3.0"}]
    db = write_db(tmp_path, {"a.json": osv("OSV-1", events=events, aliases=["CVE-2024-0001"])})
    assert bool(match_inventory([item(version=version)], db)) is hit


def test_introduced_zero_and_open_end(tmp_path: Path) -> None:
    db = write_db(tmp_path, {"a.json": osv("OSV-1", events=[{"introduced": "0"}])})
    assert _ids(match_inventory([item(version="0.0.1"), item(version="99.0")], db)) == ["OSV-1", "OSV-1"]


def test_versions_list_and_git_ranges(tmp_path: Path) -> None:
    record = osv("OSV-1", events=[{"introduced": "0"}, {"fixed": "abc123"}], range_type="GIT", versions=["1.2.3"])
    db = write_db(tmp_path, {"a.json": record})
    assert db.advisories[0].skipped_git_ranges == 1
    assert _ids(match_inventory([item(version="1.2.3")], db)) == ["OSV-1"]
    assert match_inventory([item(version="1.2.4")], db) == []


def test_namespace_and_type_must_match(tmp_path: Path) -> None:
    db = write_db(tmp_path, {"a.json": osv("OSV-1", purl="pkg:generic/acme/demo", events=[{"introduced": "0"}])})
    assert match_inventory([item(version="1.0")], db) == []
    assert match_inventory([item(version="1.0", purl="pkg:generic/other/demo@1.0")], db) == []
    assert match_inventory([item(version="1.0", purl="pkg:npm/acme/demo@1.0")], db) == []
    assert len(match_inventory([item(version="1.0", purl="pkg:generic/acme/demo@1.0")], db)) == 1


def test_debian_ecosystem_versions_compare_like_dpkg(tmp_path: Path) -> None:
    record = osv("DEBIAN-CVE-1", ecosystem=("Debian:12", "dnsmasq"), events=[{"introduced": "0"}, {"fixed": "2.90-1"}])
    db = write_db(tmp_path, {"a.json": record})

    def hits(version: str) -> bool:
        purl = f"pkg:deb/debian/dnsmasq@{version}?arch=amd64"
        return bool(match_inventory([item("dnsmasq", version, purl=purl)], db))

    assert hits("2.86-1.1+deb12u1")
    assert hits("2.90~rc1-1")  # a Debian pre-release sorts before the fix
    assert not hits("2.90-1")
    assert not hits("1:2.0-1")  # an epoch makes it newer than any 2.90


def test_item_without_version_is_not_reported(tmp_path: Path) -> None:
    db = write_db(tmp_path, {"a.json": osv("OSV-1", events=[{"introduced": "1.0"}])})
    assert match_inventory([item(version=None, purl="pkg:generic/demo")], db) == []


@pytest.mark.parametrize(
    ("bounds", "version", "hit"),
    [
        ({"versionStartIncluding": "1.30", "versionEndExcluding": "1.36.0"}, "1.30", True),
        ({"versionStartIncluding": "1.30", "versionEndExcluding": "1.36.0"}, "1.36.0", False),
        ({"versionStartExcluding": "1.30", "versionEndIncluding": "1.36.0"}, "1.30", False),
        ({"versionStartExcluding": "1.30", "versionEndIncluding": "1.36.0"}, "1.36.0", True),
        ({"versionEndIncluding": "1.36.0"}, "1.2", True),
        ({}, "7.7", True),  # '*' version with no bounds: every version
    ],
)
def test_nvd_version_bounds(tmp_path: Path, bounds: dict[str, str], version: str, hit: bool) -> None:
    db = write_db(tmp_path, {"n.json": nvd(("CVE-2024-0002", [cpe_match(BUSYBOX, **bounds)]))})
    component = item("busybox", version, purl=None, cpe=f"cpe:2.3:a:busybox:busybox:{version}:*:*:*:*:*:*:*")
    assert bool(match_inventory([component], db)) is hit


def test_cpe_wildcards_and_not_applicable(tmp_path: Path) -> None:
    db = write_db(
        tmp_path,
        {
            "n.json": nvd(
                ("CVE-2024-0003", [cpe_match("cpe:2.3:a:busybox:busybox:1.36.1:*:*:*:*:*:*:*")]),
                ("CVE-2024-0004", [cpe_match("cpe:2.3:a:busybox:busybox:-:*:*:*:*:*:*:*")]),
                ("CVE-2024-0005", [cpe_match("cpe:2.3:a:busybox:busybox:1.36.1:rc1:*:*:*:*:*:*")]),
                ("CVE-2024-0006", [cpe_match("cpe:2.3:a:other:busybox:*:*:*:*:*:*:*:*")]),
            )
        },
    )

    def ids(cpe: str, version: str | None = "1.36.1") -> list[str]:
        return _ids(match_inventory([item("busybox", version, purl=None, cpe=cpe)], db))

    # An exact version matches its equal only, and a criterion's update 'rc1' needs the component to say rc1 or '*'.
    assert ids("cpe:2.3:a:busybox:busybox:1.36.1:-:*:*:*:*:*:*") == ["CVE-2024-0003"]
    assert ids("cpe:2.3:a:busybox:busybox:1.36.1:*:*:*:*:*:*:*") == ["CVE-2024-0003", "CVE-2024-0005"]
    assert ids("cpe:2.3:a:busybox:busybox:1.36.0:*:*:*:*:*:*:*") == []
    # A component CPE that leaves the version open takes the component's version; none known: no match.
    assert ids("cpe:2.3:a:busybox:busybox:*:-:*:*:*:*:*:*") == ["CVE-2024-0003"]
    assert ids("cpe:2.3:a:busybox:busybox:*:-:*:*:*:*:*:*", version=None) == []
    # NA ('-') as the version matches only a component stated to have no version.
    assert ids("cpe:2.3:a:busybox:busybox:-:-:*:*:*:*:*:*", version=None) == ["CVE-2024-0004"]
    # The vendor must match; an escaped colon in a value is not a separator.
    assert ids("cpe:2.3:a:busybox\\:fork:busybox:1.36.1:-:*:*:*:*:*:*") == []


def test_non_vulnerable_platform_entries_are_ignored(tmp_path: Path) -> None:
    platform = {"vulnerable": False, "criteria": "cpe:2.3:h:acme:router:-:*:*:*:*:*:*:*"}
    db = write_db(tmp_path, {"n.json": nvd(("CVE-2024-0007", [platform]))})
    assert db.advisories[0].cpes == ()


def test_osv_and_nvd_aliases_merge_into_one_finding(tmp_path: Path) -> None:
    db = write_db(
        tmp_path,
        {
            "o.json": osv(
                "OSV-BB-1", purl="pkg:generic/busybox", events=[{"introduced": "0"}], aliases=["CVE-2024-0010"]
            ),
            "g.json": osv("GHSA-xxxx", purl="pkg:generic/busybox", events=[{"introduced": "0"}], aliases=["OSV-BB-1"]),
            "n.json": nvd(("CVE-2024-0010", [cpe_match(BUSYBOX)]), severity="CRITICAL", score=9.8),
        },
    )
    component = item("busybox", "1.36.1", cpe="cpe:2.3:a:busybox:busybox:1.36.1:*:*:*:*:*:*:*")
    findings = match_inventory([component], db)
    assert len(findings) == 1
    finding = findings[0]
    assert finding.data["id"] == "CVE-2024-0010"
    assert finding.data["ids"] == ["CVE-2024-0010", "GHSA-XXXX", "OSV-BB-1"]
    assert finding.data["matched_by"] == ["cpe", "purl"]
    assert finding.severity is Severity.CRITICAL  # from the NVD record, the highest of the merged ones
    assert finding.data["cvss_score"] == 9.8


def test_severity_from_osv_and_unknown(tmp_path: Path) -> None:
    db = write_db(
        tmp_path,
        {
            "a.json": osv("OSV-1", events=[{"introduced": "0"}], severity="MODERATE"),
            "b.json": osv("OSV-2", events=[{"introduced": "0"}]),
        },
    )
    first, second = match_inventory([item()], db)
    assert first.severity is Severity.MEDIUM
    assert second.severity is Severity.MEDIUM
    assert "medium assumed" in second.observed
    assert first.proposes is None
    assert first.elements == ("SU-2", "ID-1d")


def test_known_exploited_proposes_su2_not_satisfied(tmp_path: Path) -> None:
    db = write_db(
        tmp_path,
        {
            "a.json": osv("OSV-1", events=[{"introduced": "0"}], aliases=["CVE-2024-1086"], severity="LOW"),
            "b.json": osv("OSV-2", events=[{"introduced": "0"}], aliases=["CVE-2024-0099"]),
            "kev.json": kev("CVE-2024-1086"),
        },
    )
    other, exploited = match_inventory([item()], db)  # sorted by ID: CVE-2024-0099 first
    assert exploited.rule == "vuln.known-exploited"
    assert exploited.severity is Severity.CRITICAL
    assert exploited.proposes is Verdict.NOT_SATISFIED
    assert exploited.elements == ("SU-2",)
    assert exploited.data["known_exploited"] is True
    assert other.rule == "vuln.known"
    assert other.proposes is None
    assert other.data["known_exploited"] is False


def _cdx_vex(state: str, ref: str, cve: str = "CVE-2024-1086") -> dict[str, object]:
    return {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "vulnerabilities": [
            {"id": cve, "analysis": {"state": state, "justification": "code_not_present"}, "affects": [{"ref": ref}]}
        ],
    }


def _openvex(status: str, product: str, cve: str = "CVE-2024-1086") -> dict[str, object]:
    statement = {"vulnerability": {"name": cve}, "products": [{"@id": product}], "status": status}
    if status == "not_affected":
        statement["justification"] = "vulnerable_code_not_in_execute_path"
    return {"@context": "https://openvex.dev/ns/v0.2.0", "statements": [statement]}


@pytest.mark.parametrize(
    "vex",
    [
        _cdx_vex("not_affected", "demo@1.0.0"),  # by bom-ref
        _cdx_vex("not_affected", "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#demo@1.0.0"),  # by bom-link
        _cdx_vex("false_positive", "pkg:generic/demo"),  # by purl without a version: every version
        _openvex("not_affected", "pkg:generic/demo@1.0.0"),
    ],
)
def test_vex_not_affected_keeps_the_finding_as_info(tmp_path: Path, vex: dict[str, object]) -> None:
    record = osv("OSV-1", events=[{"introduced": "0"}], aliases=["CVE-2024-1086"])
    db = write_db(tmp_path, {"a.json": record, "kev.json": kev("CVE-2024-1086"), "vex.json": vex})
    (finding,) = match_inventory([item(path="demo@1.0.0")], db)
    assert finding.rule == "vuln.not-affected"
    assert finding.severity is Severity.INFO
    assert finding.proposes is None
    assert "not affected" in finding.observed
    assert finding.data["vex"]["status"] == "not_affected"
    assert finding.data["vex"]["justification"] in {
        "code_not_present",
        "false_positive",
        "vulnerable_code_not_in_execute_path",
    }


@pytest.mark.parametrize(
    ("vex", "status"),
    [
        (_cdx_vex("exploitable", "demo@1.0.0"), "affected"),
        (_cdx_vex("resolved", "demo@1.0.0"), "fixed"),
        (_openvex("fixed", "pkg:generic/demo@1.0.0"), "fixed"),
        (_openvex("affected", "pkg:generic/demo@1.0.0"), "affected"),
    ],
)
def test_vex_affected_or_fixed_keeps_the_finding(tmp_path: Path, vex: dict[str, object], status: str) -> None:
    record = osv("OSV-1", events=[{"introduced": "0"}], aliases=["CVE-2024-1086"])
    db = write_db(tmp_path, {"a.json": record, "kev.json": kev("CVE-2024-1086"), "vex.json": vex})
    (finding,) = match_inventory([item(path="demo@1.0.0")], db)
    assert finding.rule == "vuln.known-exploited"
    assert finding.proposes is Verdict.NOT_SATISFIED
    assert finding.data["vex"]["status"] == status


def test_vex_for_another_version_or_vulnerability_does_not_apply(tmp_path: Path) -> None:
    record = osv("OSV-1", events=[{"introduced": "0"}], aliases=["CVE-2024-1086"])
    other_version = _openvex("not_affected", "pkg:generic/demo@0.9")
    other_cve = _openvex("not_affected", "pkg:generic/demo@1.0.0", cve="CVE-2024-9999")
    db = write_db(tmp_path, {"a.json": record, "v1.json": other_version, "v2.json": other_cve})
    (finding,) = match_inventory([item()], db)
    assert finding.rule == "vuln.known"
    assert finding.data["vex"] is None


def test_conflicting_vex_statements_the_cautious_one_wins(tmp_path: Path) -> None:
    record = osv("OSV-1", events=[{"introduced": "0"}], aliases=["CVE-2024-1086"])
    db = write_db(
        tmp_path,
        {
            "a.json": record,
            "v1.json": _openvex("not_affected", "pkg:generic/demo@1.0.0"),
            "v2.json": _cdx_vex("exploitable", "pkg:generic/demo@1.0.0"),
        },
    )
    (finding,) = match_inventory([item()], db)
    assert finding.rule == "vuln.known"
    assert finding.data["vex"]["status"] == "affected"


def test_findings_follow_inventory_order_and_are_deterministic(tmp_path: Path) -> None:
    db = write_db(
        tmp_path,
        {
            "a.json": osv("OSV-B", purl="pkg:generic/b", events=[{"introduced": "0"}], aliases=["CVE-2024-0002"]),
            "b.json": osv("OSV-A", purl="pkg:generic/b", events=[{"introduced": "0"}], aliases=["CVE-2024-0001"]),
            "c.json": osv("OSV-C", purl="pkg:generic/a", events=[{"introduced": "0"}]),
        },
    )
    findings = match_inventory([item("b", "1"), item("a", "1")], db)
    assert [(f.data["component"], f.data["id"]) for f in findings] == [
        ("b", "CVE-2024-0001"),
        ("b", "CVE-2024-0002"),
        ("a", "OSV-C"),
    ]


def test_database_survives_pickling_for_dask_workers(tmp_path: Path) -> None:
    import pickle

    db = write_db(tmp_path, {"a.json": osv("OSV-1", events=[{"introduced": "0"}]), "k.json": kev("CVE-1")})
    copy = pickle.loads(pickle.dumps(db))
    assert match_inventory([item()], copy) == match_inventory([item()], db)
    assert copy.by_package.keys() == db.by_package.keys()
