"""Firmware container headers we parse ourselves: U-Boot legacy uImage, Broadcom TRX and U-Boot FIT.

unblob has no uImage handler (the 64-byte header stays an unknown chunk) and its TRX handler does not tell us the
partition table, so these headers are parsed here, with both checksums verified. Nothing in a header is trusted: a
size that runs past the end of the file, or an offset that points backwards, becomes a failed check and a warning,
and the payload is clipped to the bytes that exist. No function here reads past the end of the file or raises for
bad bytes; :func:`identify` returns ``None`` for anything that is not one of these containers.
"""

from __future__ import annotations

import struct
import zlib
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

from pydantic import Field

from iotprofile.catalog.model import Frozen

__all__ = [
    "ContainerInfo",
    "ContainerKind",
    "HeaderCheck",
    "Payload",
    "identify",
    "parse_trx",
    "parse_uimage",
]

UIMAGE_MAGIC = 0x27051956
UIMAGE_HEADER = struct.Struct(">IIIIIIIBBBB32s")
TRX_MAGIC = b"HDR0"
FDT_MAGIC = 0xD00DFEED
_CRC_BLOCK = 1 << 20

#: uImage ``ih_os``, ``ih_arch``, ``ih_type`` and ``ih_comp`` values (U-Boot include/image.h), the common ones.
UIMAGE_OS = {0: "invalid", 1: "openbsd", 2: "netbsd", 3: "freebsd", 5: "linux", 17: "u-boot", 22: "efi"}
UIMAGE_ARCH = {
    1: "alpha",
    2: "arm",
    3: "x86",
    4: "ia64",
    5: "mips",
    6: "mips64",
    7: "ppc",
    8: "s390",
    9: "sh",
    10: "sparc",
    11: "sparc64",
    12: "m68k",
    15: "microblaze",
    16: "nios2",
    19: "avr32",
    22: "arm64",
    26: "x86_64",
    28: "riscv",
}
UIMAGE_TYPE = {1: "standalone", 2: "kernel", 3: "ramdisk", 4: "multi", 5: "firmware", 6: "script", 7: "filesystem"}
UIMAGE_COMP = {0: "none", 1: "gzip", 2: "bzip2", 3: "lzma", 4: "lzo", 5: "lz4", 6: "zstd"}
_UIMAGE_MULTI = 4
_MAX_MULTI_IMAGES = 64


class ContainerKind(StrEnum):
    """The container formats :func:`identify` recognises."""

    UIMAGE = "uimage"
    TRX = "trx"
    FIT = "fit"


class HeaderCheck(Frozen):
    """One consistency check of a header (a CRC, a size against the file)."""

    name: str = Field(description="What was checked, e.g. 'header-crc', 'data-crc', 'size'.")
    passed: bool
    detail: str = Field(default="", description="Expected and found values, in words.")


class Payload(Frozen):
    """A byte range of the image that a header describes (a kernel, a root filesystem, a FIT image node)."""

    name: str = Field(description="A name safe for a file name: 'data', 'partition-1', 'kernel-1'...")
    offset: int = Field(ge=0, description="Offset of the first byte in the image file.")
    length: int = Field(ge=0, description="Bytes available (clipped to the file; see 'declared').")
    declared: int = Field(ge=0, description="Length the header claims.")
    attributes: dict[str, Any] = Field(default_factory=dict, description="Type, compression... (JSON values).")

    @property
    def truncated(self) -> bool:
        """Whether the header claims more bytes than the file holds."""
        return self.length < self.declared


