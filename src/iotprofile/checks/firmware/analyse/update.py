"""Evidence about how the image verifies updates: package-manager settings, signing keys and tools.

Insecure settings prove that an update path accepts unverified software: ``option check_signature 0`` in
opkg.conf, APT's ``AllowUnauthenticated``/``AllowInsecureRepositories``, a ``[trusted=yes]`` source. Each proposes
``not_satisfied`` for IR 8425 SU-1 (receive, verify and apply *verified* updates) and bears on ETSI EN 303 645 5.3-7
and 5.3-10. A plain-HTTP feed with no signature check is the same failure; with signature checks on, it is only
noted. Keys and verification tools (opkg/usign keys, signify, GnuPG keyrings, sysupgrade's ``fwtool``/``usign``) are
positive evidence only: their presence does not prove every update is verified.
"""

from __future__ import annotations

import re
from typing import Any

from iotprofile.assessment.model import Verdict
from iotprofile.checks.firmware.analyse.tree import RootTree
from iotprofile.checks.interface import Finding, Location, Severity

_OPKG_CONF = ("etc/opkg.conf", "etc/opkg/opkg.conf")
_OPKG_FEEDS = ("etc/opkg/distfeeds.conf", "etc/opkg/customfeeds.conf", *_OPKG_CONF)
_APT_INSECURE = re.compile(
    r"^\s*(APT::Get::AllowUnauthenticated|Acquire::AllowInsecureRepositories|Acquire::AllowDowngradeToInsecureRepositories)"
    r'\s+"?(?:true|1|yes)"?',
    re.IGNORECASE | re.MULTILINE,
)
_TOOLS = ("usr/bin/usign", "usr/bin/signify", "usr/bin/gpgv", "usr/bin/gpg", "usr/bin/fwtool", "usr/sbin/fwtool",
          "usr/bin/ucert")  # fmt: skip


def _lines(text: str | None) -> list[tuple[int, str]]:
    return [
        (n, line)
        for n, line in enumerate((text or "").splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]


def _unverified(rule: str, title: str, observed: str, path: str, line: int | None) -> Finding:
    return Finding(
        rule=rule,
        title=title,
        severity=Severity.HIGH,
        observed=observed,
        elements=("SU-1",),
        etsi=("5.3-7", "5.3-10"),
        proposes=Verdict.NOT_SATISFIED,
        location=Location(path=path, line=line),
    )


def analyse_update(tree: RootTree) -> tuple[dict[str, Any], list[Finding]]:
    """Facts (keys, tools, feeds) and findings about update verification."""
    findings: list[Finding] = []
    signature_check: bool | None = None
    opkg_seen = False
    for path in _OPKG_CONF:
        for number, line in _lines(tree.read_text(path)):
            opkg_seen = True
            match = re.match(r"\s*option\s+check_signature(?:\s+(\S+))?", line)
            if match:
                signature_check = (match.group(1) or "1").strip("'\"") not in ("0", "off", "no", "false")
                if not signature_check:
                    findings.append(
                        _unverified(
                            "firmware.update.signature-check-disabled",
                            "Package signature checks disabled",
                            "opkg is configured with 'check_signature 0': packages are installed without verifying "
                            "their signatures.",
                            path,
                            number,
                        )
                    )
    feeds: list[dict[str, Any]] = []
    for path in _OPKG_FEEDS:
        for number, line in _lines(tree.read_text(path)):
            feed = re.match(r"\s*src(?:/gz)?\s+(\S+)\s+(\S+)", line)
            if feed:
                feeds.append({"path": path, "line": number, "name": feed.group(1), "url": feed.group(2)})
    plain = [feed for feed in feeds if feed["url"].startswith(("http://", "ftp://"))]
    if plain and opkg_seen and signature_check is not True:
        first = plain[0]
        findings.append(
            _unverified(
                "firmware.update.unverified-plain-feed",
                "Package feeds over plain HTTP without signature checks",
                f"{len(plain)} opkg feeds are fetched over plain HTTP/FTP (first: {first['url']}) and no "
                "signature check is configured.",
                first["path"],
                first["line"],
            )
        )
    for item in [*tree.under("etc/apt/apt.conf.d"), *filter(None, [tree.file("etc/apt/apt.conf")])]:
        text = tree.read_text(item.rel) or ""
        for setting in _APT_INSECURE.finditer(text):
            at = text.count("\n", 0, setting.start()) + 1
            findings.append(
                _unverified(
                    "firmware.update.apt-unauthenticated",
                    "APT accepts unauthenticated packages",
                    f"APT is configured with {setting.group(1)}: unsigned packages or repositories are accepted.",
                    item.rel,
                    at,
                )
            )
    for item in [*tree.under("etc/apt/sources.list.d"), *filter(None, [tree.file("etc/apt/sources.list")])]:
        for number, line in _lines(tree.read_text(item.rel)):
            if re.search(r"\[[^\]]*trusted=yes[^\]]*\]", line):
                findings.append(
                    _unverified(
                        "firmware.update.apt-trusted-source",
                        "APT source trusted without signatures",
                        "An APT source is marked [trusted=yes]: its packages are installed without signature checks.",
                        item.rel,
                        number,
                    )
                )
    keys = sorted(
        item.rel
        for directory in ("etc/opkg/keys", "etc/apt/trusted.gpg.d", "usr/share/keyrings", "etc/signify", "etc/keys")
        for item in tree.under(directory)
    ) + [p for p in ("etc/apt/trusted.gpg",) if tree.file(p)]
    tools = [path for path in _TOOLS if tree.file(path) or path in tree.links]
    sysupgrade_checks = sorted(
        item.rel
        for item in tree.under("lib/upgrade")
        if re.search(r"\b(?:fwtool|usign|signify|verify_signature)\b", tree.read_text(item.rel, limit=1 << 18) or "")
    )
    facts = {
        "opkg_signature_check": signature_check,
        "feeds": feeds,
        "signing_keys": keys,
        "verification_tools": tools,
        "sysupgrade_signature_scripts": sysupgrade_checks,
    }
    if keys or sysupgrade_checks:
        findings.append(
            Finding(
                rule="firmware.update.verification-keys",
                title="Update verification keys or tools present",
                severity=Severity.INFO,
                observed=f"The image holds {len(keys)} signing keys and {len(tools)} verification tools"
                + (
                    f"; sysupgrade scripts check signatures ({', '.join(sysupgrade_checks[:3])})."
                    if sysupgrade_checks
                    else "."
                ),
                elements=("SU-1",),
                etsi=("5.3-7", "5.3-10"),
                location=Location(path=(keys or sysupgrade_checks)[0]),
                data={"keys": keys[:50], "tools": tools, "sysupgrade": sysupgrade_checks},
            )
        )
    return facts, findings
