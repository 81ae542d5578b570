"""Software named by what a service says about itself (SSH, telnet, HTTP and SSDP banners), as inventory items.

A banner version is a claim, not proof, but it is what vulnerability data is matched on: each known product gets a
package URL and a CPE 2.3 name in NVD's vendor:product spelling.
"""

from __future__ import annotations

import re

from packageurl import PackageURL

from iotprofile.checks.interface import InventoryItem

#: (pattern with a 'version' group, name, CPE vendor, CPE product). Patterns are searched in the banner text.
_SIGNATURES: tuple[tuple[re.Pattern[str], str, str, str], ...] = (
    (re.compile(r"SSH-[\d.]+-dropbear_(?P<version>[\d.]+)"), "dropbear", "dropbear_ssh_project", "dropbear_ssh"),
    (re.compile(r"SSH-[\d.]+-OpenSSH_(?P<version>[\w.]+)"), "openssh", "openbsd", "openssh"),
    (re.compile(r"BusyBox v(?P<version>\d+\.\d+(?:\.\d+)?)"), "busybox", "busybox", "busybox"),
    (re.compile(r"lighttpd/(?P<version>[\d.]+)"), "lighttpd", "lighttpd", "lighttpd"),
    (re.compile(r"mini_httpd/(?P<version>[\d.]+)"), "mini_httpd", "acme", "mini_httpd"),
    (re.compile(r"Boa/(?P<version>[\d.]+\w*)"), "boa", "boa", "boa"),
    (re.compile(r"GoAhead-Webs/(?P<version>[\d.]+)"), "goahead", "embedthis", "goahead"),
    (re.compile(r"MiniUPnPd/(?P<version>[\d.]+)"), "miniupnpd", "miniupnp_project", "miniupnpd"),
    (re.compile(r"nginx/(?P<version>[\d.]+)"), "nginx", "f5", "nginx"),
)


def identify(banner: str, *, where: str) -> list[InventoryItem]:
    """Inventory items for every known product ``banner`` names with a version; ``where`` is the endpoint."""
    items = []
    for pattern, name, vendor, product in _SIGNATURES:
        match = pattern.search(banner)
        if match is None:
            continue
        version = match["version"].rstrip(".")
        cpe_version, cpe_update = version, "*"
        if name == "openssh":
            # NVD spells OpenSSH 8.4p1 as version 8.4, update p1.
            split = re.fullmatch(r"([\d.]+)(p\d+)?", version)
            if split:
                cpe_version, cpe_update = split[1], split[2] or "*"
        items.append(
            InventoryItem(
                name=name,
                version=version,
                purl=PackageURL(type="generic", name=name, version=version).to_string(),
                cpe=f"cpe:2.3:a:{vendor}:{product}:{cpe_version}:{cpe_update}:*:*:*:*:*:*",
                path=where,
                how="banner",
            )
        )
    return items
