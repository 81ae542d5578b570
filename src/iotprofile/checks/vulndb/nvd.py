"""NVD CVE API 2.0 JSON (``vulnerabilities[].cve``) and the CISA Known Exploited Vulnerabilities catalogue.

Only ``cpeMatch`` entries marked ``vulnerable`` are kept: the others name the platform an AND configuration needs
(a router model running the vulnerable software), which is not what a component inventory lists. Severity comes from
the CVSS v4.0 metric if there is one, else v3.1, else v3.0, preferring the NVD's own (``Primary``) score.
"""

from __future__ import annotations

from typing import Any

from iotprofile.checks.interface import Severity
from iotprofile.checks.vulndb.cpe import interval_from_nvd, parse_cpe
from iotprofile.checks.vulndb.jsondoc import JsonDoc
from iotprofile.checks.vulndb.model import Advisory, CpeCriterion

_METRICS = ("cvssMetricV40", "cvssMetricV31", "cvssMetricV30")
_SEVERITY = {"CRITICAL": Severity.CRITICAL, "HIGH": Severity.HIGH, "MEDIUM": Severity.MEDIUM, "LOW": Severity.LOW}


def is_nvd(data: Any) -> bool:
    """Whether a parsed JSON document is an NVD CVE API 2.0 response or feed."""
    if not isinstance(data, dict) or not isinstance(data.get("vulnerabilities"), list):
        return False
    return data.get("format") == "NVD_CVE" or any(isinstance(v, dict) and "cve" in v for v in data["vulnerabilities"])


def is_kev(data: Any) -> bool:
    """Whether a parsed JSON document is a CISA KEV catalogue."""
    if not isinstance(data, dict) or not isinstance(data.get("vulnerabilities"), list):
        return False
    return "catalogVersion" in data or any(isinstance(v, dict) and "cveID" in v for v in data["vulnerabilities"])


def read_kev(doc: JsonDoc) -> set[str]:
    """The CVE IDs a KEV catalogue lists."""
    data = doc.obj(doc.data, "$")
    ids: set[str] = set()
    for index, raw in enumerate(doc.array(data.get("vulnerabilities"), "$.vulnerabilities")):
        entry = doc.obj(raw, f"$.vulnerabilities[{index}]")
        ids.add(doc.string(entry.get("cveID"), f"$.vulnerabilities[{index}].cveID").upper())
    return ids


def _severity(doc: JsonDoc, metrics: dict[str, Any], at: str) -> tuple[Severity | None, float | None]:
    for name in _METRICS:
        entries = doc.array(metrics.get(name), f"{at}.{name}")
        if not entries:
            continue
        ordered = sorted(entries, key=lambda m: 0 if isinstance(m, dict) and m.get("type") == "Primary" else 1)
        data = doc.obj(doc.obj(ordered[0], f"{at}.{name}[0]").get("cvssData"), f"{at}.{name}[0].cvssData")
        level = data.get("baseSeverity")
        score = data.get("baseScore")
        return _SEVERITY.get(str(level).upper()), float(score) if isinstance(score, int | float) else None
    return None, None


def _bound(doc: JsonDoc, match: dict[str, Any], name: str, at: str) -> str | None:
    return doc.optional_string(match.get(name), f"{at}.{name}")


def read_nvd(doc: JsonDoc) -> list[Advisory]:
    """Every CVE of an NVD 2.0 document as an :class:`Advisory` with CPE criteria."""
    data = doc.obj(doc.data, "$")
    advisories: list[Advisory] = []
    for index, raw in enumerate(doc.array(data.get("vulnerabilities"), "$.vulnerabilities")):
        at = f"$.vulnerabilities[{index}].cve"
        cve = doc.obj(doc.obj(raw, f"$.vulnerabilities[{index}]").get("cve"), at)
        criteria: list[CpeCriterion] = []
        for c_index, raw_config in enumerate(doc.array(cve.get("configurations"), f"{at}.configurations")):
            c_at = f"{at}.configurations[{c_index}]"
            config = doc.obj(raw_config, c_at)
            for n_index, raw_node in enumerate(doc.array(config.get("nodes"), f"{c_at}.nodes")):
                n_at = f"{c_at}.nodes[{n_index}]"
                node = doc.obj(raw_node, n_at)
                for m_index, raw_match in enumerate(doc.array(node.get("cpeMatch"), f"{n_at}.cpeMatch")):
                    m_at = f"{n_at}.cpeMatch[{m_index}]"
                    match = doc.obj(raw_match, m_at)
                    if match.get("vulnerable") is not True:
                        continue
                    text = doc.string(match.get("criteria"), f"{m_at}.criteria")
                    attributes = parse_cpe(text)
                    if attributes is None:
                        raise doc.fail(f"not a CPE 2.3 formatted string: {text!r}", f"{m_at}.criteria")
                    interval = interval_from_nvd(
                        _bound(doc, match, "versionStartIncluding", m_at),
                        _bound(doc, match, "versionStartExcluding", m_at),
                        _bound(doc, match, "versionEndIncluding", m_at),
                        _bound(doc, match, "versionEndExcluding", m_at),
                    )
                    criteria.append(CpeCriterion(text, attributes, interval))
        severity, score = _severity(doc, doc.obj(cve.get("metrics") or {}, f"{at}.metrics"), f"{at}.metrics")
        descriptions = doc.array(cve.get("descriptions"), f"{at}.descriptions")
        summary = next(
            (str(d.get("value", "")) for d in descriptions if isinstance(d, dict) and d.get("lang") == "en"), ""
        )
        advisories.append(
            Advisory(
                id=doc.string(cve.get("id"), f"{at}.id").upper(),
                source=doc.name,
                summary=summary.strip().splitlines()[0] if summary.strip() else "",
                severity=severity,
                cvss_score=score,
                cpes=tuple(criteria),
            )
        )
    return advisories
