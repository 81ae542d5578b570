"""The squashfs/gzip fast path gives exactly what unblob gives, and steps aside whenever it cannot be sure."""

from __future__ import annotations

import gzip
import io
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest
from tests.checks.firmware.builder import BuiltImage, ImageFormat, build_image

from iotprofile.checks.firmware.containment import listing
from iotprofile.checks.firmware.extract import NATIVE_ENV, Extraction, LimitHit, extract
from iotprofile.checks.interface import Limits


def _extract(image: Path, out: Path, *, fast: bool, monkeypatch: pytest.MonkeyPatch) -> Extraction:
    monkeypatch.setenv(NATIVE_ENV, "1" if fast else "0")
    return extract(image, out, Limits())


@pytest.mark.parametrize("fmt", list(ImageFormat))
def test_fast_path_and_unblob_agree(
    fmt: ImageFormat, golden_images: dict[ImageFormat, BuiltImage], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    image = golden_images[fmt].path
    fast = _extract(image, tmp_path / "fast", fast=True, monkeypatch=monkeypatch)
    slow = _extract(image, tmp_path / "slow", fast=False, monkeypatch=monkeypatch)
    assert listing(tmp_path / "fast") == listing(tmp_path / "slow")
    assert [(c.offset, c.size, c.handler) for c in fast.coverage.chunks] == [
        (c.offset, c.size, c.handler) for c in slow.coverage.chunks
    ]
    used = fast.tool_versions.get("extractor", "")
    # The router layouts take the fast path; archive formats it does not handle go to unblob.
    assert ("fast path" in used) == (fmt in {ImageFormat.SQUASHFS, ImageFormat.UIMAGE, ImageFormat.FIT})


@pytest.mark.skipif(shutil.which("mksquashfs") is None, reason="needs mksquashfs")
def test_a_nested_archive_sends_the_image_to_unblob(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rootfs = tmp_path / "rootfs"
    (rootfs / "etc").mkdir(parents=True)
    (rootfs / "bin").mkdir()
    (rootfs / "etc" / "passwd").write_text("root:x:0:0::/root:/bin/sh\n", encoding="utf-8")
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        data = b"inner secret\n"
        info = tarfile.TarInfo("inner/shadow")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    (rootfs / "usr").mkdir()
    (rootfs / "usr" / "backup.tar.gz").write_bytes(gzip.compress(buffer.getvalue(), mtime=0))
    image = tmp_path / "nested.squashfs"
    subprocess.run(["mksquashfs", str(rootfs), str(image), "-noappend", "-quiet", "-all-root"], check=True)
    result = _extract(image, tmp_path / "out", fast=True, monkeypatch=monkeypatch)
    assert "fast path" not in result.tool_versions.get("extractor", "")
    assert any(path.name == "shadow" for path in (tmp_path / "out").rglob("*"))  # unblob opened the inner archive
    leftovers = [p for p in (tmp_path / "out").rglob("*") if p.name.endswith("_extract")]
    assert leftovers  # only unblob's output is there: the fast path removed its own attempt


def test_a_squashfs_with_trailing_bytes_is_not_taken(
    golden_images: dict[ImageFormat, BuiltImage], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    image = tmp_path / "trailing.bin"
    image.write_bytes(golden_images[ImageFormat.SQUASHFS].path.read_bytes() + b"VENDOR-TRAILER" * 10)
    result = _extract(image, tmp_path / "out", fast=True, monkeypatch=monkeypatch)
    assert "fast path" not in result.tool_versions.get("extractor", "")


def test_the_fast_path_respects_the_size_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    built = build_image(tmp_path / "img", ImageFormat.SQUASHFS, pad_bytes=2 * 1024 * 1024, host_binaries=False)
    monkeypatch.setenv(NATIVE_ENV, "1")
    result = extract(built.path, tmp_path / "out", Limits(max_extracted_bytes=512 * 1024))
    # Over the cap the fast path gives up and unblob's capped extraction reports the limit.
    assert "fast path" not in result.tool_versions.get("extractor", "")
    assert LimitHit.EXTRACTED_SIZE in result.limits_hit