class ContainerInfo(Frozen):
    """What a container header says, and whether it holds up."""

    kind: ContainerKind
    offset: int = Field(default=0, ge=0, description="Where the container starts in the file.")
    header_length: int = Field(ge=0, description="Bytes of header (metadata) before or around the payloads.")
    fields: dict[str, Any] = Field(default_factory=dict, description="Decoded header fields (JSON values).")
    payloads: tuple[Payload, ...] = ()
    checks: tuple[HeaderCheck, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether every check passed."""
        return all(check.passed for check in self.checks)

    @property
    def failed(self) -> tuple[HeaderCheck, ...]:
        """The checks that failed."""
        return tuple(check for check in self.checks if not check.passed)


def identify(path: Path) -> ContainerInfo | None:
    """The container at the start of ``path``, or ``None`` if it is none we parse (also for unreadable files)."""
    try:
        size = path.stat().st_size
        with path.open("rb") as stream:
            magic = stream.read(4)
            if len(magic) < 4:
                return None
            if int.from_bytes(magic, "big") == UIMAGE_MAGIC:
                return parse_uimage(stream, size)
            if magic == TRX_MAGIC:
                return parse_trx(stream, size)
            if int.from_bytes(magic, "big") == FDT_MAGIC:
                from iotprofile.checks.firmware.fit import parse_fit

                return parse_fit(stream, size)
    except OSError:
        return None
    return None


def crc32_range(stream: IO[bytes], offset: int, length: int, size: int) -> tuple[int, int]:
    """Standard CRC-32 of ``length`` bytes from ``offset``, never past ``size``; returns (crc, bytes read)."""
    end = min(offset + length, size)
    crc = 0
    done = 0
    stream.seek(offset)
    while offset + done < end:
        block = stream.read(min(_CRC_BLOCK, end - offset - done))
        if not block:
            break
        crc = zlib.crc32(block, crc)
        done += len(block)
    return crc, done


def _clip(name: str, offset: int, declared: int, size: int, attributes: dict[str, Any] | None = None) -> Payload:
    available = max(0, min(declared, size - offset)) if offset < size else 0
    return Payload(
        name=name, offset=min(offset, size), length=available, declared=declared, attributes=attributes or {}
    )


def parse_uimage(stream: IO[bytes], size: int) -> ContainerInfo:
    """Parse a U-Boot legacy image header (64 bytes, big-endian) at the start of ``stream``."""
    stream.seek(0)
    raw = stream.read(UIMAGE_HEADER.size)
    if len(raw) < UIMAGE_HEADER.size:
        return ContainerInfo(
            kind=ContainerKind.UIMAGE,
            header_length=len(raw),
            checks=(HeaderCheck(name="header-size", passed=False, detail=f"{len(raw)} of 64 header bytes"),),
            warnings=(f"truncated uImage header: {len(raw)} of 64 bytes",),
        )
    magic, hcrc, time, data_size, load, entry, dcrc, os_, arch, type_, comp, name = UIMAGE_HEADER.unpack(raw)
    del magic
    checks: list[HeaderCheck] = []
    warnings: list[str] = []
    computed_hcrc = zlib.crc32(raw[:4] + b"\0\0\0\0" + raw[8:])
    checks.append(_crc_check("header-crc", hcrc, computed_hcrc))
    available = size - UIMAGE_HEADER.size
    checks.append(
        HeaderCheck(
            name="size",
            passed=data_size <= available,
            detail=f"header says {data_size} data bytes, file has {available}",
        )
    )
    if data_size > available:
        warnings.append(f"uImage data size {data_size} runs past the end of the file ({available} bytes after header)")
    elif data_size < available:
        warnings.append(f"{available - data_size} bytes after the uImage data")
    computed_dcrc, read = crc32_range(stream, UIMAGE_HEADER.size, data_size, size)
    if read == data_size:
        checks.append(_crc_check("data-crc", dcrc, computed_dcrc))
    else:
        checks.append(HeaderCheck(name="data-crc", passed=False, detail=f"only {read} of {data_size} bytes to check"))
    fields: dict[str, Any] = {
        "name": name.split(b"\0", 1)[0].decode("latin-1"),
        "time": time,
        "data_size": data_size,
        "load_address": f"0x{load:08x}",
        "entry_point": f"0x{entry:08x}",
        "header_crc": f"0x{hcrc:08x}",
        "data_crc": f"0x{dcrc:08x}",
        "os": UIMAGE_OS.get(os_, str(os_)),
        "arch": UIMAGE_ARCH.get(arch, str(arch)),
        "type": UIMAGE_TYPE.get(type_, str(type_)),
        "compression": UIMAGE_COMP.get(comp, str(comp)),
    }
    attributes = {"type": fields["type"], "compression": fields["compression"]}
    header_length = UIMAGE_HEADER.size
    if type_ == _UIMAGE_MULTI:
        payloads, table_length = _multi_payloads(stream, size, data_size, warnings)
        header_length += table_length
    else:
        payloads = [_clip("data", UIMAGE_HEADER.size, data_size, size, attributes)]
    return ContainerInfo(
        kind=ContainerKind.UIMAGE,
        header_length=header_length,
        fields=fields,
        payloads=tuple(payloads),
        checks=tuple(checks),
        warnings=tuple(warnings),
    )


def _multi_payloads(stream: IO[bytes], size: int, data_size: int, warnings: list[str]) -> tuple[list[Payload], int]:
    """A multi-file uImage: a zero-terminated table of big-endian sizes, then each image padded to 4 bytes."""
    stream.seek(UIMAGE_HEADER.size)
    lengths: list[int] = []
    while len(lengths) < _MAX_MULTI_IMAGES:
        word = stream.read(4)
        if len(word) < 4:
            warnings.append("multi-file uImage size table is truncated")
            break
        value = int.from_bytes(word, "big")
        if value == 0:
            break
        lengths.append(value)
    else:
        warnings.append(f"multi-file uImage size table has more than {_MAX_MULTI_IMAGES} entries; read that many")
    table_length = 4 * (len(lengths) + 1)
    offset = UIMAGE_HEADER.size + table_length
    end = UIMAGE_HEADER.size + data_size
    payloads = []
    for index, length in enumerate(lengths, start=1):
        if offset + length > end:
            warnings.append(f"multi-file uImage image {index} ({length} bytes) runs past the declared data size")
        payloads.append(_clip(f"image-{index}", offset, length, min(size, end), {"type": "multi-part"}))
        offset += (length + 3) & ~3
    return payloads, table_length


def parse_trx(stream: IO[bytes], size: int) -> ContainerInfo:
    """Parse a Broadcom TRX header (little-endian; version 1: three partition offsets, version 2: four)."""
    stream.seek(0)
    raw = stream.read(32)
    if len(raw) < 28:
        return ContainerInfo(
            kind=ContainerKind.TRX,
            header_length=len(raw),
            checks=(HeaderCheck(name="header-size", passed=False, detail=f"{len(raw)} of 28 header bytes"),),
            warnings=(f"truncated TRX header: {len(raw)} of 28 bytes",),
        )
    length, crc, flag_version = struct.unpack_from("<III", raw, 4)
    version = flag_version >> 16
    flags = flag_version & 0xFFFF
    count = 4 if version >= 2 and len(raw) >= 32 else 3
    header_length = 12 + 4 + 4 * count
    offsets = list(struct.unpack_from(f"<{count}I", raw, 16))
    checks: list[HeaderCheck] = []
    warnings: list[str] = []
    checks.append(
        HeaderCheck(name="size", passed=length <= size, detail=f"header says {length} bytes, file has {size}")
    )
    if length > size:
        warnings.append(f"TRX length {length} runs past the end of the file ({size} bytes)")
    elif length < size:
        warnings.append(f"{size - length} bytes after the TRX image")
    if length >= 12:
        # TRX's CRC-32 starts at flag_version and leaves out the final inversion (Broadcom crc32buf).
        computed, read = crc32_range(stream, 12, length - 12, size)
        if read == length - 12:
            checks.append(_crc_check("data-crc", crc, computed ^ 0xFFFFFFFF))
        else:
            checks.append(HeaderCheck(name="data-crc", passed=False, detail=f"only {read} of {length - 12} bytes"))
    else:
        checks.append(HeaderCheck(name="data-crc", passed=False, detail=f"length {length} is shorter than a header"))
    end = min(length, size)
    used = sorted({offset for offset in offsets if offset})
    bad = [offset for offset in used if offset < header_length or offset >= max(end, header_length)]
    checks.append(
        HeaderCheck(
            name="partition-offsets",
            passed=not bad,
            detail=f"offsets {[hex(o) for o in offsets]}" + (f"; out of range: {[hex(o) for o in bad]}" if bad else ""),
        )
    )
    if bad:
        warnings.append(f"TRX partition offsets out of range: {[hex(o) for o in bad]}")
    good = [offset for offset in used if offset not in bad]
    payloads = []
    for index, offset in enumerate(good, start=1):
        stop = good[index] if index < len(good) else max(length, offset)
        payloads.append(_clip(f"partition-{index}", offset, stop - offset, end, {"index": offsets.index(offset)}))
    return ContainerInfo(
        kind=ContainerKind.TRX,
        header_length=header_length,
        fields={
            "length": length,
            "crc32": f"0x{crc:08x}",
            "flags": f"0x{flags:04x}",
            "version": version,
            "offsets": [f"0x{offset:x}" for offset in offsets],
        },
        payloads=tuple(payloads),
        checks=tuple(checks),
        warnings=tuple(warnings),
    )


def _crc_check(name: str, declared: int, computed: int) -> HeaderCheck:
    return HeaderCheck(
        name=name,
        passed=declared == computed,
        detail=f"header says 0x{declared:08x}, computed 0x{computed:08x}",
    )
