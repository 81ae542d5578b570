"""Bounds on an SBOM file: size and nesting (hostile or broken SBOMs must fail fast with a clear message)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

#: Largest SBOM read (a full Linux distribution's CycloneDX SBOM is a few tens of megabytes).
MAX_SBOM_BYTES = 64 * 1024 * 1024
#: Deepest nesting of JSON values or XML elements accepted (real SBOMs stay under 20).
MAX_NESTING = 64


def json_depth(value: Any, limit: int = MAX_NESTING) -> int:
    """The nesting depth of a parsed JSON value, counted without recursion, stopping once past ``limit``."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        children: Iterable[Any] = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return deepest
