"""Exploit-mitigation flags of every ELF file, and their aggregate per image (read with pyelftools).

Per file: NX (a ``PT_GNU_STACK`` segment without the execute flag; no segment means an executable stack on most
embedded architectures), RELRO (``PT_GNU_RELRO``; full with ``BIND_NOW``/``DF_BIND_NOW``/``DF_1_NOW``), PIE
(``ET_DYN`` with an interpreter or ``DF_1_PIE``), stack canary (``__stack_chk_fail``/``__stack_chk_guard`` in a
string table), FORTIFY (``__*_chk`` functions), stripped (no ``.symtab``) and RPATH/RUNPATH (insecure when an entry
is relative, empty or in a world-writable directory). Symbol names are looked up in the raw string tables, not by
iterating symbols: the same answer, much faster in pure Python.

Mapping (decided, not guessed): no IR 8425 sub-outcome is about exploit mitigations. IAC-2a is about validating data
exchanged between components, which compiler hardening does not do, so hardening findings carry ``elements=()``
and are evidence for ETSI EN 303 645 5.6-8 (hardware-enforced memory access control: NX) and 5.6-9 (secure
development processes). They never propose a verdict.
"""

from __future__ import annotations

import io
import mmap
import re
from dataclasses import dataclass, field
from typing import Any

from elftools.common.exceptions import ELFError, ELFParseError
from elftools.elf.constants import P_FLAGS
from elftools.elf.dynamic import DynamicSection
from elftools.elf.elffile import ELFFile

from iotprofile.checks.firmware.analyse.tree import TreeFile
from iotprofile.checks.interface import Finding, Location, Severity

DF_BIND_NOW = 0x8
DF_1_NOW = 0x1
DF_1_PIE = 0x08000000
_FORTIFY = re.compile(rb"\x00__\w+_chk\x00")
#: Directories an RPATH must not name (world-writable on most systems).
_WORLD_WRITABLE = (
    "/tmp",  # noqa: S108
    "/var/tmp",  # noqa: S108
    "/dev/shm",  # noqa: S108
    "/var/run",
    "/mnt",
    "/media",
)
#: How many of the worst binaries the facts and findings list.
WORST_LIMIT = 20
PROPERTIES = ("nx", "pie", "relro_full", "relro_partial", "canary", "fortify", "stripped")


@dataclass(slots=True)
class ElfReport:
    """The hardening flags of one ELF file (None: cannot be told, e.g. canary in a stripped static binary)."""

    path: str
    kind: str  # executable, library, static-executable, relocatable, core/other
    arch: str
    bits: int
    endian: str
    nx: bool
    relro: str  # none, partial, full
    pie: bool | None  # None for libraries and relocatable objects
    canary: bool | None
    fortify: bool | None
    stripped: bool
    rpath: list[str] = field(default_factory=list)
    insecure_rpath: list[str] = field(default_factory=list)

    def missing(self) -> list[str]:
        """The protections this file lacks (used to rank the worst binaries)."""
        gaps = [] if self.nx else ["nx"]
        if self.pie is False:
            gaps.append("pie")
        if self.relro == "none":
            gaps.append("relro")
        if self.canary is False:
            gaps.append("canary")
        if self.insecure_rpath:
            gaps.append("rpath")
        return gaps

    def as_json(self) -> dict[str, Any]:
        """JSON form (facts)."""
        return {
            "path": self.path,
            "kind": self.kind,
            "arch": self.arch,
            "nx": self.nx,
            "relro": self.relro,
            "pie": self.pie,
            "canary": self.canary,
            "fortify": self.fortify,
            "stripped": self.stripped,
            "insecure_rpath": self.insecure_rpath,
        }


def _insecure(entry: str) -> bool:
    if not entry or not entry.startswith(("/", "$ORIGIN", "${ORIGIN}")):
        return True
    return any(entry == d or entry.startswith(d + "/") for d in _WORLD_WRITABLE)


