from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from tests.checks.firmware.builder import BuiltImage, ImageFormat

from iotprofile.checks.firmware.analyse import find_roots
from iotprofile.checks.firmware.containment import ListingEntry, listing
from iotprofile.checks.firmware.extract import Extraction, LimitHit, extract
from iotprofile.checks.interface import Limits
from iotprofile.errors import CheckError

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("IOTPROFILE_UPDATE_SNAPSHOTS") == "1"
#: Where each format's root filesystem lands under the extraction root.
ROOTFS = {
    ImageFormat.TAR_GZ: "firmware.tar.gz_extract/gzip.uncompressed_extract",
    ImageFormat.CPIO_GZ: "firmware.cpio.gz_extract/gzip.uncompressed_extract",
    ImageFormat.SQUASHFS: "firmware.squashfs_extract",
    ImageFormat.UIMAGE: "firmware.uimage_extract/1-trailing.bin_extract",
    ImageFormat.TRX: "firmware.trx_extract/1-trx-partition-2.bin_extract",
    ImageFormat.FIT: "firmware.fit_extract/1-fit-ramdisk-1.bin_extract",
}
HANDLERS = {
    ImageFormat.TAR_GZ: ["gzip"],
    ImageFormat.CPIO_GZ: ["gzip"],
    ImageFormat.SQUASHFS: ["squashfs_v4_le"],
    ImageFormat.UIMAGE: ["uimage", "gzip", "squashfs_v4_le"],
    ImageFormat.TRX: ["trx", "gzip", "padding", "squashfs_v4_le"],
    ImageFormat.FIT: ["fit", "gzip", "fit", "squashfs_v4_le", "fit"],
}


def entry_json(entry: ListingEntry) -> list[object]:
    return [entry.path, str(entry.type), entry.size if entry.type == "file" else None, entry.target]


@pytest.mark.parametrize("fmt", list(ImageFormat))
def test_extraction_matches_golden_listing(fmt: ImageFormat, golden_extractions: dict[ImageFormat, Extraction]) -> None:
    result = golden_extractions[fmt]
    assert not result.limits_hit and not result.errors and not result.neutralised
    found = [entry_json(entry) for entry in listing(result.root)]
    golden = GOLDEN / f"{fmt.value}.json"
    if UPDATE:
        golden.parent.mkdir(exist_ok=True)
        lines = ",\n".join(json.dumps(entry) for entry in found)
        golden.write_text(f"[\n{lines}\n]\n", encoding="utf-8")
    assert found == json.loads(golden.read_text(encoding="utf-8"))


@pytest.mark.parametrize("fmt", list(ImageFormat))
def test_planted_files_come_out_intact(
    fmt: ImageFormat, golden_images: dict[ImageFormat, BuiltImage], golden_extractions: dict[ImageFormat, Extraction]
) -> None:
    built = golden_images[fmt]
    result = golden_extractions[fmt]
    rootfs = result.root / ROOTFS[fmt]
    for weakness in built.weaknesses:
        assert (rootfs / weakness.path).read_bytes() == (built.rootfs / weakness.path).read_bytes()
    # unblob rewrites the absolute link /bin/busybox to stay inside the root filesystem.
    assert os.readlink(rootfs / "usr/sbin/telnetd") == "../../bin/busybox"
    assert (rootfs / "bin/sh").resolve() == (rootfs / "bin/busybox").resolve()


@pytest.mark.parametrize("fmt", list(ImageFormat))
def test_root_filesystem_is_found(fmt: ImageFormat, golden_extractions: dict[ImageFormat, Extraction]) -> None:
    result = golden_extractions[fmt]
    assert find_roots(result.root) == [result.root / ROOTFS[fmt]]


@pytest.mark.parametrize("fmt", list(ImageFormat))
def test_coverage_names_every_chunk(
    fmt: ImageFormat, golden_images: dict[ImageFormat, BuiltImage], golden_extractions: dict[ImageFormat, Extraction]
) -> None:
    built = golden_images[fmt]
    result = golden_extractions[fmt]
    coverage = result.coverage
    assert [chunk.handler for chunk in coverage.chunks] == HANDLERS[fmt]
    assert coverage.unknown_bytes == 0 and coverage.ratio == 1.0
    assert coverage.image_size == built.path.stat().st_size == sum(chunk.size for chunk in coverage.chunks)
    offsets = [chunk.offset for chunk in coverage.chunks]
    assert offsets == sorted(offsets) and offsets[0] == 0
    assert (result.container is None) == (fmt in {ImageFormat.TAR_GZ, ImageFormat.CPIO_GZ, ImageFormat.SQUASHFS})
    facts = result.facts()["extraction"]
    json.dumps(facts)
    assert facts["coverage"] == 1.0 and facts["files_written"] == result.files_written > 10


