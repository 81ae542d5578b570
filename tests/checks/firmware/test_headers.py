from __future__ import annotations

import gzip
import hashlib
import os
import random
import struct
import zlib
from pathlib import Path

import pytest
from tests.checks.firmware.packers import fit_image, trx_image, uimage

from iotprofile.checks.firmware.headers import ContainerKind, identify

KERNEL = gzip.compress(b"Linux version 3.10.14 " * 100, mtime=0)
ROOTFS = bytes(range(256)) * 40


def write(tmp_path: Path, data: bytes, name: str = "image.bin") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def check(info: object, name: str) -> bool:
    from iotprofile.checks.firmware.headers import ContainerInfo

    assert isinstance(info, ContainerInfo)
    matches = [c.passed for c in info.checks if c.name == name]
    assert matches, f"no check {name!r} in {info.checks}"
    return matches[0]


# uImage


def test_uimage_fields_and_crcs(tmp_path: Path) -> None:
    info = identify(write(tmp_path, uimage(KERNEL, name="Linux-3.10.14", image_type=2, compression=1)))
    assert info is not None and info.kind is ContainerKind.UIMAGE
    assert info.ok and not info.warnings
    assert info.fields["name"] == "Linux-3.10.14"
    assert (info.fields["os"], info.fields["arch"], info.fields["type"], info.fields["compression"]) == (
        "linux",
        "mips",
        "kernel",
        "gzip",
    )
    assert info.fields["data_crc"] == f"0x{zlib.crc32(KERNEL):08x}"
    assert [(p.offset, p.length, p.truncated) for p in info.payloads] == [(64, len(KERNEL), False)]


def test_uimage_wrong_header_crc_is_a_failed_check(tmp_path: Path) -> None:
    info = identify(write(tmp_path, uimage(KERNEL, header_crc=0x12345678)))
    assert info is not None and not check(info, "header-crc") and check(info, "data-crc")


def test_uimage_corrupt_data_fails_data_crc(tmp_path: Path) -> None:
    data = bytearray(uimage(KERNEL))
    data[100] ^= 0xFF
    info = identify(write(tmp_path, bytes(data)))
    assert info is not None and check(info, "header-crc") and not check(info, "data-crc")


def test_uimage_lying_size_is_clipped_not_trusted(tmp_path: Path) -> None:
    info = identify(write(tmp_path, uimage(KERNEL, data_size=0xFFFFFFF0)))
    assert info is not None and not check(info, "size") and not check(info, "data-crc")
    payload = info.payloads[0]
    assert payload.length == len(KERNEL) and payload.declared == 0xFFFFFFF0 and payload.truncated
    assert any("past the end" in warning for warning in info.warnings)


@pytest.mark.parametrize("keep", [4, 20, 63])
def test_uimage_truncated_header(tmp_path: Path, keep: int) -> None:
    info = identify(write(tmp_path, uimage(KERNEL)[:keep]))
    assert info is not None and info.kind is ContainerKind.UIMAGE
    assert not info.ok and not info.payloads and "truncated" in info.warnings[0]


def test_uimage_multi_lists_each_image(tmp_path: Path) -> None:
    first, second = b"A" * 10, b"B" * 8
    body = struct.pack(">III", len(first), len(second), 0) + first + b"\0\0" + second
    info = identify(write(tmp_path, uimage(body, image_type=4)))
    assert info is not None and info.ok
    assert [(p.name, p.offset, p.length) for p in info.payloads] == [("image-1", 76, 10), ("image-2", 88, 8)]
    assert info.header_length == 76


# TRX


def test_trx_partitions_and_crc(tmp_path: Path) -> None:
    info = identify(write(tmp_path, trx_image([KERNEL, ROOTFS], align=16)))
    assert info is not None and info.kind is ContainerKind.TRX and info.ok
    first_offset = 32  # 28-byte header aligned to 16
    second_offset = first_offset + len(KERNEL) + (-(first_offset + len(KERNEL)) % 16)
    assert [(p.offset, p.length) for p in info.payloads] == [
        (first_offset, second_offset - first_offset),
        (second_offset, len(ROOTFS)),
    ]
    assert info.fields["version"] == 1


def test_trx_crc_mismatch(tmp_path: Path) -> None:
    data = bytearray(trx_image([KERNEL, ROOTFS]))
    data[-1] ^= 1
    info = identify(write(tmp_path, bytes(data)))
    assert info is not None and not check(info, "data-crc") and check(info, "size")


def test_trx_lying_length(tmp_path: Path) -> None:
    info = identify(write(tmp_path, trx_image([KERNEL, ROOTFS], length=1 << 30)))
    assert info is not None and not check(info, "size") and not check(info, "data-crc")
    assert info.payloads[-1].truncated