def inspect_elf(path: str, data: mmap.mmap | bytes) -> ElfReport:
    """The flags of one ELF file; raises ELFError/ELFParseError (and ValueError-like errors) on corrupt input."""
    # An mmap has read/seek/tell, which is all pyelftools uses; bytes need a stream around them.
    elf = ELFFile(io.BytesIO(data) if isinstance(data, bytes) else data)  # type: ignore[arg-type]
    header = elf.header
    has_interp = nx_known = False
    nx = False
    relro_seg = False
    for segment in elf.iter_segments():
        kind = segment["p_type"]
        if kind == "PT_INTERP":
            has_interp = True
        elif kind == "PT_GNU_STACK":
            nx_known = True
            nx = not segment["p_flags"] & P_FLAGS.PF_X
        elif kind == "PT_GNU_RELRO":
            relro_seg = True
    bind_now = flags_1_pie = dynamic = False
    for section in elf.iter_sections():
        if isinstance(section, DynamicSection):
            dynamic = True
            for tag in section.iter_tags():
                name = tag.entry.d_tag
                if name == "DT_BIND_NOW" or (name == "DT_FLAGS" and tag.entry.d_val & DF_BIND_NOW):
                    bind_now = True
                elif name == "DT_FLAGS_1":
                    bind_now = bind_now or bool(tag.entry.d_val & DF_1_NOW)
                    flags_1_pie = bool(tag.entry.d_val & DF_1_PIE)
    rpath = _rpath_entries(elf)
    strtabs = b"".join(
        section.data()
        for section in elf.iter_sections()
        if section["sh_type"] == "SHT_STRTAB"
        and section.name in (".dynstr", ".strtab")
        and section["sh_size"] < 1 << 24
    )
    stripped = elf.get_section_by_name(".symtab") is None
    e_type = header["e_type"]
    if e_type == "ET_REL":
        kind = "relocatable"
    elif e_type == "ET_DYN":
        kind = "executable" if has_interp or flags_1_pie else "library"
    elif e_type == "ET_EXEC":
        kind = "executable" if has_interp else "static-executable"
    else:
        kind = "other"
    pie = None if kind in ("library", "relocatable", "other") else e_type == "ET_DYN"
    symbols_known = bool(strtabs) and (dynamic or not stripped)
    canary = (b"__stack_chk_fail" in strtabs or b"__stack_chk_guard" in strtabs) if symbols_known else None
    fortify = bool(_FORTIFY.search(strtabs)) if symbols_known else None
    return ElfReport(
        path=path,
        kind=kind,
        arch=str(header["e_machine"]).removeprefix("EM_"),
        bits=elf.elfclass,
        endian="little" if elf.little_endian else "big",
        nx=nx if nx_known else False,
        relro="none" if not relro_seg else ("full" if bind_now else "partial"),
        pie=pie,
        canary=canary,
        fortify=fortify,
        stripped=stripped,
        rpath=rpath,
        insecure_rpath=[entry for entry in rpath if _insecure(entry)],
    )


def _rpath_entries(elf: ELFFile) -> list[str]:
    entries: list[str] = []
    for section in elf.iter_sections():
        if isinstance(section, DynamicSection):
            for tag in section.iter_tags():
                if tag.entry.d_tag in ("DT_RPATH", "DT_RUNPATH"):
                    value = getattr(tag, "rpath", None) or getattr(tag, "runpath", None) or ""
                    entries.extend(str(value).split(":"))
    return entries


class ElfScanner:
    """Collects an :class:`ElfReport` per ELF file, and the files that could not be parsed."""

    def __init__(self) -> None:
        self.reports: list[ElfReport] = []
        self.corrupt: dict[str, str] = {}

    def scan(self, item: TreeFile, data: mmap.mmap | bytes, *, is_elf: bool) -> None:
        """Inspect ``data`` if it is an ELF file; a corrupt one is recorded, never raised."""
        if not is_elf:
            return
        try:
            self.reports.append(inspect_elf(item.rel, data))
        except (
            ELFError,
            ELFParseError,
            ValueError,
            IndexError,
            KeyError,
            TypeError,
            AssertionError,
            OverflowError,
            EOFError,
        ) as error:  # pyelftools raises all of these on malformed input
            self.corrupt[item.rel] = f"{type(error).__name__}: {error}"[:200]


@dataclass(frozen=True, slots=True)
class _Gap:
    rule: str
    title: str
    severity: Severity
    etsi: tuple[str, ...]
    what: str


