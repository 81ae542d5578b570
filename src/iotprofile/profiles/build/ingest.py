"""The Ingest step: requirement lists of standards, read from files or bundled catalogs, with where each came from.

A build names its inputs with :class:`RequirementSource`, a small declarative spec; :func:`read_requirements`
reads one, :func:`read_all` several, and :func:`read_requirement_file` one file with every default. Errors are
:class:`~iotprofile.errors.RequirementsError` (exit code 3) with one line naming the file and the place in it.

Spec fields (the reference for build configurations):

``standard``
    Document ID of the standard the requirements belong to. Default: for ``file``, the file's stem lower-cased with
    every run of other characters turned into ``-`` (``ETSI EN 303 645.csv`` -> ``etsi-en-303-645``); for
    ``catalog``, the catalog's ID.
``file``
    A requirement list: CSV, XLSX, YAML, JSON, an OSCAL catalog (JSON), plain text, Markdown or PDF.
``catalog``
    Instead of ``file``: the ID of a loaded catalog (``etsi-en-303-645``; bundled, or in a user catalog directory
    of the ``catalogs`` library passed in). Every element with text (or, for copyrighted standards, a summary)
    and no children becomes a requirement; its section is its parent, its stated strength the catalog's (an ETSI
    Annex B status, a BBF keyword), its level the catalog's.
``format``
    ``csv``, ``xlsx``, ``yaml``, ``json``, ``oscal``, ``text``, ``markdown`` or ``pdf``. Default: by suffix
    (``.csv``, ``.xlsx``, ``.yaml``/``.yml``, ``.json``, ``.txt``, ``.md``/``.markdown``, ``.pdf``); a ``.json``
    file whose only key is ``catalog`` is read as OSCAL.
``columns``
    For tables, records and Markdown tables: our field -> the source's column or key, for any of ``id``,
    ``text``, ``title``, ``section``, ``strength``, ``level``, ``element``. Default: a column of the field's own
    name, ignoring case, spaces, ``_`` and ``-``, or a common alias (:data:`COLUMN_ALIASES`:
    ``requirement``/``description`` for text, ``req id``/``identifier``/``#`` for id, ``status``/``keyword`` for
    strength, ...). ``id`` and ``text`` are required.
``sheet``
    For XLSX: the sheet to read. Default: the first.
``records``
    For YAML and JSON: a dotted path to the list of records (``standard.requirements``). Default: the top-level
    list, or the only list value of the top-level mapping.
``id_pattern``
    For text, Markdown and PDF: a regular expression matching a requirement ID at the start of a line (a named
    group ``id``, if present, is the ID). Default: :data:`~iotprofile.profiles.build.ingest_text.DEFAULT_ID_PATTERN`,
    which matches ``5.1-1``, ``SEC.FIRMWARE.2``, ``V6.2.1``, ``REQ-12``, ``GDS-1.2`` and ``MASVS-STORAGE-1``. A
    requirement's text runs to the next ID line (in Markdown, also to the next heading); Markdown headings, and in
    text and PDF numbered clause headings (``5.2 Implement a means ...``), become the ``section`` of the
    requirements below them. A Markdown heading that starts with an ID but has no prose below it is a section
    heading (``## V6.2 Password Security``); a Markdown table with ID and text columns is read row by row.

Every requirement records its ``location``: ``reqs.csv row 4``, ``reqs.xlsx sheet 'R' row 5``, ``reqs.yaml:12``,
``reqs.json $.requirements[3]``, ``reqs.md:12``, ``reqs.pdf page 2``, ``catalog etsi-en-303-645``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import Field, field_validator, model_validator

from iotprofile.catalog.model import DOCUMENT_ID_PATTERN, Document, ElementKind, Frozen
from iotprofile.catalog.source import Located, read_located, read_text
from iotprofile.catalog.vocabulary import Strength
from iotprofile.errors import CatalogError, RequirementsError
from iotprofile.profiles.build.collect import RequirementCollector
from iotprofile.profiles.build.define import strength_of_stated
from iotprofile.profiles.build.ingest_tables import COLUMN_ALIASES, FIELDS, read_csv, read_records, read_xlsx
from iotprofile.profiles.build.requirements import Requirement, RequirementSet

if TYPE_CHECKING:
    from iotprofile.catalog.library import CatalogLibrary

__all__ = [
    "COLUMN_ALIASES",
    "FIELDS",
    "RequirementFormat",
    "RequirementSource",
    "read_all",
    "read_requirement_file",
    "read_requirements",
    "requirements_of_document",
]


class RequirementFormat(StrEnum):
    """File formats a requirement list may have."""

    CSV = "csv"
    XLSX = "xlsx"
    YAML = "yaml"
    JSON = "json"
    OSCAL = "oscal"
    TEXT = "text"
    MARKDOWN = "markdown"
    PDF = "pdf"


_FORMAT_BY_SUFFIX = {
    ".csv": RequirementFormat.CSV,
    ".xlsx": RequirementFormat.XLSX,
    ".xlsm": RequirementFormat.XLSX,
    ".yaml": RequirementFormat.YAML,
    ".yml": RequirementFormat.YAML,
    ".json": RequirementFormat.JSON,
    ".txt": RequirementFormat.TEXT,
    ".text": RequirementFormat.TEXT,
    ".md": RequirementFormat.MARKDOWN,
    ".markdown": RequirementFormat.MARKDOWN,
    ".pdf": RequirementFormat.PDF,
}


def _slug(stem: str) -> str:
    return re.sub(r"[^a-z0-9.]+", "-", stem.lower()).strip("-.")


class RequirementSource(Frozen):
    """Where to read one standard's requirements: a file or a loaded catalog (see the module docstring)."""

    standard: str | None = Field(
        default=None,
        pattern=DOCUMENT_ID_PATTERN,
        description="Document ID of the standard. Default: the file's stem, lower-cased and slugified; or the catalog.",
    )
    file: Path | None = Field(default=None, description="The requirement list to read.")
    catalog: str | None = Field(default=None, description="Instead of file: the ID of a loaded catalog.")
    format: RequirementFormat | None = Field(default=None, description="The file's format. Default: by suffix.")
    columns: dict[str, str] = Field(
        default_factory=dict, description="Our field -> the source's column or key. Default: same names or aliases."
    )
    sheet: str | None = Field(default=None, description="XLSX sheet to read. Default: the first.")
    records: str | None = Field(
        default=None, description="YAML/JSON: dotted path to the list of records. Default: the only list."
    )
    id_pattern: str | None = Field(
        default=None, description="Text/Markdown/PDF: regex matching a requirement ID at the start of a line."
    )

    @field_validator("columns")
    @classmethod
    def _known_fields(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(FIELDS))
        if unknown:
            msg = f"unknown field(s) {', '.join(map(repr, unknown))} in columns; fields are {', '.join(FIELDS)}"
            raise ValueError(msg)
        return value

    @field_validator("id_pattern")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                msg = f"id_pattern is not a valid regular expression: {exc}"
                raise ValueError(msg) from None
        return value

    @model_validator(mode="after")
    def _file_or_catalog(self) -> RequirementSource:
        if (self.file is None) == (self.catalog is None):
            msg = "give exactly one of 'file' and 'catalog'"
            raise ValueError(msg)
        return self

    @property
    def standard_id(self) -> str:
        """The standard's document ID: as given, or the catalog's ID, or derived from the file name."""
        if self.standard is not None:
            return self.standard
        if self.catalog is not None:
            return self.catalog
        assert self.file is not None
        slug = _slug(self.file.stem)
        if re.fullmatch(DOCUMENT_ID_PATTERN, slug) is None:
            raise RequirementsError(
                "cannot derive a standard ID from the file name", where=str(self.file), tip="set 'standard'"
            )
        return slug

    @property
    def where(self) -> str:
        """The file, or ``catalog <id>``, for messages."""
        return str(self.file) if self.file is not None else f"catalog {self.catalog}"


