"""OSV records (https://ossf.github.io/osv-schema/): ``affected[]`` by purl or ecosystem and name, with ranges.

SEMVER and ECOSYSTEM ranges become version intervals (``introduced`` opens one, ``fixed`` closes it exclusively,
``last_affected`` inclusively; ``introduced: "0"`` has no lower bound). GIT ranges name commits, which cannot be
compared with release versions: they are counted and left out, and only the record's ``versions`` list (which OSV
fills from the Git history) matches then.
"""

from __future__ import annotations

from typing import Any

from packageurl import PackageURL

from iotprofile.checks.interface import Severity
from iotprofile.checks.vulndb.cvss import cvss3_base_score, severity_of
from iotprofile.checks.vulndb.jsondoc import JsonDoc
from iotprofile.checks.vulndb.model import Advisory, AffectedPackage, Interval, PackageKey

#: OSV ecosystems and the purl type (and namespace) they correspond to (OSV schema, "Affected package" table).
_ECOSYSTEM_PURL: dict[str, tuple[str, str | None]] = {
    "alpine": ("apk", "alpine"),
    "debian": ("deb", "debian"),
    "ubuntu": ("deb", "ubuntu"),
    "pypi": ("pypi", None),
    "npm": ("npm", None),
    "maven": ("maven", None),
    "go": ("golang", None),
    "crates.io": ("cargo", None),
    "rubygems": ("gem", None),
    "nuget": ("nuget", None),
    "packagist": ("composer", None),
    "hex": ("hex", None),
    "pub": ("pub", None),
    "oss-fuzz": ("generic", None),
    "rocky linux": ("rpm", "rocky-linux"),
    "almalinux": ("rpm", "almalinux"),
    "red hat": ("rpm", "redhat"),
    "opensuse": ("rpm", "opensuse"),
}
#: Ecosystems whose name carries a namespace before a separator (Maven group:artifact, Go module path).
_NAME_SPLIT = {"maven": ":", "golang": "/", "composer": "/", "npm": "/"}


def is_osv(data: Any) -> bool:
    """Whether a parsed JSON document looks like an OSV record."""
    return isinstance(data, dict) and isinstance(data.get("id"), str) and ("affected" in data or "modified" in data)


def package_key(purl: PackageURL) -> PackageKey:
    """The key a purl is matched by."""
    namespace = purl.namespace.lower() if purl.namespace else None
    return PackageKey(purl.type.lower(), namespace, purl.name.lower())


def _key_from_ecosystem(doc: JsonDoc, ecosystem: str, name: str, at: str) -> PackageKey:
    base = ecosystem.split(":", 1)[0].strip().lower()
    purl_type, namespace = _ECOSYSTEM_PURL.get(base, ("generic", None))
    separator = _NAME_SPLIT.get(purl_type)
    if separator and separator in name and namespace is None:
        namespace, name = name.rsplit(separator, 1)
    if not name:
        raise doc.fail("package name is empty", at)
    return PackageKey(purl_type, namespace.lower() if namespace else None, name.lower())


def _intervals(doc: JsonDoc, events: list[Any], at: str) -> list[Interval]:
    intervals: list[Interval] = []
    lower: str | None = None
    opened = False
    for index, raw in enumerate(events):
        event = doc.obj(raw, f"{at}[{index}]")
        if len(event) != 1:
            raise doc.fail("an event has exactly one of introduced, fixed, last_affected, limit", f"{at}[{index}]")
        kind, value = next(iter(event.items()))
        value = doc.string(value, f"{at}[{index}].{kind}")
        if kind == "introduced":
            lower, opened = (None if value == "0" else value), True
        elif kind in {"fixed", "last_affected"}:
            if not opened:
                raise doc.fail(f"'{kind}' without an earlier 'introduced'", f"{at}[{index}]")
            intervals.append(Interval(lower=lower, upper=value, upper_inclusive=kind == "last_affected"))
            opened = False
        elif kind != "limit":
            raise doc.fail(f"unknown range event {kind!r}", f"{at}[{index}]")
    if opened:
        intervals.append(Interval(lower=lower))
    return intervals


def _severity(record: dict[str, Any]) -> tuple[Severity | None, float | None]:
    """The record's CVSS v3 score (from its vector) and rating, else its own label (GitHub: ``MODERATE``)."""
    for entry in record.get("severity") or ():
        if isinstance(entry, dict) and entry.get("type") == "CVSS_V3" and isinstance(entry.get("score"), str):
            score = cvss3_base_score(entry["score"])
            if score is not None:
                return severity_of(score), score
    specific = record.get("database_specific")
    value = specific.get("severity") if isinstance(specific, dict) else None
    if isinstance(value, str) and value.lower() in {"critical", "high", "medium", "moderate", "low"}:
        return (Severity.MEDIUM if value.lower() == "moderate" else Severity(value.lower())), None
    return None, None


def read_osv(doc: JsonDoc, record: dict[str, Any], at: str = "$") -> Advisory:
    """One OSV record as an :class:`Advisory`."""
    packages: list[AffectedPackage] = []
    skipped_git = 0
    for index, raw in enumerate(doc.array(record.get("affected"), f"{at}.affected")):
        where = f"{at}.affected[{index}]"
        affected = doc.obj(raw, where)
        package = doc.obj(affected.get("package"), f"{where}.package")
        purl_text = package.get("purl")
        if purl_text is not None:
            try:
                key = package_key(PackageURL.from_string(doc.string(purl_text, f"{where}.package.purl")))
            except ValueError as exc:
                raise doc.fail(f"not a package URL: {exc}", f"{where}.package.purl") from None
        else:
            ecosystem = doc.string(package.get("ecosystem"), f"{where}.package.ecosystem")
            key = _key_from_ecosystem(doc, ecosystem, doc.string(package.get("name"), f"{where}.package.name"), where)
        scheme = key.type
        intervals: list[Interval] = []
        for number, raw_range in enumerate(doc.array(affected.get("ranges"), f"{where}.ranges")):
            range_at = f"{where}.ranges[{number}]"
            version_range = doc.obj(raw_range, range_at)
            kind = doc.string(version_range.get("type"), f"{range_at}.type")
            if kind == "GIT":
                skipped_git += 1
                continue
            if kind not in {"SEMVER", "ECOSYSTEM"}:
                raise doc.fail(f"unknown range type {kind!r} (SEMVER, ECOSYSTEM, GIT)", f"{range_at}.type")
            if kind == "SEMVER":
                scheme = "semver"
            intervals += _intervals(
                doc, doc.array(version_range.get("events"), f"{range_at}.events"), f"{range_at}.events"
            )
        versions = frozenset(
            doc.string(v, f"{where}.versions[{n}]")
            for n, v in enumerate(doc.array(affected.get("versions"), f"{where}.versions"))
        )
        packages.append(AffectedPackage(key, scheme, tuple(intervals), versions))
    aliases = tuple(
        doc.string(a, f"{at}.aliases[{n}]") for n, a in enumerate(doc.array(record.get("aliases"), f"{at}.aliases"))
    )
    summary = record.get("summary") or record.get("details") or ""
    severity, score = _severity(record)
    return Advisory(
        id=doc.string(record.get("id"), f"{at}.id"),
        source=doc.name,
        aliases=aliases,
        summary=str(summary).strip().splitlines()[0] if summary else "",
        severity=severity,
        cvss_score=score,
        packages=tuple(packages),
        skipped_git_ranges=skipped_git,
    )
