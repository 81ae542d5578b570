"""Hostile trees: symlink loops, symlinks out of the root, a 2 GB sparse file, FIFOs, unreadable files and
directories, corrupt ELF files, and the file-count limit. None may crash the analysis or read outside the root."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.checks.firmware.analyse.firmware_trees import MD5_ADMIN, link, write

from iotprofile.checks.firmware.analyse import analyse_root
from iotprofile.checks.firmware.analyse.tree import RootTree
from iotprofile.checks.interface import Limits


@pytest.fixture
def hostile(tmp_path: Path) -> Iterator[Path]:
    outside = tmp_path / "outside"
    write(outside, "passwd", f"root:{MD5_ADMIN}:0:0:root:/root:/bin/sh\n")
    write(outside, "opkg.conf", "option check_signature 0\n")
    root = tmp_path / "rootfs"
    write(root, "bin/sh", b"\x7fELF" + os.urandom(200))
    link(root, "etc/passwd", "../../outside/passwd")  # climbs out: must be clamped to the root
    link(root, "etc/opkg.conf", str(outside / "opkg.conf"))  # absolute: read inside the root, as on the device
    link(root, "loop/a", "b")
    link(root, "loop/b", "a")
    link(root, "loop/self", ".")
    link(root, "loop/up", "../loop")
    link(root, "etc/shadow", "/loop/a")
    with (root / "big.img").open("wb") as stream:
        stream.truncate(2 * 1024**3)  # sparse: costs no disk
    os.mkfifo(root / "fifo")
    write(
        root,
        "etc/unreadable.pem",
        "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5IGF0IGFsbA==\n-----END PRIVATE KEY-----\n",
        0,
    )
    write(root, "etc/garbage.pem", "-----BEGIN CERTIFICATE-----\nAAAAAAAAAAAAAAAAAAAAAAAA\n-----END CERTIFICATE-----\n")
    (root / "locked").mkdir()
    write(root, "locked/inside", "x")
    (root / "locked").chmod(0)
    yield root
    (root / "locked").chmod(0o755)


def test_hostile_tree_never_crashes_nor_leaves_the_root(hostile: Path) -> None:
    analysis = analyse_root(hostile, limits=Limits(), max_scan_bytes=16 * 1024 * 1024)
    rules = [f.rule for f in analysis.findings]
    # Nothing from outside the root was read: no credentials, no opkg setting.
    assert not any(rule.startswith(("firmware.credentials", "firmware.update")) for rule in rules)
    assert analysis.facts["credentials"] == {"accounts": 0}
    assert analysis.facts["symlinks_escaping_root"] == 1
    assert analysis.facts["skipped_large"] == 1
    assert analysis.facts["skipped_large_paths"] == ["big.img"]
    assert "firmware.hardening.corrupt-elf" in rules
    assert analysis.facts["keys"]["private_keys"] == []
    assert len(analysis.facts["keys"]["unparsed_blocks"]) == 2
    if os.geteuid() != 0:  # root reads anything: the unreadable cases only show for other users
        assert "locked" in analysis.facts["unreadable_paths"]


def test_resolve_stays_inside_the_root(hostile: Path) -> None:
    tree = RootTree.walk(hostile, max_files=1000)
    assert tree.resolve("etc/passwd") is None  # ../../outside/passwd clamps to /outside/passwd: absent
    assert tree.resolve("etc/shadow") is None  # a loop
    assert tree.resolve("loop/self/self/up/self") == "loop"
    assert tree.resolve("../../bin/sh") == "bin/sh"
    assert "fifo" not in tree.files


def test_file_limit_is_reported(tmp_path: Path) -> None:
    for index in range(30):
        write(tmp_path, f"etc/f{index:02}", "x")
    analysis = analyse_root(tmp_path, limits=Limits(max_files=10))
    assert analysis.facts["files"] == 10
    assert analysis.facts["file_limit_hit"] is True


def test_timeout_stops_the_content_pass(tmp_path: Path) -> None:
    write(tmp_path, "bin/a", b"\x7fELF")
    analysis = analyse_root(tmp_path, limits=Limits(timeout_s=1e-9))
    assert analysis.facts["timed_out"] is True
    assert analysis.facts["scanned_files"] == 0


def test_mutated_elf_headers_never_raise() -> None:
    import random

    from iotprofile.checks.firmware.analyse.elf import ElfScanner
    from iotprofile.checks.firmware.analyse.tree import TreeFile

    original = Path("/bin/ls").read_bytes() if Path("/bin/ls").is_file() else None
    if original is None:
        pytest.skip("/bin/ls is not installed")
    rng = random.Random(5)
    scanner = ElfScanner()
    for index in range(300):
        data = bytearray(original[:4096])
        for _ in range(rng.randint(1, 12)):
            data[rng.randrange(4, 128)] = rng.randrange(256)
        scanner.scan(TreeFile(rel=f"bin/m{index}", size=len(data)), bytes(data), is_elf=True)
    assert len(scanner.reports) + len(scanner.corrupt) == 300
    assert scanner.corrupt  # some mutations must be caught as corrupt


def test_root_must_be_a_directory(tmp_path: Path) -> None:
    from iotprofile.errors import CheckError

    write(tmp_path, "image.bin", b"\x00")
    with pytest.raises(CheckError, match="not a directory"):
        analyse_root(tmp_path / "image.bin", limits=Limits())
    with pytest.raises(CheckError):
        analyse_root(tmp_path / "missing", limits=Limits())
