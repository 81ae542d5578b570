"""Version comparison per ecosystem: univers' version classes, falling back to a natural (semver-ish) order.

univers knows Debian, RPM, Alpine, PyPI, Maven, npm and more; for ``pkg:generic`` purls, CPE versions and anything
univers rejects, :func:`natural_key` orders versions the way upstream release numbers usually run: numbers compare
as numbers (``5.4.284 > 5.4.3``), a pre-release word sorts before the release (``1.0.0-rc1 < 1.0.0``) and any other
letter suffix after it (``1.1.1w > 1.1.1``). univers' own ``GenericVersion`` compares ``5.4.284 < 5.4.3``, so it
is not used.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from iotprofile.checks.vulndb.model import Interval

#: purl types (and OSV ecosystems mapped to them) whose versions univers compares natively.
_UNIVERS_CLASS = {
    "deb": "DebianVersion",
    "rpm": "RpmVersion",
    "apk": "AlpineLinuxVersion",
    "alpm": "ArchLinuxVersion",
    "pypi": "PypiVersion",
    "npm": "SemverVersion",
    "cargo": "SemverVersion",
    "hex": "SemverVersion",
    "semver": "SemverVersion",
    "maven": "MavenVersion",
    "gem": "RubygemsVersion",
    "golang": "GolangVersion",
    "nuget": "NugetVersion",
    "composer": "ComposerVersion",
    "conan": "ConanVersion",
    "openssl": "OpensslVersion",
}

_PRE_RELEASE = frozenset({"alpha", "beta", "pre", "preview", "rc", "dev", "snapshot"})
_TOKEN = re.compile(r"\d+|[A-Za-z]+")
#: Order of token kinds: pre-release word < number < other word; the shorter version is padded with zeros, so
#: ``1.36 == 1.36.0``, ``1.0.0-rc1 < 1.0`` and ``1.1.1 < 1.1.1a``.
_ZERO = (2, 0, "")


def natural_key(version: str) -> tuple[tuple[int, int, str], ...]:
    """A sort key for a release number of no particular ecosystem (see the module docstring)."""
    version = version.strip().lstrip("vV")
    key: list[tuple[int, int, str]] = []
    for token in _TOKEN.findall(version):
        if token.isdigit():
            key.append((2, int(token), ""))
        elif token.lower() in _PRE_RELEASE:
            key.append((0, 0, token.lower()))
        else:
            key.append((3, 0, token.lower()))
    return tuple(key)


def _natural_compare(left: str, right: str) -> int:
    a, b = natural_key(left), natural_key(right)
    width = max(len(a), len(b))
    a += (_ZERO,) * (width - len(a))
    b += (_ZERO,) * (width - len(b))
    return (a > b) - (a < b)


@cache
def _univers_class(scheme: str) -> Any:
    name = _UNIVERS_CLASS.get(scheme)
    if name is None:
        return None
    from univers import versions

    return getattr(versions, name)


@cache
def compare(left: str, right: str, scheme: str = "generic") -> int:
    """-1, 0 or 1 as ``left`` is older than, equal to or newer than ``right`` under ``scheme``."""
    if left == right:
        return 0
    cls = _univers_class(scheme)
    if cls is not None:
        try:
            a, b = cls(left), cls(right)
        except Exception:  # noqa: BLE001 - univers raises several types for a version it cannot read
            return _natural_compare(left, right)
        return int(a > b) - int(a < b)
    return _natural_compare(left, right)


def in_interval(version: str, interval: Interval, scheme: str) -> bool:
    """Whether ``version`` lies in ``interval`` under ``scheme``."""
    if interval.lower is not None:
        low = compare(version, interval.lower, scheme)
        if low < 0 or (low == 0 and not interval.lower_inclusive):
            return False
    if interval.upper is not None:
        high = compare(version, interval.upper, scheme)
        if high > 0 or (high == 0 and not interval.upper_inclusive):
            return False
    return True
