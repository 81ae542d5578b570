"""``match_inventory``: a component inventory's vulnerabilities as findings (for the SBOM and firmware checks).

A component matches an OSV record by purl (type, namespace and name; the version compared in the package's own
scheme) and an NVD record by CPE 2.3 (see :mod:`.cpe`). Records that are aliases of one another (an OSV record whose
``aliases`` list the CVE, and the NVD CVE itself) become one finding. A CVE in the CISA KEV catalogue, in a shipped
component, with no vendor VEX saying the product is not affected, proves the component is not kept up to date
(``SU-2`` not satisfied, critical); other vulnerabilities are evidence for the assessor, ranked by CVSS severity.
A VEX ``not_affected`` statement keeps the finding, at severity info, with the vendor's justification.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from packageurl import PackageURL

from iotprofile.assessment.model import Verdict
from iotprofile.checks.interface import Finding, InventoryItem, Location, Severity
from iotprofile.checks.vulndb.cpe import cpe_matches, parse_cpe
from iotprofile.checks.vulndb.model import Advisory, AffectedPackage, VexStatement, VexStatus, VulnDb
from iotprofile.checks.vulndb.osv import package_key
from iotprofile.checks.vulndb.versions import in_interval

#: Sub-outcomes and provisions a known vulnerability bears on: keep software up to date (SU-2), tell customers about
#: vulnerabilities (ID-1d); ETSI 5.2-3 (keep finding and fixing vulnerabilities) and 5.3-8 (timely updates).
ELEMENTS = ("SU-2", "ID-1d")
ETSI = ("5.2-3", "5.3-8")
_RANK = (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.INFO)
#: When VEX statements disagree, the most cautious wins.
_VEX_ORDER = (VexStatus.AFFECTED, VexStatus.UNDER_INVESTIGATION, VexStatus.FIXED, VexStatus.NOT_AFFECTED)


def _purl(text: str | None) -> PackageURL | None:
    if not text:
        return None
    try:
        return PackageURL.from_string(text)
    except ValueError:
        return None


def _package_affects(package: AffectedPackage, version: str) -> bool:
    if version in package.versions:
        return True
    if not package.intervals:
        return not package.versions  # an OSV entry with neither ranges nor versions affects every version
    return any(in_interval(version, interval, package.scheme) for interval in package.intervals)


def _matches(item: InventoryItem, db: VulnDb) -> list[tuple[Advisory, str]]:
    found: list[tuple[Advisory, str]] = []
    purl = _purl(item.purl)
    if purl is not None:
        key = package_key(purl)
        version = purl.version or item.version
        for advisory, package in db.by_package.get((key.type, key.name), ()):
            if package.key.namespace == key.namespace and version and _package_affects(package, version):
                found.append((advisory, "purl"))
    attributes = parse_cpe(item.cpe) if item.cpe else None
    if attributes is not None:
        for advisory, criterion in db.by_cpe.get((attributes[1], attributes[2]), ()):
            if cpe_matches(criterion, attributes, item.version):
                found.append((advisory, "cpe"))
    return found


def _clusters(matches: list[tuple[Advisory, str]]) -> list[list[tuple[Advisory, str]]]:
    """Group matched advisories that share an ID or alias (union by shared names)."""
    groups: list[tuple[set[str], list[tuple[Advisory, str]]]] = []
    for advisory, how in matches:
        names = {advisory.id.upper(), *(alias.upper() for alias in advisory.aliases)}
        joined = [group for group in groups if group[0] & names]
        merged_names = names.union(*(g[0] for g in joined))
        merged = [m for g in joined for m in g[1]] + [(advisory, how)]
        groups = [g for g in groups if not any(g is j for j in joined)] + [(merged_names, merged)]
    return [members for _, members in groups]


def _vex_applies(statement: VexStatement, item: InventoryItem) -> bool:
    product = statement.product
    if item.path and (product == item.path or product.endswith(f"#{item.path}")):
        return True
    stated, own = _purl(product), _purl(item.purl)
    if stated is None or own is None or package_key(stated) != package_key(own):
        return False
    return stated.version is None or stated.version == (own.version or item.version)


def _vex(names: set[str], item: InventoryItem, db: VulnDb) -> VexStatement | None:
    statements = [s for s in db.vex if s.vulnerability.upper() in names and _vex_applies(s, item)]
    return min(statements, key=lambda s: _VEX_ORDER.index(s.status), default=None)


def _finding(item: InventoryItem, members: list[tuple[Advisory, str]], db: VulnDb) -> Finding:
    advisories = [advisory for advisory, _ in members]
    names = {a.id.upper() for a in advisories} | {alias.upper() for a in advisories for alias in a.aliases}
    cves = sorted(n for n in names if n.startswith("CVE-"))
    primary = cves[0] if cves else min(a.id for a in advisories)
    known_exploited = sorted(set(cves) & db.known_exploited)
    levels = [a.severity for a in advisories if a.severity is not None]
    severity = min(levels, key=_RANK.index) if levels else None
    scores = [a.cvss_score for a in advisories if a.cvss_score is not None]
    statement = _vex(names, item, db)
    component = f"{item.name} {item.version}" if item.version else item.name
    summary = next((a.summary for a in advisories if a.summary), "")
    data: dict[str, Any] = {
        "id": primary,
        "ids": sorted(names),
        "component": item.name,
        "version": item.version,
        "purl": item.purl,
        "cpe": item.cpe,
        "matched_by": sorted({how for _, how in members}),
        "sources": sorted({Path(a.source).name for a in advisories}),
        "severity": severity.value if severity else None,
        "cvss_score": max(scores) if scores else None,
        "known_exploited": bool(known_exploited),
        "vex": None,
    }
    observed = f"{component} is affected by {primary}" + (f" ({summary})" if summary else "")
    if severity is None:
        observed += "; no severity in the records, medium assumed"
    if statement is not None:
        data["vex"] = {
            "status": statement.status.value,
            "justification": statement.justification,
            "detail": statement.detail,
            "source": Path(statement.source).name,
        }
    location = Location(path=item.path) if item.path else None
    if statement is not None and statement.status is VexStatus.NOT_AFFECTED:
        reason = statement.justification or statement.detail or "no reason given"
        return Finding(
            rule="vuln.not-affected",
            title=f"{primary} in {component}: not affected (VEX)",
            severity=Severity.INFO,
            observed=f"{component} matches {primary}, but the vendor's VEX "
            f"({Path(statement.source).name}) states the product is not affected: {reason}.",
            elements=ELEMENTS,
            etsi=ETSI,
            location=location,
            data=data,
        )
    if statement is not None:
        observed += f"; the vendor's VEX states: {statement.status.value}"
    if known_exploited:
        return Finding(
            rule="vuln.known-exploited",
            title=f"Known exploited {primary} in {component}",
            severity=Severity.CRITICAL,
            observed=f"{observed}; CISA lists it as known to be exploited, so the component is not kept up to date.",
            elements=("SU-2",),
            etsi=ETSI,
            proposes=Verdict.NOT_SATISFIED,
            location=location,
            data=data,
        )
    return Finding(
        rule="vuln.known",
        title=f"{primary} in {component}",
        severity=severity or Severity.MEDIUM,
        observed=f"{observed}.",
        elements=ELEMENTS,
        etsi=ETSI,
        location=location,
        data=data,
    )


def match_inventory(items: Sequence[InventoryItem], db: VulnDb) -> list[Finding]:
    """One finding per (component, vulnerability) the database matches, aliases merged, in inventory order."""
    findings: list[Finding] = []
    for item in items:
        clusters = _clusters(_matches(item, db))
        found = [_finding(item, members, db) for members in clusters]
        findings += sorted(found, key=lambda f: str(f.data["id"]))
    return findings
