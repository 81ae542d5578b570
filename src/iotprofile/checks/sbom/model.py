"""What an SBOM holds once read: its format, spec version, the product it describes and its components."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from iotprofile.catalog.model import Frozen
from iotprofile.checks.interface import InventoryItem


class SbomFormat(StrEnum):
    """An SBOM serialisation, detected from the content."""

    CYCLONEDX_JSON = "cyclonedx-json"
    CYCLONEDX_XML = "cyclonedx-xml"
    SPDX_JSON = "spdx-json"
    SPDX_TAG_VALUE = "spdx-tag-value"
    SPDX_YAML = "spdx-yaml"
    SPDX_RDF = "spdx-rdf-xml"


class SbomDocument(Frozen):
    """One SBOM file, read and validated."""

    path: str
    format: SbomFormat
    spec_version: str = Field(description="'1.4', '1.5', '1.6' for CycloneDX; 'SPDX-2.3' for SPDX.")
    subject: str | None = Field(default=None, description="The product the SBOM describes (name and version).")
    components: tuple[InventoryItem, ...] = ()
