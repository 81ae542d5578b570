"""An offline vulnerability database (OSV, NVD CVE API 2.0, CISA KEV, CycloneDX VEX, OpenVEX) and matching.

``load_vulndb(DIR)`` reads what a directory holds, never the network; ``match_inventory(items, db)`` turns a
component inventory into findings; ``refresh`` (the ``iotprofile vulndb refresh`` command) fills the directory.
"""

from __future__ import annotations

from iotprofile.checks.vulndb.load import DEFAULT_VULNDB, default_vulndb, load_vulndb
from iotprofile.checks.vulndb.match import match_inventory
from iotprofile.checks.vulndb.model import Advisory, VexStatement, VexStatus, VulnDb

__all__ = [
    "DEFAULT_VULNDB",
    "Advisory",
    "VexStatement",
    "VexStatus",
    "VulnDb",
    "default_vulndb",
    "load_vulndb",
    "match_inventory",
]
