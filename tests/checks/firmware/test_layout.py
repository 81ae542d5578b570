from __future__ import annotations

from pathlib import Path

from iotprofile.checks.firmware.layout import root_filesystems


def make(root: Path, *dirs: str) -> None:
    for directory in dirs:
        (root / directory).mkdir(parents=True, exist_ok=True)


def test_nested_root_filesystems_outermost_first(tmp_path: Path) -> None:
    make(tmp_path, "a_extract/etc", "a_extract/bin", "a_extract/usr/share/b.tar_extract/etc")
    make(
        tmp_path,
        "a_extract/usr/share/b.tar_extract/lib",
        "a_extract/usr/lib/nothing/etc",
        "a_extract/usr/lib/nothing/bin",
    )
    make(tmp_path, "c_extract/etc")
    assert root_filesystems(tmp_path) == (tmp_path / "a_extract", tmp_path / "a_extract/usr/share/b.tar_extract")


def test_linked_directories_do_not_count(tmp_path: Path) -> None:
    make(tmp_path, "x/etc", "elsewhere/bin")
    (tmp_path / "x/bin").symlink_to(tmp_path / "elsewhere/bin")
    assert root_filesystems(tmp_path) == ()