def test_trx_offsets_out_of_range(tmp_path: Path) -> None:
    data = bytearray(trx_image([KERNEL, ROOTFS]))
    data[20:24] = struct.pack("<I", 0x7FFFFFFF)
    info = identify(write(tmp_path, bytes(data)))
    assert info is not None and not check(info, "partition-offsets")
    assert len(info.payloads) == 1


def test_trx_truncated_header(tmp_path: Path) -> None:
    info = identify(write(tmp_path, trx_image([KERNEL])[:17]))
    assert info is not None and info.kind is ContainerKind.TRX and not info.ok and not info.payloads


# FIT


def fit() -> bytes:
    return fit_image({"kernel-1": ("kernel", KERNEL), "ramdisk-1": ("ramdisk", ROOTFS)})


def test_fit_images_hashes_and_configurations(tmp_path: Path) -> None:
    data = fit()
    info = identify(write(tmp_path, data))
    assert info is not None and info.kind is ContainerKind.FIT and info.ok
    assert [p.name for p in info.payloads] == ["kernel-1", "ramdisk-1"]
    kernel, ramdisk = info.payloads
    assert data[kernel.offset : kernel.offset + kernel.length] == KERNEL
    assert data[ramdisk.offset : ramdisk.offset + ramdisk.length] == ROOTFS
    assert kernel.attributes["compression"] == "gzip"
    hash_checks = [c.name for c in info.checks if ":" in c.name]
    assert hash_checks == [
        "kernel-1/hash-1:crc32",
        "kernel-1/hash-2:sha1",
        "ramdisk-1/hash-1:crc32",
        "ramdisk-1/hash-2:sha1",
    ]
    assert info.fields["default_configuration"] == "config-1"
    assert info.fields["configurations"]["config-1"]["kernel"] == "kernel-1"


def test_fit_hash_mismatch(tmp_path: Path) -> None:
    data = bytearray(fit())
    position = bytes(data).find(ROOTFS)
    data[position + 5] ^= 0xFF
    info = identify(write(tmp_path, bytes(data)))
    assert info is not None
    failed = {c.name for c in info.failed}
    assert failed == {"ramdisk-1/hash-1:crc32", "ramdisk-1/hash-2:sha1"}


def test_fit_external_data(tmp_path: Path) -> None:
    """mkimage -E layout: data-offset counts from the 4-byte aligned end of the tree."""
    from tests.checks.firmware.packers import _FdtWriter

    tree = _FdtWriter()
    tree.begin("")
    tree.begin("images")
    tree.begin("kernel")
    tree.prop("data-offset", struct.pack(">I", 0))
    tree.prop("data-size", struct.pack(">I", len(KERNEL)))
    tree.begin("hash-1")
    tree.prop("algo", b"sha256\0")
    tree.prop("value", hashlib.sha256(KERNEL).digest())
    tree.end()
    tree.end()
    tree.end()
    tree.end()
    header = tree.finish()
    header += bytes(-len(header) % 4)
    info = identify(write(tmp_path, header + KERNEL))
    assert info is not None and info.ok
    assert [(p.offset, p.length) for p in info.payloads] == [(len(header), len(KERNEL))]


@pytest.mark.parametrize("keep", [10, 60, 200, 400])
def test_fit_truncated(tmp_path: Path, keep: int) -> None:
    info = identify(write(tmp_path, fit()[:keep]))
    assert info is not None and info.kind is ContainerKind.FIT and not info.ok and not info.payloads


def test_fit_lying_block_offsets(tmp_path: Path) -> None:
    data = bytearray(fit())
    data[8:12] = struct.pack(">I", 0xFFFFFF00)  # off_dt_struct
    info = identify(write(tmp_path, bytes(data)))
    assert info is not None and not info.ok and not info.payloads


def test_device_tree_without_images_is_not_a_container(tmp_path: Path) -> None:
    from tests.checks.firmware.packers import _FdtWriter

    tree = _FdtWriter()
    tree.begin("")
    tree.prop("model", b"board\0")
    tree.end()
    assert identify(write(tmp_path, tree.finish())) is None


# Not containers


@pytest.mark.parametrize("data", [b"", b"\x27\x05", random.Random(3).randbytes(4096), b"hsqs" + bytes(200)])
def test_other_bytes_are_not_containers(tmp_path: Path, data: bytes) -> None:
    assert identify(write(tmp_path, data)) is None


def test_unreadable_file_is_not_a_container(tmp_path: Path) -> None:
    assert identify(tmp_path / "missing.bin") is None
    if os.geteuid() != 0:
        path = write(tmp_path, uimage(KERNEL))
        path.chmod(0)
        assert identify(path) is None
