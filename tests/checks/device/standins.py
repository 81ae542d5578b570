"""Stand-in devices on loopback: real servers, started by the tests, that record what reaches them."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import shutil
import socket
import socketserver
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

LOOPBACK = "127.0.0.1"
#: Debian's busybox-static, used as a real telnet server when installed.
BUSYBOX = shutil.which("busybox") or "/bin/busybox"


@dataclass
class Recorder:
    """Times of every connection a stand-in accepted, and the login attempts it saw (thread-safe)."""

    accepted: list[float] = field(default_factory=list)
    logins: int = 0
    paths: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def connection(self) -> None:
        with self.lock:
            self.accepted.append(time.monotonic())

    def login(self) -> None:
        with self.lock:
            self.logins += 1


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(server: socketserver.TCPServer) -> Iterator[int]:
    """Serve in a thread; yields the port. The socket is bound before the thread starts, so no waiting is needed."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield int(server.socket.getsockname()[1])
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


class _Threading(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


@contextmanager
def banner_server(banner: bytes, recorder: Recorder | None = None) -> Iterator[int]:
    """A TCP service that speaks first (telnet, SSH): sends ``banner``, then waits for the client to leave."""
    record = recorder or Recorder()

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            record.connection()
            self.request.settimeout(10)
            try:
                self.request.sendall(banner)
                while self.request.recv(1024):
                    pass
            except OSError:
                pass

    with serving(_Threading((LOOPBACK, 0), Handler)) as port:
        yield port


@dataclass
class WebConfig:
    """How a stand-in web server behaves."""

    auth: str | None = None  # "basic", "digest" or None
    user: str = "admin"
    password: str = "admin"
    redirect: str | None = None  # a Location to answer every request with (301)
    login_path: str | None = None  # "/" redirects (302, relative) here, where the page and login live
    page: bytes = b"<html><body>Router status</body></html>"
    server_header: str = "lighttpd/1.4.59"


REALM = "Router"
NONCE = "dcd98b7102dd2f0e8b11d0f600bfb0c093"


def _digest_ok(header: str, config: WebConfig, method: str) -> bool:
    import urllib.request

    fields = urllib.request.parse_keqv_list(urllib.request.parse_http_list(header.partition(" ")[2]))

    def md5(text: str) -> str:
        return hashlib.md5(text.encode()).hexdigest()

    ha1 = md5(f"{config.user}:{REALM}:{config.password}")
    ha2 = md5(f"{method}:{fields.get('uri', '')}")
    expected = md5(f"{ha1}:{NONCE}:{fields.get('nc')}:{fields.get('cnonce')}:{fields.get('qop')}:{ha2}")
    return fields.get("username") == config.user and fields.get("response") == expected


@contextmanager
def web_server(
    config: WebConfig, recorder: Recorder | None = None, *, tls: ssl.SSLContext | None = None
) -> Iterator[int]:
    """An HTTP (or, with ``tls``, HTTPS) admin page: optional Basic/Digest login, optional redirect."""
    record = recorder or Recorder()

    class Handler(BaseHTTPRequestHandler):
        def version_string(self) -> str:
            return config.server_header

        def log_message(self, format: str, *args: object) -> None:
            pass

        def _send(self, status: int, headers: dict[str, str], body: bytes = b"") -> None:
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            record.paths.append(self.path)
            if config.redirect:
                self._send(301, {"Location": config.redirect})
                return
            if config.login_path and self.path != config.login_path:
                self._send(302, {"Location": config.login_path})
                return
            if config.auth is None:
                self._send(200, {"Content-Type": "text/html"}, config.page)
                return
            authorization = self.headers.get("Authorization")
            if authorization:
                record.login()
                if config.auth == "basic":
                    expected = base64.b64encode(f"{config.user}:{config.password}".encode()).decode()
                    ok = authorization == f"Basic {expected}"
                else:
                    ok = authorization.startswith("Digest ") and _digest_ok(authorization, config, "GET")
                if ok:
                    self._send(200, {"Content-Type": "text/html"}, b"<html>Welcome, administrator</html>")
                    return
            challenge = (
                f'Basic realm="{REALM}"'
                if config.auth == "basic"
                else f'Digest realm="{REALM}", qop="auth", nonce="{NONCE}", algorithm=MD5'
            )
            self._send(401, {"WWW-Authenticate": challenge}, b"Unauthorized")

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def get_request(self) -> tuple[socket.socket, tuple[str, int]]:
            sock, address = super().get_request()
            record.connection()
            if tls is not None:
                # Handshake in the handler thread (see finish_request), not in the accept loop.
                sock = tls.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
            return sock, address

        def finish_request(self, request: socket.socket, client_address: tuple[str, int]) -> None:  # type: ignore[override]
            if isinstance(request, ssl.SSLSocket):
                request.settimeout(10)
                try:
                    request.do_handshake()
                except (ssl.SSLError, OSError):
                    return
            super().finish_request(request, client_address)

    with serving(Server((LOOPBACK, 0), Handler)) as port:
        yield port


@dataclass(frozen=True)
class Certificate:
    """A generated certificate: PEM files and the SHA-256 of its DER form."""

    cert: Path
    key: Path
    sha256: str

    def server_context(self, *, minimum: ssl.TLSVersion = ssl.TLSVersion.TLSv1_2) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = minimum
        # Security level 0 lets the stand-in serve weak keys, as old devices do.
        context.set_ciphers("ALL:@SECLEVEL=0")
        context.load_cert_chain(self.cert, self.key)
        return context


def make_certificate(
    directory: Path, *, name: str = "router.local", rsa_bits: int | None = None, expired: bool = False
) -> Certificate:
    """A self-signed certificate (EC P-256, or RSA of ``rsa_bits``), valid now unless ``expired``."""
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey = (
        rsa.generate_private_key(public_exponent=65537, key_size=rsa_bits)
        if rsa_bits
        else ec.generate_private_key(ec.SECP256R1())
    )
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    start, end = (
        (now - timedelta(days=400), now - timedelta(days=30))
        if expired
        else (now - timedelta(days=1), now + timedelta(days=365))
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / f"{name}-{rsa_bits}-{expired}.crt", directory / f"{name}-{rsa_bits}-{expired}.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    der = certificate.public_bytes(serialization.Encoding.DER)
    return Certificate(cert_path, key_path, hashlib.sha256(der).hexdigest())


SSDP_REPLY = (
    b"HTTP/1.1 200 OK\r\n"
    b"CACHE-CONTROL: max-age=120\r\n"
    b"ST: upnp:rootdevice\r\n"
    b"USN: uuid:0123-4567::upnp:rootdevice\r\n"
    b"EXT:\r\n"
    b"SERVER: Linux/4.14 UPnP/1.1 MiniUPnPd/2.1\r\n"
    b"LOCATION: http://192.0.2.1:5000/rootDesc.xml\r\n\r\n"
)


@contextmanager
def ssdp_responder(recorder: Recorder | None = None) -> Iterator[int]:
    """A UDP service answering M-SEARCH like a MiniUPnPd router (its LOCATION names another host)."""
    record = recorder or Recorder()

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            data, sock = self.request
            record.connection()
            if data.startswith(b"M-SEARCH * HTTP/1.1") and b"ssdp:discover" in data:
                sock.sendto(SSDP_REPLY, self.client_address)

    with serving(socketserver.ThreadingUDPServer((LOOPBACK, 0), Handler)) as port:
        yield port


@contextmanager
def busybox_telnetd(issue: Path, recorder: Recorder | None = None) -> Iterator[int]:
    """A real ``busybox telnetd`` in inetd mode behind a loopback listener, giving ``/bin/sh`` without a login.

    The listener is ours (bound before the thread starts, so nothing needs waiting for); each connection is handed
    to ``busybox telnetd -i`` as its standard input and output.
    """
    record = recorder or Recorder()
    listener = socket.socket()
    listener.bind((LOOPBACK, 0))
    listener.listen()
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            record.connection()
            with connection:
                process = subprocess.Popen(
                    [BUSYBOX, "telnetd", "-i", "-l", "/bin/sh", "-f", str(issue)],
                    stdin=connection.fileno(),
                    stdout=connection.fileno(),
                    stderr=subprocess.DEVNULL,
                    cwd=issue.parent,
                    env={"PATH": "/usr/bin:/bin", "PS1": "# "},
                )
            threading.Thread(target=_reap, args=(process,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        stop.set()
        # On Linux, shutting a listening socket down wakes a thread blocked in accept(); close() alone does not.
        with contextlib.suppress(OSError):
            listener.shutdown(socket.SHUT_RDWR)
        listener.close()
        thread.join(timeout=10)


def _reap(process: subprocess.Popen[bytes]) -> None:
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
