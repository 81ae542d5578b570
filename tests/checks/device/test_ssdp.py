"""UPnP SSDP: one unicast M-SEARCH to the named host; graded by the side the user says the address is on."""

from __future__ import annotations

import pytest
from tests.checks.device.conftest import Outgoing, Run
from tests.checks.device.standins import LOOPBACK, Recorder, closed_port, ssdp_responder

from iotprofile.assessment.model import Verdict
from iotprofile.checks.interface import Severity


@pytest.mark.parametrize(
    ("side", "proposes", "severity"),
    [(None, None, Severity.MEDIUM), ("lan", None, Severity.MEDIUM), ("wan", Verdict.NOT_SATISFIED, Severity.HIGH)],
)
def test_ssdp_answer_is_evidence_on_lan_and_a_failure_on_wan(
    run_check: Run, outgoing: Outgoing, side: str | None, proposes: Verdict | None, severity: Severity
) -> None:
    recorder = Recorder()
    options = {"side": side} if side else {}
    with ssdp_responder(recorder) as port:
        attempt = run_check(ports=[], ssdp=True, ssdp_port=port, **options)
    (finding,) = [f for f in attempt.findings if f.rule == "device.upnp.ssdp"]
    assert finding.proposes == proposes
    assert finding.severity == severity
    assert finding.elements == ("IAC-2b",)
    assert finding.data["servers"] == ["Linux/4.14 UPnP/1.1 MiniUPnPd/2.1"]
    assert finding.data["locations"] == ["http://192.0.2.1:5000/rootDesc.xml"]
    assert finding.location is not None and finding.location.endpoint == f"{LOOPBACK}:{port}/udp"
    assert finding.location.request is not None and finding.location.request.startswith("M-SEARCH * HTTP/1.1")
    (miniupnpd,) = [item for item in attempt.inventory if item.name == "miniupnpd"]
    assert miniupnpd.version == "2.1"
    assert len(recorder.accepted) == 1, "exactly one datagram"
    assert attempt.facts["datagrams"] == 1
    # The LOCATION (another host) is recorded, never fetched.
    assert outgoing.targets() == {(LOOPBACK, port)}


def test_no_ssdp_answer_means_no_finding(run_check: Run) -> None:
    attempt = run_check(ports=[], ssdp=True, ssdp_port=closed_port(), timeout_s=2.0)
    assert not [f for f in attempt.findings if f.rule == "device.upnp.ssdp"]
    assert attempt.facts["ssdp"]["probed"] is True and attempt.facts["ssdp"]["replies"] == 0
