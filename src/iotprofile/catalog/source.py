"""Reading data files (YAML, JSON, CSV) so that every error can name the file and the place in it.

YAML is composed into a node tree first, so a validation error at ``elements[3].id`` can be reported as
``file.yaml:41``; JSON errors are reported by JSON path; CSV errors by row number (the header is row 1).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from iotprofile.errors import IotprofileError

try:  # libyaml is several times faster; fall back to the pure-Python loader where it is missing.
    from yaml import CSafeLoader as _YamlLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _YamlLoader  # type: ignore[assignment]


class _StrictYamlLoader(_YamlLoader):
    """The safe loader, refusing repeated mapping keys (PyYAML silently keeps the last one)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                repeated = key in seen
                seen.add(key)
            except TypeError:  # an unhashable key: the base constructor reports it
                continue
            if repeated:
                raise yaml.constructor.ConstructorError(None, None, f"repeated key {key!r}", key_node.start_mark)
        return super().construct_mapping(node, deep=deep)


#: Largest data file read, so a mistaken path (a firmware image, a database) fails fast instead of filling memory.
MAX_DATA_FILE_BYTES = 64 * 1024 * 1024

Loc = Sequence[int | str]


class DataFormat:
    """File formats a data file may have, by suffix."""

    YAML = frozenset({".yaml", ".yml"})
    JSON = frozenset({".json"})
    CSV = frozenset({".csv"})
    XLSX = frozenset({".xlsx"})


@dataclass(frozen=True)
class Located:
    """A parsed data file and the means to name a place in it."""

    path: Path
    data: Any
    #: For YAML: the composed node tree, to turn a location path into a line number.
    node: yaml.Node | None = None
    #: For CSV: line number of each data row (row index -> line), to report rows as the user sees them.
    row_lines: tuple[int, ...] = field(default=())
    #: For CSV: the header's column names (a file may have a header and no rows).
    columns: tuple[str, ...] = field(default=())

    @property
    def is_csv(self) -> bool:
        """Whether the file was CSV (rows of strings, errors reported by row)."""
        return bool(self.columns)

    def error(self, error: type[IotprofileError], loc: Loc, message: str, *, tip: str | None = None) -> IotprofileError:
        """An error at ``loc``: YAML names the line and the path, JSON the path, CSV the row and column."""
        if self.node is not None and loc:
            message = f"{describe_loc(loc)}: {message}"
        return error(message, where=self.where(loc), tip=tip)

    def where(self, loc: Loc = ()) -> str:
        """Name a place: ``file:line`` (YAML), ``file row N`` (CSV) or ``file $.a[1].b`` (JSON)."""
        if self.columns and loc and isinstance(loc[0], int):
            row = loc[0]
            line = self.row_lines[row] if row < len(self.row_lines) else row + 2
            column = f" column {loc[1]!r}" if len(loc) > 1 else ""
            return f"{self.path} row {line}{column}"
        if self.node is not None:
            return f"{self.path}:{_yaml_line(self.node, loc)}"
        if loc:
            return f"{self.path} {json_path(loc)}"
        return str(self.path)


def json_path(loc: Loc) -> str:
    """``('elements', 3, 'id')`` -> ``$.elements[3].id``."""
    text = "$"
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def _yaml_line(node: yaml.Node, loc: Loc) -> int:
    """Line (1-based) of the deepest node that ``loc`` reaches."""
    current = node
    for part in loc:
        child: yaml.Node | None = None
        if isinstance(current, yaml.MappingNode) and isinstance(part, str):
            for key, value in current.value:
                if isinstance(key, yaml.ScalarNode) and key.value == part:
                    child = value
                    break
        elif isinstance(current, yaml.SequenceNode) and isinstance(part, int) and part < len(current.value):
            child = current.value[part]
        if child is None:
            break
        current = child
    return int(current.start_mark.line) + 1


