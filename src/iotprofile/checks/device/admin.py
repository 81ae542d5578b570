"""The web admin interface: HTTPS redirect, the login it asks for, and whether a shared credential opens it.

Per port: one ``GET /``; a 3xx to an ``https:`` URL is a redirect to HTTPS (not followed); a 401 with a Basic or
Digest challenge is retried with the given credentials, at most ``Limits.max_login_attempts`` per service, stopping
at the first that works; a page with a password field is recorded as a login form (credentials are not posted to
forms: field names and success pages vary per vendor, and a wrong guess could change settings).

Verdicts: a shared credential that works proves IAC-1b failed (ETSI 5.1-1). An admin login over plain HTTP with no
redirect to HTTPS is DP-3 evidence only (``proposes=None``): the check cannot tell whether that interface is
reachable beyond the local segment or whether the product protects those credentials otherwise, so the assessor
decides.
"""

from __future__ import annotations

import base64
import http.client
import ssl
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from iotprofile.assessment.model import Verdict
from iotprofile.checks.device.session import DeadlineExceededError, ProbeSession
from iotprofile.checks.device.web import HttpExchange, fetch, has_login_form
from iotprofile.checks.interface import Finding, Location, Severity

#: Same-origin redirects followed from ``/`` to find the login page.
MAX_REDIRECTS = 3


@dataclass
class AdminProbe:
    """What the admin probe saw on one port."""

    port: int
    tls: bool
    #: The answer to ``GET /``.
    first: HttpExchange | None = None
    #: The page the login was looked for on: ``first``, or where same-origin redirects from it led.
    page: HttpExchange | None = None
    path: str = "/"
    error: str | None = None
    scheme: str | None = None
    attempts: int = 0
    accepted: tuple[str, str] | None = None
    accepted_exchange: HttpExchange | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def redirects_to_https(self) -> bool:
        """Whether ``/`` ends (after same-origin redirects) in a redirect to an ``https:`` URL."""
        last = self.page or self.first
        if last is None or not 300 <= last.status < 400:
            return False
        return (last.header("Location") or "").lower().startswith("https://")


def _same_origin(exchange: HttpExchange, session: ProbeSession, *, port: int, scheme: str) -> str | None:
    """The path a 3xx answer redirects to, if it stays on the probed host, port and scheme; else ``None``."""
    location = exchange.header("Location")
    if not 300 <= exchange.status < 400 or not location:
        return None
    target = urllib.parse.urlsplit(urllib.parse.urljoin(f"{scheme}://{session.host}:{port}/", location))
    try:
        target_port = target.port or (443 if target.scheme == "https" else 80)
    except ValueError:
        return None
    if target.scheme != scheme or target_port != port:
        return None
    if (target.hostname or "").lower() not in (session.host.lower(), session.address.lower()):
        return None
    return (target.path or "/") + (f"?{target.query}" if target.query else "")


def _challenge(exchange: HttpExchange) -> tuple[str, str] | None:
    """The (scheme, parameters) of a Basic or Digest ``WWW-Authenticate`` challenge."""
    if exchange.status != 401:
        return None
    for key, value in exchange.headers:
        if key.lower() != "www-authenticate":
            continue
        scheme, _, params = value.strip().partition(" ")
        if scheme.lower() in ("basic", "digest"):
            return scheme.lower(), params
    return None


def _authorization(scheme: str, params: str, *, url: str, user: str, password: str) -> str | None:
    if scheme == "basic":
        return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    # Digest: urllib computes the response (RFC 7616 MD5/SHA) from the parsed challenge.
    challenge = urllib.request.parse_keqv_list(urllib.request.parse_http_list(params))
    manager = urllib.request.HTTPPasswordMgr()
    manager.add_password(challenge.get("realm", ""), url, user, password)
    handler = urllib.request.AbstractDigestAuthHandler(manager)
    answer = handler.get_authorization(urllib.request.Request(url), challenge)  # noqa: S310 - computes a header, opens nothing
    return None if answer is None else f"Digest {answer}"


