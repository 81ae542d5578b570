"""Private keys and certificates stored in a root filesystem (parsed with ``cryptography``).

PEM blocks are found anywhere (``-----BEGIN`` in any file, binaries included); DER is tried on files whose name says
key or certificate. Each private key is identified by the SHA-256 of its public key (DER SubjectPublicKeyInfo), so
the same key is recognised in another image, or matched with the certificate that carries it.

Mapping, decided: a firmware image is identical in every unit, so a private key stored in it in clear is a secret
every unit shares and anyone with the image can read. That proves the failure of IR 8425 DP-1 (stored data protected
by secure means) and of ETSI EN 303 645 5.4-3 (no hard-coded critical security parameters), so the finding proposes
``not_satisfied``, except for keys under documentation or test directories (evidence only). Encrypted keys and
certificates are evidence only. :func:`shared_keys` reports keys found in more than one image (ETSI 5.4-4).
"""

from __future__ import annotations

import hashlib
import mmap
import re
from collections.abc import Mapping
from typing import Any

from iotprofile.assessment.model import Verdict
from iotprofile.checks.firmware.analyse.model import RootAnalysis
from iotprofile.checks.firmware.analyse.tree import TreeFile
from iotprofile.checks.interface import Finding, Location, Severity

_PEM = re.compile(rb"-----BEGIN ([A-Z0-9 ]{1,40})-----[\r\n]+([A-Za-z0-9+/=\r\n:,\- ]{16,65536}?)-----END \1-----")
_DER_NAMES = re.compile(r"\.(?:der|cer|crt|key|p8|pk8)$", re.IGNORECASE)
_DOC_PATH = re.compile(r"(?:^|/)(?:usr/share/doc|usr/share/man|test|tests|examples?)(?:/|$)")
#: Certificates listed in the facts (a CA bundle holds about 150).
MAX_CERTS_LISTED = 200
MAX_BLOCKS_PER_FILE = 512


def _public_fingerprint(public_key: Any) -> str:
    from cryptography.hazmat.primitives import serialization

    der = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()


def _describe_key(key: Any) -> tuple[str, int | None]:
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa

    if isinstance(key, rsa.RSAPrivateKey | rsa.RSAPublicKey):
        return "rsa", key.key_size
    if isinstance(key, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey):
        return f"ec-{key.curve.name}", key.key_size
    if isinstance(key, dsa.DSAPrivateKey | dsa.DSAPublicKey):
        return "dsa", key.key_size
    if isinstance(key, ed25519.Ed25519PrivateKey | ed25519.Ed25519PublicKey):
        return "ed25519", 256
    if isinstance(key, ed448.Ed448PrivateKey | ed448.Ed448PublicKey):
        return "ed448", 456
    return type(key).__name__.lower(), None


