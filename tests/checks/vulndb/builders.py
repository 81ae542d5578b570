"""Builders of small vulnerability databases in the real formats, written to a temporary directory."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from iotprofile.checks.interface import InventoryItem
from iotprofile.checks.vulndb import VulnDb, load_vulndb

FIXTURES = Path(__file__).parent.parent / "fixtures" / "vulndb"


def osv(
    id_: str,
    *,
    purl: str | None = "pkg:generic/demo",
    ecosystem: tuple[str, str] | None = None,
    events: list[dict[str, str]] | None = None,
    range_type: str = "ECOSYSTEM",
    versions: list[str] | None = None,
    aliases: list[str] | None = None,
    severity: str | None = None,
) -> dict[str, Any]:
    package: dict[str, Any] = {"purl": purl} if ecosystem is None else {"ecosystem": ecosystem[0], "name": ecosystem[1]}
    affected: dict[str, Any] = {"package": package}
    if events is not None:
        affected["ranges"] = [{"type": range_type, "events": events}]
    if versions is not None:
        affected["versions"] = versions
    record: dict[str, Any] = {"id": id_, "modified": "2024-01-01T00:00:00Z", "affected": [affected]}
    if aliases:
        record["aliases"] = aliases
    if severity:
        record["database_specific"] = {"severity": severity}
    return record


def cpe_match(criteria: str, **bounds: str) -> dict[str, Any]:
    return {"vulnerable": True, "criteria": criteria, **bounds}


def nvd(*cves: tuple[str, list[dict[str, Any]]], severity: str = "HIGH", score: float = 7.5) -> dict[str, Any]:
    return {
        "format": "NVD_CVE",
        "version": "2.0",
        "vulnerabilities": [
            {
                "cve": {
                    "id": cve_id,
                    "descriptions": [{"lang": "en", "value": f"{cve_id} description"}],
                    "metrics": {
                        "cvssMetricV31": [
                            {"type": "Primary", "cvssData": {"baseSeverity": severity, "baseScore": score}}
                        ]
                    },
                    "configurations": [{"nodes": [{"operator": "OR", "cpeMatch": matches}]}],
                }
            }
            for cve_id, matches in cves
        ],
    }


def kev(*cve_ids: str) -> dict[str, Any]:
    return {"catalogVersion": "test", "vulnerabilities": [{"cveID": cve} for cve in cve_ids]}


def write_db(root: Path, files: dict[str, Any]) -> VulnDb:
    """Write ``files`` (name -> JSON value) under ``root`` and load them."""
    root.mkdir(parents=True, exist_ok=True)
    for name, value in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value), encoding="utf-8")
    return load_vulndb(root)


def item(name: str = "demo", version: str | None = "1.0.0", **fields: Any) -> InventoryItem:
    if "purl" not in fields and version is not None:
        fields["purl"] = f"pkg:generic/{name}@{version}"
    return InventoryItem(name=name, version=version, **fields)
