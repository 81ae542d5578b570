"""CVSS v3 base scores from vectors, checked against scores the NVD publishes for the same vectors."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.checks.vulndb.builders import item, osv, write_db

from iotprofile.checks.interface import Severity
from iotprofile.checks.vulndb import match_inventory
from iotprofile.checks.vulndb.cvss import cvss3_base_score, severity_of


@pytest.mark.parametrize(
    ("vector", "score"),
    [
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8),
        ("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8),  # CVE-2024-1086
        ("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:N", 5.9),  # CVE-2023-48795
        ("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:H", 5.5),  # CVE-2023-42363
        ("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 9.9),  # scope changed
        ("CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1),  # reflected XSS
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0),
    ],
)
def test_base_scores(vector: str, score: float) -> None:
    assert cvss3_base_score(vector) == score


@pytest.mark.parametrize(
    "vector", ["CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "CVSS:3.1/AV:N", "garbage", ""]
)
def test_not_a_v3_vector(vector: str) -> None:
    assert cvss3_base_score(vector) is None


def test_ratings() -> None:
    assert [severity_of(s) for s in (9.0, 8.9, 7.0, 6.9, 4.0, 3.9, 0.1, 0.0)] == [
        Severity.CRITICAL,
        Severity.HIGH,
        Severity.HIGH,
        Severity.MEDIUM,
        Severity.MEDIUM,
        Severity.LOW,
        Severity.LOW,
        Severity.INFO,
    ]


def test_osv_vector_outranks_its_label(tmp_path: Path) -> None:
    record = osv("OSV-1", events=[{"introduced": "0"}], severity="LOW")
    record["severity"] = [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]
    (finding,) = match_inventory([item()], write_db(tmp_path, {"a.json": record}))
    assert finding.severity is Severity.CRITICAL
    assert finding.data["cvss_score"] == 9.8
