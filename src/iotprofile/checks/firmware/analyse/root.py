"""``analyse_root``: every analysis of one extracted root filesystem, in one bounded pass over its files."""

from __future__ import annotations

import posixpath
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from iotprofile.checks.firmware.analyse.credentials import analyse_credentials
from iotprofile.checks.firmware.analyse.elf import ElfScanner, summarise_hardening
from iotprofile.checks.firmware.analyse.inventory import (
    VersionStringScanner,
    inventory_finding,
    package_db_items,
    sort_inventory,
)
from iotprofile.checks.firmware.analyse.kernel import KernelBannerScanner, analyse_kernel
from iotprofile.checks.firmware.analyse.keys import KeyScanner
from iotprofile.checks.firmware.analyse.model import DEFAULT_MAX_SCAN_BYTES, RootAnalysis
from iotprofile.checks.firmware.analyse.scan import ContentScanner, scan_contents
from iotprofile.checks.firmware.analyse.services import analyse_services
from iotprofile.checks.firmware.analyse.tree import RootTree
from iotprofile.checks.firmware.analyse.update import analyse_update
from iotprofile.checks.interface import Finding, Limits
from iotprofile.errors import CheckError

#: Paths listed in the facts for each kind of skip (the counts are always complete).
LISTED = 20


def _escaping_links(tree: RootTree) -> int:
    """Symlinks whose relative target climbs above the root.

    Absolute targets are read inside the root, as on the device; no link is followed out of the root either way.
    """
    count = 0
    for link, target in tree.links.items():
        if not target.startswith("/"):
            joined = posixpath.normpath(posixpath.join(posixpath.dirname(link), target))
            count += joined == ".." or joined.startswith("../")
    return count


def _finding_key(finding: Finding) -> tuple[str, str, int, int]:
    location = finding.location
    if location is None:
        return finding.rule, "", 0, 0
    return finding.rule, location.path or "", location.line or 0, location.offset or 0


def analyse_root(
    root: Path,
    *,
    limits: Limits,
    max_scan_bytes: int = DEFAULT_MAX_SCAN_BYTES,
    today: date | None = None,
    name: str | None = None,
) -> RootAnalysis:
    """Analyse the root filesystem at ``root``.

    Inventory, kernel age, ELF hardening, credentials, keys, services and update verification.

    Bounded by ``limits.max_files`` (regular files walked), ``max_scan_bytes`` (larger files are not read for
    content scans) and ``limits.timeout_s`` (the content pass stops); the facts say when a bound was hit. Symlinks
    are never followed out of ``root``. ``today`` fixes the date kernel ages are measured against (tests).
    Raises :class:`~iotprofile.errors.CheckError` when ``root`` is not a directory; nothing inside it raises.
    """
    if not root.is_dir() or root.is_symlink():
        raise CheckError("not a directory: an extracted root filesystem is a directory", where=str(root))
    started = time.monotonic()
    today = today or datetime.now(UTC).date()
    tree = RootTree.walk(root, max_files=limits.max_files)
    versions, banners, elves, keys = VersionStringScanner(), KernelBannerScanner(), ElfScanner(), KeyScanner()
    scanners: list[ContentScanner] = [versions, banners, elves, keys]
    stats = scan_contents(tree, scanners, max_scan_bytes=max_scan_bytes, deadline=started + limits.timeout_s)

    inventory = versions.items(tree) + package_db_items(tree)
    findings: list[Finding] = []
    facts: dict[str, Any] = {
        "files": len(tree.files),
        "directories": len(tree.dirs),
        "symlinks": len(tree.links),
        "symlinks_escaping_root": _escaping_links(tree),
        "bytes": sum(item.size for item in tree.files.values()),
        "scanned_files": stats.scanned,
        "scanned_bytes": stats.scanned_bytes,
        "max_files": limits.max_files,
        "max_scan_bytes": max_scan_bytes,
        "file_limit_hit": tree.truncated,
        "timed_out": stats.timed_out,
        "skipped_large": len(stats.skipped_large),
        "skipped_large_paths": sorted(stats.skipped_large)[:LISTED],
        "unreadable": len(stats.unreadable) + len(tree.unreadable),
        "unreadable_paths": sorted(stats.unreadable + tree.unreadable)[:LISTED],
        "scanner_errors": stats.scanner_errors[:LISTED],
        "inventory": len(inventory),
        "kernel_versions": sorted({i.version for i in inventory if i.name == "linux" and i.version}),
    }
    kernel_facts, kernel_findings = analyse_kernel(inventory, banners.banners, today=today)
    hardening_facts, hardening_findings = summarise_hardening(elves)
    key_facts, key_findings = keys.results()
    credential_facts, credential_findings = analyse_credentials(tree)
    service_facts, service_findings = analyse_services(tree)
    update_facts, update_findings = analyse_update(tree)
    facts |= {
        "kernel": kernel_facts,
        "hardening": hardening_facts,
        "keys": key_facts,
        "credentials": credential_facts,
        "services": service_facts,
        "update": update_facts,
    }
    for part in (kernel_findings, hardening_findings, key_findings, credential_findings, service_findings,
                 update_findings):  # fmt: skip
        findings.extend(part)
    summary = inventory_finding(inventory)
    if summary is not None:
        findings.append(summary)
    return RootAnalysis(
        root=name if name is not None else root.name,
        findings=tuple(sorted(findings, key=_finding_key)),
        inventory=sort_inventory(inventory),
        facts=facts,
    )
