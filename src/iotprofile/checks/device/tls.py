"""TLS on the HTTPS ports: versions accepted, the cipher negotiated, and the certificate served.

Python's ``ssl`` offers only TLS 1.2 and 1.3 on current OpenSSL builds, so the check records TLS 1.0 and 1.1 as
"not tested" rather than claim the server refuses them. The certificate is parsed with ``cryptography``; when its
SHA-256 fingerprint equals a certificate found in the firmware image, every unit running that firmware holds the
same private key (ETSI 5.4-4: keys for communication must be device-unique).
"""

from __future__ import annotations

import hashlib
import ssl
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa

from iotprofile.checks.device.session import DeadlineExceededError, ProbeSession
from iotprofile.checks.interface import Finding, Location, Severity

#: Versions the check can offer, and the note recorded for those it cannot.
TESTED_VERSIONS = (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3)
NOT_TESTED = {
    "TLSv1.0": "not tested (Python's ssl cannot offer it)",
    "TLSv1.1": "not tested (Python's ssl cannot offer it)",
}
#: RSA/DSA keys shorter than this are weak (NIST SP 800-131A: 2048 bits).
MIN_RSA_BITS = 2048


@dataclass
class TlsProbe:
    """What the TLS probe saw on one port."""

    port: int
    versions: dict[str, str] = field(default_factory=dict)
    ciphers: dict[str, str] = field(default_factory=dict)
    der: bytes | None = None
    error: str | None = None


def _context(version: ssl.TLSVersion) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.minimum_version = version
    context.maximum_version = version
    # Offer every TLS 1.2 suite OpenSSL has and accept weak keys, so a weak server still shows what it negotiates.
    context.set_ciphers("ALL:@SECLEVEL=0")
    return context


def probe_tls(session: ProbeSession, port: int) -> TlsProbe:
    """One handshake per testable version on ``port``; the certificate from the first that succeeds."""
    probe = TlsProbe(port=port)
    for version in TESTED_VERSIONS:
        name = version.name.replace("v1_", "v1.")
        try:
            context = _context(version)
        except (ssl.SSLError, ValueError) as error:
            probe.versions[name] = f"not tested ({error})"
            continue
        try:
            sock = session.connect(port)
        except DeadlineExceededError:
            probe.versions[name] = "not tested (attempt deadline reached)"
            continue
        except OSError as error:
            probe.versions[name] = f"not tested ({type(error).__name__})"
            continue
        try:
            with context.wrap_socket(sock) as tls:
                probe.versions[name] = "accepted"
                probe.ciphers[name] = (tls.cipher() or ("?",))[0]
                if probe.der is None:
                    probe.der = tls.getpeercert(binary_form=True)
        except ssl.SSLError as error:
            probe.versions[name] = f"refused ({error.reason or error.__class__.__name__})"
        except OSError as error:
            probe.versions[name] = f"no handshake ({type(error).__name__})"
        finally:
            sock.close()
    probe.versions.update(NOT_TESTED)
    return probe


def _key(certificate: x509.Certificate) -> tuple[str, int | None]:
    key = certificate.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        return "RSA", key.key_size
    if isinstance(key, ec.EllipticCurvePublicKey):
        return f"EC {key.curve.name}", key.key_size
    if isinstance(key, dsa.DSAPublicKey):
        return "DSA", key.key_size
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "Ed25519", 256
    if isinstance(key, ed448.Ed448PublicKey):
        return "Ed448", 456
    return type(key).__name__, None


