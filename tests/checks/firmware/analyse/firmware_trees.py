"""Small root filesystems with planted weaknesses (and a clean one), written file by file.

The keys below were generated for these tests only and protect nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

#: A P-256 key and its self-signed certificate (CN=router.lan, 2020-2040): the "device" key of the router tree.
EC_KEY = """-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg3Y/Y8XwjlJBi2LZh
0+bre/8BcyngANq2vM3V4HM91U6hRANCAARiCcVl3S3AwS60WU4WKqFfrGjGJtsi
ltswjDjpEIBkuujjssoozhq3v/6RudHJB8ouW7mE6jvTDHE7Tyy4hPtH
-----END PRIVATE KEY-----
"""
EC_CERT = """-----BEGIN CERTIFICATE-----
MIIBFjCBvqADAgECAgID6TAKBggqhkjOPQQDAjAVMRMwEQYDVQQDDApyb3V0ZXIu
bGFuMB4XDTIwMDEwMTAwMDAwMFoXDTQwMDEwMTAwMDAwMFowFTETMBEGA1UEAwwK
cm91dGVyLmxhbjBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABGIJxWXdLcDBLrRZ
ThYqoV+saMYm2yKW2zCMOOkQgGS66OOyyijOGre//pG50ckHyi5buYTqO9MMcTtP
LLiE+0cwCgYIKoZIzj0EAwIDRwAwRAIgeriGkhUYFZNyXUljMfHZTItbyWAmqLwH
0DcgW8sgfdsCIFNxdG2ZSxzY6Le+woaKo6kbJRV2QgaYtpAHuWbPZXil
-----END CERTIFICATE-----
"""
#: A 1024-bit RSA key, planted under usr/share/doc (documentation: evidence only, but too short).
RSA_1024_KEY = """-----BEGIN RSA PRIVATE KEY-----
MIICXAIBAAKBgQCtRYa4wBlk/l1mJiGxcmJjLxeI3vA+dcA974TCQSV4VnrbblOW
Es6hYm13y1T/5JHm84nFKwSrFaIJkLSRzVaqG7BfEEW0pbX/MAX7pQvQNkgvPgBV
RXNlnSnCzmJDMlxjBJaS2rrRvj17oy+AYgMuFCAPTLgwvU4u5X5yRzUFkwIDAQAB
AoGAYpkWsZj2mma4ZUE7mQsa+4+3l7YtBY3h6Byc8iE6HkEvxiAAxnxLQsCMxEdb
RgYeFErvUdhJ3sT/oOvMJM+xCUlqpov7/KFiS1VvVxVgYPp6nnmPbDg/O+tOJKFj
b3ou014hNq+fvTEFVyS3YrT28R2odvfCDukMbiYwcrNVSwkCQQDghIXKCFdtftWM
qGOkjLyrhNOrhrpIDgOlk+85U6Y25dizk0gwPGoJHJPSkqUe72f2wwPdW05FC3HW
IlAREiLtAkEAxZFuQ+ixREbrMzGvOgguA0QvaUZO3vneavpix7lUL63+y2rtW26F
k65F67XatB5L9KxYvDtjS9S4B+hiWvw6fwJBAMp1dpf68avhhfyzFDecWb5ppt60
PWMgkBVN05lkXyx+E+3LUHt+3zecN4jZiGDfDmcs8F06KtiEO4EXrA/YxPkCQGR5
RltQzj3L1zcs0FEx8byFg5sFP30UE7HR7kRmEtNAqHBoy5cRCOuG2FY8IKIzOiuP
Ln1jsmbRIlobK1HcLh8CQHasz7JOBEEuH/3Cyf5Ybq/wV9fo+H5Penj/Oloh0aC2
u5fqGX6P2jnhdPi9y22JR2ElYImTWtTNM+U4H/Fc8K4=
-----END RSA PRIVATE KEY-----
"""
#: openssl passwd -1 -salt fwsalt01 admin
MD5_ADMIN = "$1$fwsalt01$uwBo3DjWpQvCNKHCkmTyP/"
#: A SHA-512 crypt hash of a long password that is on no list.
SHA512_STRONG = (
    "$6$Qx7Rk2pLmN4vT8wZ$5Qxv7T6x3FR1pUHIKOZoSvbyCaG9474.0X816N4qL2WNFFIrnSs6ZuGJ7EWMyUOt6IfspPv565uOS24X/2dr8."
)
#: Not a valid ELF file past its magic, carrying the version banners of three components.
FAKE_ELF = (
    b"\x7fELF\x01\x01\x01" + b"\x00" * 9 + b"garbage" * 8
    + b"\x00BusyBox v1.19.4 (2013-05-02 10:23:09 CST)\x00OpenSSL 1.0.2k  26 Jan 2017\x00SSH-2.0-dropbear_2012.55\x00"
)  # fmt: skip
KERNEL_BANNER = (
    b"\x00\x00Linux version 3.10.14 (builder@buildhost) (gcc version 4.6.3 (Buildroot 2012.11.1) ) "
    b"#1 SMP Tue Mar 5 12:00:00 CST 2019\n\x00"
)
OPKG_STATUS = """Package: busybox
Version: 1.19.4-7
Status: install user installed
Architecture: mips_24kc
License: GPL-2.0

