"""Hostile images: every one is contained (nothing written outside ``dest``), reported, and never crashes."""

from __future__ import annotations

import gzip
import io
import os
import random
import stat
import uuid
from pathlib import Path

import pytest
from tests.checks.firmware.builder import BuiltImage, ImageFormat
from tests.checks.firmware.packers import CpioEntry, TarEntry, fit_image, tar_bytes, trx_image, uimage, write_cpio

from iotprofile.checks.firmware.containment import listing
from iotprofile.checks.firmware.extract import Extraction, LimitHit, extract
from iotprofile.checks.firmware.headers import ContainerKind
from iotprofile.checks.interface import Limits


def outside(parent: Path) -> set[str]:
    """Everything under ``parent`` except the extraction root ``out`` (to prove nothing was written beside it)."""
    return {
        path.relative_to(parent).as_posix()
        for path in parent.rglob("*")
        if "out" not in path.relative_to(parent).parts[:1]
    }


@pytest.fixture
def escape(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory outside the test's tmp_path that a hostile image aims at (must stay empty)."""
    target = tmp_path_factory.getbasetemp() / f"escape-{uuid.uuid4().hex}"
    target.mkdir()
    return target


def run(tmp_path: Path, name: str, data: bytes, limits: Limits | None = None) -> Extraction:
    image = tmp_path / name
    image.write_bytes(data)
    before = outside(tmp_path)
    result = extract(image, tmp_path / "out", limits or Limits())
    assert outside(tmp_path) == before, "something was written beside the extraction root"
    assert_contained(result.root)
    return result


def assert_contained(root: Path) -> None:
    for entry in listing(root):
        path = root / entry.path
        assert path.resolve().is_relative_to(root), entry
        assert entry.type != "other", entry
        if entry.type == "file":
            assert path.stat().st_nlink == 1, entry


def climb(target: Path) -> str:
    return "../" * 24 + str(target).lstrip("/")


def test_tar_traversal_absolute_paths_and_links(tmp_path: Path, escape: Path) -> None:
    entries = [
        TarEntry("good.txt", data=b"fine"),
        TarEntry(climb(escape) + "/climbed", data=b"x"),
        TarEntry("../../etc/x", data=b"x"),
        TarEntry(str(escape / "absolute"), data=b"x"),
        TarEntry("abslink", "symlink", target="/etc/passwd"),
        TarEntry("rellink", "symlink", target="../../../../../../../../etc/passwd"),
        TarEntry("dirlink", "symlink", target=str(escape)),
        TarEntry("dirlink/through-link", data=b"x"),
        TarEntry("hard", "hardlink", target="/etc/passwd"),
    ]
    result = run(tmp_path, "hostile.tar", tar_bytes(entries))
    assert not any(escape.iterdir())
    extracted = result.root / "hostile.tar_extract"
    assert (extracted / "good.txt").read_bytes() == b"fine"
    assert not (extracted / "rellink").exists()
    problems = "\n".join(result.problems)
    for name in (climb(escape) + "/climbed", "../../etc/x", str(escape / "absolute"), "abslink", "rellink"):
        assert name in problems


def test_cpio_traversal_absolute_paths_and_links(tmp_path: Path, escape: Path) -> None:
    reg, lnk = stat.S_IFREG | 0o644, stat.S_IFLNK | 0o777
    buffer = io.BytesIO()
    write_cpio(
        buffer,
        [
            CpioEntry("good.txt", reg, b"fine"),
            CpioEntry(climb(escape) + "/climbed", reg, b"x"),
            CpioEntry(str(escape / "absolute"), reg, b"x"),
            CpioEntry("abslink", lnk, b"/etc/passwd"),
            CpioEntry("rellink", lnk, b"../../../../../../../../etc/passwd"),
            CpioEntry("dirlink", lnk, str(escape).encode()),
            CpioEntry("dirlink/through-link", reg, b"x"),
        ],
    )
    result = run(tmp_path, "hostile.cpio", buffer.getvalue())
    assert not any(escape.iterdir())
    assert (result.root / "hostile.cpio_extract/good.txt").read_bytes() == b"fine"
    assert any("climbed" in problem for problem in result.problems)


def test_decompression_bomb_stops_at_the_byte_limit(tmp_path: Path) -> None:
    bomb = gzip.compress(bytes(64 << 20), compresslevel=9, mtime=0)
    assert len(bomb) < 100_000
    limit = 4 << 20
    result = run(tmp_path, "bomb.gz", bomb, Limits(max_extracted_bytes=limit))
    assert LimitHit.EXTRACTED_SIZE in result.limits_hit
    assert result.bytes_written <= limit + len(bomb)


def test_nesting_beyond_max_depth_is_not_extracted(tmp_path: Path) -> None:
    data = b"the innermost file"
    name = "innermost.txt"
    for level in range(6):
        data = tar_bytes([TarEntry(name, data=data)])
        name = f"level{level}.tar"
    result = run(tmp_path, "nested.tar", data, Limits(max_depth=3))
    assert LimitHit.DEPTH in result.limits_hit
    assert result.depth_reached == 3
    assert not [entry for entry in listing(result.root) if entry.path.endswith("innermost.txt")]


def test_nesting_within_max_depth_is_extracted(tmp_path: Path) -> None:
    data = b"the innermost file"
    name = "innermost.txt"
    for level in range(3):
        data = tar_bytes([TarEntry(name, data=data)])
        name = f"level{level}.tar"
    result = run(tmp_path, "nested.tar", data, Limits(max_depth=8))
    assert not result.limits_hit
    found = [entry for entry in listing(result.root) if entry.path.endswith("innermost.txt")]
    assert len(found) == 1 and (result.root / found[0].path).read_bytes() == b"the innermost file"


def squashfs(golden_images: dict[ImageFormat, BuiltImage]) -> bytes:
    return golden_images[ImageFormat.SQUASHFS].path.read_bytes()


@pytest.mark.parametrize(
    ("kind", "keep"),
    [
        (ContainerKind.UIMAGE, 40),
        (ContainerKind.UIMAGE, 200),
        (ContainerKind.TRX, 20),
        (ContainerKind.TRX, 300),
        (ContainerKind.FIT, 30),
        (ContainerKind.FIT, 120),
    ],
)
def test_truncated_containers(
    tmp_path: Path, golden_images: dict[ImageFormat, BuiltImage], kind: ContainerKind, keep: int
) -> None:
    payload = squashfs(golden_images)
    whole = {
        ContainerKind.UIMAGE: uimage(payload, image_type=7),
        ContainerKind.TRX: trx_image([payload]),
        ContainerKind.FIT: fit_image({"ramdisk-1": ("ramdisk", payload)}),
    }[kind]
    result = run(tmp_path, "truncated.bin", whole[:keep])
    assert result.container is not None and result.container.kind is kind and not result.container.ok
    assert result.warnings
    assert result.coverage.image_size == keep


def test_lying_uimage_size_still_extracts_what_is_there(
    tmp_path: Path, golden_images: dict[ImageFormat, BuiltImage]
) -> None:
    result = run(tmp_path, "lying.uimage", uimage(squashfs(golden_images), image_type=7, data_size=0x7FFFFFFF))
    assert result.container is not None and {c.name for c in result.container.failed} == {"size", "data-crc"}
    assert any("past the end" in warning for warning in result.warnings)
    assert (result.root / "lying.uimage_extract/0-uimage-data.bin_extract/etc/shadow").is_file()
    assert result.coverage.unknown_bytes == 0


def test_lying_trx_length(tmp_path: Path, golden_images: dict[ImageFormat, BuiltImage]) -> None:
    result = run(tmp_path, "lying.trx", trx_image([squashfs(golden_images)], length=1 << 31))
    assert result.container is not None and not result.container.ok
    assert (result.root / "lying.trx_extract/0-trx-partition-1.bin_extract/etc/passwd").is_file()


def test_empty_file(tmp_path: Path) -> None:
    result = run(tmp_path, "empty.bin", b"")
    assert result.coverage.image_size == 0 and result.files_written == 0 and "image is empty" in result.warnings


def test_random_bytes_are_unknown(tmp_path: Path) -> None:
    data = random.Random(7).randbytes(256 * 1024)
    result = run(tmp_path, "random.bin", data)
    assert result.container is None
    assert result.coverage.unknown_bytes == len(data) and result.coverage.ratio < 0.01
    assert result.files_written == 0


def test_symlinks_planted_after_extraction_are_neutralised(tmp_path: Path) -> None:
    """The post-extraction check itself, on a tree unblob did not write (defence in depth)."""
    from iotprofile.checks.firmware.containment import neutralise

    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    (root / "etc/passwd").write_text("root:x:0:0")
    (root / "absolute").symlink_to("/etc/passwd")
    (root / "relative").symlink_to("../../../../etc/passwd")
    (root / "inside").symlink_to("etc/passwd")
    (root / "chain").symlink_to("absolute")
    (root / "etc/up").symlink_to("..")
    (root / "hard").hardlink_to(Path(__file__))
    os.mkfifo(root / "fifo")
    removed = {(entry.path, entry.reason) for entry in neutralise(root)}
    assert removed == {
        ("absolute", "symlink-outside-root"),
        ("relative", "symlink-outside-root"),
        ("chain", "symlink-outside-root"),
        ("hard", "hardlink-outside-root"),
        ("fifo", "special-file"),
    }
    assert {entry.path for entry in listing(root)} == {"etc", "etc/passwd", "etc/up", "inside"}
    assert Path(__file__).exists()


def test_overlapping_fit_payloads_do_not_multiply_the_image(tmp_path: Path) -> None:
    """A FIT whose hundred image nodes all point at the whole file: carving stops at the byte limit."""
    import struct

    from tests.checks.firmware.packers import _FdtWriter

    tree = _FdtWriter()
    tree.begin("")
    tree.begin("images")
    for index in range(100):
        tree.begin(f"image-{index}")
        tree.prop("data-position", struct.pack(">I", 0))
        tree.prop("data-size", struct.pack(">I", 1 << 20))
        tree.end()
    tree.end()
    tree.end()
    header = tree.finish()
    data = header + random.Random(2).randbytes((1 << 20) - len(header))
    result = run(tmp_path, "overlap.itb", data, Limits(max_extracted_bytes=4 << 20))
    assert result.container is not None and len(result.container.payloads) == 100
    assert LimitHit.EXTRACTED_SIZE in result.limits_hit
    assert result.bytes_written <= 4 << 20
    assert any("payloads not extracted" in warning for warning in result.warnings)


def test_many_small_fit_payloads_stop_at_the_payload_cap(tmp_path: Path) -> None:
    import struct

    from tests.checks.firmware.packers import _FdtWriter

    tree = _FdtWriter()
    tree.begin("")
    tree.begin("images")
    for index in range(80):
        tree.begin(f"image-{index}")
        tree.prop("data", struct.pack(">I", index) * 4)
        tree.end()
    tree.end()
    tree.end()
    result = run(tmp_path, "many.itb", tree.finish())
    assert result.container is not None and len(result.container.payloads) == 80
    carved = [entry for entry in listing(result.root) if entry.path.endswith(".bin")]
    assert len(carved) == 64
    assert LimitHit.FILES in result.limits_hit and LimitHit.EXTRACTED_SIZE not in result.limits_hit
