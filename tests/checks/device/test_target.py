"""A device target names one host: ranges, networks, wildcards and lists are refused, at plan time and at run time."""

from __future__ import annotations

import pytest

from iotprofile.checks.device import DeviceCheck, plan_device_target
from iotprofile.checks.interface import AttemptStatus, CheckTarget, InputKind, Limits
from iotprofile.errors import CheckError

NOT_ONE_DEVICE = [
    "192.168.1.0/24",
    "10.0.0.0/8",
    "10.0.0.1-20",
    "10.0.0.1-10.0.0.9",
    "192.168.1.*",
    "192.168.1.1,192.168.1.2",
    "router.local other.local",
    "fe80::1-5",
    "2001:db8::/64",
    "224.0.0.1",
    "239.255.255.250",
    "ff02::1",
    "0.0.0.0",
    "255.255.255.255",
    "",
    "-router",
    "300.1.2.3",
]


@pytest.mark.parametrize("host", NOT_ONE_DEVICE)
def test_plan_refuses_anything_but_one_device(host: str) -> None:
    with pytest.raises(CheckError) as raised:
        plan_device_target(host, [80])
    assert raised.value.where is not None and "device target" in raised.value.where


@pytest.mark.parametrize("host", ["192.168.1.0/24", "10.0.0.1-20", "*", "239.255.255.250"])
def test_run_turns_a_range_into_an_error_attempt_without_any_traffic(
    host: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_resolution(*args: object, **kwargs: object) -> object:
        raise AssertionError("a refused target must not even be resolved")

    monkeypatch.setattr("socket.getaddrinfo", no_resolution)
    attempt = DeviceCheck().run(CheckTarget(kind=InputKind.DEVICE, host=host, options={"ports": [80]}), Limits())
    assert attempt.status == AttemptStatus.ERROR
    assert attempt.reason is not None and attempt.reason.startswith("refused")
    assert attempt.findings == ()


@pytest.mark.parametrize("host", ["127.0.0.1", "router.local", "my-router", "::1", "[::1]", "fritz.box."])
def test_plan_accepts_one_address_or_name(host: str) -> None:
    target = plan_device_target(host, [22, 80], options={"credentials": [("admin", "admin")]})
    assert target.kind == InputKind.DEVICE
    assert target.host == host.strip("[]")
    assert target.options["ports"] == (22, 80)


@pytest.mark.parametrize(
    ("ports", "options", "place"),
    [
        ([0], {}, "ports"),
        ([70000], {}, "ports"),
        (list(range(1, 300)), {}, "ports"),
        ([80], {"certificates": ["abcd"]}, "certificates"),
        ([80], {"side": "dmz"}, "side"),
        ([80], {"timeout_s": 0}, "timeout_s"),
    ],
)
def test_plan_refuses_bad_options_naming_the_option(ports: list[int], options: dict[str, object], place: str) -> None:
    with pytest.raises(CheckError) as raised:
        plan_device_target("127.0.0.1", ports, options=options)
    assert raised.value.where is not None and place in raised.value.where


def test_run_reports_bad_options_and_wrong_kind_as_error_attempts() -> None:
    check = DeviceCheck()
    bad = check.run(CheckTarget(kind=InputKind.DEVICE, host="127.0.0.1", options={"ports": [0]}), Limits())
    assert bad.status == AttemptStatus.ERROR and bad.reason is not None and "bad option" in bad.reason
    no_host = check.run(CheckTarget(kind=InputKind.DEVICE), Limits())
    assert no_host.status == AttemptStatus.ERROR


def test_info_declares_an_opt_in_network_check() -> None:
    info = DeviceCheck.info
    assert info.id == "device"
    assert info.inputs == (InputKind.DEVICE,)
    assert info.network is True
    assert "max_login_attempts" in info.limits and "rate_per_s" in info.limits


def test_json_shaped_options_are_accepted_and_unknown_keys_are_listed() -> None:
    from iotprofile.checks.device.target import parse_options

    options = parse_options({"ports": [22], "credentials": [["admin", "admin"]], "certificates": ["AB:" * 31 + "AB"]})
    assert options.credentials == (("admin", "admin"),)
    assert options.certificates == ("ab" * 32,)

    from tests.checks.device.standins import closed_port

    options_given = {"ports": [closed_port()], "ssdp": False, "credential": [["admin", "admin"]], "vulndb": "x"}
    attempt = DeviceCheck().run(CheckTarget(kind=InputKind.DEVICE, host="127.0.0.1", options=options_given), Limits())
    assert attempt.status == AttemptStatus.COMPLETED
    assert attempt.facts["options_ignored"] == ["credential", "vulndb"]


def test_a_name_resolving_to_a_multicast_address_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def multicast(*args: object, **kwargs: object) -> list[object]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("239.255.255.250", 0))]

    monkeypatch.setattr(socket, "getaddrinfo", multicast)
    attempt = DeviceCheck().run(CheckTarget(kind=InputKind.DEVICE, host="upnp.test", options={"ports": [80]}), Limits())
    assert attempt.status == AttemptStatus.ERROR
    assert attempt.reason is not None and "239.255.255.250" in attempt.reason
