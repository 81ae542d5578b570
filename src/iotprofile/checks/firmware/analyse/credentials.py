"""Login accounts in ``etc/passwd`` and ``etc/shadow``: empty passwords, weak hash types, well-known passwords.

A firmware image is the same in every unit, so a password set in it is a universal default password. An account
that can log in (a real shell) with an empty password, or whose hash matches a well-known password, proves that
access control on the device's login interfaces fails (IR 8425 IAC-1b, ETSI EN 303 645 5.1-1): those findings
propose ``not_satisfied``. Other hashes are evidence only (the product may force a change at first setup).

Recovered passwords never appear in findings or facts: only their length. Verification uses the platform's
``crypt(3)`` (DES, MD5-crypt, SHA-crypt; bcrypt and yescrypt where libxcrypt has them) through Python's ``crypt``
module, or its copy ``crypt_r`` on Python 3.13+ (a dependency there); where neither is present the facts say so and
hashes are only classified.
"""

from __future__ import annotations

import importlib
import time
import warnings
from collections.abc import Callable
from typing import Any

from iotprofile.assessment.model import Verdict
from iotprofile.checks.firmware.analyse.tree import RootTree
from iotprofile.checks.interface import Finding, Location, Severity

#: Well-known default passwords of consumer devices (vendor defaults and the Mirai botnet's list), kept short.
WELL_KNOWN_PASSWORDS = (
    "admin", "root", "password", "1234", "12345", "123456", "default", "toor", "ubnt", "support", "user",
    "guest", "pass", "admin123", "changeme", "vizxv", "xc3511", "888888", "666666", "7ujMko0admin", "system",
)  # fmt: skip
#: Time budget for hashing candidate passwords across all accounts (bcrypt/yescrypt are slow on purpose).
VERIFY_BUDGET_S = 2.0
_NO_LOGIN_SHELLS = ("/bin/false", "/sbin/nologin", "/usr/sbin/nologin", "/bin/nologin", "/usr/bin/false")
_WEAK = {"des", "md5-crypt", "bsdi-des", "plain", "nt"}


def hash_type(field: str) -> str:
    """The kind of a password field: empty, locked, des, md5-crypt, sha256-crypt, sha512-crypt, bcrypt, yescrypt..."""
    if field == "":
        return "empty"
    if field in ("x", "*", "!", "!!", "*LK*") or field.startswith(("!", "*")):
        return "locked"
    prefixes = {
        "$1$": "md5-crypt", "$2a$": "bcrypt", "$2b$": "bcrypt", "$2y$": "bcrypt", "$5$": "sha256-crypt",
        "$6$": "sha512-crypt", "$y$": "yescrypt", "$7$": "scrypt", "$gy$": "gost-yescrypt", "$3$": "nt",
        "$md5": "sun-md5", "$sha1$": "sha1-crypt",
    }  # fmt: skip
    for prefix, name in prefixes.items():
        if field.startswith(prefix):
            return name
    if field.startswith("_") and len(field) == 20:
        return "bsdi-des"
    if len(field) == 13 and all(c.isalnum() or c in "./" for c in field):
        return "des"
    return "unknown"


