"""The Linux kernel version found in a root filesystem, and its age against a small table of series dates.

The table (``kernel_series.yaml`` beside this module) holds mainline release dates per major.minor and the end of
life of long-term series. It was written from memory of kernel.org's release history and NEEDS CHECKING against
kernel.org; its header says so. A series missing from the table is reported with an unknown age, never guessed.

Verdicts (SU-2, "keep component software up to date"): a kernel whose series is past its end of life is a high-
severity finding, but evidence only (``proposes=None``): vendors backport fixes, the Civil Infrastructure Platform
maintains some series for ten years, and an old image says little about what the product ships today. The one case
that proves the failure is a kernel *built* (date in its ``Linux version`` banner) more than a year after its series'
end of life, on kernel.org and on CIP alike: the vendor then shipped a kernel nobody maintained any more, so that
finding proposes ``not_satisfied``.
"""

from __future__ import annotations

import mmap
import re
from datetime import date, datetime
from functools import cache
from importlib import resources
from typing import Any

import yaml

from iotprofile.assessment.model import Verdict
from iotprofile.checks.firmware.analyse.tree import TreeFile
from iotprofile.checks.interface import Finding, InventoryItem, Location, Severity

_BANNER = re.compile(rb"Linux version (\d\.\d{1,2}(?:\.\d{1,3})?)[^\n\x00]{0,300}")
_BUILD_DATE = re.compile(
    rb"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +(\d{1,2}) "
    rb"\d\d:\d\d:\d\d(?: [A-Za-z0-9+-]{1,8})? (\d{4})"
)
_KERNEL_FILE = re.compile(r"(?:^|/)(?:vmlinux|vmlinuz|zImage|uImage|Image|bzImage|kernel)[^/]*$")
#: A kernel built this long after its series' end of life proves it was shipped unmaintained.
BUILT_AFTER_EOL_DAYS = 365


@cache
def series_table() -> dict[str, dict[str, date]]:
    """The bundled table: ``releases``, ``lts_eol`` and ``cip_slts_eol``, each series -> date."""
    text = resources.files(__package__).joinpath("kernel_series.yaml").read_text(encoding="utf-8")
    raw: dict[str, dict[str, date]] = yaml.safe_load(text)
    return {key: dict(raw[key]) for key in ("releases", "lts_eol", "cip_slts_eol")}


def series_of(version: str) -> str:
    """The series of a version: ``2.6.32`` for 2.6.x kernels, otherwise major.minor (``4.14``)."""
    parts = version.split(".")
    if parts[:2] == ["2", "6"] and len(parts) > 2:
        return ".".join(parts[:3])
    return ".".join(parts[:2])


def series_eol(series: str) -> tuple[date | None, str]:
    """End of life of a series and how it is known ('lts', 'next-but-one release', or 'unknown')."""
    table = series_table()
    if series in table["lts_eol"]:
        return table["lts_eol"][series], "kernel.org long-term end of life"
    ordered = sorted(table["releases"], key=lambda s: tuple(int(p) for p in s.split(".")))
    if series in ordered:
        index = ordered.index(series)
        if index + 2 < len(ordered):
            return table["releases"][ordered[index + 2]], "release of the series two after it (upper bound)"
    return None, "unknown"


class KernelBannerScanner:
    """Finds ``Linux version`` banners (with build dates) in kernel images."""

    def __init__(self) -> None:
        self.banners: dict[str, tuple[str, date | None]] = {}

    def scan(self, item: TreeFile, data: mmap.mmap | bytes, *, is_elf: bool) -> None:  # noqa: ARG002  (the scanner protocol)
        """Record the first banner of a file named like a kernel image."""
        if not _KERNEL_FILE.search(item.rel):
            return
        match = _BANNER.search(data)
        if match is None:
            return
        built: date | None = None
        when = _BUILD_DATE.search(match.group(0))
        if when:
            try:
                built = datetime.strptime(b" ".join(when.groups()).decode(), "%b %d %Y").date()
            except ValueError:
                built = None
        self.banners.setdefault(match.group(1).decode(), (item.rel, built))


def analyse_kernel(
    inventory: list[InventoryItem], banners: dict[str, tuple[str, date | None]], *, today: date
) -> tuple[dict[str, Any], list[Finding]]:
    """Facts about each kernel version found, and findings for series past end of life."""
    versions: dict[str, str] = {
        item.version: item.path or "" for item in inventory if item.name == "linux" and item.version
    }
    for version, (path, _) in banners.items():
        versions[version] = path  # the kernel image itself is the better location
    table = series_table()
    kernels: list[dict[str, Any]] = []
    findings: list[Finding] = []
    for version in sorted(versions, key=lambda v: tuple(int(p) for p in v.split(".") if p.isdigit())):
        path = versions[version]
        series = series_of(version)
        released = table["releases"].get(series)
        eol, eol_basis = series_eol(series)
        cip_eol = table["cip_slts_eol"].get(series)
        built = banners.get(version, (path, None))[1]
        fact: dict[str, Any] = {
            "version": version,
            "series": series,
            "path": path,
            "series_released": released.isoformat() if released else None,
            "series_age_years": round((today - released).days / 365.25, 1) if released else None,
            "series_eol": eol.isoformat() if eol else None,
            "series_eol_basis": eol_basis,
            "cip_slts_eol": cip_eol.isoformat() if cip_eol else None,
            "built": built.isoformat() if built else None,
        }
        kernels.append(fact)
        if eol is None or eol >= today:
            continue
        maintained_until = max(eol, cip_eol) if cip_eol else eol
        proven = built is not None and (built - maintained_until).days > BUILT_AFTER_EOL_DAYS
        cip_note = f"; the CIP super-long-term series is maintained until {cip_eol.isoformat()}" if cip_eol else ""
        observed = (
            f"Linux {version} (series {series}, released {released.isoformat() if released else 'on an unknown date'}) "
            f"is past its end of life ({eol.isoformat()}, {eol_basis}){cip_note}."
        )
        if proven and built is not None:
            observed += (
                f" This kernel was built on {built.isoformat()}, more than a year after its series was last maintained."
            )
        findings.append(
            Finding(
                rule="firmware.kernel.end-of-life",
                title="Linux kernel series past end of life",
                severity=Severity.HIGH,
                observed=observed,
                elements=("SU-2",),
                etsi=("5.3-8",),
                proposes=Verdict.NOT_SATISFIED if proven else None,
                location=Location(path=path),
                data=fact,
            )
        )
    return {"kernels": kernels}, findings
