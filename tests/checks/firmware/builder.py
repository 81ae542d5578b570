"""Real firmware images for tests, built in a temporary directory: a root filesystem with planted weaknesses, packed
as tar.gz, cpio (newc) + gzip, squashfs, and wrapped in uImage, TRX and FIT containers.

Everything is deterministic (fixed mtimes, owners, seeds, a key derived from fixed primes) except the files copied
or compiled from the host (``HOST_DERIVED``: busybox, the gcc-built ELF programs), whose sizes depend on the host's
Debian packages. :func:`build_image` returns the image and the planted weaknesses, the golden expectations of the
analysis tests. Import as ``tests.checks.firmware.builder``.
"""

from __future__ import annotations

import gzip
import io
import random
import shutil
import stat
import subprocess
import tarfile
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from tests.checks.firmware.packers import (
    FIXED_MTIME,
    CpioEntry,
    fit_image,
    trx_image,
    uimage,
    write_cpio,
)

__all__ = [
    "FIXED_MTIME",
    "HOST_DERIVED",
    "BuiltImage",
    "ImageFormat",
    "PlantedWeakness",
    "build_image",
    "build_rootfs",
]

KERNEL_VERSION = "3.10.14"
KERNEL_BANNER = f"Linux version {KERNEL_VERSION} (builder@iotprofile) (gcc version 4.6.3 (crosstool-NG)) #1 SMP"
#: Paths whose bytes come from the host (busybox copy, gcc output): golden listings leave their sizes out.
HOST_DERIVED = frozenset({"bin/busybox", "usr/bin/weak", "usr/bin/hardened"})
_MD5_CRYPT_ROOT = "$1$iotprof$o71Dz71Y9KOr/yx.9Fb00."  # openssl passwd -1 -salt iotprof admin
_PRIME_SEED = 8425
_OLD_BUSYBOX = b"BusyBox v1.19.4 (2012-05-14 11:02:37 CST) multi-call binary."


class ImageFormat(StrEnum):
    """How the root filesystem is packed."""

    TAR_GZ = "tar.gz"
    CPIO_GZ = "cpio.gz"
    SQUASHFS = "squashfs"
    #: uImage (kernel, gzip) followed by a squashfs root filesystem, as many routers lay out flash.
    UIMAGE = "uimage"
    #: TRX v1: partition 1 a gzip kernel, partition 2 a squashfs root filesystem.
    TRX = "trx"
    #: FIT: a kernel and a squashfs ramdisk embedded in a device tree, with crc32 and sha1 hashes.
    FIT = "fit"


@dataclass(frozen=True)
class PlantedWeakness:
    """One weakness planted in the root filesystem: what the analysis must find, and where."""

    kind: str
    path: str
    detail: str


@dataclass(frozen=True)
class BuiltImage:
    """An image on disk and what was planted in it."""

    path: Path
    format: ImageFormat
    rootfs: Path
    weaknesses: tuple[PlantedWeakness, ...]
    compiled: bool


def build_image(
    workdir: Path, fmt: ImageFormat, *, pad_bytes: int = 0, seed: int = 1, host_binaries: bool = True
) -> BuiltImage:
    """Build the test root filesystem under ``workdir`` and pack it as ``fmt``.

    ``pad_bytes`` adds a file of incompressible bytes from ``random.Random(seed)`` (a 32 MB benchmark image).
    ``host_binaries=False`` leaves out the host's busybox and gcc (a stand-in busybox instead): the image is then
    the same byte for byte on every machine with the same squashfs-tools and zlib (golden listings).
    """
    rootfs = workdir / "rootfs"
    weaknesses, compiled = build_rootfs(rootfs, pad_bytes=pad_bytes, seed=seed, host_binaries=host_binaries)
    image = workdir / f"firmware.{fmt}"
    match fmt:
        case ImageFormat.TAR_GZ:
            image.write_bytes(_gzip(_tar(rootfs)))
        case ImageFormat.CPIO_GZ:
            image.write_bytes(_gzip(_cpio(rootfs)))
        case ImageFormat.SQUASHFS:
            _squashfs(rootfs, image)
        case ImageFormat.UIMAGE:
            squash = _squashfs(rootfs, workdir / "rootfs.squashfs")
            image.write_bytes(uimage(_kernel(), name="Linux-" + KERNEL_VERSION, image_type=2, compression=1))
            with image.open("ab") as stream:
                stream.write(squash.read_bytes())
        case ImageFormat.TRX:
            squash = _squashfs(rootfs, workdir / "rootfs.squashfs")
            image.write_bytes(trx_image([_kernel(), squash.read_bytes()]))
        case ImageFormat.FIT:
            squash = _squashfs(rootfs, workdir / "rootfs.squashfs")
            image.write_bytes(
                fit_image({"kernel-1": ("kernel", _kernel()), "ramdisk-1": ("ramdisk", squash.read_bytes())})
            )
    return BuiltImage(path=image, format=fmt, rootfs=rootfs, weaknesses=weaknesses, compiled=compiled)