def test_unknown_bytes_are_reported(tmp_path: Path, golden_images: dict[ImageFormat, BuiltImage]) -> None:
    noise = os.urandom(3000)
    image = tmp_path / "vendor.bin"
    image.write_bytes(noise + golden_images[ImageFormat.SQUASHFS].path.read_bytes())
    result = extract(image, tmp_path / "out", Limits())
    first, second = result.coverage.chunks
    assert (first.offset, first.size, first.handler) == (0, 3000, None)
    assert second.handler == "squashfs_v4_le"
    size = image.stat().st_size
    assert result.coverage.unknown_bytes == 3000 and result.coverage.ratio == (size - 3000) / size


def test_host_binaries_are_extracted(host_squashfs: BuiltImage, tmp_path: Path) -> None:
    result = extract(host_squashfs.path, tmp_path / "out", Limits())
    rootfs = result.root / ROOTFS[ImageFormat.SQUASHFS]
    busybox = (rootfs / "bin/busybox").read_bytes()
    assert busybox.startswith(b"\x7fELF") and b"BusyBox v1.19.4" in busybox
    if host_squashfs.compiled:
        assert (rootfs / "usr/bin/weak").read_bytes()[:4] == b"\x7fELF"
        assert (rootfs / "usr/bin/hardened").stat().st_mode & 0o111


def test_tool_versions_are_recorded(golden_images: dict[ImageFormat, BuiltImage], tmp_path: Path) -> None:
    result = extract(golden_images[ImageFormat.TAR_GZ].path, tmp_path / "out", Limits())
    assert set(result.tool_versions) == {"unblob", "unsquashfs", "7z"}
    assert result.tool_versions["unblob"][0].isdigit()


def test_dest_must_be_empty(golden_images: dict[ImageFormat, BuiltImage], tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "old").write_text("x")
    with pytest.raises(CheckError, match="empty"):
        extract(golden_images[ImageFormat.TAR_GZ].path, tmp_path / "out", Limits())


def test_missing_image_is_a_check_error(tmp_path: Path) -> None:
    with pytest.raises(CheckError) as caught:
        extract(tmp_path / "nope.bin", tmp_path / "out", Limits())
    assert caught.value.where == str(tmp_path / "nope.bin")


def test_input_size_limit(golden_images: dict[ImageFormat, BuiltImage], tmp_path: Path) -> None:
    result = extract(golden_images[ImageFormat.SQUASHFS].path, tmp_path / "out", Limits(max_input_bytes=1000))
    assert result.limits_hit == (LimitHit.INPUT_SIZE,)
    assert result.files_written == 0 and not any((tmp_path / "out").iterdir())


def test_timeout_kills_the_extraction(golden_images: dict[ImageFormat, BuiltImage], tmp_path: Path) -> None:
    started = time.monotonic()
    result = extract(golden_images[ImageFormat.TAR_GZ].path, tmp_path / "out", Limits(timeout_s=0.3))
    assert time.monotonic() - started < 5
    assert LimitHit.TIMEOUT in result.limits_hit
    assert any("stopped at timeout_s" in warning for warning in result.warnings)
    assert result.coverage.unknown_bytes == result.coverage.image_size


def test_file_count_limit(golden_images: dict[ImageFormat, BuiltImage], tmp_path: Path) -> None:
    result = extract(golden_images[ImageFormat.SQUASHFS].path, tmp_path / "out", Limits(max_files=5))
    assert LimitHit.FILES in result.limits_hit


def test_missing_extractor_is_reported(
    golden_images: dict[ImageFormat, BuiltImage], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without 7z on PATH, unblob identifies the gzip but cannot unpack it: a warning and an error, no crash."""
    import shutil

    bare = tmp_path / "bin"
    bare.mkdir()
    unsquashfs = shutil.which("unsquashfs")
    if unsquashfs:
        (bare / "unsquashfs").symlink_to(unsquashfs)
    monkeypatch.setenv("PATH", str(bare))
    result = extract(golden_images[ImageFormat.TAR_GZ].path, tmp_path / "out", Limits())
    assert any(warning.startswith("7z is not installed") for warning in result.warnings)
    assert any("ExtractorDependencyNotFoundReport" in error and "7z" in error for error in result.errors)
    assert result.coverage.chunks[0].handler == "gzip"
    assert not any(entry.path.endswith("etc/shadow") for entry in listing(result.root))
