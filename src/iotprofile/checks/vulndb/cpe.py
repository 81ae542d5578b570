"""CPE 2.3 formatted strings: splitting on unescaped colons and matching a component against an NVD criterion.

Attributes after ``cpe:2.3:`` are part, vendor, product, version, update, edition, language, sw_edition,
target_sw, target_hw, other. ``*`` (ANY) in a criterion matches every value; ``-`` (NA) matches only ``-``. On the
component's side, ``*`` means "not stated" and matches whatever the criterion asks, so a component CPE that leaves an
attribute open is reported rather than missed. Versions are compared with :func:`versions.compare`.
"""

from __future__ import annotations

import fnmatch

from iotprofile.checks.vulndb.model import CpeCriterion, Interval
from iotprofile.checks.vulndb.versions import compare, in_interval

_FIELDS = 11


def parse_cpe(text: str) -> tuple[str, ...] | None:
    """The 11 attributes of a CPE 2.3 formatted string (escapes kept), or ``None`` if it is not one."""
    if not text.lower().startswith("cpe:2.3:"):
        return None
    parts: list[str] = []
    current: list[str] = []
    escaped = False
    for char in text[8:]:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            current.append(char)
            escaped = True
        elif char == ":":
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    if len(parts) != _FIELDS or not all(parts[:3]) or parts[0] not in {"a", "o", "h", "*"}:
        return None
    return tuple(part.lower() for part in parts)


def unescape(value: str) -> str:
    """A CPE attribute value without its backslash escapes (an escaped colon becomes a colon)."""
    return value.replace("\\", "")


def _attribute_matches(criterion: str, value: str) -> bool:
    if criterion == "*" or value == "*":
        return True
    if criterion == "-" or value == "-":
        return criterion == value
    if "*" in criterion.replace("\\*", "") or "?" in criterion.replace("\\?", ""):
        return fnmatch.fnmatchcase(unescape(value), criterion)
    return unescape(criterion) == unescape(value)


def version_matches(criterion: CpeCriterion, version: str | None) -> bool:
    """Whether ``version`` (the component's, unescaped; ``None`` when unknown) meets the criterion's version."""
    wanted = criterion.attributes[3]
    if wanted == "-":
        return version == "-" and criterion.interval is None  # NA: only a component stated to have no version
    if version is None or version in {"*", "-"}:
        return False  # an unknown version cannot be placed inside a range: not reported as vulnerable
    if wanted != "*" and compare(version, unescape(wanted)) != 0:
        return False
    return criterion.interval is None or in_interval(version, criterion.interval, "generic")


def cpe_matches(criterion: CpeCriterion, attributes: tuple[str, ...], version: str | None) -> bool:
    """Whether a component with CPE ``attributes`` (and ``version`` when its CPE leaves the version open) matches."""
    for index in (0, 1, 2, *range(4, _FIELDS)):
        if not _attribute_matches(criterion.attributes[index], attributes[index]):
            return False
    own = attributes[3]
    return version_matches(criterion, unescape(own) if own not in {"*", ""} else version)


def interval_from_nvd(
    start_including: str | None,
    start_excluding: str | None,
    end_including: str | None,
    end_excluding: str | None,
) -> Interval | None:
    """The interval of NVD's ``versionStart*``/``versionEnd*`` bounds, or ``None`` when none is given."""
    if not any((start_including, start_excluding, end_including, end_excluding)):
        return None
    return Interval(
        lower=start_including or start_excluding,
        lower_inclusive=start_excluding is None,
        upper=end_including or end_excluding,
        upper_inclusive=end_including is not None,
    )