class KeyScanner:
    """Collects private keys and certificates from PEM blocks and DER files."""

    def __init__(self) -> None:
        self.private_keys: list[dict[str, Any]] = []
        self.certificates: list[dict[str, Any]] = []
        self.unparsed: list[dict[str, Any]] = []

    def scan(self, item: TreeFile, data: mmap.mmap | bytes, *, is_elf: bool) -> None:  # noqa: ARG002  (the scanner protocol)
        """Look for PEM blocks in any file and DER in files named like keys or certificates."""
        if data.find(b"-----BEGIN ") >= 0:
            for count, match in enumerate(_PEM.finditer(data)):
                if count >= MAX_BLOCKS_PER_FILE:
                    break
                self._pem(item.rel, match.start(), match.group(1).decode(), bytes(match.group(0)))
        elif _DER_NAMES.search(item.rel) and 0 < item.size <= 65536 and data[:1] == b"\x30":
            self._der(item.rel, bytes(data))

    def _pem(self, path: str, offset: int, label: str, block: bytes) -> None:
        from cryptography import x509
        from cryptography.hazmat.primitives import serialization

        if label == "CERTIFICATE":
            try:
                self._certificate(path, offset, x509.load_pem_x509_certificate(block))
            except ValueError as error:
                self.unparsed.append({"path": path, "offset": offset, "label": label, "error": str(error)[:120]})
        elif label.endswith("PRIVATE KEY"):
            if label == "ENCRYPTED PRIVATE KEY" or b"ENCRYPTED" in block[:200]:
                self._private(path, offset, None, encrypted=True, block=block)
                return
            try:
                key = serialization.load_pem_private_key(block, password=None)
            except (ValueError, TypeError, NotImplementedError) as error:
                self.unparsed.append({"path": path, "offset": offset, "label": label, "error": str(error)[:120]})
                return
            self._private(path, offset, key, encrypted=False, block=block)

    def _der(self, path: str, data: bytes) -> None:
        from cryptography import x509
        from cryptography.hazmat.primitives import serialization

        try:
            certificate = x509.load_der_x509_certificate(data)
        except ValueError:
            certificate = None
        if certificate is not None:
            self._certificate(path, 0, certificate)
            return
        try:
            key = serialization.load_der_private_key(data, password=None)
        except (ValueError, TypeError, NotImplementedError):
            return
        self._private(path, 0, key, encrypted=False, block=data)

    def _private(self, path: str, offset: int, key: Any, *, encrypted: bool, block: bytes) -> None:
        if key is None:
            kind, bits, fingerprint = "encrypted", None, hashlib.sha256(block).hexdigest()
        else:
            kind, bits = _describe_key(key)
            fingerprint = _public_fingerprint(key.public_key())
        self.private_keys.append(
            {"path": path, "offset": offset, "type": kind, "bits": bits, "encrypted": encrypted,
             "fingerprint": fingerprint}
        )  # fmt: skip

    def _certificate(self, path: str, offset: int, cert: Any) -> None:
        from cryptography.hazmat.primitives import hashes

        public = cert.public_key()
        kind, bits = _describe_key(public)
        self.certificates.append(
            {
                "path": path,
                "offset": offset,
                "subject": cert.subject.rfc4514_string()[:200],
                "issuer": cert.issuer.rfc4514_string()[:200],
                "self_signed": cert.subject == cert.issuer,
                "key_type": kind,
                "key_bits": bits,
                "not_before": cert.not_valid_before_utc.isoformat(),
                "not_after": cert.not_valid_after_utc.isoformat(),
                "sha256": cert.fingerprint(hashes.SHA256()).hex(),
                "key_fingerprint": _public_fingerprint(public),
            }
        )

    def results(self) -> tuple[dict[str, Any], list[Finding]]:
        """Facts (keys, certificates) and one finding per private key."""
        by_key = {cert["key_fingerprint"]: cert for cert in self.certificates}
        findings: list[Finding] = []
        for key in self.private_keys:
            cert = by_key.get(key["fingerprint"])
            documentation = bool(_DOC_PATH.search(key["path"]))
            proves = not key["encrypted"] and not documentation
            what = "an encrypted private key" if key["encrypted"] else f"a {key['type']} private key in clear"
            bits = f" ({key['bits']} bits)" if key["bits"] else ""
            findings.append(
                Finding(
                    rule="firmware.keys.private-key",
                    title="Private key stored in the firmware image",
                    severity=Severity.HIGH if proves else Severity.MEDIUM,
                    observed=f"The image stores {what}{bits}"
                    + (f", the key of the certificate '{cert['subject']}'" if cert else "")
                    + "; every unit running this image holds the same key.",
                    elements=("DP-1",),
                    etsi=("5.4-3",),
                    proposes=Verdict.NOT_SATISFIED if proves else None,
                    location=Location(path=key["path"], offset=key["offset"]),
                    data={**key, "certificate_sha256": cert["sha256"] if cert else None},
                )
            )
            if key["type"] in ("rsa", "dsa") and key["bits"] and key["bits"] < 2048:
                findings.append(
                    Finding(
                        rule="firmware.keys.weak-key",
                        title="Private key too short",
                        severity=Severity.MEDIUM,
                        observed=f"A {key['type']} private key of {key['bits']} bits is stored in the image.",
                        elements=("DP-1",),
                        etsi=("5.5-1",),
                        location=Location(path=key["path"], offset=key["offset"]),
                        data={"fingerprint": key["fingerprint"], "bits": key["bits"]},
                    )
                )
        facts = {
            "private_keys": sorted(self.private_keys, key=lambda k: (k["path"], k["offset"])),
            "certificates_total": len(self.certificates),
            "certificates": sorted(self.certificates, key=lambda c: (c["path"], c["offset"]))[:MAX_CERTS_LISTED],
            "unparsed_blocks": self.unparsed[:MAX_CERTS_LISTED],
        }
        return facts, findings


def shared_keys(analyses: Mapping[str, RootAnalysis]) -> list[Finding]:
    """Findings for private keys (by public-key fingerprint) found in more than one image (image name -> analysis)."""
    seen: dict[str, list[tuple[str, str]]] = {}
    for image, analysis in sorted(analyses.items()):
        for key in analysis.facts.get("keys", {}).get("private_keys", []):
            if key.get("encrypted"):
                continue
            seen.setdefault(key["fingerprint"], []).append((image, key["path"]))
    findings: list[Finding] = []
    for fingerprint, places in sorted(seen.items()):
        images = sorted({image for image, _ in places})
        if len(images) < 2:
            continue
        findings.append(
            Finding(
                rule="firmware.keys.shared-private-key",
                title="The same private key in several images",
                severity=Severity.HIGH,
                observed=f"The same private key (public key SHA-256 {fingerprint[:16]}...) is stored in "
                f"{len(images)} images: it is not unique per device.",
                elements=("DP-1",),
                etsi=("5.4-3", "5.4-4"),
                proposes=Verdict.NOT_SATISFIED,
                location=Location(path=places[0][1]),
                data={"fingerprint": fingerprint, "places": [{"image": i, "path": p} for i, p in places]},
            )
        )
    return findings