def describe_certificate(der: bytes) -> dict[str, Any]:
    """Subject, issuer, self-signature, key, validity and SHA-256 fingerprint of a DER certificate."""
    certificate = x509.load_der_x509_certificate(der)
    key_type, key_bits = _key(certificate)
    self_signed = certificate.subject == certificate.issuer
    if self_signed:
        try:
            certificate.verify_directly_issued_by(certificate)
        except (ValueError, TypeError, Exception):  # noqa: BLE001 - InvalidSignature and unsupported keys alike
            self_signed = False
    now = datetime.now(UTC)
    return {
        "subject": certificate.subject.rfc4514_string(),
        "issuer": certificate.issuer.rfc4514_string(),
        "self_signed": self_signed,
        "key_type": key_type,
        "key_bits": key_bits,
        "not_before": certificate.not_valid_before_utc.isoformat(),
        "not_after": certificate.not_valid_after_utc.isoformat(),
        "expired": certificate.not_valid_after_utc < now,
        "not_yet_valid": certificate.not_valid_before_utc > now,
        "sha256": hashlib.sha256(der).hexdigest(),
    }


def tls_findings(probe: TlsProbe, session: ProbeSession, *, firmware_certificates: tuple[str, ...]) -> list[Finding]:
    """The findings one TLS probe supports."""
    endpoint = session.endpoint(probe.port)
    if probe.der is None:
        return []
    try:
        cert = describe_certificate(probe.der)
    except ValueError as error:
        return [
            Finding(
                rule="device.tls.certificate-unreadable",
                title="TLS certificate cannot be parsed",
                severity=Severity.LOW,
                observed=f"{endpoint} serves a certificate that cannot be parsed ({error}).",
                elements=("DP-3",),
                etsi=("5.5-1",),
                location=Location(endpoint=endpoint, response=f"{len(probe.der)} bytes of DER"),
                data={"sha256": hashlib.sha256(probe.der).hexdigest(), "versions": dict(probe.versions)},
            )
        ]
    accepted = [name for name, state in probe.versions.items() if state == "accepted"]
    location = Location(
        endpoint=endpoint,
        request=f"TLS ClientHello offering {', '.join(accepted) or 'TLS 1.2/1.3'}",
        response=f"certificate subject={cert['subject']} issuer={cert['issuer']} sha256={cert['sha256']}",
    )
    data = {"certificate": cert, "versions": dict(probe.versions), "ciphers": dict(probe.ciphers)}
    findings = [
        Finding(
            rule="device.tls.service",
            title="TLS service",
            severity=Severity.INFO,
            observed=f"{endpoint} accepts {', '.join(accepted)} (cipher {', '.join(probe.ciphers.values())}); "
            f"TLS 1.0/1.1 not tested; certificate {cert['subject']} ({cert['key_type']} {cert['key_bits']}).",
            elements=("DP-3",),
            etsi=("5.5-1",),
            location=location,
            data=data,
        )
    ]
    if cert["sha256"] in firmware_certificates:
        findings.append(
            Finding(
                rule="device.tls.firmware-certificate",
                title="The device serves the certificate embedded in its firmware",
                severity=Severity.HIGH,
                observed=f"{endpoint} serves the certificate {cert['sha256']} that is also in the firmware image: "
                "every unit running this firmware holds the same private key.",
                elements=("DP-1", "DP-3"),
                etsi=("5.4-3", "5.4-4"),
                location=location,
                data={"sha256": cert["sha256"], "subject": cert["subject"]},
            )
        )
    problems = []
    if cert["self_signed"]:
        problems.append(("self-signed", Severity.LOW, "is self-signed"))
    if cert["expired"] or cert["not_yet_valid"]:
        problems.append(
            ("invalid-dates", Severity.MEDIUM, f"is outside its validity ({cert['not_before']} to {cert['not_after']})")
        )
    weak = cert["key_type"] in ("RSA", "DSA") and (cert["key_bits"] or 0) < MIN_RSA_BITS
    if weak:
        problems.append(("weak-key", Severity.MEDIUM, f"has a {cert['key_bits']}-bit {cert['key_type']} key"))
    findings.extend(
        Finding(
            rule=f"device.tls.certificate-{suffix}",
            title=f"TLS certificate {text.split(' (')[0]}",
            severity=severity,
            observed=f"The certificate served on {endpoint} {text}.",
            elements=("DP-3",),
            etsi=("5.5-1",),
            location=location,
            data={"sha256": cert["sha256"]},
        )
        for suffix, severity, text in problems
    )
    return findings
