"""Findings about the open ports themselves: which services listen, telnet, SSH and FTP exposure.

Telnet that answers proves IAC-1a failed (an unencrypted remote shell is never a necessary interface of a consumer
IoT product; the interface contract's own example), and a telnet service that gives a shell prompt without asking
for a login proves IAC-1b failed too. An SSH or FTP service, or any other open port, is evidence only.
SSH password authentication is not tested (it needs a key exchange; the banner is all the check reads).
"""

from __future__ import annotations

import re

from iotprofile.assessment.model import Verdict
from iotprofile.checks.device.ports import PortResult, PortState, Service
from iotprofile.checks.device.session import ProbeSession
from iotprofile.checks.device.wire import printable
from iotprofile.checks.interface import Finding, Location, Severity

#: Telnet option negotiation: IAC, then a command byte and (for WILL/WONT/DO/DONT) an option byte.
_TELNET_COMMANDS = re.compile(rb"\xff[\xfb-\xfe].|\xff[\xf0-\xfa]", re.DOTALL)
_SHELL_PROMPT = re.compile(r"[#$>]\s*$")


def _text(banner: bytes) -> str:
    return _TELNET_COMMANDS.sub(b"", banner).decode("utf-8", "replace")


def _gives_shell(banner: bytes) -> bool:
    """Whether a telnet banner ends in a shell prompt without asking for a login."""
    text = _text(banner).strip()
    lowered = text.lower()
    return bool(text) and "login" not in lowered and "password" not in lowered and bool(_SHELL_PROMPT.search(text))


def port_findings(result: PortResult, session: ProbeSession) -> list[Finding]:
    """The findings one probed port supports (none for a closed or unprobed port)."""
    if result.state != PortState.OPEN:
        return []
    endpoint = session.endpoint(result.port)
    location = Location(
        endpoint=endpoint,
        request=printable(result.sent) if result.sent else "TCP connect",
        response=printable(result.banner) if result.banner else None,
    )
    service = result.service or Service.UNKNOWN
    first_line = _text(result.banner).strip().splitlines()[0][:120] if _text(result.banner).strip() else ""
    findings = [
        Finding(
            rule="device.port.open",
            title=f"Open TCP port {result.port} ({service})",
            severity=Severity.INFO,
            observed=f"{endpoint} accepts TCP connections" + (f"; it says {first_line!r}." if first_line else "."),
            elements=("IAC-1a",),
            etsi=("5.6-1",),
            location=location,
            data={"port": result.port, "service": str(service), "banner": printable(result.banner, 200)},
        )
    ]
    if service == Service.TELNET:
        findings.append(
            Finding(
                rule="device.telnet.open",
                title="Telnet is enabled",
                severity=Severity.HIGH,
                observed=f"{endpoint} runs a telnet service: remote shell access without encryption.",
                elements=("IAC-1a",),
                etsi=("5.6-1", "5.5-1"),
                proposes=Verdict.NOT_SATISFIED,
                location=location,
                data={"port": result.port},
            )
        )
        if _gives_shell(result.banner):
            findings.append(
                Finding(
                    rule="device.telnet.no-login",
                    title="Telnet gives a shell without a login",
                    severity=Severity.CRITICAL,
                    observed=f"{endpoint} shows a shell prompt to an unauthenticated telnet client.",
                    elements=("IAC-1b",),
                    etsi=("5.5-4",),
                    proposes=Verdict.NOT_SATISFIED,
                    location=location,
                    data={"port": result.port},
                )
            )
    elif service == Service.SSH:
        findings.append(
            Finding(
                rule="device.ssh.open",
                title="SSH is enabled",
                severity=Severity.LOW,
                observed=f"{endpoint} runs SSH ({first_line}); whether it accepts passwords was not tested.",
                elements=("IAC-1a", "IAC-1b"),
                etsi=("5.6-1",),
                location=location,
                data={"port": result.port, "version": first_line},
            )
        )
    elif service == Service.FTP:
        findings.append(
            Finding(
                rule="device.ftp.open",
                title="FTP is enabled",
                severity=Severity.MEDIUM,
                observed=f"{endpoint} runs FTP, which sends credentials and data unencrypted.",
                elements=("IAC-1a", "DP-3"),
                etsi=("5.6-1", "5.5-1"),
                location=location,
                data={"port": result.port},
            )
        )
    return findings
