"""What an offline vulnerability database holds once loaded: advisories, exploited CVEs and VEX statements.

Plain frozen dataclasses rather than pydantic models: a full OSV ecosystem export has tens of thousands of records
and these are built once per load from data already checked by the readers (``osv``, ``nvd``, ``vex``), so
per-field validation would only cost time.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum

from iotprofile.checks.interface import Severity


@dataclass(frozen=True, slots=True)
class Interval:
    """A version interval: ``None`` bounds are open (``introduced: 0`` has no lower bound)."""

    lower: str | None = None
    lower_inclusive: bool = True
    upper: str | None = None
    upper_inclusive: bool = False


@dataclass(frozen=True, slots=True)
class PackageKey:
    """A package as purl names it: type, namespace and name, lower-cased (qualifiers and subpath ignored)."""

    type: str
    namespace: str | None
    name: str


@dataclass(frozen=True, slots=True)
class AffectedPackage:
    """The versions of one package an advisory affects (OSV ``affected[]``)."""

    key: PackageKey
    #: The version scheme to compare with: a purl type univers knows ('deb', 'pypi', ...), 'semver' or 'generic'.
    scheme: str
    intervals: tuple[Interval, ...] = ()
    versions: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class CpeCriterion:
    """One NVD ``cpeMatch`` entry: a CPE 2.3 pattern with optional version bounds."""

    criteria: str
    attributes: tuple[str, ...]
    interval: Interval | None = None


@dataclass(frozen=True, slots=True)
class Advisory:
    """One vulnerability record (OSV or NVD), with where it was read from."""

    id: str
    source: str
    aliases: tuple[str, ...] = ()
    summary: str = ""
    severity: Severity | None = None
    cvss_score: float | None = None
    packages: tuple[AffectedPackage, ...] = ()
    cpes: tuple[CpeCriterion, ...] = ()
    #: OSV GIT ranges could not be compared with release versions and were left out (counted for the report).
    skipped_git_ranges: int = 0


class VexStatus(StrEnum):
    """A VEX status, normalised across CycloneDX VEX and OpenVEX."""

    NOT_AFFECTED = "not_affected"
    AFFECTED = "affected"
    FIXED = "fixed"
    UNDER_INVESTIGATION = "under_investigation"


@dataclass(frozen=True, slots=True)
class VexStatement:
    """A vendor's statement about one vulnerability in one product (purl, bom-ref or bom-link)."""

    vulnerability: str
    product: str
    status: VexStatus
    source: str
    justification: str | None = None
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class VulnDb:
    """A loaded offline vulnerability database, indexed for matching."""

    advisories: tuple[Advisory, ...] = ()
    known_exploited: frozenset[str] = frozenset()
    vex: tuple[VexStatement, ...] = ()
    files: tuple[str, ...] = ()
    by_package: dict[tuple[str, str], list[tuple[Advisory, AffectedPackage]]] = field(
        default_factory=dict, compare=False, repr=False
    )
    by_cpe: dict[tuple[str, str], list[tuple[Advisory, CpeCriterion]]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @classmethod
    def build(
        cls,
        advisories: list[Advisory],
        *,
        known_exploited: set[str],
        vex: list[VexStatement],
        files: list[str],
    ) -> VulnDb:
        """Index the records by package (type, name) and by CPE (vendor, product)."""
        by_package: dict[tuple[str, str], list[tuple[Advisory, AffectedPackage]]] = defaultdict(list)
        by_cpe: dict[tuple[str, str], list[tuple[Advisory, CpeCriterion]]] = defaultdict(list)
        for advisory in advisories:
            for package in advisory.packages:
                by_package[package.key.type, package.key.name].append((advisory, package))
            for criterion in advisory.cpes:
                by_cpe[criterion.attributes[1], criterion.attributes[2]].append((advisory, criterion))
        return cls(
            advisories=tuple(advisories),
            known_exploited=frozenset(known_exploited),
            vex=tuple(vex),
            files=tuple(files),
            by_package=dict(by_package),
            by_cpe=dict(by_cpe),
        )

    def counts(self) -> dict[str, int]:
        """How much the database holds (for reports and ``vulndb refresh --offline``)."""
        return {
            "files": len(self.files),
            "advisories": len(self.advisories),
            "osv": sum(1 for a in self.advisories if a.packages),
            "nvd": sum(1 for a in self.advisories if a.cpes),
            "known_exploited": len(self.known_exploited),
            "vex_statements": len(self.vex),
        }