Package: dnsmasq
Version: 2.80-1
Status: install user installed
Architecture: mips_24kc

Package: removed-thing
Version: 1.0
Status: deinstall user not-installed
"""


def write(root: Path, rel: str, content: str | bytes, mode: int | None = None) -> Path:
    """Write one file of a tree (parents created)."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    if mode is not None:
        path.chmod(mode)
    return path


def link(root: Path, rel: str, target: str) -> None:
    """A symlink inside the tree, pointing at ``target`` as written."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, path)


def router_tree(root: Path) -> Path:
    """A router root filesystem with one of each planted weakness."""
    write(
        root,
        "etc/passwd",
        "root:x:0:0:root:/root:/bin/ash\n"
        f"operator:{MD5_ADMIN}:1000:1000:operator:/home/operator:/bin/sh\n"
        "support::1001:1001:support:/tmp:/bin/sh\n"
        "daemon:*:1:1:daemon:/var:/bin/false\n"
        "nobody::65534:65534:nobody:/var:/bin/false\n",
    )
    write(root, "etc/shadow", f"root:{SHA512_STRONG}:18000:0:99999:7:::\ndaemon:*:0:0:99999:7:::\n")
    write(
        root,
        "etc/inittab",
        "::sysinit:/etc/init.d/rcS\n# ::respawn:/usr/sbin/dropbear\n::respawn:/usr/sbin/telnetd -F -l /bin/login\n",
    )
    write(
        root,
        "etc/init.d/vsftpd",
        "#!/bin/sh /etc/rc.common\nSTART=50\nstart() {\n\t/usr/sbin/vsftpd /etc/vsftpd.conf &\n}\n",
    )
    link(root, "etc/rc.d/S50vsftpd", "../init.d/vsftpd")
    write(root, "etc/init.d/tftp", "#!/bin/sh\nudpsvd -vE 0 69 tftpd /srv &\n")
    write(
        root,
        "etc/config/upnpd",
        "config upnpd 'config'\n\toption enabled '1'\n\toption secure_mode '0'\n\toption internal_iface 'lan wan'\n",
    )
    write(root, "etc/config/uhttpd", "config uhttpd 'main'\n\tlist listen_http '0.0.0.0:80'\n\toption home '/www'\n")
    write(root, "etc/config/dropbear", "config dropbear\n\toption PasswordAuth 'on'\n\toption Port '22'\n")
    write(root, "etc/opkg.conf", "dest root /\nlists_dir ext /var/opkg-lists\noption check_signature 0\n")
    write(root, "etc/opkg/distfeeds.conf", "src/gz core http://downloads.example.org/releases/18.06/packages/core\n")
    write(root, "etc/ssl/private/device.pem", EC_KEY + EC_CERT)
    write(root, "usr/share/doc/libfoo/example.key", RSA_1024_KEY)
    write(root, "usr/lib/opkg/status", OPKG_STATUS)
    write(root, "usr/sbin/vendor-daemon", FAKE_ELF, mode=0o755)
    write(root, "lib/modules/3.10.14/nf_conntrack.ko", b"\x00vermagic=3.10.14 SMP mod_unload MIPS_32R2 32BIT\x00")
    write(root, "boot/vmlinux-3.10.14", KERNEL_BANNER)
    write(root, "www/index.html", "<html>admin</html>\n")
    return root


def clean_tree(root: Path) -> Path:
    """A root filesystem with nothing to report but positive evidence."""
    write(root, "etc/passwd", "root:x:0:0:root:/root:/bin/ash\nnobody:*:65534:65534:nobody:/var:/bin/false\n")
    write(root, "etc/shadow", "root:*:0:0:99999:7:::\nnobody:*:0:0:99999:7:::\n")
    write(root, "etc/inittab", "::sysinit:/etc/init.d/rcS\n::askconsole:/usr/libexec/login.sh\n")
    write(root, "etc/init.d/dropbear", "#!/bin/sh /etc/rc.common\nSTART=19\nstart() { /usr/sbin/dropbear -s -g; }\n")
    link(root, "etc/rc.d/S19dropbear", "../init.d/dropbear")
    write(root, "etc/config/upnpd", "config upnpd 'config'\n\toption enabled '0'\n\toption internal_iface 'lan'\n")
    write(
        root,
        "etc/config/uhttpd",
        "config uhttpd 'main'\n\tlist listen_http '0.0.0.0:80'\n\tlist listen_https '0.0.0.0:443'\n"
        "\toption redirect_https '1'\n",
    )
    write(root, "etc/config/dropbear", "config dropbear\n\toption PasswordAuth 'off'\n")
    write(root, "etc/opkg.conf", "dest root /\noption check_signature\n")
    write(root, "etc/opkg/distfeeds.conf", "src/gz core https://downloads.example.org/releases/23.05/packages/core\n")
    write(root, "etc/opkg/keys/b5043e70f9a75cde", "untrusted comment: signing key\nRWS1BD5w+adc3rDx\n")
    write(root, "lib/upgrade/common.sh", 'fwtool_check_signature() { fwtool -q -s /tmp/sysupgrade.ucert "$1"; }\n')
    (root / "lib/modules/6.6.30").mkdir(parents=True)
    return root
