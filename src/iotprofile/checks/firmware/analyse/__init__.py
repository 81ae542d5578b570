"""Analysis of an extracted firmware root filesystem.

Inventory, kernel age, ELF hardening, credentials, keys, services started by default and update verification.
``find_roots`` finds the root filesystems in an extraction directory; ``analyse_root`` analyses one;
``shared_keys`` compares several analyses; ``to_cyclonedx`` writes an inventory as a CycloneDX 1.6 SBOM.
"""

from __future__ import annotations

from iotprofile.checks.firmware.analyse.keys import shared_keys
from iotprofile.checks.firmware.analyse.model import DEFAULT_MAX_SCAN_BYTES, RootAnalysis
from iotprofile.checks.firmware.analyse.root import analyse_root
from iotprofile.checks.firmware.analyse.roots import find_roots
from iotprofile.checks.firmware.analyse.sbom import to_cyclonedx

__all__ = ["DEFAULT_MAX_SCAN_BYTES", "RootAnalysis", "analyse_root", "find_roots", "shared_keys", "to_cyclonedx"]
