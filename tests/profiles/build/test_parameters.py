"""Reading the quantities a requirement sets (the basis of "stricter" and "incompatible values")."""

from __future__ import annotations

import pytest

from iotprofile.profiles.build.parameters import Bound, Direction, Parameter, bounds, incompatible, stricter_of


def only(text: str) -> Bound:
    found = bounds(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "parameter", "value", "direction"),
    [
        ("The device shall support TLS 1.2 or higher.", Parameter.TLS_VERSION, 1.2, Direction.MIN),
        ("Use TLS v1.2 or TLS 1.3 for every connection.", Parameter.TLS_VERSION, 1.2, Direction.MIN),
        ("Connections shall use only TLS 1.3.", Parameter.TLS_VERSION, 1.3, Direction.EXACT),
        # Forbidding versions sets the floor above them.
        ("TLS 1.0 and TLS 1.1 shall be disabled.", Parameter.TLS_VERSION, 1.2, Direction.MIN),
        ("SSL 3.0 and TLS 1.0 must not be used.", Parameter.TLS_VERSION, 1.1, Direction.MIN),
        ("The device shall not support TLS versions below 1.2.", Parameter.TLS_VERSION, 1.2, Direction.MIN),
        ("RSA keys shall be at least 3072 bits.", Parameter.KEY_BITS, 3072, Direction.MIN),
        ("Sign images with RSA-2048.", Parameter.KEY_BITS, 2048, Direction.MIN),
        ("Passwords must be at least 12 characters long.", Parameter.PASSWORD_LENGTH, 12, Direction.MIN),
        ("A PIN of at least six digits.", Parameter.PASSWORD_LENGTH, 6, Direction.MIN),
        ("Passwords must be no more than 64 characters.", Parameter.PASSWORD_LENGTH, 64, Direction.MAX),
        ("Passwords shall be a minimum 8-character string.", Parameter.PASSWORD_LENGTH, 8, Direction.MIN),
        ("Security fixes are released within 90 days.", Parameter.TIME_LIMIT, 90 * 86400, Direction.MAX),
        ("Sessions expire after at most 15 minutes.", Parameter.TIME_LIMIT, 900, Direction.MAX),
        ("Security updates are provided for at least 5 years.", Parameter.TIME_LIMIT, 5 * 31536000, Direction.MIN),
        ("Lock the account after 5 failed login attempts.", Parameter.ATTEMPTS, 5, Direction.MAX),
        ("Allow no more than ten unsuccessful attempts.", Parameter.ATTEMPTS, 10, Direction.MAX),
    ],
)
def test_bounds_read_parameter_value_and_direction(
    text: str, parameter: Parameter, value: float, direction: Direction
) -> None:
    bound = only(text)
    assert (bound.parameter, bound.value, bound.direction) == (parameter, value, direction)
    assert bound.phrase and bound.phrase in text.lower()


def test_text_without_quantities_has_no_bounds() -> None:
    assert bounds("Firmware images must be signed and the signature verified before installation.") == []
    # A length without a password is not a password length.
    assert bounds("Device names are at most 32 characters.") == []


def test_describe_is_readable() -> None:
    assert only("TLS 1.2 or higher").describe() == "TLS version >= 1.2"
    assert only("Passwords of at least 12 characters").describe() == "password length (characters) >= 12"
    # Large values are written out, not in exponent notation.
    assert only("Fix vulnerabilities within 90 days.").describe() == "time limit (seconds) <= 7776000"


def bound(parameter: Parameter, value: float, direction: Direction) -> Bound:
    return Bound(parameter, value, direction, "")


def test_stricter_follows_the_parameter_for_floors_and_ceilings() -> None:
    tls12, tls13 = bound(Parameter.TLS_VERSION, 1.2, Direction.MIN), bound(Parameter.TLS_VERSION, 1.3, Direction.MIN)
    assert stricter_of(tls12, tls13) == 1 and stricter_of(tls13, tls12) == -1
    days90, days30 = bound(Parameter.TIME_LIMIT, 90, Direction.MAX), bound(Parameter.TIME_LIMIT, 30, Direction.MAX)
    assert stricter_of(days90, days30) == 1
    five, ten = bound(Parameter.ATTEMPTS, 5, Direction.MAX), bound(Parameter.ATTEMPTS, 10, Direction.MAX)
    assert stricter_of(five, ten) == -1
    assert stricter_of(tls12, bound(Parameter.TLS_VERSION, 1.2, Direction.MIN)) == 0


def test_a_higher_floor_is_stricter_even_for_times() -> None:
    # "Security updates for at least 5 years" asks more than "for at least 3 years".
    five_years = only("Security updates are provided for at least 5 years.")
    three_years = only("Security updates are provided for at least 3 years.")
    assert stricter_of(five_years, three_years) == -1


def test_a_floor_and_a_compatible_ceiling_are_neither_stricter() -> None:
    at_least_8 = bound(Parameter.PASSWORD_LENGTH, 8, Direction.MIN)
    at_most_64 = bound(Parameter.PASSWORD_LENGTH, 64, Direction.MAX)
    assert not incompatible(at_least_8, at_most_64)
    assert stricter_of(at_least_8, at_most_64) == 0


def test_an_exact_value_is_stricter_than_a_compatible_floor() -> None:
    only_13 = only("Connections shall use only TLS 1.3.")
    floor_12 = only("The device shall support TLS 1.2 or higher.")
    assert not incompatible(only_13, floor_12)
    assert stricter_of(floor_12, only_13) == 1


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ((Parameter.PASSWORD_LENGTH, 12, Direction.MIN), (Parameter.PASSWORD_LENGTH, 8, Direction.MAX)),
        ((Parameter.TLS_VERSION, 1.3, Direction.MIN), (Parameter.TLS_VERSION, 1.2, Direction.EXACT)),
        ((Parameter.TLS_VERSION, 1.2, Direction.EXACT), (Parameter.TLS_VERSION, 1.3, Direction.EXACT)),
    ],
)
def test_incompatible_values(
    first: tuple[Parameter, float, Direction], second: tuple[Parameter, float, Direction]
) -> None:
    assert incompatible(bound(*first), bound(*second))
    assert incompatible(bound(*second), bound(*first))


def test_compatible_values() -> None:
    assert not incompatible(
        bound(Parameter.TLS_VERSION, 1.2, Direction.MIN), bound(Parameter.TLS_VERSION, 1.3, Direction.MIN)
    )
    assert not incompatible(
        bound(Parameter.PASSWORD_LENGTH, 8, Direction.MIN), bound(Parameter.PASSWORD_LENGTH, 8, Direction.MAX)
    )


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        ("Lock the administrator account for 15 minutes after 5 failed login attempts.", "lockout"),
        ("Web GUI authorisation must expire after 30 minutes without use.", "session"),
        ("Security updates are provided for at least 5 years.", "support"),
        ("Security fixes are released within 90 days.", "response"),
    ],
)
def test_time_limits_say_what_they_limit(text: str, subject: str) -> None:
    (time,) = [bound for bound in bounds(text) if bound.parameter is Parameter.TIME_LIMIT]
    assert time.subject == subject


def test_a_lockout_and_a_session_timeout_are_not_compared() -> None:
    (lockout,) = bounds("Lock the account for 15 minutes.")
    (session,) = bounds("Sessions expire after 30 minutes without use.")
    assert not lockout.comparable(session)
    (fix,) = bounds("Fix vulnerabilities within 30 days.")
    assert fix.comparable(only("Security fixes are released within 90 days."))
