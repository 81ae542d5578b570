"""Open ports, banners, telnet and SSH against stand-in services on loopback."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.checks.device.conftest import Outgoing, Run
from tests.checks.device.standins import BUSYBOX, banner_server, busybox_telnetd, closed_port

from iotprofile.assessment.model import Verdict
from iotprofile.checks.interface import AttemptStatus

BUSYBOX_TELNET = (
    b"\xff\xfd\x01\xff\xfd\x1f\xff\xfb\x01\xff\xfb\x03\r\nBusyBox v1.30.1 (2020-05-12) built-in shell\r\nrouter login: "
)


def test_telnet_with_busybox_banner_fails_iac_1a_and_names_busybox(run_check: Run, outgoing: Outgoing) -> None:
    closed = closed_port()
    with banner_server(BUSYBOX_TELNET) as telnet:
        attempt = run_check(ports=[telnet, closed])
    assert attempt.status == AttemptStatus.COMPLETED
    rules = {finding.rule: finding for finding in attempt.findings}
    telnet_finding = rules["device.telnet.open"]
    assert telnet_finding.proposes == Verdict.NOT_SATISFIED
    assert telnet_finding.elements == ("IAC-1a",)
    assert "5.6-1" in telnet_finding.etsi
    assert telnet_finding.location is not None and telnet_finding.location.endpoint == f"127.0.0.1:{telnet}"
    assert telnet_finding.location.response is not None and "BusyBox v1.30.1" in telnet_finding.location.response
    assert "\\xff\\xfd" in telnet_finding.location.response, "telnet negotiation bytes are shown escaped"
    assert "device.telnet.no-login" not in rules, "a login prompt is not an open shell"
    busybox = [item for item in attempt.inventory if item.name == "busybox"]
    assert busybox and busybox[0].version == "1.30.1"
    assert busybox[0].cpe == "cpe:2.3:a:busybox:busybox:1.30.1:*:*:*:*:*:*:*"
    assert attempt.facts["ports"][str(closed)]["state"] == "closed"
    assert attempt.facts["ports"][str(telnet)] == {"state": "open", "service": "telnet"}
    open_ports = [f.data["port"] for f in attempt.findings if f.rule == "device.port.open"]
    assert open_ports == [telnet]
    assert outgoing.targets() == {("127.0.0.1", telnet), ("127.0.0.1", closed)}


def test_telnet_that_opens_a_shell_without_login_fails_iac_1b(run_check: Run) -> None:
    with banner_server(b"\xff\xfb\x01\r\n\r\nBusyBox v1.24.2 built-in shell (ash)\r\n\r\n/ # ") as telnet:
        attempt = run_check(ports=[telnet])
    no_login = [finding for finding in attempt.findings if finding.rule == "device.telnet.no-login"]
    assert len(no_login) == 1
    assert no_login[0].proposes == Verdict.NOT_SATISFIED and no_login[0].elements == ("IAC-1b",)


def test_ssh_banner_gives_a_matchable_inventory_item_but_no_verdict(run_check: Run) -> None:
    with banner_server(b"SSH-2.0-dropbear_2019.78\r\n") as ssh:
        attempt = run_check(ports=[ssh])
    ssh_findings = [finding for finding in attempt.findings if finding.rule == "device.ssh.open"]
    assert len(ssh_findings) == 1 and ssh_findings[0].proposes is None
    assert "dropbear_2019.78" in ssh_findings[0].observed
    (dropbear,) = [item for item in attempt.inventory if item.name == "dropbear"]
    assert dropbear.version == "2019.78"
    assert dropbear.purl == "pkg:generic/dropbear@2019.78"
    assert dropbear.cpe == "cpe:2.3:a:dropbear_ssh_project:dropbear_ssh:2019.78:*:*:*:*:*:*:*"
    assert dropbear.how == "banner" and dropbear.path == f"127.0.0.1:{ssh}"
    assert attempt.facts["ssh_password_auth"] == "not tested"
    assert not any(finding.proposes for finding in attempt.findings)


def test_only_the_first_address_of_a_name_is_probed(
    run_check: Run, outgoing: Outgoing, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    real = socket.getaddrinfo

    def two_addresses(host: str, *args: object, **kwargs: object) -> list[object]:
        assert host == "device.test"
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", 0)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.2", 0)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", two_addresses)
    with banner_server(b"SSH-2.0-OpenSSH_8.4p1 Debian-5\r\n") as ssh:
        attempt = run_check(host="device.test", ports=[ssh, closed_port()])
    monkeypatch.setattr(socket, "getaddrinfo", real)
    assert attempt.status == AttemptStatus.COMPLETED
    assert attempt.facts["address"] == "127.0.0.1"
    assert attempt.facts["addresses_not_probed"] == ["127.0.0.2"]
    assert {address for address, _ in outgoing.targets()} == {"127.0.0.1"}
    (openssh,) = [item for item in attempt.inventory if item.name == "openssh"]
    assert openssh.cpe == "cpe:2.3:a:openbsd:openssh:8.4:p1:*:*:*:*:*:*"


def test_unresolvable_name_is_an_error_attempt(run_check: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def fail(*args: object, **kwargs: object) -> object:
        raise socket.gaierror(-2, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", fail)
    attempt = run_check(host="nowhere.test", ports=[22])
    assert attempt.status == AttemptStatus.ERROR
    assert attempt.reason is not None and "nowhere.test" in attempt.reason


@pytest.mark.skipif(not Path(BUSYBOX).exists(), reason="busybox is not installed")
def test_real_busybox_telnetd_giving_a_shell(run_check: Run, tmp_path: Path) -> None:
    issue = tmp_path / "issue.net"
    issue.write_text("BusyBox v1.36.1 (Debian 1:1.36.1-3) built-in shell (ash)\n")
    with busybox_telnetd(issue) as telnet:
        attempt = run_check(ports=[telnet], banner_settle_s=10.0)
    rules = {finding.rule: finding for finding in attempt.findings}
    assert rules["device.telnet.open"].proposes == Verdict.NOT_SATISFIED
    assert rules["device.telnet.no-login"].proposes == Verdict.NOT_SATISFIED
    busybox = [item for item in attempt.inventory if item.name == "busybox"]
    assert busybox and busybox[0].version == "1.36.1"


def _ipv6_loopback() -> bool:
    import socket

    try:
        with socket.socket(socket.AF_INET6) as sock:
            sock.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _ipv6_loopback(), reason="no IPv6 loopback here")
def test_an_ipv6_address_is_probed_and_named_in_brackets(run_check: Run, outgoing: Outgoing) -> None:
    import socket
    import socketserver
    import threading

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            self.request.sendall(b"SSH-2.0-dropbear_2022.83\r\n")

    class Server(socketserver.TCPServer):
        address_family = socket.AF_INET6

    with Server(("::1", 0), Handler) as server:
        port = server.socket.getsockname()[1]
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        try:
            attempt = run_check(host="::1", ports=[port])
        finally:
            server.shutdown()
            thread.join(timeout=10)
    (finding,) = [f for f in attempt.findings if f.rule == "device.ssh.open"]
    assert finding.location is not None and finding.location.endpoint == f"[::1]:{port}"
    assert {address for address, _ in outgoing.targets()} == {"::1"}
