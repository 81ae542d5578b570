"""Our header parsers against images made by U-Boot's own mkimage (Debian u-boot-tools), not by our packers."""

from __future__ import annotations

import gzip
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from iotprofile.checks.firmware.headers import ContainerKind, identify

pytestmark = pytest.mark.skipif(shutil.which("mkimage") is None, reason="mkimage (u-boot-tools) is not installed")

ITS = """/dts-v1/;
/ {
  description = "reference";
  #address-cells = <1>;
  images {
    kernel-1 {
      description = "kernel"; data = /incbin/("kernel.gz"); type = "kernel"; arch = "mips"; os = "linux";
      compression = "gzip"; load = <0x80000000>; entry = <0x80000000>;
      hash-1 { algo = "crc32"; };
      hash-2 { algo = "sha256"; };
    };
    rd-1 {
      description = "rootfs"; data = /incbin/("rootfs.bin"); type = "ramdisk"; arch = "mips"; os = "linux";
      compression = "none";
      hash-1 { algo = "md5"; };
    };
  };
  configurations { default = "conf-1"; conf-1 { kernel = "kernel-1"; ramdisk = "rd-1"; }; };
};
"""


@pytest.fixture
def inputs(tmp_path: Path) -> tuple[bytes, bytes]:
    kernel = gzip.compress(random.Random(5).randbytes(5000), mtime=0)
    rootfs = random.Random(6).randbytes(3000)
    (tmp_path / "kernel.gz").write_bytes(kernel)
    (tmp_path / "rootfs.bin").write_bytes(rootfs)
    (tmp_path / "image.its").write_text(ITS)
    return kernel, rootfs


def mkimage(tmp_path: Path, *args: str) -> Path:
    subprocess.run(["mkimage", *args], cwd=tmp_path, check=True, capture_output=True)
    return tmp_path / args[-1]


def test_mkimage_uimage(tmp_path: Path, inputs: tuple[bytes, bytes]) -> None:
    kernel, _ = inputs
    image = mkimage(tmp_path, "-A", "arm", "-O", "linux", "-T", "kernel", "-C", "gzip", "-a", "0x8000", "-e", "0x8000",
                    "-n", "Linux-3.10.14", "-d", "kernel.gz", "u.img")  # fmt: skip
    info = identify(image)
    assert info is not None and info.kind is ContainerKind.UIMAGE and info.ok
    assert (info.fields["arch"], info.fields["type"], info.fields["load_address"]) == ("arm", "kernel", "0x00008000")
    payload = info.payloads[0]
    assert image.read_bytes()[payload.offset : payload.offset + payload.length] == kernel


@pytest.mark.parametrize("options", [[], ["-E"], ["-E", "-p", "0x2000"]], ids=["embedded", "external", "position"])
def test_mkimage_fit(tmp_path: Path, inputs: tuple[bytes, bytes], options: list[str]) -> None:
    kernel, rootfs = inputs
    image = mkimage(tmp_path, *options, "-f", "image.its", "image.itb")
    info = identify(image)
    assert info is not None and info.kind is ContainerKind.FIT and info.ok, info
    data = image.read_bytes()
    found = {p.name: data[p.offset : p.offset + p.length] for p in info.payloads}
    assert found == {"kernel-1": kernel, "rd-1": rootfs}
    assert {c.name for c in info.checks} >= {"kernel-1/hash-1:crc32", "kernel-1/hash-2:sha256", "rd-1/hash-1:md5"}
    assert info.fields["configurations"]["conf-1"] == {"kernel": "kernel-1", "ramdisk": "rd-1"}
