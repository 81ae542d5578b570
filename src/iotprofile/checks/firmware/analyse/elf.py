"""Exploit-mitigation flags of every ELF file, and their aggregate per image.

Headers are read with ``struct`` (:mod:`.elfread`, checked against pyelftools in the tests).

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

import mmap
import re
import struct
from dataclasses import dataclass, field
from typing import Any

from elftools.elf.enums import ENUM_E_MACHINE

from iotprofile.checks.firmware.analyse.elfread import (
    DT_BIND_NOW,
    DT_FLAGS,
    DT_FLAGS_1,
    DT_RPATH,
    DT_RUNPATH,
    DT_STRSZ,
    DT_STRTAB,
    ET_DYN,
    ET_EXEC,
    ET_REL,
    PF_X,
    PT_DYNAMIC,
    PT_GNU_RELRO,
    PT_GNU_STACK,
    PT_INTERP,
    PT_LOAD,
    SHT_STRTAB,
    SHT_SYMTAB,
    dynamic_tags,
    elf_header,
    file_offset,
    section_table,
    segments,
)
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
#: e_machine number -> name (pyelftools' table, without the EM_ prefix).
_MACHINES = {number: name.removeprefix("EM_") for name, number in ENUM_E_MACHINE.items() if isinstance(number, int)}
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


def _string_at(table: bytes, offset: int) -> str:
    stop = table.find(b"\x00", offset)
    return table[offset:stop].decode("utf-8", errors="replace") if 0 <= offset < len(table) and stop >= 0 else ""


def inspect_elf(path: str, data: mmap.mmap | bytes) -> ElfReport:
    """The flags of one ELF file; raises :class:`ElfFormatError` (a ValueError) on malformed headers."""
    header = elf_header(data)
    program = segments(data, header)
    kinds = {segment.type for segment in program}
    stack = next((s for s in program if s.type == PT_GNU_STACK), None)
    dynamic = next((s for s in program if s.type == PT_DYNAMIC), None)
    tags = dynamic_tags(data, header, dynamic) if dynamic is not None else []
    values: dict[int, int] = {}
    for tag, value in tags:
        values.setdefault(tag, value)
    flags_1 = values.get(DT_FLAGS_1, 0)
    bind_now = DT_BIND_NOW in values or bool(values.get(DT_FLAGS, 0) & DF_BIND_NOW) or bool(flags_1 & DF_1_NOW)
    loads = [s for s in program if s.type == PT_LOAD]
    dynstr = b""
    if DT_STRTAB in values and values.get(DT_STRSZ):
        offset = file_offset(loads, values[DT_STRTAB])
        if offset is not None:
            dynstr = bytes(data[offset : offset + min(values[DT_STRSZ], 1 << 24)])
    rpath = [
        entry for tag, value in tags if tag in (DT_RPATH, DT_RUNPATH) for entry in _string_at(dynstr, value).split(":")
    ]
    sections = section_table(data)
    symtab = next((s for s in sections if s.type == SHT_SYMTAB), None)
    strtab = b""
    if symtab is not None and symtab.link < len(sections) and sections[symtab.link].type == SHT_STRTAB:
        linked = sections[symtab.link]
        strtab = bytes(data[linked.offset : linked.offset + min(linked.size, 1 << 24)])
    strtabs = dynstr + b"\x00" + strtab
    has_interp = PT_INTERP in kinds
    if header.type == ET_REL:
        kind = "relocatable"
    elif header.type == ET_DYN:
        kind = "executable" if has_interp or flags_1 & DF_1_PIE else "library"
    elif header.type == ET_EXEC:
        kind = "executable" if has_interp else "static-executable"
    else:
        kind = "other"
    pie = None if kind in ("library", "relocatable", "other") else header.type == ET_DYN
    symbols_known = bool(dynstr) or bool(strtab)
    canary = (b"__stack_chk_fail" in strtabs or b"__stack_chk_guard" in strtabs) if symbols_known else None
    fortify = bool(_FORTIFY.search(strtabs)) if symbols_known else None
    return ElfReport(
        path=path,
        kind=kind,
        arch=_MACHINES.get(header.machine, str(header.machine)),
        bits=64 if header.is64 else 32,
        endian="little" if header.endian == "<" else "big",
        nx=stack is not None and not stack.flags & PF_X,
        relro="none" if PT_GNU_RELRO not in kinds else ("full" if bind_now else "partial"),
        pie=pie,
        canary=canary,
        fortify=fortify,
        stripped=symtab is None,
        rpath=rpath,
        insecure_rpath=[entry for entry in rpath if _insecure(entry)],
    )


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
        except (ValueError, IndexError, OverflowError, struct.error) as error:  # malformed headers
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
