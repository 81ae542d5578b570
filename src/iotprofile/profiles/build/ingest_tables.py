"""Requirements in tables and records: CSV, XLSX, and YAML or JSON lists of records.

Columns (or record keys) are matched to our fields by the names the build gives in ``columns``, else by the
field's own name or an alias (:data:`COLUMN_ALIASES`), ignoring case, spaces, ``_`` and ``-``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from iotprofile.catalog.source import Located, read_located
from iotprofile.errors import RequirementsError
from iotprofile.profiles.build.collect import RequirementCollector, check_file
from iotprofile.profiles.build.requirements import RequirementSet

__all__ = ["COLUMN_ALIASES", "FIELDS", "field_columns", "read_csv", "read_records", "read_xlsx"]

#: Our fields, in the order a requirement lists them.
FIELDS = ("id", "text", "title", "section", "strength", "level", "element")
#: Column or key names taken for each field when ``columns`` does not name one, in order of preference; compared
#: ignoring case, spaces, ``_`` and ``-``.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "req id", "requirement id", "identifier", "provision", "ref", "reference", "#"),
    "text": ("text", "requirement", "requirement text", "description", "statement", "provision text"),
    "title": ("title", "name", "short title"),
    "section": ("section", "clause", "chapter", "category", "group"),
    "strength": ("strength", "status", "keyword", "obligation", "normative", "stated strength"),
    "level": ("level", "assurance level", "verification level"),
    "element": ("element", "target", "outcome"),
}
_REQUIRED_FIELDS = ("id", "text")


def _squash(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", name).casefold()


def field_columns(
    mapped: Mapping[str, str], found: Sequence[str], where: str, *, noun: str = "column"
) -> dict[str, str]:
    """Our field -> the column name as the source spells it; refuses a missing id/text or mapped column."""
    by_squashed: dict[str, str] = {}
    for name in found:
        by_squashed.setdefault(_squash(name), name)
    listing = ", ".join(repr(name) for name in found) or "none"
    chosen: dict[str, str] = {}
    for field in FIELDS:
        if field in mapped:
            wanted = mapped[field]
            if _squash(wanted) not in by_squashed:
                raise RequirementsError(
                    f"no {noun} {wanted!r} (mapped to {field}); {noun}s found: {listing}", where=where
                )
            chosen[field] = by_squashed[_squash(wanted)]
            continue
        for alias in COLUMN_ALIASES[field]:
            if _squash(alias) in by_squashed and by_squashed[_squash(alias)] not in chosen.values():
                chosen[field] = by_squashed[_squash(alias)]
                break
        if field not in chosen and field in _REQUIRED_FIELDS:
            raise RequirementsError(
                f"no {field!r} {noun}; {noun}s found: {listing}",
                where=where,
                tip=f"map one with columns: {{{field}: <{noun}>}}",
            )
    return chosen


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _add_row(collector: RequirementCollector, columns: dict[str, str], row: dict[str, str], where: str) -> None:
    values = {field: row.get(column, "") for field, column in columns.items()}
    collector.add(
        where=where,
        id=values.pop("id"),
        text=values.pop("text"),
        **{field: value or None for field, value in values.items()},
    )


def read_csv(path: Path, *, standard: str, mapped: Mapping[str, str]) -> RequirementSet:
    """Requirements in a CSV file with a header row; locations are ``file row N``."""
    if path.suffix.lower() != ".csv":
        raise RequirementsError("format 'csv' needs a file ending in .csv", where=str(path), tip="rename the file")
    located = read_located(path, RequirementsError)
    columns = field_columns(mapped, located.columns, str(path))
    collector = RequirementCollector(standard)
    for index, row in enumerate(located.data):
        _add_row(collector, columns, row, located.where((index,)))
    return collector.result(str(path))


def read_xlsx(path: Path, *, standard: str, mapped: Mapping[str, str], sheet: str | None) -> RequirementSet:
    """Requirements in one sheet of an XLSX workbook (the first, by default); locations ``file sheet 'S' row N``."""
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    check_file(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise RequirementsError(f"cannot open as an XLSX workbook: {exc}", where=str(path)) from None
    try:
        names = workbook.sheetnames
        if sheet is not None and sheet not in names:
            raise RequirementsError(f"no sheet {sheet!r}; sheets: {', '.join(map(repr, names))}", where=str(path))
        name = sheet if sheet is not None else names[0]
        rows = [(number, [_cell(value).strip() for value in values]) for number, values in _sheet_rows(workbook[name])]
    finally:
        workbook.close()
    place = f"{path} sheet {name!r}"
    rows = [(number, values) for number, values in rows if any(values)]
    if not rows:
        raise RequirementsError("the sheet is empty", where=place)
    header_number, header = rows[0]
    named = [value for value in header if value]
    if len(set(named)) != len(named):
        repeated = sorted({value for value in named if named.count(value) > 1})
        raise RequirementsError(
            f"repeated column name(s) {', '.join(map(repr, repeated))} in the header",
            where=f"{place} row {header_number}",
        )
    columns = field_columns(mapped, [value for value in header if value], f"{place} row {header_number}")
    index = {value: position for position, value in enumerate(header) if value}
    collector = RequirementCollector(standard)
    for number, values in rows[1:]:
        row = {column: values[index[column]] if index[column] < len(values) else "" for column in columns.values()}
        _add_row(collector, columns, row, f"{place} row {number}")
    return collector.result(place)


def _sheet_rows(sheet: Any) -> Iterable[tuple[int, tuple[Any, ...]]]:
    # Rows are numbered as the spreadsheet shows them; a read-only sheet starts at its first used row.
    first = getattr(sheet, "min_row", 1) or 1
    yield from enumerate(sheet.iter_rows(values_only=True), start=first)


# ----------------------------------------------------------------------------------------------------- records


def _yaml_scalar(node: yaml.Node | None, loc: Sequence[int | str]) -> str | None:
    """The scalar at ``loc`` as written in the YAML file, so an ID ``1.10`` is not read as the number 1.1."""
    current = node
    for part in loc:
        child: yaml.Node | None = None
        if isinstance(current, yaml.MappingNode) and isinstance(part, str):
            child = next((value for key, value in current.value if key.value == part), None)
        elif isinstance(current, yaml.SequenceNode) and isinstance(part, int) and part < len(current.value):
            child = current.value[part]
        current = child
        if current is None:
            return None
    return str(current.value) if isinstance(current, yaml.ScalarNode) else None


def _records(records_path: str | None, located: Located) -> tuple[list[Any], tuple[int | str, ...]]:
    data = located.data
    if records_path:
        loc: tuple[int | str, ...] = ()
        for part in records_path.split("."):
            if not isinstance(data, dict) or part not in data:
                raise located.error(RequirementsError, loc, f"no key {part!r} on the records path {records_path!r}")
            data = data[part]
            loc = (*loc, part)
        if not isinstance(data, list):
            raise located.error(RequirementsError, loc, f"records path {records_path!r} is not a list")
        return data, loc
    if isinstance(data, list):
        return data, ()
    if isinstance(data, dict):
        lists = [key for key, value in data.items() if isinstance(value, list)]
        if len(lists) == 1:
            return data[lists[0]], (lists[0],)
    raise RequirementsError(
        "cannot tell which list holds the requirements", where=str(located.path), tip="set 'records' to its path"
    )


def read_records(located: Located, *, standard: str, mapped: Mapping[str, str], records: str | None) -> RequirementSet:
    """Requirements in a parsed YAML or JSON list of records; locations ``file:line`` (YAML) or ``file $.path``."""
    found, base = _records(records, located)
    collector = RequirementCollector(standard)
    for index, record in enumerate(found):
        loc = (*base, index)
        if not isinstance(record, dict):
            raise located.error(RequirementsError, loc, "a requirement record must be a mapping")
        keys = [str(key) for key in record]
        columns = field_columns(mapped, keys, located.where(loc), noun="field")
        values: dict[str, str] = {}
        for field, key in columns.items():
            raw = record.get(key)
            if isinstance(raw, dict | list):
                raise located.error(RequirementsError, (*loc, key), f"{field} must be text, not a {type(raw).__name__}")
            text = _yaml_scalar(located.node, (*loc, key)) if located.node is not None else None
            values[field] = text if text is not None and raw is not None else _cell(raw)
        for field in _REQUIRED_FIELDS:
            if not values[field].strip():
                raise located.error(RequirementsError, (*loc, columns[field]), f"empty {field}")
        collector.add(
            where=located.where(loc),
            id=values.pop("id"),
            text=values.pop("text"),
            **{field: value or None for field, value in values.items()},
        )
    return collector.result(located.where(base))
