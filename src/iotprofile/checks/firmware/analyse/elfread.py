"""The parts of an ELF file the hardening and version scans need, read with ``struct``: bounds-checked and fast.

pyelftools builds a Python object per header through ``construct``: about 10 ms per binary, 6 s for a rootfs of
550 binaries, which would make the firmware check slower than the tools it replaces. These scans only need the ELF
header, the program headers, the dynamic tags and each section's name, type, offset and size, which
``struct.iter_unpack`` gives in microseconds. pyelftools remains the reference: the tests compare both readers on
real binaries, and its enums name the machine types. An ELF file whose section table is missing (``sstrip``,
common on OpenWrt) or out of bounds yields no sections; callers fall back to the program headers or the whole file.
"""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass

PT_LOAD, PT_DYNAMIC, PT_INTERP = 1, 2, 3
PT_GNU_STACK, PT_GNU_RELRO = 0x6474E551, 0x6474E552
PF_X = 1
DT_NULL, DT_STRTAB, DT_STRSZ, DT_RPATH, DT_BIND_NOW, DT_RUNPATH, DT_FLAGS = 0, 5, 10, 15, 24, 29, 30
DT_FLAGS_1 = 0x6FFFFFFB
ET_REL, ET_EXEC, ET_DYN = 1, 2, 3
MAX_SEGMENTS = 1024
MAX_DYNAMIC = 4096
SHT_SYMTAB = 2
SHT_STRTAB = 3
SHT_DYNSYM = 11
SHT_NOBITS = 8
MAX_SECTIONS = 4096


class ElfFormatError(ValueError):
    """The file starts like an ELF file but its headers are malformed or out of bounds."""


@dataclass(frozen=True, slots=True)
class Segment:
    """One program header."""

    type: int
    flags: int
    offset: int
    vaddr: int
    filesz: int


@dataclass(frozen=True, slots=True)
class ElfHeader:
    """The fields of the ELF header the scans use."""

    is64: bool
    endian: str  # "<" or ">"
    type: int
    machine: int


def elf_header(data: mmap.mmap | bytes) -> ElfHeader:
    """The ELF header; raises :class:`ElfFormatError` when it is truncated or its class/encoding are invalid."""
    if len(data) < 52 or data[:4] != b"\x7fELF" or data[4] not in (1, 2) or data[5] not in (1, 2):
        raise ElfFormatError("truncated ELF header or invalid class/encoding")
    is64 = data[4] == 2
    if is64 and len(data) < 64:
        raise ElfFormatError("truncated 64-bit ELF header")
    endian = "<" if data[5] == 1 else ">"
    kind, machine = struct.unpack_from(endian + "HH", data, 0x10)
    return ElfHeader(is64=is64, endian=endian, type=kind, machine=machine)


def segments(data: mmap.mmap | bytes, header: ElfHeader) -> list[Segment]:
    """The program headers; raises :class:`ElfFormatError` when the table lies outside the file."""
    end = header.endian
    if header.is64:
        (phoff,) = struct.unpack_from(end + "Q", data, 0x20)
        phentsize, phnum = struct.unpack_from(end + "HH", data, 0x36)
        layout, expected = end + "IIQQQQQQ", 56
    else:
        (phoff,) = struct.unpack_from(end + "I", data, 0x1C)
        phentsize, phnum = struct.unpack_from(end + "HH", data, 0x2A)
        layout, expected = end + "IIIIIIII", 32
    if phnum == 0:
        return []
    if phentsize != expected or phnum > MAX_SEGMENTS or phoff + phnum * phentsize > len(data):
        raise ElfFormatError(f"program header table out of bounds (offset {phoff}, {phnum} entries)")
    result = []
    for entry in struct.iter_unpack(layout, data[phoff : phoff + phnum * phentsize]):
        if header.is64:
            kind, flags, offset, vaddr, _, filesz, _, _ = entry
        else:
            kind, offset, vaddr, _, filesz, _, flags, _ = entry
        result.append(Segment(type=kind, flags=flags, offset=offset, vaddr=vaddr, filesz=filesz))
    return result