def probe_admin(
    session: ProbeSession,
    port: int,
    *,
    tls: ssl.SSLContext | None,
    credentials: tuple[tuple[str, str], ...],
    max_attempts: int,
) -> AdminProbe:
    """``GET /`` on ``port`` and, behind a Basic/Digest challenge, up to ``max_attempts`` shared credentials."""
    probe = AdminProbe(port=port, tls=tls is not None)
    scheme = "https" if tls else "http"
    try:
        probe.first = probe.page = fetch(session, port, tls=tls)
        # Follow redirects that stay on this host, port and scheme ("/" -> "/login.html"), a few hops at most.
        for _ in range(MAX_REDIRECTS):
            target = _same_origin(probe.page, session, port=port, scheme=scheme)
            if target is None:
                break
            probe.path = target
            probe.page = fetch(session, port, tls=tls, path=target)
    except DeadlineExceededError:
        probe.error = "attempt deadline reached"
        return probe
    except (OSError, http.client.HTTPException, ssl.SSLError) as error:
        probe.error = f"{type(error).__name__}: {error}"
        return probe
    assert probe.page is not None
    challenge = _challenge(probe.page)
    if challenge is None:
        if has_login_form(probe.page.body):
            probe.scheme = "form"
        return probe
    probe.scheme, params = challenge
    url = f"{scheme}://{session.host}:{port}{probe.path}"
    for user, password in credentials[:max_attempts]:
        authorization = _authorization(probe.scheme, params, url=url, user=user, password=password)
        if authorization is None:
            probe.notes.append(f"digest challenge not understood: {params[:80]}")
            break
        try:
            probe.attempts += 1
            answer = fetch(session, port, tls=tls, path=probe.path, authorization=authorization)
        except DeadlineExceededError:
            probe.notes.append("attempt deadline reached during login attempts")
            break
        except (OSError, http.client.HTTPException, ssl.SSLError) as error:
            probe.notes.append(f"login attempt failed to complete: {type(error).__name__}")
            continue
        if answer.status < 400:
            probe.accepted, probe.accepted_exchange = (user, password), answer
            break
    if len(credentials) > max_attempts:
        probe.notes.append(f"{len(credentials) - max_attempts} credential(s) not tried (max_login_attempts)")
    return probe


def admin_findings(probe: AdminProbe, session: ProbeSession, *, https_available: bool) -> list[Finding]:
    """The findings one admin probe supports."""
    if probe.first is None:
        return []
    endpoint = session.endpoint(probe.port)
    web = "HTTPS" if probe.tls else "HTTP"
    page = probe.page or probe.first
    login_page = Location(endpoint=endpoint, request=page.request, response=page.response_text())
    findings: list[Finding] = []
    if probe.redirects_to_https and not probe.tls:
        findings.append(
            Finding(
                rule="device.http.redirects-to-https",
                title="Plain HTTP redirects to HTTPS",
                severity=Severity.INFO,
                observed=f"{endpoint} answers plain HTTP with {page.status} to {page.header('Location')}.",
                elements=("DP-3",),
                etsi=("5.5-1",),
                location=login_page,
                data={"status": page.status, "location": page.header("Location"), "path": probe.path},
            )
        )
    if probe.scheme is not None:
        tried = f"{probe.attempts} shared credential(s) tried" if probe.scheme != "form" else "credentials not tried"
        findings.append(
            Finding(
                rule="device.http.login",
                title=f"{web} admin interface asks for a login ({probe.scheme})",
                severity=Severity.INFO,
                observed=f"{endpoint} asks for a {probe.scheme} login on {probe.path}; {tried}.",
                elements=("IAC-1b",),
                etsi=("5.5-4",),
                location=login_page,
                data={"scheme": probe.scheme, "attempts": probe.attempts, "tls": probe.tls, "path": probe.path},
            )
        )
        if not probe.tls and not probe.redirects_to_https:
            findings.append(
                Finding(
                    rule="device.http.cleartext-login",
                    title="Admin login over plain HTTP",
                    severity=Severity.HIGH,
                    observed=f"{endpoint} asks for a {probe.scheme} login over plain HTTP without redirecting to "
                    f"HTTPS; credentials cross the network unencrypted"
                    + (" (HTTPS is also offered on another port)." if https_available else "."),
                    elements=("DP-3",),
                    etsi=("5.5-1", "5.5-7"),
                    location=login_page,
                    data={"scheme": probe.scheme, "https_available": https_available},
                )
            )
    if probe.accepted is not None and probe.accepted_exchange is not None:
        user = probe.accepted[0]
        findings.append(
            Finding(
                rule="device.http.shared-credential",
                title="A default or firmware credential opens the admin interface",
                severity=Severity.CRITICAL,
                observed=f"{endpoint} accepted the {probe.scheme} login of user {user!r} with a password shared by "
                f"every unit (from the default or firmware-found credentials given to the check).",
                elements=("IAC-1b",),
                etsi=("5.1-1",),
                proposes=Verdict.NOT_SATISFIED,
                location=Location(
                    endpoint=endpoint,
                    request=probe.accepted_exchange.request,
                    response=probe.accepted_exchange.response_text(),
                ),
                data={"user": user, "scheme": probe.scheme, "attempt": probe.attempts, "tls": probe.tls},
            )
        )
    return findings
