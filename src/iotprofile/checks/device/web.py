"""HTTP(S) exchanges with the device, through the probe session (``http.client`` parses, the session connects).

:func:`fetch` sends one ``GET`` and keeps the status, headers and the start of the body; it never follows a
redirect (a ``Location`` may name another host, which the device check must not contact).
"""

from __future__ import annotations

import http.client
import ssl
from dataclasses import dataclass
from html.parser import HTMLParser

from iotprofile.checks.device.session import ProbeSession
from iotprofile.checks.device.wire import printable, redact

#: Bytes of a response body kept (enough to find a login form on a typical admin page).
BODY_BYTES = 64 * 1024


class _SessionHTTPConnection(http.client.HTTPConnection):
    """An ``HTTPConnection`` whose socket comes from the session (rate limit, deadline, one address)."""

    def __init__(self, session: ProbeSession, port: int, tls: ssl.SSLContext | None) -> None:
        super().__init__(session.host, port, timeout=session.timeout_s)
        self._session = session
        self._tls = tls

    def connect(self) -> None:
        sock = self._session.connect(self.port)
        if self._tls is not None:
            try:
                sock = self._tls.wrap_socket(sock)
            except BaseException:
                sock.close()
                raise
        self.sock = sock


def unverified_context() -> ssl.SSLContext:
    """A client TLS context that accepts any certificate: the check inspects the certificate, it does not trust it."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    # Old devices serve weak keys and suites; the check must still reach their login page to test it.
    context.set_ciphers("ALL:@SECLEVEL=0")
    return context


@dataclass(frozen=True)
class HttpExchange:
    """One request and its response (body cut to :data:`BODY_BYTES`)."""

    request: str
    status: int
    reason: str
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def header(self, name: str) -> str | None:
        """The first header called ``name`` (case-insensitive), if any."""
        lowered = name.lower()
        return next((value for key, value in self.headers if key.lower() == lowered), None)

    def response_text(self) -> str:
        """Status line, headers and the start of the body, printable and truncated."""
        head = f"HTTP {self.status} {self.reason}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in self.headers)
        return printable(head.encode("latin-1", "replace") + b"\r\n" + self.body)


def fetch(
    session: ProbeSession, port: int, *, tls: ssl.SSLContext | None, path: str = "/", authorization: str | None = None
) -> HttpExchange:
    """``GET path`` on ``port`` (over TLS if ``tls``); raises ``OSError``/``HTTPException`` on failure."""
    connection = _SessionHTTPConnection(session, port, tls)
    headers = {"User-Agent": "iotprofile-device-check", "Connection": "close", "Accept": "*/*"}
    if authorization is not None:
        headers["Authorization"] = authorization
    try:
        connection.timeout = session.deadline.bound(session.timeout_s)
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read(BODY_BYTES)
    finally:
        connection.close()
    request = f"GET {path} HTTP/1.1\r\nHost: {session.host}:{port}\r\n" + "".join(
        f"{key}: {value}\r\n" for key, value in headers.items()
    )
    return HttpExchange(
        request=redact(request),
        status=response.status,
        reason=response.reason,
        headers=tuple(response.getheaders()),
        body=body,
    )


class _PasswordFieldFinder(HTMLParser):
    """Finds ``<input type="password">`` in a page (a login form)."""

    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "input" and any(key == "type" and (value or "").lower() == "password" for key, value in attrs):
            self.found = True


def has_login_form(body: bytes) -> bool:
    """Whether an HTML body holds a password field."""
    finder = _PasswordFieldFinder()
    finder.feed(body.decode("utf-8", "replace"))
    finder.close()
    return finder.found
