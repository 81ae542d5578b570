"""The test images themselves: deterministic, and the planted weaknesses really are what they claim to be."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from tests.checks.firmware.builder import HOST_DERIVED, BuiltImage, ImageFormat, build_image


@pytest.mark.parametrize("fmt", [ImageFormat.TAR_GZ, ImageFormat.CPIO_GZ, ImageFormat.SQUASHFS, ImageFormat.TRX])
def test_images_are_deterministic(tmp_path: Path, fmt: ImageFormat) -> None:
    first = build_image(tmp_path / "a", fmt, host_binaries=False)
    second = build_image(tmp_path / "b", fmt, host_binaries=False)
    assert first.path.read_bytes() == second.path.read_bytes()


def test_host_rootfs_differs_only_in_host_derived_files(tmp_path: Path) -> None:
    first = build_image(tmp_path / "a", ImageFormat.TAR_GZ).rootfs
    second = build_image(tmp_path / "b", ImageFormat.TAR_GZ).rootfs
    for path in sorted(first.rglob("*")):
        relative = path.relative_to(first).as_posix()
        if path.is_file() and not path.is_symlink() and relative not in HOST_DERIVED:
            assert path.read_bytes() == (second / relative).read_bytes(), relative


def test_planted_credentials_keys_and_settings(host_squashfs: BuiltImage) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    rootfs = host_squashfs.rootfs
    planted = {(w.kind, w.path) for w in host_squashfs.weaknesses}
    for _, path in planted:
        assert (rootfs / path).is_file(), path
    shadow = dict(line.split(":")[:2] for line in (rootfs / "etc/shadow").read_text().splitlines())
    assert shadow["root"].startswith("$1$") and shadow["guest"] == ""
    done = subprocess.run(
        ["openssl", "passwd", "-1", "-salt", "iotprof", "admin"], capture_output=True, text=True, check=False
    )
    if done.returncode == 0:
        assert shadow["root"] == done.stdout.strip()
    key = load_pem_private_key((rootfs / "etc/ssl/private/server.key").read_bytes(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey) and key.key_size == 1024
    certificate = x509.load_pem_x509_certificate((rootfs / "etc/ssl/certs/server.crt").read_bytes())
    assert certificate.issuer == certificate.subject
    assert certificate.public_key() == key.public_key()
    assert "telnetd" in (rootfs / "etc/init.d/rcS").read_text() and "telnetd" in (rootfs / "etc/inittab").read_text()
    assert "option check_signature 0" in (rootfs / "etc/opkg.conf").read_text()
    assert b"BusyBox v1.19.4" in (rootfs / "bin/busybox").read_bytes()
    assert b"Linux version 3.10.14 (" in (rootfs / "lib/modules/3.10.14/kernel.version").read_bytes()
    for path, needle in (("usr/sbin/dropbear", b"dropbear_2012.55"), ("usr/sbin/dnsmasq", b"dnsmasq-2.45")):
        assert needle in (rootfs / path).read_bytes()
    assert b"OpenSSL 1.0.1e" in (rootfs / "usr/lib/libcrypto.so.1.0.0").read_bytes()


def test_compiled_programs_have_the_planted_hardening(host_squashfs: BuiltImage) -> None:
    if not host_squashfs.compiled:
        pytest.skip("gcc is not installed")
    from elftools.elf.dynamic import DynamicSection
    from elftools.elf.elffile import ELFFile
    from elftools.elf.sections import SymbolTableSection

    def facts(path: Path) -> dict[str, object]:
        with path.open("rb") as stream:
            elf = ELFFile(stream)
            segments = {segment["p_type"]: segment for segment in elf.iter_segments()}
            symbols = elf.get_section_by_name(".dynsym")
            assert isinstance(symbols, SymbolTableSection)
            names = {symbol.name for symbol in symbols.iter_symbols()}
            dynamic = elf.get_section_by_name(".dynamic")
            assert isinstance(dynamic, DynamicSection)
            tags = {tag.entry.d_tag for tag in dynamic.iter_tags()}
            return {
                "pie": elf["e_type"] == "ET_DYN",
                "nx": not (segments["PT_GNU_STACK"]["p_flags"] & 1),
                "relro": "PT_GNU_RELRO" in segments,
                "now": "DT_BIND_NOW" in tags or "DT_FLAGS" in tags,
                "canary": "__stack_chk_fail" in names,
                "fortify": any(name.endswith("_chk") and name != "__stack_chk_fail" for name in names),
            }

    weak = facts(host_squashfs.rootfs / "usr/bin/weak")
    strong = facts(host_squashfs.rootfs / "usr/bin/hardened")
    assert weak == {"pie": False, "nx": False, "relro": False, "now": False, "canary": False, "fortify": False}
    assert strong == {"pie": True, "nx": True, "relro": True, "now": True, "canary": True, "fortify": True}


def test_benchmark_padding_is_incompressible(tmp_path: Path) -> None:
    built = build_image(tmp_path, ImageFormat.SQUASHFS, pad_bytes=2 << 20, host_binaries=False)
    assert built.path.stat().st_size > 2 << 20
