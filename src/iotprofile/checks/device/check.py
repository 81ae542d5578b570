"""The live device check: probes one named host, within a rate limit, a login bound and a deadline.

Order of work: resolve the host (the first address only), connect to the named ports (banners), then the web
admin interface on the HTTP and HTTPS ports, TLS on the HTTPS ports, and one SSDP M-SEARCH. Every socket comes from
one :class:`~iotprofile.checks.device.session.ProbeSession`, so the rate limit and the deadline cover them all.
"""

from __future__ import annotations

import platform
import ssl
import time
from typing import Any, ClassVar

from pydantic import ValidationError

from iotprofile.checks.device.admin import AdminProbe, admin_findings, probe_admin
from iotprofile.checks.device.inventory import identify
from iotprofile.checks.device.ports import BannerWait, PortResult, PortState, Service, scan
from iotprofile.checks.device.services import port_findings
from iotprofile.checks.device.session import Deadline, ProbeSession, TokenBucket, resolve
from iotprofile.checks.device.ssdp import probe_ssdp, ssdp_findings
from iotprofile.checks.device.target import DeviceOptions, parse_options, validate_host
from iotprofile.checks.device.tls import TlsProbe, probe_tls, tls_findings
from iotprofile.checks.device.web import unverified_context
from iotprofile.checks.device.wire import printable
from iotprofile.checks.interface import (
    Attempt,
    Check,
    CheckInfo,
    CheckTarget,
    Finding,
    InputKind,
    InputRef,
    InventoryItem,
    Limits,
    utc_now,
)


class DeviceCheck(Check):
    """Opt-in probes of one live device: open ports and banners, web admin login, TLS, telnet/SSH, UPnP SSDP."""

    info: ClassVar[CheckInfo] = CheckInfo(
        id="device",
        title="Live device probe",
        version="1.0.0",
        inputs=(InputKind.DEVICE,),
        elements=("IAC-1a", "IAC-1b", "IAC-2b", "DP-1", "DP-3"),
        etsi=("5.1-1", "5.4-3", "5.4-4", "5.5-1", "5.5-4", "5.5-7", "5.6-1", "5.6-2"),
        tools=(),
        limits="One named host (its first address), never a range; only the named TCP ports (at most 256) and one "
        "unicast SSDP datagram; every connection paced by Limits.rate_per_s; at most Limits.max_login_attempts "
        "logins per service, stopping at the first that works; the whole attempt within Limits.timeout_s.",
        network=True,
    )

    def run(self, target: CheckTarget, limits: Limits) -> Attempt:
        """Probe ``target.host`` within ``limits``; a range, a bad option or an unknown name is an error attempt."""
        started = utc_now()
        name = target.host or ""
        ref = InputRef(kind=InputKind.DEVICE, name=name)

        def failed(reason: str) -> Attempt:
            return self.failed(ref, started, reason, tool_versions=_versions())

        if target.kind != InputKind.DEVICE or not target.host:
            return failed("the device check needs a device target with a host")
        try:
            host = validate_host(target.host)
            options = parse_options(target.options)
        except ValidationError as error:
            return failed(f"bad option: {error.errors()[0]['msg']} at {error.errors()[0]['loc']}")
        except ValueError as error:
            return failed(f"refused: {error}")
        deadline = Deadline.after(limits.timeout_s)
        try:
            family, address, addresses = resolve(host)
        except OSError as error:
            return failed(f"cannot resolve {host}: {error}")
        try:
            # A name can resolve to a multicast or broadcast address: that is not one device either.
            validate_host(address)
        except ValueError as error:
            return failed(f"refused: {host} resolves to {address}: {error}")
        session = ProbeSession(
            host=host,
            family=family,
            address=address,
            limiter=TokenBucket(limits.rate_per_s),
            deadline=deadline,
            timeout_s=options.timeout_s,
        )
        clock = time.monotonic()
        findings, inventory, facts = _probe(session, options, limits)
        facts |= {
            "host": host,
            "address": address,
            "addresses_not_probed": addresses[1:],
            "connections": session.connections,
            "datagrams": session.datagrams,
            "rate_per_s": limits.rate_per_s,
            "max_login_attempts": limits.max_login_attempts,
            "seconds": round(time.monotonic() - clock, 3),
            "deadline_reached": deadline.hit,
            "side": str(options.side) if options.side else None,
            # Keys the device check does not read (meant for other checks, or mistyped): listed, not silently lost.
            "options_ignored": sorted(set(target.options) - set(DeviceOptions.model_fields)),
        }
        return self.attempt(
            ref,
            started,
            tool_versions=_versions(),
            findings=tuple(findings),
            inventory=tuple(_unique(inventory)),
            facts=facts,
        )


