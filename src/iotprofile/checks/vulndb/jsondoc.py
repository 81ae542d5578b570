"""Reading a JSON document defensively: a size limit, nesting depth, and errors naming the file and JSON path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from iotprofile.errors import CheckError

#: Largest vulnerability data file read (an NVD yearly feed is about 100 MB; a CISA KEV list about 1 MB).
MAX_FILE_BYTES = 512 * 1024 * 1024


class JsonDoc:
    """One parsed JSON file; its ``expect_*`` helpers raise :class:`CheckError` naming the file and the path."""

    def __init__(self, name: str, data: Any) -> None:
        self.name = name
        self.data = data

    @classmethod
    def read(cls, path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> JsonDoc:
        """Parse ``path``: not over ``max_bytes``, valid UTF-8 JSON, not nested beyond the parser's recursion limit."""
        size = path.stat().st_size
        if size > max_bytes:
            raise CheckError(f"file of {size} bytes is over the {max_bytes}-byte limit", where=str(path))
        try:
            return cls(str(path), json.loads(path.read_bytes()))
        except UnicodeDecodeError:
            raise CheckError("not UTF-8 text", where=str(path)) from None
        except json.JSONDecodeError as exc:
            raise CheckError(f"not JSON: {exc.msg}", where=f"{path}:{exc.lineno}:{exc.colno}") from None
        except RecursionError:
            raise CheckError("JSON nested too deeply", where=str(path)) from None

    def fail(self, message: str, at: str) -> CheckError:
        """An error at JSON path ``at`` (``$.affected[0].ranges``)."""
        return CheckError(message, where=f"{self.name} {at}")

    def obj(self, value: Any, at: str) -> dict[str, Any]:
        """``value`` as an object."""
        if not isinstance(value, dict):
            raise self.fail(f"expected an object, found {_kind(value)}", at)
        return value

    def array(self, value: Any, at: str) -> list[Any]:
        """``value`` as an array (absent: empty)."""
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(f"expected an array, found {_kind(value)}", at)
        return value

    def string(self, value: Any, at: str) -> str:
        """``value`` as a non-empty string."""
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"expected a non-empty string, found {_kind(value)}", at)
        return value

    def optional_string(self, value: Any, at: str) -> str | None:
        """``value`` as a string, or ``None`` when absent."""
        return None if value is None else self.string(value, at)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}.get(type(value), "a number")
