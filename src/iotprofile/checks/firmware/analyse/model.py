"""What analysing one extracted root filesystem produces."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from iotprofile.catalog.model import Frozen
from iotprofile.checks.interface import Finding, InventoryItem

#: Files larger than this are listed but not read for content scans (version strings, keys, ELF headers).
DEFAULT_MAX_SCAN_BYTES = 64 * 1024 * 1024


class RootAnalysis(Frozen):
    """Findings, component inventory and facts for one root filesystem."""

    root: str = Field(description="The root's name as the caller gave it (a path relative to the extraction).")
    findings: tuple[Finding, ...] = ()
    inventory: tuple[InventoryItem, ...] = ()
    facts: dict[str, Any] = Field(
        default_factory=dict,
        description="JSON values only: file counts and skips, kernel version and age, hardening aggregate, keys.",
    )