def _is_oscal(data: Any) -> bool:
    return isinstance(data, dict) and set(data) == {"catalog"}


# ----------------------------------------------------------------------------------------------------- catalogs


#: Texts that mark a catalog entry as no longer a requirement.
_WITHDRAWN = re.compile(r"(withdrawn\b|moved to\b|(deleted|removed|void)\.?\s*$)", re.IGNORECASE)


def requirements_of_document(document: Document, *, standard: str, where: str) -> RequirementSet:
    """A catalog's leaf elements with text or a summary, as requirements located at ``where``."""
    parents = {element.parent for element in document.elements}
    collector = RequirementCollector(standard)
    for element in document.elements:
        if element.kind is ElementKind.GROUP or element.id in parents or element.display_text is None:
            continue
        if _WITHDRAWN.match(element.display_text):
            continue  # a withdrawn or moved entry is no longer a requirement (BBF SEC.GEN.2: "Withdrawn here: ...")
        parent = document.get(element.parent) if element.parent is not None else None
        section = " ".join(part for part in (parent.id, parent.title) if part) if parent is not None else None
        collector.add(
            where=where,
            id=element.id,
            text=element.display_text,
            title=element.title,
            section=section,
            strength=_stated_strength(element.strength_source, element.strength),
            level=element.level,
        )
    return collector.result(where)


def _stated_strength(marker: str | None, strength: Strength | None) -> str | None:
    """What a catalog states: its marker (``M C (1)``, ``MUST``) when that reads as the catalog's strength.

    A "Verify that ... (L2)" marker is not stated beside the text but read from it, so Define reads the text.
    Where the marker does not read as the catalog's strength (BBF's ``MAY, MUST NOT, MUST NOT`` recorded as
    ``shall``), the catalog's ``strength`` field is what the source states.
    """
    if marker is not None and marker.lstrip().lower().startswith("verify that"):
        return None
    if marker is not None and strength_of_stated(marker) == strength:
        return marker
    return str(strength.value) if strength is not None else marker


