"""Advisory input files: one vulnerability, the SBOM components it concerns, their status and the remediation.

Each file (``advisories/*.yaml``, format ``iotprofile/advisory/v1``) becomes one CSAF 2.0 document
(:mod:`iotprofile.documents.csaf`). Components are named by the purl or CPE they have in the product's SBOM, and a
component that no SBOM lists is refused with the line that names it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from pydantic import AwareDatetime, Field, ValidationError, model_validator

from iotprofile.catalog.model import Frozen
from iotprofile.catalog.source import Located, first_error, read_located
from iotprofile.documents.fields import WebUrl
from iotprofile.documents.sbom import Sbom, SbomComponent
from iotprofile.errors import DocumentError

ADVISORY_FORMAT = "iotprofile/advisory/v1"
_CVE = r"^CVE-[0-9]{4}-[0-9]{4,}$"
_TRACKING_ID = r"^[\S](.*[\S])?$"


class AdvisoryProfile(StrEnum):
    """The CSAF 2.0 profile to write (CSAF 2.0 section 4)."""

    SECURITY_ADVISORY = "security_advisory"
    VEX = "vex"


class ProductStatus(StrEnum):
    """A component's status for the vulnerability (CSAF 2.0 ``product_status``)."""

    KNOWN_AFFECTED = "known_affected"
    KNOWN_NOT_AFFECTED = "known_not_affected"
    FIXED = "fixed"
    UNDER_INVESTIGATION = "under_investigation"


class Justification(StrEnum):
    """Why a component is not affected (CSAF 2.0 section 3.2.3.5 flag labels)."""

    COMPONENT_NOT_PRESENT = "component_not_present"
    INLINE_MITIGATIONS_ALREADY_EXIST = "inline_mitigations_already_exist"
    VULNERABLE_CODE_CANNOT_BE_CONTROLLED_BY_ADVERSARY = "vulnerable_code_cannot_be_controlled_by_adversary"
    VULNERABLE_CODE_NOT_IN_EXECUTE_PATH = "vulnerable_code_not_in_execute_path"
    VULNERABLE_CODE_NOT_PRESENT = "vulnerable_code_not_present"


class RemediationCategory(StrEnum):
    """CSAF 2.0 remediation categories."""

    MITIGATION = "mitigation"
    NO_FIX_PLANNED = "no_fix_planned"
    NONE_AVAILABLE = "none_available"
    VENDOR_FIX = "vendor_fix"
    WORKAROUND = "workaround"


class AffectedComponent(Frozen):
    """One SBOM component and its status."""

    component: str = Field(min_length=5, description="Its purl (pkg:...) or CPE (cpe:2.3:...) in the SBOM.")
    status: ProductStatus
    justification: Justification | None = Field(default=None, description="Required for known_not_affected.")

    @model_validator(mode="after")
    def _justified(self) -> AffectedComponent:
        if self.status is ProductStatus.KNOWN_NOT_AFFECTED and self.justification is None:
            msg = "known_not_affected needs a 'justification' (CSAF VEX profile)"
            raise ValueError(msg)
        return self


class Remediation(Frozen):
    """What customers should do."""

    category: RemediationCategory
    details: str = Field(min_length=3)
    url: WebUrl | None = None


class Revision(Frozen):
    """One entry of the advisory's revision history."""

    date: AwareDatetime
    summary: str = Field(min_length=1)


class Cvss31(Frozen):
    """A CVSS v3.1 base score."""

    vector: str = Field(pattern=r"^CVSS:3\.1/AV:[NALP]/AC:[LH]/PR:[NLH]/UI:[NR]/S:[UC]/C:[NLH]/I:[NLH]/A:[NLH]$")
    base_score: float = Field(ge=0, le=10)

    @property
    def severity(self) -> str:
        """The qualitative severity of the base score (CVSS v3.1 specification, section 5)."""
        if self.base_score == 0:
            return "NONE"
        if self.base_score < 4:
            return "LOW"
        if self.base_score < 7:
            return "MEDIUM"
        return "HIGH" if self.base_score < 9 else "CRITICAL"


class Advisory(Frozen):
    """One vulnerability of the product, as the manufacturer publishes it."""

    format: str = ADVISORY_FORMAT
    id: str = Field(pattern=_TRACKING_ID, max_length=64, description="The advisory's tracking ID.")
    title: str = Field(min_length=3)
    profile: AdvisoryProfile = AdvisoryProfile.SECURITY_ADVISORY
    cve: str | None = Field(default=None, pattern=_CVE)
    cwe: str | None = Field(default=None, pattern=r"^CWE-[1-9]\d{0,5}$")
    cwe_name: str | None = None
    summary: str = Field(min_length=3, description="What the vulnerability is and what it allows.")
    cvss_v3: Cvss31 | None = None
    status: str = Field(default="final", pattern=r"^(draft|interim|final)$")
    revisions: tuple[Revision, ...] = Field(min_length=1, description="Oldest first; the first is the release.")
    components: tuple[AffectedComponent, ...] = Field(min_length=1)
    remediations: tuple[Remediation, ...] = ()
    acknowledgments: tuple[str, ...] = ()

    @property
    def released(self) -> datetime:
        """The initial release date."""
        return self.revisions[0].date

    @property
    def current(self) -> datetime:
        """The date of the latest revision."""
        return self.revisions[-1].date

    @model_validator(mode="after")
    def _consistent(self) -> Advisory:
        if self.format != ADVISORY_FORMAT:
            msg = f"unknown format {self.format!r}; expected {ADVISORY_FORMAT!r}"
            raise ValueError(msg)
        dates = [revision.date for revision in self.revisions]
        if dates != sorted(dates):
            msg = "revisions: list them oldest first"
            raise ValueError(msg)
        affected = any(item.status is ProductStatus.KNOWN_AFFECTED for item in self.components)
        if affected and not self.remediations:
            msg = "remediations: a known_affected component needs at least one remediation (CSAF VEX profile)"
            raise ValueError(msg)
        return self


@dataclass(frozen=True)
class LoadedAdvisory:
    """An advisory with the SBOM component behind each of its ``components`` entries."""

    advisory: Advisory
    path: Path
    matched: tuple[SbomComponent, ...]


_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\.(ya?ml|json)$")


def load_advisory(path: Path, sbom: Sbom) -> LoadedAdvisory:
    """Read an advisory and match each component to the SBOM; an unknown component is an error at its line."""
    located: Located = read_located(path, DocumentError)
    if not isinstance(located.data, dict):
        raise DocumentError(f"an advisory is a mapping (format: {ADVISORY_FORMAT})", where=located.where())
    try:
        advisory = Advisory.model_validate(located.data)
    except ValidationError as exc:
        loc, message = first_error(exc)
        raise located.error(DocumentError, loc, message) from None
    matched: list[SbomComponent] = []
    for index, item in enumerate(advisory.components):
        found = sbom.find(item.component)
        if found is None:
            known = ", ".join(str(file.name) for file in sbom.files) or "none: no product component names an SBOM"
            raise located.error(
                DocumentError,
                ("components", index, "component"),
                f"{item.component!r} is not in the product's SBOM (SBOMs read: {known})",
                tip="name the component by the purl or CPE its SBOM entry has",
            )
        matched.append(found)
    return LoadedAdvisory(advisory, path, tuple(matched))


def advisory_files(directory: Path) -> list[Path]:
    """The advisory files of a directory, sorted by name (none if it does not exist)."""
    if not directory.is_dir():
        return []
    return sorted(path for path in directory.iterdir() if path.is_file() and _FILE_NAME.match(path.name))
