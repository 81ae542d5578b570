"""Quantities requirements set, read from their text: the basis for "stricter" and "incompatible values".

Two requirements about the same thing often differ only in a number: TLS 1.2 or 1.3, 2048- or 3072-bit keys,
passwords of 8 or 12 characters, a fix within 90 or 30 days, a lock-out after 5 or 10 attempts. Each
:class:`Bound` says which parameter, which value (in a common unit) and whether the requirement sets a floor
(``min``: at least), a ceiling (``max``: at most) or an exact value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from iotprofile.profiles.build.text import normalise


class Parameter(StrEnum):
    """Parameters Consolidate compares; each says whether more is stricter."""

    TLS_VERSION = "TLS version"
    KEY_BITS = "key length (bits)"
    PASSWORD_LENGTH = "password length (characters)"  # noqa: S105 (a parameter's name, not a password)
    TIME_LIMIT = "time limit (seconds)"
    ATTEMPTS = "number of attempts"

    @property
    def more_is_stricter(self) -> bool:
        """Whether a higher value is the stricter one (a newer TLS) or a lower one (a shorter deadline)."""
        return self in {Parameter.TLS_VERSION, Parameter.KEY_BITS, Parameter.PASSWORD_LENGTH}


class Direction(StrEnum):
    """Whether a requirement sets a floor, a ceiling or an exact value."""

    MIN = "min"
    MAX = "max"
    EXACT = "exact"


@dataclass(frozen=True)
class Bound:
    """One quantity a requirement sets."""

    parameter: Parameter
    value: float
    direction: Direction
    #: The words it was read from.
    phrase: str
    #: What a time limit is of (``lockout``, ``session``, ``support``, ``response``; empty if unclear): a 15-minute
    #: lockout and a 30-minute session timeout are different quantities and are never compared.
    subject: str = ""

    def comparable(self, other: Bound) -> bool:
        """Whether ``other`` sets the same quantity (same parameter, and the same subject for time limits)."""
        return self.parameter is other.parameter and self.subject == other.subject

    def describe(self) -> str:
        """``TLS version >= 1.2`` and the like."""
        sign = {Direction.MIN: ">=", Direction.MAX: "<=", Direction.EXACT: "="}[self.direction]
        # Versions keep their decimal (TLS 1.0); other values are written out whole, never as 7.776e+06 seconds.
        if self.parameter is Parameter.TLS_VERSION:
            value = f"{self.value:.1f}"
        else:
            value = f"{self.value:.0f}" if self.value.is_integer() else f"{self.value:g}"
        return f"{self.parameter.value} {sign} {value}"


_SECONDS = {
    "second": 1,
    "sec": 1,
    "minute": 60,
    "min": 60,
    "hour": 3600,
    "hr": 3600,
    "day": 86400,
    "week": 604800,
    "month": 2592000,
    "year": 31536000,
}
_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "sixty": 60,
    "ninety": 90,
}
_NUM = r"(\d+(?:\.\d+)?|" + "|".join(_NUMBER_WORDS) + r")"
_AT_LEAST = (
    r"(?:at least|minimum(?: of)?|min\.?|no (?:less|fewer|shorter) than|not (?:less|fewer|shorter) than"
    r"|or (?:more|higher|greater|later|above|newer|longer))"
)
_AT_MOST = (
    r"(?:at most|maximum(?: of)?|max\.?|no (?:more|longer|later) than|not (?:more|longer|later) than|within|up to"
    r"|or (?:less|fewer|lower|below|shorter|earlier)|less than|under|before)"
)
_BOUND = rf"(?:(?P<pre>{_AT_LEAST}|{_AT_MOST})\s+)?"

_TLS = re.compile(
    r"\b(?:tls|dtls)\s*(?:v(?:ersion)?\.?\s*)?(1\.[0-3])(\s*(?:or|and) (?:higher|later|above|newer|greater)|\+)?"
)
_TLS_BELOW = re.compile(
    r"\b(?:tls|dtls)\s*(?:versions?\s*)?(?:below|older than|lower than|prior to|earlier than|before)\s*"
    r"(?:v(?:ersion)?\.?\s*)?(1\.[0-3])"
)
_FORBIDS = re.compile(
    r"\b(disabled?|must not|shall not|should not|not be (?:used|supported|accepted|allowed|enabled)|prohibit\w*|"
    r"forbid\w*|deprecated|reject\w*|refuse\w*)\b"
)
_TLS_ONLY = re.compile(r"\bonly (?:tls|dtls)\s*(?:v(?:ersion)?\.?\s*)?(1\.[0-3])\b")
_KEY = re.compile(
    rf"(?P<pre>{_AT_LEAST}\s+)?(?P<bits>\d{{3,5}})[- ]?bits?\b|\b(?:aes|rsa|ecc|ecdsa|dh)[- ](?P<alg>\d{{3,5}})\b"
)
_PASSWORD = re.compile(_BOUND + _NUM + r"(?:\s*|-)(?:or more\s+|or fewer\s+)?(?:characters?|chars?|digits?)\b")
_TIME = re.compile(_BOUND + _NUM + r"\s*(?P<unit>" + "|".join(_SECONDS) + r")s?\b")
_ATTEMPTS = re.compile(
    rf"(?:(?P<pre>{_AT_LEAST}|{_AT_MOST}|after)\s+)?{_NUM}\s+"
    r"(?:consecutive\s+|unsuccessful\s+|failed\s+|invalid\s+|incorrect\s+)*(?:login\s+|authentication\s+)?"
    r"(?:attempts?|tries|failures)\b"
)


#: What a time limit is about, tried in order; the first that occurs in the requirement decides.
_TIME_SUBJECTS = (
    ("lockout", re.compile(r"\block\w*|back-?off|\bdelay")),
    ("session", re.compile(r"session|\bidle\b|inactiv\w*|without use|expir\w*|time-?out|logged out|log out")),
    ("support", re.compile(r"support\w*|lifetime|end[- ]of|\bfor (?:at least |a minimum of )?\S+ years?\b")),
    ("response", re.compile(r"\bfix\w*|patch\w*|remed\w*|vulnerab\w*|respon\w*|acknowledg\w*|updat\w*|releas\w*")),
)


def _time_subject(text: str) -> str:
    return next((name for name, pattern in _TIME_SUBJECTS if pattern.search(text)), "")


def _number(text: str) -> float:
    return float(_NUMBER_WORDS.get(text, text) if text in _NUMBER_WORDS else text)


def _direction(prefix: str | None, *, default: Direction) -> Direction:
    if not prefix:
        return default
    if re.fullmatch(_AT_LEAST, prefix.strip()):
        return Direction.MIN
    if prefix.strip() == "after":
        return Direction.MAX
    return Direction.MAX if re.fullmatch(_AT_MOST, prefix.strip()) else default


def bounds(text: str) -> list[Bound]:
    """Every quantity ``text`` sets, in order of appearance."""
    lowered = normalise(text)
    found: list[Bound] = []
    only = _TLS_ONLY.search(lowered)
    if only:
        found.append(Bound(Parameter.TLS_VERSION, float(only.group(1)), Direction.EXACT, only.group(0)))
    elif below := _TLS_BELOW.search(lowered):
        found.append(Bound(Parameter.TLS_VERSION, float(below.group(1)), Direction.MIN, below.group(0)))
    elif (
        (versions := list(_TLS.finditer(lowered)))
        and _FORBIDS.search(lowered)
        and not any(match.group(2) for match in versions)
    ):
        # "TLS 1.0 and TLS 1.1 shall be disabled": the versions named are forbidden, so the floor is the next one.
        highest = max(versions, key=lambda match: float(match.group(1)))
        floor = round(float(highest.group(1)) + 0.1, 1)
        found.append(Bound(Parameter.TLS_VERSION, floor, Direction.MIN, highest.group(0).strip()))
    elif versions:
        # "TLS 1.2 or 1.3", "TLS 1.2 or higher", "TLS 1.2+": the lowest version named is the floor.
        lowest = min(versions, key=lambda match: float(match.group(1)))
        found.append(Bound(Parameter.TLS_VERSION, float(lowest.group(1)), Direction.MIN, lowest.group(0).strip()))
    for match in _KEY.finditer(lowered):
        bits = match.group("bits") or match.group("alg")
        found.append(Bound(Parameter.KEY_BITS, float(bits), Direction.MIN, match.group(0).strip()))
    if re.search(r"pass(word|phrase|code)|\bpin\b|credential", lowered):
        found.extend(
            Bound(
                Parameter.PASSWORD_LENGTH,
                _number(match.group(2)),
                _direction(match.group("pre"), default=Direction.MIN),
                match.group(0).strip(),
            )
            for match in _PASSWORD.finditer(lowered)
        )
    for match in _TIME.finditer(lowered):
        seconds = _number(match.group(2)) * _SECONDS[match.group("unit")]
        found.append(
            Bound(
                Parameter.TIME_LIMIT,
                seconds,
                _direction(match.group("pre"), default=Direction.MAX),
                match.group(0).strip(),
                _time_subject(lowered),
            )
        )
    found.extend(
        Bound(
            Parameter.ATTEMPTS,
            _number(match.group(2)),
            _direction(match.group("pre"), default=Direction.MAX),
            match.group(0).strip(),
        )
        for match in _ATTEMPTS.finditer(lowered)
    )
    return found


def stricter_of(first: Bound, second: Bound) -> int:
    """-1 if ``first`` is stricter, 1 if ``second`` is, 0 if neither (same value, or a floor beside a ceiling).

    Two floors: the higher one asks more ("updates for at least 5 years" over "at least 3 years"); two
    ceilings: the lower one ("within 30 days" over "within 90 days"). A floor beside a compatible ceiling
    sets a range, and neither is stricter; an exact value is stricter than the compatible bound beside it.
    """
    if first.value == second.value:
        return 0
    first_higher = first.value > second.value
    if first.direction is second.direction:
        if first.direction is Direction.MIN:
            return -1 if first_higher else 1
        if first.direction is Direction.MAX:
            return 1 if first_higher else -1
        return -1 if first_higher == first.parameter.more_is_stricter else 1
    if Direction.EXACT in {first.direction, second.direction}:
        return -1 if first.direction is Direction.EXACT else 1
    return 0


def incompatible(first: Bound, second: Bound) -> bool:
    """Whether no value satisfies both (a floor above a ceiling, or two different exact values)."""
    low = [bound.value for bound in (first, second) if bound.direction in {Direction.MIN, Direction.EXACT}]
    high = [bound.value for bound in (first, second) if bound.direction in {Direction.MAX, Direction.EXACT}]
    if first.direction is Direction.EXACT and second.direction is Direction.EXACT:
        return first.value != second.value
    return bool(low and high) and max(low) > min(high)