_GAPS: dict[str, _Gap] = {
    "nx": _Gap(
        "firmware.hardening.no-nx",
        "Executable stack (no NX)",
        Severity.MEDIUM,
        ("5.6-8", "5.6-9"),
        "have an executable stack (no PT_GNU_STACK without PF_X)",
    ),
    "pie": _Gap(
        "firmware.hardening.no-pie",
        "Executables not position-independent",
        Severity.LOW,
        ("5.6-9",),
        "are not position-independent (ASLR cannot move them)",
    ),
    "relro": _Gap(
        "firmware.hardening.no-relro",
        "No RELRO",
        Severity.LOW,
        ("5.6-9",),
        "have no RELRO (writable relocation tables)",
    ),
    "canary": _Gap(
        "firmware.hardening.no-canary",
        "No stack canary",
        Severity.LOW,
        ("5.6-9",),
        "have no stack canary (__stack_chk_fail absent)",
    ),
    "rpath": _Gap(
        "firmware.hardening.insecure-rpath",
        "Insecure RPATH/RUNPATH",
        Severity.MEDIUM,
        ("5.6-9",),
        "search for libraries in relative or world-writable directories (RPATH/RUNPATH)",
    ),
}


def _percent(count: int, total: int) -> float:
    return round(100.0 * count / total, 1) if total else 0.0


def summarise_hardening(scanner: ElfScanner) -> tuple[dict[str, Any], list[Finding]]:
    """Per-image aggregate (counts, percentages, worst binaries) and one finding per missing protection."""
    programs = sorted(
        (r for r in scanner.reports if r.kind in ("executable", "static-executable", "library")), key=lambda r: r.path
    )
    executables = [r for r in programs if r.pie is not None]
    counts: dict[str, Any] = {
        "elf_files": len(scanner.reports) + len(scanner.corrupt),
        "programs": len(programs),
        "executables": len(executables),
        "libraries": len(programs) - len(executables),
        "relocatable": sum(1 for r in scanner.reports if r.kind == "relocatable"),
        "corrupt": len(scanner.corrupt),
    }
    known_canary = [r for r in programs if r.canary is not None]
    properties = {
        "nx": (sum(r.nx for r in programs), len(programs)),
        "pie": (sum(bool(r.pie) for r in executables), len(executables)),
        "relro_full": (sum(r.relro == "full" for r in programs), len(programs)),
        "relro_partial": (sum(r.relro == "partial" for r in programs), len(programs)),
        "canary": (sum(bool(r.canary) for r in known_canary), len(known_canary)),
        "fortify": (sum(bool(r.fortify) for r in known_canary), len(known_canary)),
        "stripped": (sum(r.stripped for r in programs), len(programs)),
    }
    facts: dict[str, Any] = {
        **counts,
        "properties": {
            name: {"count": count, "of": total, "percent": _percent(count, total)}
            for name, (count, total) in properties.items()
        },
        "architectures": sorted({f"{r.arch}/{r.bits}/{r.endian}" for r in programs}),
        "worst": [
            {"path": r.path, "missing": r.missing()}
            for r in sorted(programs, key=lambda r: (-len(r.missing()), r.path))[:WORST_LIMIT]
            if r.missing()
        ],
        "corrupt_files": dict(sorted(scanner.corrupt.items())[:WORST_LIMIT]),
    }
    findings: list[Finding] = []
    for key, gap in _GAPS.items():
        population = executables if key == "pie" else (known_canary if key == "canary" else programs)
        lacking = [r.path for r in population if key in r.missing()]
        if not lacking:
            continue
        findings.append(
            Finding(
                rule=gap.rule,
                title=gap.title,
                severity=gap.severity,
                observed=f"{len(lacking)} of {len(population)} ELF programs and libraries {gap.what}.",
                elements=(),
                etsi=gap.etsi,
                location=Location(path=lacking[0]),
                data={
                    "count": len(lacking),
                    "of": len(population),
                    "percent": _percent(len(lacking), len(population)),
                    "paths": lacking[:WORST_LIMIT],
                },
            )
        )
    if scanner.corrupt:
        paths = sorted(scanner.corrupt)
        findings.append(
            Finding(
                rule="firmware.hardening.corrupt-elf",
                title="ELF files that could not be parsed",
                severity=Severity.INFO,
                observed=f"{len(paths)} files start like ELF files but could not be parsed; their flags are unknown.",
                elements=(),
                location=Location(path=paths[0]),
                data={"count": len(paths), "paths": paths[:WORST_LIMIT]},
            )
        )
    return facts, findings