def _crypt() -> Callable[[str, str], str | None] | None:
    """The C library's crypt(3): stdlib ``crypt`` up to Python 3.12, its copy ``crypt_r`` from 3.13."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        for name in ("crypt", "crypt_r"):
            try:
                module = importlib.import_module(name)
            except ImportError:
                continue
            function: Callable[[str, str], str | None] = module.crypt
            return function
    return None


def _parse(text: str, width: int) -> dict[str, tuple[list[str], int]]:
    entries: dict[str, tuple[list[str], int]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line or line.startswith("#"):
            continue
        fields = line.split(":")
        if len(fields) >= width and fields[0]:
            entries.setdefault(fields[0], (fields, number))
    return entries


def analyse_credentials(tree: RootTree) -> tuple[dict[str, Any], list[Finding]]:
    """Facts (accounts, hash types) and findings for the accounts of ``etc/passwd`` and ``etc/shadow``."""
    passwd_text = tree.read_text("etc/passwd")
    shadow_text = tree.read_text("etc/shadow")
    if passwd_text is None and shadow_text is None:
        return {"accounts": 0}, []
    passwd = _parse(passwd_text or "", 7)
    shadow = _parse(shadow_text or "", 2)
    crypt = _crypt()
    deadline = time.monotonic() + VERIFY_BUDGET_S
    findings: list[Finding] = []
    types: dict[str, int] = {}
    not_verified: list[str] = []
    for user in sorted(set(passwd) | set(shadow), key=lambda u: (passwd.get(u, ([], 1 << 30))[1], u)):
        pw_fields, pw_line = passwd.get(user, ([], 0))
        shell = pw_fields[6] if len(pw_fields) > 6 else ""
        can_login = bool(shell) and shell not in _NO_LOGIN_SHELLS if pw_fields else True
        if pw_fields and pw_fields[1] != "x" and user not in shadow:
            field, path, line = pw_fields[1], "etc/passwd", pw_line
        elif user in shadow:
            field, path, line = shadow[user][0][1], "etc/shadow", shadow[user][1]
        else:
            field, path, line = "x", "etc/passwd", pw_line
        kind = hash_type(field)
        types[kind] = types.get(kind, 0) + 1
        location = Location(path=path, line=line)
        data: dict[str, Any] = {"user": user, "hash_type": kind, "shell": shell or None, "can_login": can_login}
        if kind == "empty":
            findings.append(
                Finding(
                    rule="firmware.credentials.empty-password",
                    title="Account with an empty password",
                    severity=Severity.CRITICAL if can_login else Severity.LOW,
                    observed=f"Account '{user}' has an empty password in {path}"
                    + (f" and the login shell {shell}." if can_login else ", but no login shell."),
                    elements=("IAC-1b",),
                    etsi=("5.1-1",),
                    proposes=Verdict.NOT_SATISFIED if can_login else None,
                    location=location,
                    data=data,
                )
            )
            continue
        if kind == "locked":
            continue
        if kind in _WEAK:
            findings.append(
                Finding(
                    rule="firmware.credentials.weak-hash",
                    title="Password stored with a weak hash",
                    severity=Severity.MEDIUM,
                    observed=f"The password of account '{user}' is stored as a {kind} hash in {path}, "
                    "which is fast to crack.",
                    elements=("DP-1",),
                    etsi=("5.4-1",),
                    location=location,
                    data=data,
                )
            )
        known = None
        if crypt is None or kind == "unknown":
            not_verified.append(user)
        else:
            for candidate in WELL_KNOWN_PASSWORDS:
                if time.monotonic() > deadline:
                    not_verified.append(user)
                    break
                try:
                    matches = crypt(candidate, field) == field
                except OSError:  # crypt(3) rejects a salt it does not support (EINVAL)
                    not_verified.append(user)
                    break
                if matches:
                    known = candidate
                    break
        if known is not None:
            findings.append(
                Finding(
                    rule="firmware.credentials.well-known-password",
                    title="Account with a well-known password",
                    severity=Severity.CRITICAL if can_login else Severity.HIGH,
                    observed=f"Account '{user}' in {path} has a well-known password (length {len(known)}), "
                    "the same in every unit that runs this image.",
                    elements=("IAC-1b",),
                    etsi=("5.1-1",),
                    proposes=Verdict.NOT_SATISFIED,
                    location=location,
                    data={**data, "password_length": len(known)},
                )
            )
        else:
            findings.append(
                Finding(
                    rule="firmware.credentials.preset-password",
                    title="Account with a password set in the image",
                    severity=Severity.MEDIUM if can_login else Severity.INFO,
                    observed=f"Account '{user}' has a password hash ({kind}) set in {path}; unless the product "
                    "forces a change at setup, it is shared by every unit.",
                    elements=("IAC-1b",),
                    etsi=("5.1-1",),
                    location=location,
                    data=data,
                )
            )
    facts = {
        "accounts": len(set(passwd) | set(shadow)),
        "hash_types": dict(sorted(types.items())),
        "verification": "crypt(3)" if crypt is not None else "unavailable",
        "not_verified": not_verified,
    }
    return facts, findings
