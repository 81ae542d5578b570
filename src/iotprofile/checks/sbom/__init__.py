"""The SBOM check: CycloneDX (1.4-1.6, JSON and XML) and SPDX (2.2/2.3) inventories, and their vulnerabilities.

``read_sbom(PATH)`` is the service-level reader (raises :class:`iotprofile.errors.CheckError`); ``SbomCheck`` is the
plugin (returns an error attempt instead).
"""

from __future__ import annotations

from iotprofile.checks.sbom.check import SbomCheck, inventory_finding
from iotprofile.checks.sbom.model import SbomDocument, SbomFormat
from iotprofile.checks.sbom.read import detect_format, read_sbom

__all__ = ["SbomCheck", "SbomDocument", "SbomFormat", "detect_format", "inventory_finding", "read_sbom"]