def _versions() -> dict[str, str]:
    return {"python": platform.python_version(), "openssl": ssl.OPENSSL_VERSION}


def _unique(items: list[InventoryItem]) -> list[InventoryItem]:
    return list({(item.name, item.version, item.path): item for item in items}.values())


def _probe(
    session: ProbeSession, options: DeviceOptions, limits: Limits
) -> tuple[list[Finding], list[InventoryItem], dict[str, Any]]:
    http_ports, https_ports = options.plain_http_ports(), options.tls_ports()
    results = scan(
        session,
        options.all_ports(),
        silent=frozenset((*http_ports, *https_ports)),
        wait=BannerWait(options.banner_timeout_s, options.banner_settle_s),
    )
    findings: list[Finding] = []
    inventory: list[InventoryItem] = []
    for result in results:
        if result.state == PortState.OPEN and result.port in https_ports:
            result = PortResult(result.port, result.state, Service.HTTPS, reason=result.reason)  # noqa: PLW2901
        elif result.state == PortState.OPEN and result.port in http_ports:
            result = PortResult(result.port, result.state, Service.HTTP, reason=result.reason)  # noqa: PLW2901
        findings.extend(port_findings(result, session))
        if result.banner:
            inventory.extend(identify(printable(result.banner, 1024), where=session.endpoint(result.port)))
    open_ports = {result.port: result for result in results if result.state == PortState.OPEN}
    detected_http = [port for port, result in open_ports.items() if result.service == Service.HTTP]
    web_ports = [(port, False) for port in dict.fromkeys((*http_ports, *detected_http)) if port in open_ports]
    web_ports += [(port, True) for port in https_ports if port in open_ports]

    tls_probes: list[TlsProbe] = [probe_tls(session, port) for port in https_ports if port in open_ports]
    https_available = any(probe.der is not None for probe in tls_probes)
    for tls_probe in tls_probes:
        findings.extend(tls_findings(tls_probe, session, firmware_certificates=options.certificates))

    admin_probes: list[AdminProbe] = []
    for port, over_tls in web_ports:
        admin = probe_admin(
            session,
            port,
            tls=unverified_context() if over_tls else None,
            credentials=options.credentials,
            max_attempts=limits.max_login_attempts,
        )
        admin_probes.append(admin)
        findings.extend(admin_findings(admin, session, https_available=https_available))
        if admin.first is not None and (server := admin.first.header("Server")):
            inventory.extend(identify(server, where=session.endpoint(port)))

    ssdp_facts: dict[str, Any] = {"probed": False}
    if options.ssdp:
        ssdp = probe_ssdp(session, options.ssdp_port)
        findings.extend(ssdp_findings(ssdp, session, side=options.side))
        for reply in ssdp.replies:
            inventory.extend(identify(reply.get("SERVER", ""), where=session.endpoint(options.ssdp_port) + "/udp"))
        ssdp_facts = {"probed": True, "port": options.ssdp_port, "replies": len(ssdp.replies), "error": ssdp.error}

    facts: dict[str, Any] = {
        "ports": {str(result.port): _port_fact(result) for result in results},
        "http": {
            str(probe.port): {
                "tls": probe.tls,
                "status": probe.first.status if probe.first else None,
                "error": probe.error,
                "redirects_to_https": probe.redirects_to_https,
                "login_path": probe.path,
                "login": probe.scheme,
                "login_attempts": probe.attempts,
                "login_accepted": probe.accepted is not None,
                "notes": probe.notes,
            }
            for probe in admin_probes
        },
        "tls": {str(probe.port): {"versions": probe.versions, "ciphers": probe.ciphers} for probe in tls_probes},
        "ssdp": ssdp_facts,
        "ssh_password_auth": "not tested",
        "https_ports_open": [port for port in https_ports if port in open_ports],
    }
    return findings, inventory, facts


def _port_fact(result: PortResult) -> dict[str, Any]:
    fact: dict[str, Any] = {"state": str(result.state)}
    if result.service is not None:
        fact["service"] = str(result.service)
    if result.reason:
        fact["reason"] = result.reason
    return fact


__all__ = ["DeviceCheck"]
