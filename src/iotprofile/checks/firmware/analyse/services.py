"""Network services a root filesystem starts by default.

Telnet, FTP, TFTP, UPnP, SSH password logins, HTTP administration without TLS.

Read from ``etc/inittab``, the boot scripts (``etc/init.d/rcS``, ``etc/rc.local``...), init scripts with a start
link (OpenWrt ``etc/rc.d/S??name``, SysV ``etc/rc?.d/S??name``), ``etc/xinetd.d``, systemd ``*.wants`` links, and
OpenWrt UCI files in ``etc/config``. A service is "enabled by default" only when one of these starts it; an init
script without a start link is reported as available, evidence only.

Verdicts: telnet enabled by default is an unnecessary, unencrypted remote login interface (IR 8425 IAC-1a, ETSI EN
303 645 5.6-1, 5.5-1) and proposes ``not_satisfied``; UPnP answering on the WAN side proves unauthorised access to
the router from outside (IAC-2b) and proposes ``not_satisfied``. The others are evidence only.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from typing import Any

from iotprofile.assessment.model import Verdict
from iotprofile.checks.firmware.analyse.tree import RootTree
from iotprofile.checks.interface import Finding, Location, Severity

_BOOT_SCRIPTS = ("etc/inittab", "etc/init.d/rcS", "etc/rc.local", "etc/rc.d/rcS", "etc/rcS", "etc/init.d/rc.local",
                 "etc/rc.d/rc.local", "etc/init.d/boot")  # fmt: skip
_MAX_SCRIPT_BYTES = 256 * 1024


@dataclass(frozen=True, slots=True)
class _Service:
    key: str
    daemons: re.Pattern[str]
    title: str
    severity: Severity
    elements: tuple[str, ...]
    etsi: tuple[str, ...]
    proves: bool
    why: str


SERVICES: tuple[_Service, ...] = (
    _Service("telnet", re.compile(r"(?:^|[\s;&|/])(u?telnetd)(?=$|[\s;&|])"), "Telnet", Severity.HIGH,
             ("IAC-1a",), ("5.6-1", "5.5-1"), proves=True, why="an unencrypted remote login interface"),
    _Service("ftp", re.compile(r"(?:^|[\s;&|/])(ftpd|vsftpd|proftpd|pure-ftpd|bftpd)(?=$|[\s;&|])"), "FTP",
             Severity.MEDIUM, ("IAC-1a",), ("5.6-1", "5.5-1"), proves=False,
             why="an unencrypted file transfer service"),
    _Service("tftp", re.compile(r"(?:^|[\s;&|/])((?:in\.)?tftpd(?:-hpa)?)(?=$|[\s;&|])"), "TFTP", Severity.MEDIUM,
             ("IAC-1a", "IAC-1b"), ("5.6-1",), proves=False, why="a file transfer service without authentication"),
)  # fmt: skip


_STOPS = re.compile(r"\b(?:kill|killall|pkill|pidof|which|command -v)\b")


def _starting(lines: list[tuple[int, str]], daemons: re.Pattern[str]) -> list[tuple[int, str]]:
    """Lines that run a daemon (not those that stop it, test for it or look it up)."""
    return [(n, line) for n, line in lines if daemons.search(line) and not _STOPS.search(line)]


def _commands(text: str) -> list[tuple[int, str]]:
    """Non-comment lines of a script (line number, text)."""
    return [
        (n, line)
        for n, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]


def _start_links(tree: RootTree, script: str) -> list[str]:
    pattern = re.compile(rf"^etc/(?:rc\.d|rc[2345S]\.d)/S\d*{re.escape(script)}$")
    return sorted(p for p in [*tree.links, *tree.files] if pattern.match(p))


@dataclass(frozen=True, slots=True)
class _Start:
    path: str
    line: int | None
    how: str
    enabled: bool


def _starts(tree: RootTree, service: _Service) -> list[_Start]:
    starts: list[_Start] = []
    for path in _BOOT_SCRIPTS:
        text = tree.read_text(path, limit=_MAX_SCRIPT_BYTES)
        for number, _ in _starting(_commands(text or ""), service.daemons):
            starts.append(_Start(path, number, f"started from {path}", enabled=True))
    for item in tree.under("etc/init.d"):
        if item.rel in _BOOT_SCRIPTS:
            continue
        text = tree.read_text(item.rel, limit=_MAX_SCRIPT_BYTES) or ""
        hit = next(iter(_starting(_commands(text), service.daemons)), None)
        if hit is None:
            continue
        links = _start_links(tree, item.rel.rsplit("/", 1)[-1])
        how = f"init script with start link {links[0]}" if links else "init script without a start link"
        starts.append(_Start(item.rel, hit[0], how, enabled=bool(links)))
    for item in tree.under("etc/xinetd.d"):
        text = tree.read_text(item.rel, limit=_MAX_SCRIPT_BYTES) or ""
        if re.search(rf"^\s*service\s+{service.key}\b", text, re.MULTILINE) or service.daemons.search(text):
            disabled = re.search(r"^\s*disable\s*=\s*yes", text, re.MULTILINE | re.IGNORECASE)
            starts.append(_Start(item.rel, None, "xinetd service", enabled=not disabled))
    unit = re.compile(rf"^(?:etc|lib|usr/lib)/systemd/system/[^/]+\.wants/[^/]*{service.key}[^/]*\.(?:service|socket)$")
    starts.extend(
        _Start(p, None, "systemd unit wanted at boot", enabled=True)
        for p in sorted([*tree.links, *tree.files])
        if unit.match(p)
    )
    return starts


def uci(text: str) -> list[tuple[str, str, dict[str, list[str]]]]:
    """OpenWrt UCI sections: (type, name, options; list options keep every value)."""
    sections: list[tuple[str, str, dict[str, list[str]]]] = []
    for line in text.splitlines():
        try:
            words = shlex.split(line, comments=True)
        except ValueError:
            continue
        if len(words) >= 2 and words[0] == "config":
            sections.append((words[1], words[2] if len(words) > 2 else "", {}))
        elif len(words) >= 3 and words[0] in ("option", "list") and sections:
            sections[-1][2].setdefault(words[1], []).append(words[2])
    return sections


def _truthy(values: list[str] | None, *, default: bool) -> bool:
    if not values:
        return default
    return values[-1].lower() in ("1", "on", "yes", "true", "enabled")


def analyse_services(tree: RootTree) -> tuple[dict[str, Any], list[Finding]]:
    """Facts (services started by default) and findings."""
    findings: list[Finding] = []
    facts: dict[str, Any] = {}
    for service in SERVICES:
        starts = _starts(tree, service)
        facts[service.key] = [{"path": s.path, "line": s.line, "how": s.how, "enabled": s.enabled} for s in starts]
        enabled = [s for s in starts if s.enabled]
        if not starts:
            continue
        first = (enabled or starts)[0]
        findings.append(
            Finding(
                rule=f"firmware.services.{service.key}-{'enabled' if enabled else 'available'}",
                title=f"{service.title} {'enabled by default' if enabled else 'installed with an init script'}",
                severity=service.severity if enabled else Severity.LOW,
                observed=f"{service.title} ({service.why}) is "
                + (
                    f"enabled by default: {first.how}." if enabled else f"installed ({first.how}); not started at boot."
                ),
                elements=service.elements,
                etsi=service.etsi,
                proposes=Verdict.NOT_SATISFIED if enabled and service.proves else None,
                location=Location(path=first.path, line=first.line),
                data={"starts": facts[service.key]},
            )
        )
    findings.extend(_upnp(tree, facts))
    findings.extend(_ssh(tree))
    findings.extend(_http(tree))
    return facts, findings


def _upnp(tree: RootTree, facts: dict[str, Any]) -> list[Finding]:
    findings: list[Finding] = []
    text = tree.read_text("etc/config/upnpd")
    for kind, _, options in uci(text or ""):
        if kind != "upnpd":
            continue
        enabled = _truthy(options.get("enabled"), default=False) or _truthy(options.get("enable_upnp"), default=False)
        internal = " ".join(options.get("internal_iface", [])).split()
        facts["upnp"] = {"enabled": enabled, "internal_iface": internal, "secure_mode": options.get("secure_mode")}
        if enabled and "wan" in internal:
            findings.append(_upnp_wan("etc/config/upnpd", "internal_iface includes 'wan'"))
        if enabled and not _truthy(options.get("secure_mode"), default=True):
            findings.append(_upnp_insecure("etc/config/upnpd"))
    for item in tree.files.values():
        if not item.rel.endswith("miniupnpd.conf") or not item.rel.startswith("etc/"):
            continue
        settings: dict[str, list[str]] = {}
        for _, line in _commands(tree.read_text(item.rel) or ""):
            key, _, value = line.partition("=")
            settings.setdefault(key.strip(), []).append(value.strip())
        external = set(settings.get("ext_ifname", []))
        listening = {v.split("/")[0] for v in settings.get("listening_ip", [])}
        if external & listening:
            findings.append(
                _upnp_wan(item.rel, f"listening_ip includes the external interface {sorted(external & listening)[0]}")
            )
        if settings.get("secure_mode", ["yes"])[-1].lower() == "no":
            findings.append(_upnp_insecure(item.rel))
    return findings


def _upnp_wan(path: str, why: str) -> Finding:
    return Finding(
        rule="firmware.services.upnp-wan",
        title="UPnP answers on the WAN side",
        severity=Severity.HIGH,
        observed=f"The UPnP daemon is configured to listen on the WAN interface ({why}): hosts on the internet can "
        "open ports into the network.",
        elements=("IAC-2b",),
        etsi=("5.6-1",),
        proposes=Verdict.NOT_SATISFIED,
        location=Location(path=path),
        data={"why": why},
    )


def _upnp_insecure(path: str) -> Finding:
    return Finding(
        rule="firmware.services.upnp-insecure-mode",
        title="UPnP secure mode off",
        severity=Severity.MEDIUM,
        observed="UPnP secure mode is off: any LAN host may map ports to other hosts.",
        elements=("IAC-2b",),
        etsi=("5.6-1",),
        location=Location(path=path),
    )


def _ssh(tree: RootTree) -> list[Finding]:
    findings: list[Finding] = []
    for kind, _, options in uci(tree.read_text("etc/config/dropbear") or ""):
        if kind == "dropbear" and _truthy(options.get("PasswordAuth"), default=True):
            root = _truthy(options.get("RootPasswordAuth"), default=True)
            findings.append(
                Finding(
                    rule="firmware.services.ssh-password-auth",
                    title="SSH accepts password logins",
                    severity=Severity.INFO,
                    observed="Dropbear accepts password logins" + (", root included." if root else " (not for root)."),
                    elements=("IAC-1b",),
                    location=Location(path="etc/config/dropbear"),
                    data={"root": root},
                )
            )
    sshd = tree.read_text("etc/ssh/sshd_config")
    for number, line in _commands(sshd or ""):
        if re.match(r"\s*PermitEmptyPasswords\s+yes\b", line, re.IGNORECASE):
            findings.append(
                Finding(
                    rule="firmware.services.ssh-empty-passwords",
                    title="SSH permits empty passwords",
                    severity=Severity.MEDIUM,
                    observed="OpenSSH is configured with PermitEmptyPasswords yes.",
                    elements=("IAC-1b",),
                    etsi=("5.1-1",),
                    location=Location(path="etc/ssh/sshd_config", line=number),
                )
            )
    return findings


def _http(tree: RootTree) -> list[Finding]:
    findings: list[Finding] = []
    for kind, name, options in uci(tree.read_text("etc/config/uhttpd") or ""):
        if kind == "uhttpd" and options.get("listen_http") and not options.get("listen_https"):
            findings.append(
                _plain_http(
                    "etc/config/uhttpd", f"uhttpd '{name}' listens on {', '.join(options['listen_http'])} without HTTPS"
                )
            )
    lighttpd = tree.read_text("etc/lighttpd/lighttpd.conf")
    if lighttpd is not None and not re.search(r'^\s*ssl\.engine\s*=\s*"enable"', lighttpd, re.MULTILINE):
        findings.append(_plain_http("etc/lighttpd/lighttpd.conf", "lighttpd has no ssl.engine enabled"))
    return findings


def _plain_http(path: str, why: str) -> Finding:
    return Finding(
        rule="firmware.services.http-without-tls",
        title="Web administration without TLS",
        severity=Severity.MEDIUM,
        observed=f"The web server serves plain HTTP only ({why}): administration passwords cross the network in clear.",
        elements=("DP-3", "IAC-1b"),
        etsi=("5.5-1", "5.5-5"),
        location=Location(path=path),
        data={"why": why},
    )
