"""Pure-Python writers of the formats test images are made of: cpio newc, U-Boot uImage, Broadcom TRX, FIT (FDT),
and tar with arbitrary (hostile) entries. Independent of the parsers under test: the layouts are written from the
format definitions (U-Boot include/image.h, Linux initramfs buffer format, OpenWrt trx.c, devicetree spec 0.4).
"""

from __future__ import annotations

import hashlib
import io
import struct
import tarfile
import zlib
from dataclasses import dataclass
from typing import BinaryIO

FIXED_MTIME = 1_356_998_400  # 2013-01-01T00:00:00Z: every test image carries this time


@dataclass(frozen=True)
class CpioEntry:
    """One cpio member: a name (may be hostile), a full st_mode, and the data (a symlink's data is its target)."""

    name: str
    mode: int
    data: bytes = b""


def write_cpio(stream: BinaryIO, entries: list[CpioEntry]) -> None:
    """Write a cpio "newc" (070701) archive with a trailer."""
    for inode, entry in enumerate([*entries, CpioEntry("TRAILER!!!", 0)], start=1):
        name = entry.name.encode() + b"\0"
        fields = [inode, entry.mode, 0, 0, 1, FIXED_MTIME, len(entry.data), 0, 0, 0, 0, len(name), 0]
        header = b"070701" + b"".join(b"%08X" % value for value in fields)
        stream.write(header + name + bytes(-(len(header) + len(name)) % 4))
        stream.write(entry.data + bytes(-len(entry.data) % 4))


@dataclass(frozen=True)
class TarEntry:
    """One tar member: kind 'file', 'dir', 'symlink' or 'hardlink' (target for links)."""

    name: str
    kind: str = "file"
    data: bytes = b""
    target: str = ""


def tar_bytes(entries: list[TarEntry]) -> bytes:
    """An uncompressed tar with exactly these members, names and link targets as given (no sanitising)."""
    buffer = io.BytesIO()
    kinds = {"file": tarfile.REGTYPE, "dir": tarfile.DIRTYPE, "symlink": tarfile.SYMTYPE, "hardlink": tarfile.LNKTYPE}
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.GNU_FORMAT) as archive:
        for entry in entries:
            info = tarfile.TarInfo(entry.name)
            info.type = kinds[entry.kind]
            info.mtime = FIXED_MTIME
            info.mode = 0o755 if entry.kind == "dir" else 0o644
            info.linkname = entry.target
            info.size = len(entry.data) if entry.kind == "file" else 0
            archive.addfile(info, io.BytesIO(entry.data) if entry.kind == "file" else None)
    return buffer.getvalue()


def uimage(
    data: bytes,
    *,
    name: str = "test",
    image_type: int = 2,
    compression: int = 0,
    arch: int = 5,
    data_size: int | None = None,
    header_crc: int | None = None,
) -> bytes:
    """A legacy uImage: 64-byte big-endian header (both CRCs right unless overridden) and the data."""
    data_crc = zlib.crc32(data)
    size = len(data) if data_size is None else data_size
    fields = [0x27051956, 0, FIXED_MTIME, size, 0x80000000, 0x80000000, data_crc, 5, arch, image_type, compression]
    header = struct.pack(">IIIIIIIBBBB32s", *fields, name.encode()[:32])
    crc = zlib.crc32(header) if header_crc is None else header_crc
    return header[:4] + struct.pack(">I", crc) + header[8:] + data


def trx_image(partitions: list[bytes], *, length: int | None = None, align: int = 4) -> bytes:
    """A TRX v1 image (28-byte header, up to three partitions, each aligned) with Broadcom's CRC-32."""
    offsets = []
    body = b""
    position = 28
    for partition in partitions[:3]:
        padding = -position % align
        body += bytes(padding)
        position += padding
        offsets.append(position)
        body += partition
        position += len(partition)
    offsets += [0] * (3 - len(offsets))
    total = 28 + len(body)
    tail = struct.pack("<I3I", 1 << 16, *offsets) + body
    crc = zlib.crc32(tail) ^ 0xFFFFFFFF
    return b"HDR0" + struct.pack("<II", total if length is None else length, crc) + tail


def fit_image(images: dict[str, tuple[str, bytes]]) -> bytes:
    """A FIT with embedded data: ``images`` maps node name to (type, data); crc32 and sha1 hash nodes each."""
    tree = _FdtWriter()
    tree.begin("")
    tree.prop("description", b"iotprofile test FIT\0")
    tree.prop("#address-cells", struct.pack(">I", 1))
    tree.begin("images")
    for node, (kind, data) in images.items():
        tree.begin(node)
        tree.prop("description", kind.encode() + b"\0")
        tree.prop("type", kind.encode() + b"\0")
        tree.prop("arch", b"mips\0")
        tree.prop("os", b"linux\0")
        tree.prop("compression", b"gzip\0" if kind == "kernel" else b"none\0")
        tree.prop("data", data)
        tree.begin("hash-1")
        tree.prop("algo", b"crc32\0")
        tree.prop("value", struct.pack(">I", zlib.crc32(data)))
        tree.end()
        tree.begin("hash-2")
        tree.prop("algo", b"sha1\0")
        tree.prop("value", hashlib.sha1(data).digest())
        tree.end()
        tree.end()
    tree.end()
    tree.begin("configurations")
    tree.prop("default", b"config-1\0")
    tree.begin("config-1")
    tree.prop("description", b"default\0")
    for node, (kind, _) in images.items():
        tree.prop(kind, node.encode() + b"\0")
    tree.end()
    tree.end()
    tree.end()
    return tree.finish()


class _FdtWriter:
    def __init__(self) -> None:
        self.structure = io.BytesIO()
        self.strings = b""
        self.names: dict[str, int] = {}

    def _word(self, value: int) -> None:
        self.structure.write(struct.pack(">I", value))

    def _padded(self, data: bytes) -> None:
        self.structure.write(data + bytes(-len(data) % 4))

    def begin(self, name: str) -> None:
        self._word(1)
        self._padded(name.encode() + b"\0")

    def end(self) -> None:
        self._word(2)

    def prop(self, name: str, value: bytes) -> None:
        if name not in self.names:
            self.names[name] = len(self.strings)
            self.strings += name.encode() + b"\0"
        self._word(3)
        self._word(len(value))
        self._word(self.names[name])
        self._padded(value)

    def finish(self) -> bytes:
        self._word(9)
        structure = self.structure.getvalue()
        reserve = bytes(16)  # an empty memory reservation map: one (0, 0) entry
        off_rsv = 40
        off_struct = off_rsv + len(reserve)
        off_strings = off_struct + len(structure)
        total = off_strings + len(self.strings)
        header = struct.pack(
            ">10I", 0xD00DFEED, total, off_struct, off_strings, off_rsv, 17, 16, 0, len(self.strings), len(structure)
        )
        return header + reserve + structure + self.strings