def dynamic_tags(data: mmap.mmap | bytes, header: ElfHeader, dynamic: Segment) -> list[tuple[int, int]]:
    """The (tag, value) entries of the dynamic segment, up to ``DT_NULL``."""
    size = 16 if header.is64 else 8
    if dynamic.offset + dynamic.filesz > len(data):
        raise ElfFormatError("dynamic segment out of bounds")
    count = min(dynamic.filesz // size, MAX_DYNAMIC)
    layout = header.endian + ("qQ" if header.is64 else "iI")
    tags = []
    for tag, value in struct.iter_unpack(layout, data[dynamic.offset : dynamic.offset + count * size]):
        if tag == DT_NULL:
            break
        tags.append((tag, value))
    return tags


def file_offset(loads: list[Segment], address: int) -> int | None:
    """The file offset of a virtual address, through the load segments."""
    for segment in loads:
        if segment.vaddr <= address < segment.vaddr + segment.filesz:
            return segment.offset + address - segment.vaddr
    return None


@dataclass(frozen=True, slots=True)
class Section:
    """One section header: name, type, file offset, size and link."""

    name: str
    type: int
    offset: int
    size: int
    link: int


def section_table(data: mmap.mmap | bytes) -> list[Section]:
    """The sections of an ELF file (empty when absent or malformed)."""
    if len(data) < 64 or data[:4] != b"\x7fELF" or data[4] not in (1, 2) or data[5] not in (1, 2):
        return []
    is64 = data[4] == 2
    end = "<" if data[5] == 1 else ">"
    if is64:
        (shoff,) = struct.unpack_from(end + "Q", data, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from(end + "HHH", data, 0x3A)
        layout, expected = end + "IIQQQQIIQQ", 64
    else:
        (shoff,) = struct.unpack_from(end + "I", data, 0x20)
        shentsize, shnum, shstrndx = struct.unpack_from(end + "HHH", data, 0x2E)
        layout, expected = end + "IIIIIIIIII", 40
    if shoff == 0 or shnum == 0 or shnum > MAX_SECTIONS or shentsize != expected:
        return []
    if shoff + shnum * shentsize > len(data):
        return []
    raw = [
        (name, kind, offset, size, link)
        for name, kind, _, _, offset, size, link, _, _, _ in struct.iter_unpack(
            layout, data[shoff : shoff + shnum * shentsize]
        )
    ]
    names = b""
    if shstrndx < len(raw):
        _, _, offset, size, _ = raw[shstrndx]
        if offset + size <= len(data):
            names = bytes(data[offset : offset + min(size, 1 << 20)])
    sections = []
    for name_offset, kind, offset, size, link in raw:
        if kind != SHT_NOBITS and offset + size > len(data):
            continue  # points past the end of the file: ignored rather than trusted
        stop = names.find(b"\x00", name_offset)
        name = names[name_offset:stop].decode("latin-1") if 0 <= name_offset < len(names) and stop >= 0 else ""
        sections.append(Section(name=name, type=kind, offset=offset, size=size, link=link))
    return sections


#: Sections where programs keep their constant strings (version banners).
STRING_SECTIONS = frozenset({".rodata", ".rdata", ".data", ".comment", ".rodata.str1.1", ".rodata.str1.4",
                             ".rodata.str1.8", ".data.rel.ro", ".modinfo"})  # fmt: skip


def string_ranges(data: mmap.mmap | bytes) -> list[tuple[int, int]]:
    """(start, end) file ranges of the sections that hold constant strings; the whole file if there is no table."""
    ranges = [
        (section.offset, section.offset + section.size)
        for section in section_table(data)
        if section.type != SHT_NOBITS and (section.name in STRING_SECTIONS or section.name.startswith(".rodata"))
    ]
    return ranges or [(0, len(data))]
