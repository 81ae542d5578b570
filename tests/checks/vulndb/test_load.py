"""Loading a vulnerability database directory: what each file is, and malformed data named by file and JSON path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.checks.vulndb.builders import FIXTURES, cpe_match, kev, nvd, osv, write_db

from iotprofile.checks.vulndb import default_vulndb, load_vulndb
from iotprofile.checks.vulndb.model import VexStatus
from iotprofile.errors import CheckError, ExitCode


def test_fixture_database_counts() -> None:
    db = load_vulndb(FIXTURES)
    assert db.counts() == {
        "files": 13,
        "advisories": 13,
        "osv": 9,
        "nvd": 4,
        "known_exploited": 2,
        "vex_statements": 3,
    }
    assert db.known_exploited == {"CVE-2016-5195", "CVE-2024-1086"}
    statuses = sorted((s.vulnerability, s.status) for s in db.vex)
    assert statuses == [
        ("CVE-2023-42363", VexStatus.AFFECTED),
        ("CVE-2023-42366", VexStatus.NOT_AFFECTED),
        ("CVE-2024-9143", VexStatus.NOT_AFFECTED),
    ]
    kernel = next(a for a in db.advisories if a.id == "CVE-2024-1086")
    assert len(kernel.cpes) == 7
    assert kernel.severity is not None
    assert kernel.severity.value == "high"


def test_single_file_and_list_of_osv_records(tmp_path: Path) -> None:
    path = tmp_path / "records.json"
    path.write_text(json.dumps([osv("OSV-1", events=[{"introduced": "0"}]), osv("OSV-2", events=[])]))
    assert [a.id for a in load_vulndb(path).advisories] == ["OSV-1", "OSV-2"]


def test_dot_files_are_not_read(tmp_path: Path) -> None:
    db = write_db(tmp_path, {"a.json": kev("CVE-2024-1"), ".hidden/x.json": {"junk": 1}, ".index.json": [1]})
    assert db.counts()["files"] == 1


def _bad(tmp_path: Path, value: Any) -> CheckError:
    with pytest.raises(CheckError) as caught:
        write_db(tmp_path, {"bad.json": value})
    return caught.value


@pytest.mark.parametrize(
    ("value", "where", "message"),
    [
        (
            {"id": "X", "affected": [{"package": {"purl": "pkg:generic/x"}, "ranges": [{"type": "FOO"}]}]},
            "$.affected[0].ranges[0].type",
            "unknown range type",
        ),
        ({"id": "X", "affected": [{"package": {"purl": "not a purl"}}]}, "$.affected[0].package.purl", "package URL"),
        ({"id": "X", "affected": [{"package": {"ecosystem": "Debian"}}]}, "$.affected[0].package.name", "string"),
        (
            {
                "id": "X",
                "affected": [
                    {"package": {"purl": "pkg:generic/x"}, "ranges": [{"type": "SEMVER", "events": [{"fixed": "1.0"}]}]}
                ],
            },
            "$.affected[0].ranges[0].events[0]",
            "without an earlier 'introduced'",
        ),
        ({"id": "X", "affected": "nope"}, "$.affected", "expected an array"),
        (
            nvd(("CVE-1", [cpe_match("cpe:/a:busybox:busybox")])),
            "$.vulnerabilities[0].cve.configurations[0].nodes[0].cpeMatch[0].criteria",
            "not a CPE 2.3",
        ),
        (
            nvd(
                ("CVE-1", [{"vulnerable": True, "criteria": "cpe:2.3:a:b:c:*:*:*:*:*:*:*:*", "versionEndIncluding": 5}])
            ),
            "versionEndIncluding",
            "string",
        ),
        ({"catalogVersion": "x", "vulnerabilities": [{"cveID": ""}]}, "$.vulnerabilities[0].cveID", "string"),
        (
            {
                "@context": "https://openvex.dev/ns/v0.2.0",
                "statements": [
                    {
                        "vulnerability": {"name": "CVE-1"},
                        "products": [{"@id": "pkg:generic/x"}],
                        "status": "not_affected",
                    }
                ],
            },
            "$.statements[0]",
            "justification",
        ),
        (
            {
                "@context": "https://openvex.dev/ns/v0.2.0",
                "statements": [
                    {"vulnerability": {"name": "CVE-1"}, "products": [{"@id": "pkg:generic/x"}], "status": "maybe"}
                ],
            },
            "$.statements[0].status",
            "unknown status",
        ),
        (
            {"bomFormat": "CycloneDX", "vulnerabilities": [{"id": "CVE-1", "analysis": {"state": "meh"}}]},
            "$.vulnerabilities[0].analysis.state",
            "unknown analysis state",
        ),
        ({"something": "else"}, "$", "not a vulnerability record"),
    ],
)
def test_malformed_records_name_file_and_json_path(tmp_path: Path, value: Any, where: str, message: str) -> None:
    error = _bad(tmp_path, value)
    assert error.where is not None
    assert error.where.startswith(str(tmp_path / "bad.json"))
    assert where in error.where
    assert message in error.message
    assert error.exit_code is ExitCode.INVALID_INPUT


def test_not_json_and_too_deep(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text('{"id": "X",\n "affected": [')
    with pytest.raises(CheckError, match="not JSON") as caught:
        load_vulndb(tmp_path)
    assert caught.value.where == f"{tmp_path / 'a.json'}:2:15"
    (tmp_path / "a.json").write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(CheckError, match="nested too deeply"):
        load_vulndb(tmp_path)


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(CheckError, match="does not exist"):
        load_vulndb(tmp_path / "nowhere")


def test_default_vulndb_only_when_it_exists(tmp_path: Path) -> None:
    assert default_vulndb(tmp_path) is None
    (tmp_path / ".cache" / "iotprofile" / "vulndb").mkdir(parents=True)
    assert default_vulndb(tmp_path) == tmp_path / ".cache" / "iotprofile" / "vulndb"
