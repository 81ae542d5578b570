"""Version order per scheme: univers for ecosystems it knows, the natural order for generic release numbers."""

from __future__ import annotations

import pytest

from iotprofile.checks.vulndb.model import Interval
from iotprofile.checks.vulndb.versions import compare, in_interval


@pytest.mark.parametrize(
    ("older", "newer"),
    [
        ("5.4.3", "5.4.284"),  # numbers compare as numbers (univers' GenericVersion gets this wrong)
        ("2.9", "2.10"),
        ("1.0.0-rc1", "1.0.0"),  # a pre-release comes before its release
        ("1.1.1", "1.1.1a"),  # OpenSSL letter releases come after the number
        ("1.1.1s", "1.1.1t"),
        ("1.1.1z", "1.1.1za"),
        ("2023-06-25", "2023-07-01"),
        ("2022.83", "2024.84"),
        ("v1.2", "1.3"),
    ],
)
def test_generic_natural_order(older: str, newer: str) -> None:
    assert compare(older, newer) == -1
    assert compare(newer, older) == 1


def test_generic_trailing_zeros_are_equal() -> None:
    assert compare("1.36", "1.36.0") == 0
    assert compare("2", "2.0.0") == 0
    assert compare("1.36.0", "1.36.0.1") == -1


@pytest.mark.parametrize(
    ("older", "newer"),
    [
        ("2.86-1.1+deb12u1", "2.90-1"),
        ("2.90~rc1-1", "2.90-1"),  # a tilde sorts before anything in Debian
        ("9.9-1", "1:1.0-1"),  # an epoch outranks the upstream version
        ("2.89-1", "2.89-1+deb12u1"),
    ],
)
def test_debian_order_via_univers(older: str, newer: str) -> None:
    assert compare(older, newer, "deb") == -1
    assert compare(newer, older, "deb") == 1


def test_tilde_differs_between_debian_and_generic() -> None:
    assert compare("2.90~rc1-1", "2.90-1", "deb") == -1
    assert compare("1:1.0-1", "9.9-1", "deb") == 1
    assert compare("1:1.0-1", "9.9-1", "generic") == -1


def test_invalid_version_for_the_scheme_falls_back_to_natural_order() -> None:
    assert compare("not a version!!", "not a version!!1", "deb") == -1


def test_interval_bounds() -> None:
    half_open = Interval(lower="1.0", upper="2.0")
    assert in_interval("1.0", half_open, "generic")
    assert in_interval("1.9.9", half_open, "generic")
    assert not in_interval("2.0", half_open, "generic")
    assert not in_interval("0.9", half_open, "generic")
    closed = Interval(lower="1.0", lower_inclusive=False, upper="2.0", upper_inclusive=True)
    assert not in_interval("1.0", closed, "generic")
    assert in_interval("2.0", closed, "generic")
    assert in_interval("0.1", Interval(upper="1.0"), "generic")
    assert in_interval("99", Interval(lower="1.0"), "generic")