def read_text(path: Path, error: type[IotprofileError]) -> str:
    """Read a UTF-8 text file, refusing missing, oversized and undecodable files with one clear line."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise error("file not found", where=str(path)) from None
    except OSError as exc:
        raise error(f"cannot read: {exc.strerror}", where=str(path)) from None
    if path.is_dir():
        raise error("is a directory, not a file", where=str(path))
    if size > MAX_DATA_FILE_BYTES:
        raise error(
            f"file is {size} bytes, larger than the {MAX_DATA_FILE_BYTES} bytes a data file may have", where=str(path)
        )
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(f"not UTF-8 text (byte {exc.start})", where=str(path)) from None


def read_located(path: Path, error: type[IotprofileError]) -> Located:
    """Parse a YAML, JSON or CSV file; a syntax error becomes ``error`` with the line or row."""
    suffix = path.suffix.lower()
    if suffix in DataFormat.XLSX:
        raise error("XLSX is not a catalog or mapping format here; save the sheet as CSV", where=str(path))
    if suffix not in DataFormat.YAML | DataFormat.JSON | DataFormat.CSV:
        raise error(f"unknown file type {suffix or '(none)'!r}; expected .yaml, .yml, .json or .csv", where=str(path))
    text = read_text(path, error)
    if suffix in DataFormat.JSON:
        try:
            return Located(path, json.loads(text))
        except json.JSONDecodeError as exc:
            raise error(f"invalid JSON: {exc.msg}", where=f"{path}:{exc.lineno}") from None
    if suffix in DataFormat.CSV:
        return _read_csv(path, text, error)
    if not text.strip():
        raise error("the file is empty", where=str(path))
    loader = _StrictYamlLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise error(f"invalid YAML: {exc.problem or exc.context}", where=where) from None
    except RecursionError:
        raise error("invalid YAML: nested too deeply", where=str(path)) from None
    except yaml.YAMLError as exc:
        raise error(f"invalid YAML: {exc}", where=str(path)) from None
    finally:
        loader.dispose()
    return Located(path, data, node=node)


def _read_csv(path: Path, text: str, error: type[IotprofileError]) -> Located:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        # The header is the first non-blank line; blank lines are skipped but keep their numbers.
        header: list[str] = []
        while not any(value.strip() for value in header):
            header_line = reader.line_num + 1
            next_row = next(reader, None)
            if next_row is None:
                raise error("the CSV file is empty (no header row)", where=str(path))
            header = next_row
        names = [name.strip() for name in header]
        if len(set(names)) != len(names) or any(not name for name in names):
            raise error("CSV header has empty or repeated column names", where=f"{path} row {header_line}")
        rows: list[dict[str, str]] = []
        lines: list[int] = []
        while True:
            start = reader.line_num + 1  # a row's number is the line it starts on, even if a cell spans lines
            values = next(reader, None)
            if values is None:
                break
            if not any(value.strip() for value in values):
                continue
            if len(values) != len(names):
                raise error(f"{len(values)} values for {len(names)} columns", where=f"{path} row {start}")
            rows.append({name: value.strip() for name, value in zip(names, values, strict=True)})
            lines.append(start)
    except csv.Error as exc:
        raise error(f"invalid CSV: {exc}", where=f"{path} row {reader.line_num}") from None
    if not rows:
        raise error("the CSV file has a header but no rows", where=f"{path} row {header_line}")
    return Located(path, rows, row_lines=tuple(lines), columns=tuple(names))


def first_error(exc: ValidationError) -> tuple[tuple[int | str, ...], str]:
    """The first problem of a pydantic error, as (location, message) with pydantic's noise removed."""
    detail = exc.errors(include_url=False)[0]
    loc = tuple(part for part in detail["loc"] if not (isinstance(part, str) and part.startswith("function-")))
    message = detail["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if detail["type"] == "extra_forbidden":
        message = "unknown field"
    elif detail["type"] == "string_pattern_mismatch":
        # Only IDs are constrained by patterns: say what an ID looks like instead of quoting the regex.
        message = (
            f"{detail['input']!r} is not a valid ID: use lower-case letters, digits, '.' and '-', at least two "
            "characters, starting and ending with a letter or digit"
        )
    elif detail["type"] == "enum" and "expected" in detail.get("ctx", {}):
        message = f"{detail['input']!r} is not one of {detail['ctx']['expected']}"
    return loc, message


def describe_loc(loc: Loc) -> str:
    """``('elements', 3, 'id')`` -> ``elements[3].id``, for messages."""
    return json_path(loc).removeprefix("$").removeprefix(".") or "(top level)"