def build_rootfs(
    rootfs: Path, *, pad_bytes: int = 0, seed: int = 1, host_binaries: bool = True
) -> tuple[tuple[PlantedWeakness, ...], bool]:
    """Write the root filesystem tree; (planted weaknesses, whether gcc-built ELF programs are included)."""
    planted: list[PlantedWeakness] = []

    def put(path: str, data: bytes | str, mode: int = 0o644) -> Path:
        target = rootfs / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data.encode() if isinstance(data, str) else data)
        target.chmod(mode)
        return target

    put("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nguest:x:1000:1000:guest:/home/guest:/bin/sh\n")
    put("etc/shadow", f"root:{_MD5_CRYPT_ROOT}:15000:0:99999:7:::\nguest::15000:0:99999:7:::\n", 0o600)
    planted.append(PlantedWeakness("weak-password-hash", "etc/shadow", "root: MD5-crypt ($1$) of 'admin'"))
    planted.append(PlantedWeakness("empty-password", "etc/shadow", "guest has an empty password"))
    key_pem, cert_pem = _key_and_certificate()
    put("etc/ssl/private/server.key", key_pem, 0o600)
    put("etc/ssl/certs/server.crt", cert_pem)
    planted.append(PlantedWeakness("private-key", "etc/ssl/private/server.key", "RSA private key (1024 bits)"))
    planted.append(PlantedWeakness("self-signed-certificate", "etc/ssl/certs/server.crt", "CN=router.local"))
    put("etc/init.d/rcS", "#!/bin/sh\nmount -a\n/usr/sbin/telnetd -l /bin/login &\n/usr/sbin/dropbear -p 22\n", 0o755)
    put("etc/inittab", "::sysinit:/etc/init.d/rcS\n::respawn:/usr/sbin/telnetd -F -l /bin/sh\n")
    planted.append(PlantedWeakness("telnet-enabled", "etc/init.d/rcS", "telnetd started at boot"))
    planted.append(PlantedWeakness("telnet-enabled", "etc/inittab", "telnetd respawned by init"))
    put("bin/busybox", _busybox() if host_binaries else _fake_elf(_OLD_BUSYBOX + b"\0"), 0o755)
    put("usr/share/busybox/VERSION", _OLD_BUSYBOX + b"\n")
    planted.append(PlantedWeakness("component-version", "bin/busybox", "busybox 1.19.4"))
    for name, version, banner in (
        ("usr/sbin/dropbear", "2012.55", b"Dropbear SSH multi-purpose v2012.55\0dropbear_2012.55\0"),
        ("usr/lib/libcrypto.so.1.0.0", "1.0.1e", b"OpenSSL 1.0.1e 11 Feb 2013\0"),
        ("usr/sbin/dnsmasq", "2.45", b"dnsmasq-2.45\0Dnsmasq version %s  %s\n\0"),
    ):
        put(name, _fake_elf(banner), 0o755)
        planted.append(PlantedWeakness("component-version", name, f"{Path(name).name.split('.')[0]} {version}"))
    put("etc/opkg.conf", "src/gz base http://downloads.example.invalid/packages\noption check_signature 0\n")
    planted.append(PlantedWeakness("unsigned-updates", "etc/opkg.conf", "option check_signature 0"))
    put("lib/modules/3.10.14/kernel.version", KERNEL_BANNER + "\n")
    planted.append(PlantedWeakness("component-version", "lib/modules/3.10.14/kernel.version", "linux 3.10.14"))
    (rootfs / "bin/sh").symlink_to("busybox")
    (rootfs / "usr/sbin/telnetd").symlink_to("/bin/busybox")
    (rootfs / "dev").mkdir()
    (rootfs / "tmp").mkdir()
    compiled = host_binaries and _compile(rootfs)
    if compiled:
        planted.append(PlantedWeakness("no-hardening", "usr/bin/weak", "no canary, no PIE, executable stack, no RELRO"))
        planted.append(PlantedWeakness("hardened", "usr/bin/hardened", "canary, PIE, full RELRO, NX, FORTIFY"))
    if pad_bytes:
        put("usr/share/blob.bin", random.Random(seed).randbytes(pad_bytes))
    _fix_times(rootfs)
    return tuple(planted), compiled


def _busybox() -> bytes:
    """The host's static busybox with its version patched to 1.19.4 (same length: still a valid ELF)."""
    host = Path("/bin/busybox")
    if host.is_file():
        data = host.read_bytes()
        for old in {data[i : i + 15] for i in _find_all(data, b"BusyBox v1.")}:
            data = data.replace(old, b"BusyBox v1.19.4")
        return data
    return _fake_elf(_OLD_BUSYBOX + b"\0")


def _find_all(data: bytes, needle: bytes) -> list[int]:
    found, start = [], data.find(needle)
    while start >= 0:
        found.append(start)
        start = data.find(needle, start + 1)
    return found


def _fake_elf(strings: bytes) -> bytes:
    """An ELF32 MIPS little-endian header followed by the version strings (enough for a version-string scan)."""
    header = b"\x7fELF\x01\x01\x01" + bytes(9) + b"\x02\x00\x08\x00\x01\x00\x00\x00"
    return header + bytes(64 - len(header)) + strings + bytes(256)


