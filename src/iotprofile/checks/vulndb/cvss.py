"""CVSS v3.0/v3.1 base scores from vector strings (FIRST CVSS v3.1 specification, section 7), for OSV records.

OSV records carry ``severity[{type: CVSS_V3, score: "CVSS:3.1/AV:N/..."}]`` vectors rather than scores; NVD
records carry the score, so this is only needed for OSV data that no NVD record backs. CVSS v4 vectors are not
scored here (their formula is a lookup over macro-vectors); such records fall back to the record's own label.
"""

from __future__ import annotations

import math

from iotprofile.checks.interface import Severity

_AV = {"N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2}
_AC = {"L": 0.77, "H": 0.44}
_PR_UNCHANGED = {"N": 0.85, "L": 0.62, "H": 0.27}
_PR_CHANGED = {"N": 0.85, "L": 0.68, "H": 0.5}
_UI = {"N": 0.85, "R": 0.62}
_CIA = {"H": 0.56, "L": 0.22, "N": 0.0}


def _round_up(value: float) -> float:
    """CVSS v3.1 Roundup: the smallest number with one decimal equal to or above ``value`` (float-safe)."""
    scaled = round(value * 100_000)
    if scaled % 10_000 == 0:
        return scaled / 100_000
    return (math.floor(scaled / 10_000) + 1) / 10


def cvss3_base_score(vector: str) -> float | None:
    """The base score of a CVSS v3.x vector, or ``None`` when it is not one (or lacks a base metric)."""
    parts = vector.strip().split("/")
    if not parts or parts[0] not in {"CVSS:3.0", "CVSS:3.1"}:
        return None
    metrics = dict(part.split(":", 1) for part in parts[1:] if ":" in part)
    try:
        changed = {"U": False, "C": True}[metrics["S"]]
        privileges = (_PR_CHANGED if changed else _PR_UNCHANGED)[metrics["PR"]]
        exploitability = 8.22 * _AV[metrics["AV"]] * _AC[metrics["AC"]] * privileges * _UI[metrics["UI"]]
        iss = 1 - (1 - _CIA[metrics["C"]]) * (1 - _CIA[metrics["I"]]) * (1 - _CIA[metrics["A"]])
    except KeyError:
        return None
    impact = 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15 if changed else 6.42 * iss
    if impact <= 0:
        return 0.0
    total = 1.08 * (impact + exploitability) if changed else impact + exploitability
    return _round_up(min(total, 10.0))


def severity_of(score: float) -> Severity:
    """The CVSS v3 qualitative rating of a score (0.0 'none' is reported as info)."""
    if score >= 9.0:
        return Severity.CRITICAL
    if score >= 7.0:
        return Severity.HIGH
    if score >= 4.0:
        return Severity.MEDIUM
    if score > 0.0:
        return Severity.LOW
    return Severity.INFO
