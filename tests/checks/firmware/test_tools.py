from __future__ import annotations

import os
import subprocess
from pathlib import Path

from iotprofile.checks.firmware.tools import bin_dir, missing_tools, tool_versions


def test_sasquatch_wrapper_drops_sasquatch_options(tmp_path: Path) -> None:
    wrapper = bin_dir() / "sasquatch"
    assert os.access(wrapper, os.X_OK)
    fake = tmp_path / "unsquashfs"
    fake.write_text('#!/bin/sh\nfor a in "$@"; do echo "[$a]"; done\n')
    fake.chmod(0o755)
    done = subprocess.run(
        [str(wrapper), "-le", "-no-exit-code", "-f", "-d", "/out dir", "/in.sqfs", "-be"],
        env={"PATH": f"{tmp_path}:/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split("\n")[:-1] == ["[-no-progress]", "[-f]", "[-d]", "[/out dir]", "[/in.sqfs]"]


def test_packaged_wrapper_is_in_the_package_tree() -> None:
    import iotprofile.checks.firmware as package

    assert (Path(package.__file__).parent / "bin" / "sasquatch").is_file()


def test_tool_versions_on_this_machine() -> None:
    versions = tool_versions()
    assert set(versions) == {"unblob", "unsquashfs", "7z"}
    for tool in missing_tools():
        assert versions[tool] == "missing"
