"""The web admin interface: login with shared credentials (bounded), cleartext logins, redirects to HTTPS."""

from __future__ import annotations

import base64

import pytest
from tests.checks.device.conftest import FAST, Outgoing, Run
from tests.checks.device.standins import LOOPBACK, Recorder, WebConfig, web_server

from iotprofile.assessment.model import Verdict
from iotprofile.checks.interface import Limits

WRONG = [("root", "root"), ("admin", "1234"), ("admin", "password"), ("user", "user"), ("support", "support")]


def _by_rule(findings: tuple[object, ...]) -> dict[str, object]:
    return {finding.rule: finding for finding in findings}  # type: ignore[attr-defined]


@pytest.mark.parametrize("auth", ["basic", "digest"])
def test_a_shared_credential_that_opens_the_admin_page_fails_iac_1b(run_check: Run, auth: str) -> None:
    recorder = Recorder()
    with web_server(WebConfig(auth=auth, user="admin", password="admin"), recorder) as port:
        attempt = run_check(ports=[port], http_ports=[port], credentials=[("root", "root"), ("admin", "admin")])
    findings = [f for f in attempt.findings if f.rule == "device.http.shared-credential"]
    assert len(findings) == 1
    finding = findings[0]
    assert finding.proposes == Verdict.NOT_SATISFIED
    assert finding.elements == ("IAC-1b",) and finding.etsi == ("5.1-1",)
    assert finding.data["user"] == "admin" and finding.data["scheme"] == auth
    assert finding.location is not None and finding.location.request is not None
    assert f"Authorization: {auth.capitalize()} [redacted]" in finding.location.request
    assert finding.location.response is not None and "Welcome, administrator" in finding.location.response
    # It stops at the first credential that works: the second of two.
    assert recorder.logins == 2
    assert attempt.facts["http"][str(port)]["login_attempts"] == 2
    # The password never appears in the attempt, in clear or base64.
    dumped = attempt.model_dump_json()
    assert base64.b64encode(b"admin:admin").decode() not in dumped
    assert '"admin:admin"' not in dumped


@pytest.mark.parametrize("bound", [0, 1, 2])
def test_login_attempts_never_exceed_the_bound(run_check: Run, bound: int) -> None:
    recorder = Recorder()
    limits = Limits(timeout_s=60, rate_per_s=200, max_login_attempts=bound)
    with web_server(WebConfig(auth="basic", password="s3cret"), recorder) as port:
        attempt = run_check(limits=limits, ports=[port], http_ports=[port], credentials=[*WRONG, ("admin", "s3cret")])
    assert recorder.logins == bound
    rules = _by_rule(attempt.findings)
    assert "device.http.shared-credential" not in rules
    assert attempt.facts["http"][str(port)]["login_attempts"] == bound
    assert any("not tried" in note for note in attempt.facts["http"][str(port)]["notes"])


def test_admin_login_over_plain_http_is_dp_3_evidence_only(run_check: Run) -> None:
    with web_server(WebConfig(auth="basic", password="unguessable")) as port:
        attempt = run_check(ports=[port], http_ports=[port], credentials=[("admin", "admin")])
    rules = _by_rule(attempt.findings)
    cleartext = rules["device.http.cleartext-login"]
    assert cleartext.proposes is None  # type: ignore[attr-defined]
    assert cleartext.elements == ("DP-3",)  # type: ignore[attr-defined]
    login = rules["device.http.login"]
    assert login.data["scheme"] == "basic"  # type: ignore[attr-defined]
    lighttpd = [item for item in attempt.inventory if item.name == "lighttpd"]
    assert lighttpd and lighttpd[0].version == "1.4.59"


def test_login_form_is_recorded_and_no_credentials_are_posted(run_check: Run) -> None:
    recorder = Recorder()
    page = b'<html><form method="post" action="/login"><input name="u"><input type="PASSWORD" name="p"></form></html>'
    with web_server(WebConfig(page=page), recorder) as port:
        attempt = run_check(ports=[port], http_ports=[port], credentials=[("admin", "admin")])
    rules = _by_rule(attempt.findings)
    assert rules["device.http.login"].data["scheme"] == "form"  # type: ignore[attr-defined]
    assert "device.http.cleartext-login" in rules
    # The port probe connects, then one GET: nothing is posted.
    assert recorder.logins == 0 and len(recorder.accepted) == 2


def test_a_page_without_login_is_not_called_an_admin_login(run_check: Run) -> None:
    with web_server(WebConfig()) as port:
        attempt = run_check(ports=[port], http_ports=[port])
    rules = _by_rule(attempt.findings)
    assert "device.http.login" not in rules and "device.http.cleartext-login" not in rules
    assert attempt.facts["http"][str(port)]["status"] == 200


def test_redirect_to_https_is_recorded_and_never_followed(run_check: Run, outgoing: Outgoing) -> None:
    with web_server(WebConfig(redirect="https://198.51.100.7/login")) as port:
        attempt = run_check(ports=[port], http_ports=[port])
    rules = _by_rule(attempt.findings)
    redirect = rules["device.http.redirects-to-https"]
    assert redirect.data["location"] == "https://198.51.100.7/login"  # type: ignore[attr-defined]
    assert attempt.facts["http"][str(port)]["redirects_to_https"] is True
    assert outgoing.targets() == {(LOOPBACK, port)}


def test_a_silent_port_that_answers_head_is_probed_as_web(run_check: Run) -> None:
    recorder = Recorder()
    with web_server(WebConfig(auth="basic"), recorder) as port:
        attempt = run_check(limits=FAST, ports=[port], credentials=[("admin", "admin")], banner_timeout_s=0.5)
    assert attempt.facts["ports"][str(port)]["service"] == "http"
    assert "device.http.shared-credential" in _by_rule(attempt.findings)


def test_same_origin_redirects_lead_to_the_login_page(run_check: Run, outgoing: Outgoing) -> None:
    recorder = Recorder()
    with web_server(WebConfig(auth="basic", login_path="/cgi-bin/luci"), recorder) as port:
        attempt = run_check(ports=[port], http_ports=[port], credentials=[("admin", "admin")])
    rules = _by_rule(attempt.findings)
    shared = rules["device.http.shared-credential"]
    assert shared.location.request.startswith("GET /cgi-bin/luci ")  # type: ignore[attr-defined]
    assert rules["device.http.login"].data["path"] == "/cgi-bin/luci"  # type: ignore[attr-defined]
    assert recorder.paths == ["/", "/cgi-bin/luci", "/cgi-bin/luci"]
    assert outgoing.targets() == {(LOOPBACK, port)}


@pytest.mark.parametrize(
    "location", ["//203.0.113.9/login", "http://203.0.113.9/login", "http://127.0.0.1:1/login", "ftp://127.0.0.1/"]
)
def test_redirects_off_the_probed_origin_are_not_followed(run_check: Run, outgoing: Outgoing, location: str) -> None:
    recorder = Recorder()
    with web_server(WebConfig(redirect=location), recorder) as port:
        attempt = run_check(ports=[port], http_ports=[port])
    assert recorder.paths == ["/"]
    assert outgoing.targets() == {(LOOPBACK, port)}
    assert attempt.facts["http"][str(port)]["status"] == 301