_C_PROGRAM = b"""#include <stdio.h>
#include <string.h>
int main(int c, char **v) {
  char b[64];
  strcpy(b, c > 1 ? v[1] : "x");
  printf("%s\\n", b);
  return 0;
}
"""


def _compile(rootfs: Path) -> bool:
    gcc = shutil.which("gcc")
    if gcc is None:
        return False
    source = rootfs.parent / "prog.c"
    source.write_bytes(_C_PROGRAM)
    (rootfs / "usr/bin").mkdir(parents=True, exist_ok=True)
    flags = {
        "weak": ["-O0", "-fno-stack-protector", "-no-pie", "-z", "execstack", "-z", "norelro"],
        "hardened": [
            "-O2",
            "-fstack-protector-strong",
            "-fPIE",
            "-pie",
            "-z",
            "relro",
            "-z",
            "now",
            "-D_FORTIFY_SOURCE=2",
        ],
    }
    for name, options in flags.items():
        done = subprocess.run(
            [gcc, *options, "-o", str(rootfs / "usr/bin" / name), str(source)], capture_output=True, check=False
        )
        if done.returncode != 0:
            return False
    return True


def _key_and_certificate() -> tuple[bytes, bytes]:
    """A 1024-bit RSA key from fixed primes and a self-signed certificate: the same bytes on every run."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    rng = random.Random(_PRIME_SEED)
    p, q = _prime(rng, 512), _prime(rng, 512)
    e = 65537
    d = pow(e, -1, (p - 1) * (q - 1))
    numbers = rsa.RSAPrivateNumbers(
        p, q, d, rsa.rsa_crt_dmp1(d, p), rsa.rsa_crt_dmq1(d, q), rsa.rsa_crt_iqmp(p, q), rsa.RSAPublicNumbers(e, p * q)
    )
    key = numbers.private_key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "router.local")])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(8425)
        .not_valid_before(datetime(2013, 1, 1, tzinfo=UTC))
        .not_valid_after(datetime(2033, 1, 1, tzinfo=UTC))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    )
    return key_pem, certificate.public_bytes(serialization.Encoding.PEM)


def _prime(rng: random.Random, bits: int) -> int:
    while True:
        candidate = rng.getrandbits(bits) | (1 << (bits - 1)) | 1
        if candidate % 65537 != 1 and _probably_prime(candidate, rng):
            return candidate


def _probably_prime(n: int, rng: random.Random) -> bool:
    for small in (3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37):
        if n % small == 0:
            return n == small
    d, r = n - 1, 0
    while d % 2 == 0:
        d, r = d // 2, r + 1
    for _ in range(24):
        x = pow(rng.randrange(2, n - 1), d, n)
        if x in {1, n - 1}:
            continue
        for _ in range(r - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _kernel() -> bytes:
    """A stand-in kernel: the banner an analysis greps for, in a gzip stream (as uImage kernels are)."""
    body = b"\0" * 512 + KERNEL_BANNER.encode() + b"\n\0" + bytes(range(256)) * 16
    return _gzip(body)


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=6, mtime=0)


def _fix_times(rootfs: Path) -> None:
    import os

    for path in sorted(rootfs.rglob("*"), reverse=True):
        os.utime(path, (FIXED_MTIME, FIXED_MTIME), follow_symlinks=False)
    os.utime(rootfs, (FIXED_MTIME, FIXED_MTIME))


def _tar(rootfs: Path) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.GNU_FORMAT) as archive:
        for path in sorted(rootfs.rglob("*")):
            info = archive.gettarinfo(str(path), arcname="./" + path.relative_to(rootfs).as_posix())
            info.uid = info.gid = 0
            info.uname = info.gname = "root"
            info.mtime = FIXED_MTIME
            if info.isfile():
                with path.open("rb") as stream:
                    archive.addfile(info, stream)
            else:
                archive.addfile(info)
    return buffer.getvalue()


def _cpio(rootfs: Path) -> bytes:
    entries = []
    for path in sorted(rootfs.rglob("*")):
        info = path.lstat()
        name = path.relative_to(rootfs).as_posix()
        if stat.S_ISLNK(info.st_mode):
            entries.append(CpioEntry(name, stat.S_IFLNK | 0o777, str(path.readlink()).encode()))
        elif stat.S_ISDIR(info.st_mode):
            entries.append(CpioEntry(name, stat.S_IFDIR | 0o755))
        else:
            entries.append(CpioEntry(name, stat.S_IFREG | stat.S_IMODE(info.st_mode), path.read_bytes()))
    buffer = io.BytesIO()
    write_cpio(buffer, entries)
    return buffer.getvalue()


def _squashfs(rootfs: Path, target: Path) -> Path:
    target.unlink(missing_ok=True)
    subprocess.run(
        [
            "mksquashfs", str(rootfs), str(target), "-noappend", "-all-root", "-no-xattrs", "-comp", "gzip",
            "-all-time", str(FIXED_MTIME), "-mkfs-time", str(FIXED_MTIME), "-quiet", "-no-progress", "-processors", "1",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return target
