"""The firmware check: identify, extract within limits, analyse each root filesystem, match vulnerabilities.

One attempt per image. The extraction happens in a private temporary directory that is removed afterwards; the
attempt keeps what matters (coverage, the container header, limits hit, findings with their paths inside the
image, the component inventory), so a report never depends on files that no longer exist.
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any, ClassVar

from iotprofile.checks.interface import (
    Attempt,
    Check,
    CheckInfo,
    CheckTarget,
    Finding,
    InputKind,
    InputRef,
    InventoryItem,
    Limits,
    Location,
    Severity,
    file_ref,
    utc_now,
)
from iotprofile.errors import CheckError

#: Below this share of identified bytes the extraction is reported as partial (the analysis may miss things).
LOW_COVERAGE = 0.5


class FirmwareCheck(Check):
    """Extract a firmware image and look inside: components, kernel, hardening, credentials, keys, services, updates."""

    info: ClassVar[CheckInfo] = CheckInfo(
        id="firmware",
        title="Firmware image analysis",
        version="1.0.0",
        inputs=(InputKind.FIRMWARE,),
        elements=("AI-2", "DOC-1b", "DP-1", "IAC-1a", "IAC-1b", "IAC-2b", "SU-1", "SU-2", "ID-1d"),
        etsi=("5.1-1", "5.3-7", "5.3-10", "5.4-3", "5.4-4", "5.5-1", "5.6-1", "5.6-8", "5.6-9"),
        tools=("unblob", "unsquashfs", "7z"),
        limits="input size, total extracted bytes, file count, archive depth and wall time (Limits); extraction "
        "confined to a private directory (links and '..' never escape); files over 64 MB are not content-scanned",
    )
    #: Imported once by the runner's fork server, so each image's process starts with them loaded.
    preload: ClassVar[tuple[str, ...]] = (
        "iotprofile.checks.firmware.extract",
        "iotprofile.checks.firmware.analyse",
        "iotprofile.checks.vulndb",
    )

    def run(self, target: CheckTarget, limits: Limits) -> Attempt:
        """Analyse ``target.path``; an unreadable image or a failed extraction gives an error attempt."""
        started = utc_now()
        path = target.path
        if path is None:
            return self.failed(InputRef(kind=InputKind.FIRMWARE, name="(none)"), started, "no image given")
        try:
            ref = file_ref(InputKind.FIRMWARE, path)
        except OSError as exc:
            return self.failed(InputRef(kind=InputKind.FIRMWARE, name=str(path)), started, f"{path}: {exc.strerror}")
        try:
            return self._analyse(path, ref, target, limits, started)
        except CheckError as exc:
            return self.failed(ref, started, exc.one_line())

    def _analyse(self, path: Path, ref: InputRef, target: CheckTarget, limits: Limits, started: Any) -> Attempt:
        from iotprofile.checks.firmware.analyse import analyse_root
        from iotprofile.checks.firmware.analyse.roots import find_roots
        from iotprofile.checks.firmware.extract import extract

        timings: dict[str, float] = {}
        findings: list[Finding] = []
        inventory: list[InventoryItem] = []
        roots_facts: list[dict[str, Any]] = []
        with tempfile.TemporaryDirectory(prefix="iotprofile-firmware-") as work:
            begun = time.perf_counter()
            extraction = extract(path, Path(work) / "x", limits)
            timings["extract_s"] = round(time.perf_counter() - begun, 3)
            begun = time.perf_counter()
            roots = find_roots(extraction.root, max_depth=limits.max_depth + 4)
            remaining = max(1.0, limits.timeout_s - timings["extract_s"])
            for root in roots:
                name = root.relative_to(extraction.root).as_posix() if root != extraction.root else "."
                analysis = analyse_root(root, limits=limits.model_copy(update={"timeout_s": remaining}), name=name)
                findings += [_prefixed(finding, name) for finding in analysis.findings]
                inventory += analysis.inventory
                roots_facts.append({"root": name, **analysis.facts})
            timings["analyse_s"] = round(time.perf_counter() - begun, 3)
        findings += _extraction_findings(extraction, roots)
        facts: dict[str, Any] = {**extraction.facts(), "roots": roots_facts, "timings": timings}
        vulndb = target.options.get("vulndb")
        if vulndb:
            from iotprofile.checks.vulndb import load_vulndb, match_inventory

            begun = time.perf_counter()
            db = load_vulndb(Path(vulndb))
            findings += match_inventory(inventory, db)
            facts["vulndb"] = db.counts()
            timings["match_s"] = round(time.perf_counter() - begun, 3)
        else:
            facts["vulndb"] = None
            facts["vulndb_note"] = "no vulnerability data was used: inventory only (give --vulndb DIR to match)"
        facts["findings_by_rule"] = dict(sorted(Counter(finding.rule for finding in findings).items()))
        return self.attempt(
            ref,
            started,
            tool_versions=dict(extraction.tool_versions),
            findings=tuple(findings),
            inventory=tuple(inventory),
            facts=facts,
        )


def _prefixed(finding: Finding, root: str) -> Finding:
    """A finding whose path is relative to one root, made relative to the extraction (several roots per image)."""
    if root == "." or finding.location is None or finding.location.path is None:
        return finding
    location = finding.location.model_copy(update={"path": f"{root}/{finding.location.path.lstrip('/')}"})
    return finding.model_copy(update={"location": location})


def _extraction_findings(extraction: Any, roots: list[Path]) -> list[Finding]:
    """What the extraction itself says: how much of the image was understood, and which limits were hit."""
    coverage = extraction.coverage
    findings: list[Finding] = []
    ratio = coverage.ratio
    severity = Severity.INFO if ratio >= LOW_COVERAGE and roots else Severity.MEDIUM
    findings.append(
        Finding(
            rule="firmware.extraction.coverage",
            title="Extraction coverage",
            severity=severity,
            observed=f"{ratio:.0%} of the image's {coverage.image_size} bytes were identified by a handler or header "
            f"parser ({coverage.unknown_bytes} bytes unknown); {len(roots)} root filesystem(s) found; "
            f"{extraction.files_written} files extracted.",
            elements=(),
            data={
                "coverage": round(ratio, 4),
                "roots": len(roots),
                "limits_hit": [str(x) for x in extraction.limits_hit],
            },
        )
    )
    findings.extend(
        Finding(
            rule="firmware.extraction.limit",
            title="Extraction limit hit",
            severity=Severity.MEDIUM,
            observed=f"extraction stopped at the {limit} limit; the analysis covers only what was extracted.",
            elements=(),
            location=Location(path="."),
        )
        for limit in extraction.limits_hit
    )
    return findings