def _read_catalog(source: RequirementSource, catalogs: CatalogLibrary | None, standard: str) -> RequirementSet:
    assert source.catalog is not None
    if catalogs is None:
        from iotprofile.catalog.library import CatalogLibrary

        catalogs = CatalogLibrary()
    document = catalogs.get(source.catalog)  # UnknownDocumentError (exit 4) names close matches
    return requirements_of_document(document, standard=standard, where=f"catalog {source.catalog}")


def _read_oscal(located: Located, standard: str) -> RequirementSet:
    from iotprofile.catalog.oscal import document_from_oscal

    try:
        document = document_from_oscal(located)
    except CatalogError as exc:
        raise RequirementsError(exc.message, where=exc.where, tip=exc.tip) from None
    return requirements_of_document(document, standard=standard, where=str(located.path))


# --------------------------------------------------------------------------------------------------- dispatch


def _format_of(source: RequirementSource, path: Path) -> RequirementFormat:
    if source.format is not None:
        return source.format
    found = _FORMAT_BY_SUFFIX.get(path.suffix.lower())
    if found is None:
        suffixes = ", ".join(sorted(_FORMAT_BY_SUFFIX))
        raise RequirementsError(
            f"unknown requirement list format {path.suffix or '(no suffix)'!r}; expected one of {suffixes}",
            where=str(path),
            tip="set 'format'",
        )
    return found


def _located_data(path: Path, fmt: RequirementFormat) -> Located:
    """YAML or JSON, parsed with places; the suffix may differ from the format when ``format`` is set."""
    suffix = path.suffix.lower()
    if (fmt is RequirementFormat.YAML and suffix in {".yaml", ".yml"}) or suffix == ".json":
        return read_located(path, RequirementsError)
    text = read_text(path, RequirementsError)
    if fmt is RequirementFormat.YAML:
        raise RequirementsError("format 'yaml' needs a file ending in .yaml or .yml", where=str(path))
    try:
        return Located(path, json.loads(text))
    except json.JSONDecodeError as exc:
        raise RequirementsError(f"invalid JSON: {exc.msg}", where=f"{path}:{exc.lineno}") from None


def _read_structured(source: RequirementSource, path: Path, fmt: RequirementFormat, standard: str) -> RequirementSet:
    """YAML or JSON records, or an OSCAL catalog (detected in any ``.json`` file)."""
    located = _located_data(path, RequirementFormat.JSON if fmt is RequirementFormat.OSCAL else fmt)
    if _is_oscal(located.data):
        return _read_oscal(located, standard)
    if fmt is RequirementFormat.OSCAL:
        raise RequirementsError("not an OSCAL catalog (expected a top-level 'catalog' key)", where=str(path))
    return read_records(located, standard=standard, mapped=source.columns, records=source.records)


def read_requirements(source: RequirementSource, *, catalogs: CatalogLibrary | None = None) -> RequirementSet:
    """The requirements one source names, in source order, unique by ID.

    ``catalogs`` is needed for a ``catalog`` source (default: the bundled catalogs only).
    """
    standard = source.standard_id
    if source.catalog is not None:
        return _read_catalog(source, catalogs, standard)
    assert source.file is not None
    path = source.file
    fmt = _format_of(source, path)
    match fmt:
        case RequirementFormat.CSV:
            return read_csv(path, standard=standard, mapped=source.columns)
        case RequirementFormat.XLSX:
            return read_xlsx(path, standard=standard, mapped=source.columns, sheet=source.sheet)
        case RequirementFormat.YAML | RequirementFormat.JSON | RequirementFormat.OSCAL:
            return _read_structured(source, path, fmt, standard)
        case RequirementFormat.TEXT | RequirementFormat.MARKDOWN | RequirementFormat.PDF:
            from iotprofile.profiles.build.ingest_text import read_text_requirements

            return read_text_requirements(
                path,
                fmt=fmt.value,
                id_pattern=source.id_pattern,
                mapped=source.columns,
                collector=RequirementCollector(standard),
            )


def read_requirement_file(path: Path, standard: str | None = None) -> RequirementSet:
    """The requirements in one file, with every spec default (format by suffix, columns by name)."""
    return read_requirements(RequirementSource(file=path, standard=standard))


def read_all(sources: Iterable[RequirementSource], *, catalogs: CatalogLibrary | None = None) -> RequirementSet:
    """The requirements of several sources, in order; a key (``standard:id``) read twice is an error naming both."""
    seen: dict[str, Requirement] = {}
    requirements: list[Requirement] = []
    for source in sources:
        for requirement in read_requirements(source, catalogs=catalogs):
            earlier = seen.get(requirement.key)
            if earlier is not None:
                raise RequirementsError(
                    f"requirement {requirement.id!r} of {requirement.standard!r} is read twice (also at "
                    f"{earlier.location})",
                    where=requirement.location,
                )
            seen[requirement.key] = requirement
            requirements.append(requirement)
    return RequirementSet.of(requirements)
