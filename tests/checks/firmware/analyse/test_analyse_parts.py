"""The analyses' parts on their own: hash types, CPEs, kernel series, UCI, shared keys, the bundled kernel table."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from tests.checks.firmware.analyse.firmware_trees import EC_CERT, EC_KEY, write

from iotprofile.assessment.model import Verdict
from iotprofile.checks.firmware.analyse import RootAnalysis, analyse_root, shared_keys
from iotprofile.checks.firmware.analyse.credentials import hash_type
from iotprofile.checks.firmware.analyse.inventory import cpe_for
from iotprofile.checks.firmware.analyse.kernel import analyse_kernel, series_eol, series_of, series_table
from iotprofile.checks.firmware.analyse.services import uci
from iotprofile.checks.interface import InventoryItem, Limits


@pytest.mark.parametrize(
    ("field", "kind"),
    [
        ("", "empty"),
        ("x", "locked"),
        ("!$6$abc$def", "locked"),
        ("*", "locked"),
        ("$1$salt$hash", "md5-crypt"),
        ("$5$salt$hash", "sha256-crypt"),
        ("$6$salt$hash", "sha512-crypt"),
        ("$2a$10$" + "a" * 53, "bcrypt"),
        ("$2y$10$" + "a" * 53, "bcrypt"),
        ("$y$j9T$salt$hash", "yescrypt"),
        ("abJnggxhB/yWI", "des"),
        ("what?", "unknown"),
    ],
)
def test_hash_types(field: str, kind: str) -> None:
    assert hash_type(field) == kind


def test_cpe_versions() -> None:
    assert cpe_for("a:openbsd:openssh", "7.4p1") == "cpe:2.3:a:openbsd:openssh:7.4:p1:*:*:*:*:*:*"
    assert cpe_for("a:openssl:openssl", "1.0.2k") == "cpe:2.3:a:openssl:openssl:1.0.2k:*:*:*:*:*:*:*"
    assert cpe_for("a:busybox:busybox", None) is None


def test_kernel_series_and_eol() -> None:
    assert series_of("2.6.36.4") == "2.6.36"
    assert series_of("4.14.180") == "4.14"
    assert series_eol("4.14")[0] == date(2024, 1, 10)
    eol, basis = series_eol("4.8")  # not long-term: ends by the release of 4.10 at the latest
    assert eol == date(2017, 2, 19) and "upper bound" in basis
    assert series_eol("9.99") == (None, "unknown")


def test_kernel_past_eol_without_build_date_is_evidence_only() -> None:
    item = InventoryItem(name="linux", version="4.4.60", path="lib/modules/4.4.60", how="version-string")
    facts, findings = analyse_kernel([item], {}, today=date(2026, 1, 1))
    (finding,) = findings
    assert finding.proposes is None
    assert "CIP" in finding.observed  # 4.4 is maintained by CIP until 2027
    assert facts["kernels"][0]["cip_slts_eol"] == "2027-01-31"
    # Built long after even CIP's end: proven.
    _, proven = analyse_kernel([item], {"4.4.60": ("boot/uImage", date(2028, 6, 1))}, today=date(2029, 1, 1))
    assert proven[0].proposes is Verdict.NOT_SATISFIED
    # A maintained series yields no finding.
    _, none = analyse_kernel(
        [InventoryItem(name="linux", version="6.6.30", how="version-string")], {}, today=date(2026, 1, 1)
    )
    assert none == []


def test_kernel_table_is_consistent() -> None:
    table = series_table()
    assert set(table["lts_eol"]) <= set(table["releases"])
    assert set(table["cip_slts_eol"]) <= set(table["lts_eol"])
    for series, eol in table["lts_eol"].items():
        assert isinstance(eol, date) and eol > table["releases"][series], series


def test_uci_sections() -> None:
    text = "config uhttpd 'main'\n\tlist listen_http '0.0.0.0:80'\n\tlist listen_http '[::]:80'  # both\n"
    assert uci(text) == [("uhttpd", "main", {"listen_http": ["0.0.0.0:80", "[::]:80"]})]


def _image(root: Path, with_key: bool) -> RootAnalysis:
    write(root, "etc/motd", "hello\n")
    if with_key:
        write(root, "etc/uhttpd.key", EC_KEY)
        write(root, "etc/uhttpd.crt", EC_CERT)
    return analyse_root(root, limits=Limits(), today=date(2026, 1, 1))


def test_shared_keys_across_images(tmp_path: Path) -> None:
    analyses = {
        "a.bin": _image(tmp_path / "a", with_key=True),
        "b.bin": _image(tmp_path / "b", with_key=True),
        "c.bin": _image(tmp_path / "c", with_key=False),
    }
    (finding,) = shared_keys(analyses)
    assert finding.rule == "firmware.keys.shared-private-key"
    assert finding.proposes is Verdict.NOT_SATISFIED
    assert [p["image"] for p in finding.data["places"]] == ["a.bin", "b.bin"]
    key = analyses["a.bin"].facts["keys"]["private_keys"][0]
    cert = analyses["a.bin"].facts["keys"]["certificates"][0]
    assert key["fingerprint"] == cert["key_fingerprint"]  # the key is matched with its certificate
    assert cert["self_signed"] is True and cert["subject"] == "CN=router.lan"
    assert shared_keys({"a.bin": analyses["a.bin"], "c.bin": analyses["c.bin"]}) == []


@pytest.mark.parametrize(
    ("text", "name", "version"),
    [
        (b"\x00BusyBox v1.36.1 (2023-11-07)\x00", "busybox", "1.36.1"),
        (b"\x00SSH-2.0-dropbear_2022.83\x00", "dropbear", "2022.83"),
        (b"OpenSSH_8.4p1 Debian", "openssh", "8.4p1"),
        (b"\x00OpenSSL 1.1.1w  11 Sep 2023\x00", "openssl", "1.1.1w"),
        (b"\x00OpenSSL 3.0.13 30 Jan 2024\x00", "openssl", "3.0.13"),
        (b"\x00mbed TLS 2.28.8\x00", "mbedtls", "2.28.8"),
        (b"\x00dnsmasq-2.90\x00", "dnsmasq", "2.90"),
        (b"OpenWrt/23.05 UPnP/1.1 MiniUPnPd/2.3.3\x00", "miniupnpd", "2.3.3"),
        (b"\x00lighttpd/1.4.59\x00", "lighttpd", "1.4.59"),
        (b"\x00hostapd v2.10\x00", "hostapd", "2.10"),
        (b"\x00wpa_supplicant v2.9\x00", "wpa_supplicant", "2.9"),
        (b"\x00libcurl/7.88.1 OpenSSL/3.0.11\x00", "curl", "7.88.1"),
        (b"GNU C Library (Debian GLIBC 2.36-9) stable release version 2.36.\n", "glibc", "2.36"),
    ],
)
def test_version_signatures(text: bytes, name: str, version: str) -> None:
    from iotprofile.checks.firmware.analyse.inventory import VersionStringScanner
    from iotprofile.checks.firmware.analyse.tree import TreeFile

    scanner = VersionStringScanner()
    scanner.scan(TreeFile(rel="usr/sbin/x", size=len(text)), b"\x7fELF" + text, is_elf=True)
    assert (name, version) in scanner.found


def test_telnet_started_or_only_stopped(tmp_path: Path) -> None:
    started = tmp_path / "started"
    write(
        started, "etc/init.d/rcS", "#!/bin/sh\n[ -x /usr/sbin/telnetd ] && start-stop-daemon -S -x /usr/sbin/telnetd\n"
    )
    stopped = tmp_path / "stopped"
    write(stopped, "etc/init.d/rcS", "#!/bin/sh\nkillall telnetd\n# telnetd -l /bin/sh\n")
    rules = {f.rule: f for f in analyse_root(started, limits=Limits()).findings}
    assert rules["firmware.services.telnet-enabled"].location.line == 2  # type: ignore[union-attr]
    assert not [f for f in analyse_root(stopped, limits=Limits()).findings if "telnet" in f.rule]


def test_find_roots(tmp_path: Path) -> None:
    from iotprofile.checks.firmware.analyse import find_roots

    for root in ("a/squashfs-root", "b/c/jffs2-root"):
        (tmp_path / root / "etc").mkdir(parents=True)
        (tmp_path / root / "bin").mkdir()
        (tmp_path / root / "usr/etc").mkdir(parents=True)  # inside a root: not a root of its own
    (tmp_path / "d/etc").mkdir(parents=True)  # etc alone is not a root
    (tmp_path / "link").symlink_to(tmp_path / "a")
    assert find_roots(tmp_path) == [tmp_path / "a/squashfs-root", tmp_path / "b/c/jffs2-root"]
    assert find_roots(tmp_path, max_depth=1) == []
