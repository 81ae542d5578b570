"""The bounds a live probe must keep: the rate limit, the deadline, and the one host named."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

from tests.checks.device.conftest import Outgoing, Run
from tests.checks.device.standins import (
    LOOPBACK,
    Recorder,
    WebConfig,
    banner_server,
    closed_port,
    make_certificate,
    ssdp_responder,
    web_server,
)

from iotprofile.checks.interface import Attempt, AttemptStatus, Limits


def _min_gap(times: list[float]) -> float:
    ordered = sorted(times)
    return min(later - earlier for earlier, later in itertools.pairwise(ordered))


def test_every_connection_is_paced_by_the_rate_limit(run_check: Run, outgoing: Outgoing) -> None:
    recorder = Recorder()
    rate = 4.0
    limits = Limits(timeout_s=120, rate_per_s=rate, max_login_attempts=2)
    with (
        banner_server(b"SSH-2.0-dropbear_2019.78\r\n", recorder) as ssh,
        banner_server(b"\xff\xfd\x01login: ", recorder) as telnet,
        web_server(WebConfig(auth="basic"), recorder) as web,
    ):
        started = time.monotonic()
        attempt = run_check(
            limits=limits, ports=[ssh, telnet, web], http_ports=[web], credentials=[("a", "b"), ("c", "d"), ("e", "f")]
        )
    assert attempt.status == AttemptStatus.COMPLETED
    # 3 port probes + 1 GET + 2 logins (the bound) reach the stand-ins.
    assert len(recorder.accepted) == 6
    assert recorder.logins == 2
    interval = 1.0 / rate
    # Six paced connections: the last cannot start before five intervals have passed (delays only add to it).
    assert max(recorder.accepted) - started >= 5 * interval * 0.99
    assert len(outgoing.calls) == 6
    # Server side, pairwise: accept times jitter with scheduling on a loaded machine, hence the wide margin
    # (without the limiter the six arrive within milliseconds).
    assert _min_gap(recorder.accepted) >= interval * 0.4
    assert attempt.facts["connections"] == 6


def test_the_deadline_ends_the_attempt_and_says_what_was_not_probed(run_check: Run) -> None:
    ports = [closed_port() for _ in range(6)]
    # One connection a second within two seconds: two ports are probed, the rest are not.
    limits = Limits(timeout_s=2.0, rate_per_s=1.0)
    attempt = run_check(limits=limits, ports=ports, ssdp=True, ssdp_port=closed_port())
    assert attempt.status == AttemptStatus.COMPLETED
    assert attempt.facts["deadline_reached"] is True
    states = [attempt.facts["ports"][str(port)]["state"] for port in ports]
    assert "not-probed" in states and "closed" in states
    assert states.count("closed") <= 2, "no slot is handed out past the deadline"
    assert attempt.facts["ssdp"]["error"] == "attempt deadline reached"
    # Waiting for a slot past the deadline fails at once, so the attempt ends close to its budget.
    assert attempt.facts["seconds"] < 5.0


def test_a_full_probe_contacts_only_the_named_host_and_ports(
    run_check: Run, outgoing: Outgoing, tmp_path: Path
) -> None:
    certificate = make_certificate(tmp_path)
    closed = closed_port()
    with (
        banner_server(b"SSH-2.0-dropbear_2019.78\r\n") as ssh,
        banner_server(b"\xff\xfd\x01BusyBox v1.30.1\r\nlogin: ") as telnet,
        web_server(WebConfig(redirect="https://192.0.2.50:8443/")) as http,
        web_server(WebConfig(auth="digest"), tls=certificate.server_context()) as https,
        ssdp_responder() as ssdp,
    ):
        attempt = run_check(
            ports=[ssh, telnet, closed],
            http_ports=[http],
            https_ports=[https],
            credentials=[("admin", "admin")],
            certificates=[certificate.sha256],
            ssdp=True,
            ssdp_port=ssdp,
            side="wan",
        )
    assert attempt.status == AttemptStatus.COMPLETED
    named = {ssh, telnet, closed, http, https, ssdp}
    assert {address for address, _ in outgoing.targets()} == {LOOPBACK}
    assert {port for _, port in outgoing.targets()} == named
    rules = {finding.rule for finding in attempt.findings}
    assert {
        "device.telnet.open",
        "device.ssh.open",
        "device.http.redirects-to-https",
        "device.http.shared-credential",
        "device.tls.firmware-certificate",
        "device.upnp.ssdp",
    } <= rules
    assert all(f.location is not None and f.location.endpoint for f in attempt.findings)
    # The attempt is plain JSON (findings, facts, inventory): it survives a round trip unchanged.
    assert Attempt.model_validate_json(attempt.model_dump_json()) == attempt
