"""``SbomCheck``: an SBOM's component inventory as evidence, and its components' known vulnerabilities.

The inventory itself is evidence that components are identified (AI-2) and documented (DOC-1b); it never proves
either sub-outcome whole (the SBOM may be incomplete), so that finding proposes nothing. With ``options["vulndb"]``
(a directory of OSV/NVD/KEV/VEX JSON), :func:`match_inventory` adds one finding per vulnerable component.
"""

from __future__ import annotations

import time
from collections import Counter
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any, ClassVar

from iotprofile.checks.interface import (
    Attempt,
    Check,
    CheckInfo,
    CheckTarget,
    Finding,
    InputKind,
    InputRef,
    Limits,
    Location,
    Severity,
    file_ref,
    utc_now,
)
from iotprofile.checks.sbom.limits import MAX_SBOM_BYTES
from iotprofile.checks.sbom.model import SbomDocument
from iotprofile.checks.sbom.read import read_sbom
from iotprofile.errors import CheckError

_LIBRARIES = ("cyclonedx-python-lib", "spdx-tools", "univers", "packageurl-python")


def inventory_finding(document: SbomDocument) -> Finding:
    """The evidence an SBOM is by itself: its component counts (AI-2, DOC-1b; proposes nothing)."""
    items = document.components
    counts = {
        "components": len(items),
        "with_version": sum(1 for i in items if i.version),
        "with_purl": sum(1 for i in items if i.purl),
        "with_cpe": sum(1 for i in items if i.cpe),
        "with_supplier": sum(1 for i in items if i.supplier),
        "with_license": sum(1 for i in items if i.licenses),
    }
    subject = f" of {document.subject}" if document.subject else ""
    return Finding(
        rule="sbom.inventory",
        title="Component inventory (SBOM)",
        severity=Severity.INFO,
        observed=f"The {document.format.value} {document.spec_version} SBOM{subject} lists {len(items)} components "
        f"({counts['with_version']} with a version, {counts['with_purl']} with a purl, {counts['with_cpe']} "
        f"with a CPE, {counts['with_supplier']} with a supplier).",
        elements=("AI-2", "DOC-1b"),
        location=Location(path=Path(document.path).name),
        data={"format": document.format.value, "spec_version": document.spec_version, **counts},
    )


def _tool_versions() -> dict[str, str]:
    versions: dict[str, str] = {}
    for name in _LIBRARIES:
        try:
            versions[name] = package_version(name)
        except Exception:  # noqa: BLE001, S112 - a missing distribution just goes unrecorded
            continue
    return versions


class SbomCheck(Check):
    """Read a CycloneDX or SPDX SBOM; report its inventory and, given a vulnerability database, its vulnerabilities."""

    info: ClassVar[CheckInfo] = CheckInfo(
        id="sbom",
        title="SBOM inventory and known vulnerabilities",
        version="1.0.0",
        inputs=(InputKind.SBOM,),
        elements=("AI-2", "DOC-1b", "SU-2", "ID-1d"),
        etsi=("5.2-3", "5.3-8"),
        limits=f"SBOM files up to {MAX_SBOM_BYTES // (1024 * 1024)} MB (or the runner's input limit if smaller), "
        "nesting up to 64 levels; XML DTDs and entities refused; the vulnerability database is read from disk "
        "only, never fetched.",
    )

    def run(self, target: CheckTarget, limits: Limits) -> Attempt:
        """Read ``target.path``; an unreadable or invalid SBOM gives an error attempt naming the file and place."""
        started = utc_now()
        path = target.path
        if path is None:
            return self.failed(InputRef(kind=InputKind.SBOM, name="(none)"), started, "no SBOM file given")
        try:
            ref = file_ref(InputKind.SBOM, path)
        except OSError as exc:
            return self.failed(InputRef(kind=InputKind.SBOM, name=str(path)), started, f"{path}: {exc.strerror}")
        facts: dict[str, Any] = {}
        try:
            document = read_sbom(path, max_bytes=min(limits.max_input_bytes, MAX_SBOM_BYTES))
            findings = [inventory_finding(document)]
            findings += self._vulnerabilities(document, target.options.get("vulndb"), facts)
        except CheckError as exc:
            return self.failed(ref, started, exc.one_line())
        facts |= {
            "format": document.format.value,
            "spec_version": document.spec_version,
            "subject": document.subject,
            "components": len(document.components),
            "findings_by_rule": dict(sorted(Counter(f.rule for f in findings).items())),
        }
        return self.attempt(
            ref,
            started,
            tool_versions=_tool_versions(),
            findings=tuple(findings),
            inventory=document.components,
            facts=facts,
        )

    @staticmethod
    def _vulnerabilities(document: SbomDocument, vulndb: Any, facts: dict[str, Any]) -> list[Finding]:
        if vulndb is None:
            facts["vulndb"] = None
            facts["vulndb_note"] = "no vulnerability data was used: inventory only (give --vulndb DIR to match)"
            return []
        from iotprofile.checks.vulndb import load_vulndb, match_inventory

        begun = time.perf_counter()
        db = load_vulndb(Path(vulndb))
        findings = match_inventory(document.components, db)
        facts["vulndb"] = {**db.counts(), "match_seconds": round(time.perf_counter() - begun, 3)}
        return findings
