"""Turning catalog data files (YAML, JSON, CSV) into :class:`Document` objects, with located errors."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from iotprofile.catalog.model import Document
from iotprofile.catalog.source import Located, first_error
from iotprofile.errors import CatalogError

#: Columns a CSV catalog may have; ``id`` and one of ``text``/``summary``/``title`` are required.
CSV_CATALOG_COLUMNS = (
    "document", "id", "parent", "kind", "label", "title", "text", "summary", "nature", "strength",
    "strength_source", "level", "scope", "applies_to", "provenance", "provenance_source",
)  # fmt: skip
_LIST_COLUMNS = {"applies_to"}
_ELEMENT_PROBLEM = re.compile(r"elements\[(\d+)\]: (.*)")


def is_catalog_data(data: Any) -> bool:
    """Whether parsed YAML/JSON looks like one catalog or a registry of documents (not a crosswalk)."""
    return isinstance(data, dict) and (
        "elements" in data or "documents" in data or "kind" in data or set(data) == {"catalog"}
    )


def is_catalog_file(located: Located) -> bool:
    """Whether a parsed file is a catalog or registry rather than a crosswalk.

    A CSV catalog has an ``id`` column and no ``target`` column.
    """
    if located.is_csv:
        return "id" in located.columns and "target" not in located.columns
    return is_catalog_data(located.data)


def documents_from(located: Located) -> list[Document]:
    """Every document a parsed file holds: one catalog, a registry (``documents:``) or a CSV catalog."""
    data = located.data
    if located.is_csv:
        return [_document_from_csv(located)]
    if not isinstance(data, dict):
        raise CatalogError(
            "expected a mapping with 'id', 'kind', 'elements' or a 'documents' list", where=located.where()
        )
    if set(data) == {"catalog"}:
        # An OSCAL catalog: compliance-trestle is imported only for these files (it is slow to import).
        from iotprofile.catalog.oscal import document_from_oscal

        return [document_from_oscal(located)]
    if "documents" in data:
        if set(data) != {"documents"} or not isinstance(data["documents"], list):
            raise CatalogError(
                "a registry file has exactly one key, 'documents', holding a list", where=located.where()
            )
        return [_validate(located, entry, ("documents", index)) for index, entry in enumerate(data["documents"])]
    return [_validate(located, data, ())]


def _validate(located: Located, raw: Any, prefix: tuple[int | str, ...]) -> Document:
    if isinstance(raw, dict) and isinstance(raw.get("elements"), list):
        # Data files leave `order` out: it is the element's position in the file.
        raw = dict(raw)
        raw["elements"] = [
            {"order": index, **element} if isinstance(element, dict) else element
            for index, element in enumerate(raw["elements"])
        ]
    try:
        return Document.model_validate(raw)
    except ValidationError as exc:
        loc, message = first_error(exc)
        element_problem = _ELEMENT_PROBLEM.match(message)
        if not loc and element_problem:
            # Model-level checks name the element index; point at that element's place in the file.
            loc, message = ("elements", int(element_problem.group(1))), element_problem.group(2)
        raise located.error(CatalogError, prefix + loc, message) from None


def _document_from_csv(located: Located) -> Document:
    rows: list[dict[str, str]] = located.data
    columns = set(rows[0])
    unknown = columns - set(CSV_CATALOG_COLUMNS)
    if unknown:
        raise CatalogError(
            f"unknown column(s) {', '.join(sorted(unknown))}",
            where=f"{located.path} row 1",
            tip=f"a CSV catalog has the columns {', '.join(CSV_CATALOG_COLUMNS)}",
        )
    if not columns & {"text", "summary", "title"}:
        raise CatalogError("a CSV catalog needs a 'text', 'summary' or 'title' column", where=f"{located.path} row 1")
    doc_ids = {row.get("document") or located.path.stem for row in rows}
    if len(doc_ids) != 1:
        raise CatalogError(f"rows name several documents: {', '.join(sorted(doc_ids))}", where=str(located.path))
    doc_id = doc_ids.pop()
    elements: list[dict[str, Any]] = []
    for index, row in enumerate(rows):
        element: dict[str, Any] = {"order": index} | {
            key: ([part.strip() for part in value.split(";") if part.strip()] if key in _LIST_COLUMNS else value)
            for key, value in row.items()
            if value and key not in {"document", "provenance", "provenance_source"}
        }
        element.setdefault("kind", "requirement")
        element["provenance"] = {
            "status": row.get("provenance") or "user",
            "source": row.get("provenance_source") or str(located.path.name),
        }
        elements.append(element)
    raw = {
        "id": doc_id,
        "kind": "standard",
        "title": doc_id,
        "publisher": "(user-supplied)",
        "licence": "user-supplied",
        "provenance": {"status": "user", "source": located.path.name},
        "elements": elements,
    }
    try:
        return Document.model_validate(raw)
    except ValidationError as exc:
        loc, message = first_error(exc)
        element_problem = _ELEMENT_PROBLEM.match(message)
        if not loc and element_problem:
            loc, message = ("elements", int(element_problem.group(1))), element_problem.group(2)
        if loc[:1] == ("elements",) and len(loc) > 1:
            # An element is a CSV row: name the row and the column the bad value came from.
            row_index, column = loc[1], loc[2] if len(loc) > 2 else None
            place = (row_index, column) if column else (row_index,)
            raise located.error(CatalogError, place, message) from None
        if loc[:1] == ("id",):
            raise CatalogError(
                f"document ID {doc_id!r} (from the file name or the 'document' column) is invalid: {message}",
                where=str(located.path),
            ) from None
        raise located.error(CatalogError, loc, message) from None
