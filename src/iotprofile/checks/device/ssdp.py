"""UPnP discovery: one unicast SSDP ``M-SEARCH`` to the named host (never the multicast group).

A device answering SSDP on the probed interface exposes UPnP there. Whether that is a failure depends on the side:
UPnP answering on the WAN side proves IAC-2b failed (it lets anyone on the internet discover, and often reconfigure,
the device); on the LAN side, or when the user did not say, it is evidence only. The ``LOCATION`` URL is recorded,
never fetched (it may name another host).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from iotprofile.assessment.model import Verdict
from iotprofile.checks.device.session import DeadlineExceededError, ProbeSession
from iotprofile.checks.device.target import Side
from iotprofile.checks.device.wire import printable
from iotprofile.checks.interface import Finding, Location, Severity

#: Replies read at most (a device answers once per service type with ssdp:all).
MAX_REPLIES = 32


def m_search(host: str, port: int) -> bytes:
    """A unicast M-SEARCH for every service type (UPnP Device Architecture 2.0, 1.3.2)."""
    return (
        "M-SEARCH * HTTP/1.1\r\n"
        f"HOST: {host}:{port}\r\n"
        'MAN: "ssdp:discover"\r\n'
        "ST: ssdp:all\r\n"
        "USER-AGENT: iotprofile-device-check UPnP/2.0\r\n\r\n"
    ).encode("ascii")


@dataclass
class SsdpProbe:
    """What the SSDP probe saw."""

    port: int
    request: bytes = b""
    replies: list[dict[str, str]] = field(default_factory=list)
    raw: list[bytes] = field(default_factory=list)
    error: str | None = None


def parse_reply(data: bytes) -> dict[str, str] | None:
    """The headers of an SSDP reply (upper-cased names), or ``None`` if it is not an HTTP 200 answer."""
    lines = data.decode("utf-8", "replace").split("\r\n")
    if not lines or not lines[0].upper().startswith("HTTP/") or " 200" not in lines[0]:
        return None
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers.setdefault(name.strip().upper(), value.strip())
    return headers


def probe_ssdp(session: ProbeSession, port: int) -> SsdpProbe:
    """Send one M-SEARCH to ``port`` of the session's address and collect the replies until the timeout."""
    probe = SsdpProbe(port=port, request=m_search(session.address, port))
    try:
        sock = session.datagram(port, probe.request)
    except DeadlineExceededError:
        probe.error = "attempt deadline reached"
        return probe
    except OSError as error:
        probe.error = f"{type(error).__name__}: {error}"
        return probe
    with sock:
        try:
            while len(probe.raw) < MAX_REPLIES:
                data = sock.recv(8192)
                probe.raw.append(data)
                headers = parse_reply(data)
                if headers is not None:
                    probe.replies.append(headers)
                # After the first reply, wait only briefly for the rest.
                sock.settimeout(min(0.5, session.deadline.bound(session.timeout_s)))
        except (TimeoutError, DeadlineExceededError):
            pass
        except OSError as error:
            # ICMP port unreachable arrives as ConnectionRefusedError on a connected UDP socket: nobody listens.
            probe.error = f"{type(error).__name__}"
    return probe


def ssdp_findings(probe: SsdpProbe, session: ProbeSession, *, side: Side | None) -> list[Finding]:
    """The finding an SSDP answer supports, graded by the side of the device the user said the host is on."""
    if not probe.replies:
        return []
    first = probe.replies[0]
    servers = sorted({reply["SERVER"] for reply in probe.replies if "SERVER" in reply})
    locations = sorted({reply["LOCATION"] for reply in probe.replies if "LOCATION" in reply})
    endpoint = session.endpoint(probe.port) + "/udp"
    wan = side == Side.WAN
    where = "on its WAN side" if wan else ("on its LAN side" if side == Side.LAN else "on the probed address")
    return [
        Finding(
            rule="device.upnp.ssdp",
            title="UPnP answers SSDP discovery" + (" on the WAN side" if wan else ""),
            severity=Severity.HIGH if wan else Severity.MEDIUM,
            observed=f"{endpoint} answers SSDP M-SEARCH {where} ({len(probe.replies)} repl"
            f"{'y' if len(probe.replies) == 1 else 'ies'}, server {first.get('SERVER', 'unnamed')!r}).",
            elements=("IAC-2b",),
            etsi=("5.6-1", "5.6-2"),
            proposes=Verdict.NOT_SATISFIED if wan else None,
            location=Location(endpoint=endpoint, request=printable(probe.request), response=printable(probe.raw[0])),
            data={
                "servers": servers,
                "locations": locations,
                "replies": len(probe.replies),
                "side": str(side) if side else None,
            },
        )
    ]
