"""What the device check may probe: one named host, a bounded list of ports, and the options that steer the probes.

The device check is opt-in and aimed: it probes only the host the user names, only on the ports the user names
(or a short default list), and never expands anything into a range. :func:`validate_host` refuses whatever looks
like more than one device (a network, a range, a wildcard, a list, a multicast or broadcast address);
:func:`plan_device_target` is the service-level entry point that raises :class:`~iotprofile.errors.CheckError`
for such input, and :func:`parse_options` turns the free-form ``CheckTarget.options`` into :class:`DeviceOptions`.
"""

from __future__ import annotations

import ipaddress
import re
from enum import StrEnum
from typing import Any

from pydantic import Field, ValidationError, field_validator

from iotprofile.catalog.model import Frozen
from iotprofile.checks.interface import CheckTarget, InputKind
from iotprofile.errors import CheckError

#: Ports probed when the user names none: remote admin, shells and the TR-069 management port of consumer devices.
DEFAULT_PORTS = (21, 22, 23, 80, 443, 2323, 7547, 8080, 8443)
#: Among the probed ports, those spoken to as HTTP or HTTPS unless the options say otherwise.
DEFAULT_HTTP_PORTS = (80, 7547, 8000, 8080, 8081)
DEFAULT_HTTPS_PORTS = (443, 8443)
#: A device check names services, not a port range: more than this many ports is refused.
MAX_PORTS = 256

_HOSTNAME_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
#: "10.0.0.1-20", "10.0.0.1-10.0.0.9", "fe80::1-5": a hyphen between numeric parts is a range, not a name.
_NUMERIC_RANGE = re.compile(r"^[0-9A-Fa-f.:]+-[0-9A-Fa-f.:]+$")


class Side(StrEnum):
    """Which side of the device the probed address is on (the check cannot tell by itself)."""

    WAN = "wan"
    LAN = "lan"


class DeviceOptions(Frozen):
    """The options of one device target (``CheckTarget.options``), validated."""

    ports: tuple[int, ...] = Field(default=DEFAULT_PORTS, description="TCP ports to connect to (no ranges).")
    http_ports: tuple[int, ...] | None = Field(
        default=None,
        description="Ports spoken to as plain HTTP; default: the probed ports among 80, 7547, 8000, 8080, 8081.",
    )
    https_ports: tuple[int, ...] | None = Field(
        default=None, description="Ports spoken to as HTTPS; default: the probed ports among 443 and 8443."
    )
    credentials: tuple[tuple[str, str], ...] = Field(
        default=(),
        description="(user, password) pairs shared by every unit (vendor defaults, found in the firmware), tried "
        "in order, at most Limits.max_login_attempts per service.",
    )
    certificates: tuple[str, ...] = Field(
        default=(), description="SHA-256 fingerprints (hex) of certificates found in the firmware."
    )
    timeout_s: float = Field(default=3.0, gt=0, le=60, description="Per-connection timeout.")
    banner_timeout_s: float = Field(default=1.5, gt=0, le=30, description="How long to wait for a service to speak.")
    banner_settle_s: float = Field(
        default=1.0, gt=0, le=30, description="Once it has spoken, how long to wait for more (unless a prompt ends it)."
    )
    ssdp: bool = Field(default=True, description="Send one unicast SSDP M-SEARCH to the host.")
    ssdp_port: int = Field(default=1900, ge=1, le=65535)
    side: Side | None = Field(default=None, description="'wan' if the probed address is the device's WAN side.")

    @field_validator("ports", "http_ports", "https_ports")
    @classmethod
    def _valid_ports(cls, value: tuple[int, ...] | None) -> tuple[int, ...] | None:
        if value is None:
            return None
        for port in value:
            if not 1 <= port <= 65535:
                raise ValueError(f"port {port} is not between 1 and 65535")
        if len(set(value)) > MAX_PORTS:
            raise ValueError(f"{len(set(value))} ports named; a device check probes at most {MAX_PORTS}")
        return tuple(dict.fromkeys(value))

    @field_validator("certificates")
    @classmethod
    def _fingerprints(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        normalised = []
        for text in value:
            digest = text.replace(":", "").replace(" ", "").lower()
            if not re.fullmatch(r"[0-9a-f]{64}", digest):
                raise ValueError(f"{text!r} is not a SHA-256 fingerprint (64 hex digits)")
            normalised.append(digest)
        return tuple(normalised)

    def all_ports(self) -> tuple[int, ...]:
        """Every TCP port the check may connect to: the named ports plus the named HTTP and HTTPS ports."""
        return tuple(dict.fromkeys((*self.ports, *(self.http_ports or ()), *(self.https_ports or ()))))

    def plain_http_ports(self) -> tuple[int, ...]:
        """The ports spoken to as plain HTTP."""
        if self.http_ports is not None:
            return self.http_ports
        return tuple(port for port in self.ports if port in DEFAULT_HTTP_PORTS)

    def tls_ports(self) -> tuple[int, ...]:
        """The ports spoken to as HTTPS (TLS)."""
        if self.https_ports is not None:
            return self.https_ports
        return tuple(port for port in self.ports if port in DEFAULT_HTTPS_PORTS)


def validate_host(host: str) -> str:
    """``host`` stripped, if it names one device (an address or a host name); raises ``ValueError`` otherwise."""
    text = host.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if not text:
        raise ValueError("no host named")
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        address = None
    if address is not None:
        if address.is_multicast or address.is_unspecified or str(address) == "255.255.255.255":
            raise ValueError(f"{text} is a multicast, broadcast or unspecified address, not one device")
        return text
    if any(mark in text for mark in "/*?,; \t[]"):
        raise ValueError(f"{text!r} looks like a network, range, wildcard or list; name one device")
    if _NUMERIC_RANGE.match(text):
        raise ValueError(f"{text!r} looks like an address range; name one device")
    labels = text.rstrip(".").split(".")
    if len(text) > 253 or not all(_HOSTNAME_LABEL.match(label) for label in labels):
        raise ValueError(f"{text!r} is neither an IP address nor a host name")
    if all(label.isdigit() for label in labels):
        raise ValueError(f"{text!r} is not a valid IP address")
    return text


def parse_options(options: dict[str, Any]) -> DeviceOptions:
    """``CheckTarget.options`` as :class:`DeviceOptions`; keys meant for other checks (``vulndb``) are ignored."""
    known = {key: value for key, value in options.items() if key in DeviceOptions.model_fields}
    return DeviceOptions.model_validate(known)


def plan_device_target(
    host: str, ports: list[int] | tuple[int, ...] | None = None, *, options: dict[str, Any] | None = None
) -> CheckTarget:
    """A validated device :class:`CheckTarget` for one host; raises :class:`CheckError` for a range or bad option."""
    try:
        name = validate_host(host)
    except ValueError as error:
        raise CheckError(
            str(error), where=f"device target {host!r}", tip="the device check probes one named host"
        ) from None
    merged = dict(options or {})
    if ports is not None:
        merged["ports"] = tuple(ports)
    try:
        parse_options(merged)
    except ValidationError as error:
        first = error.errors()[0]
        place = ".".join(str(part) for part in first["loc"])
        raise CheckError(first["msg"], where=f"device target {name} option {place}") from None
    return CheckTarget(kind=InputKind.DEVICE, host=name, options=merged)
