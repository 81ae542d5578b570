"""Loading crosswalks (bundled and user files) and checking that every mapping end exists."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from iotprofile.catalog.library import CatalogLibrary
from iotprofile.catalog.model import DOCUMENT_ID_PATTERN
from iotprofile.catalog.source import Located, first_error, read_located
from iotprofile.crosswalk.model import Crosswalk, ElementRef, Mapping
from iotprofile.errors import CatalogError, CrosswalkError, IotprofileError

BUNDLED_CROSSWALK_DIR = Path(__file__).resolve().parent / "data"

#: Columns a CSV mapping file may have; the first four are required.
CSV_MAPPING_COLUMNS = (
    "source", "target", "relationship", "rationale", "explanation", "strength", "component_kinds", "origin",
    "origin_source", "confidence", "review", "reviewer", "note",
)  # fmt: skip
_REQUIRED_CSV = ("source", "target", "relationship", "rationale")
_MAPPING_PROBLEM = re.compile(r"mappings\[(\d+)\]: (.*)")
_DOCUMENT_ID = re.compile(DOCUMENT_ID_PATTERN)


def is_crosswalk_data(data: Any) -> bool:
    """Whether parsed YAML/JSON looks like a crosswalk."""
    return isinstance(data, dict) and ("mappings" in data or "gaps" in data)


def crosswalk_from(located: Located) -> Crosswalk:
    """Validate one parsed file as a crosswalk (YAML/JSON object or CSV rows)."""
    if located.is_csv:
        return _from_csv(located)
    if not is_crosswalk_data(located.data):
        product_like = isinstance(located.data, dict) and "components" in located.data
        raise CrosswalkError(
            "not a catalog or a crosswalk: expected 'elements' (a catalog) or 'mappings' (a crosswalk)",
            where=located.where(),
            tip="this looks like a product file: use 'iotprofile product validate'" if product_like else None,
        )
    return _validate(located, located.data)


def _validate(located: Located, raw: Any) -> Crosswalk:
    try:
        return Crosswalk.model_validate(raw)
    except ValidationError as exc:
        loc, message = first_error(exc)
        problem = _MAPPING_PROBLEM.match(message)
        if not loc and problem:
            loc, message = ("mappings", int(problem.group(1))), problem.group(2)
        raise located.error(CrosswalkError, _place(located, loc), message) from None


def _place(located: Located, loc: tuple[int | str, ...]) -> tuple[int | str, ...]:
    """A CSV row is a mapping: ``mappings[3].target`` is row 3's ``target`` column."""
    if located.is_csv and loc[:1] == ("mappings",) and len(loc) > 1:
        return loc[1:3]
    return loc


def _from_csv(located: Located) -> Crosswalk:
    rows: list[dict[str, str]] = located.data
    columns = set(located.columns)
    missing = [name for name in _REQUIRED_CSV if name not in columns]
    if missing:
        raise CrosswalkError(
            f"missing column(s) {', '.join(missing)}",
            where=f"{located.path} row 1",
            tip=f"a CSV mapping file has the columns {', '.join(CSV_MAPPING_COLUMNS)}",
        )
    unknown = columns - set(CSV_MAPPING_COLUMNS)
    if unknown:
        raise CrosswalkError(f"unknown column(s) {', '.join(sorted(unknown))}", where=f"{located.path} row 1")
    crosswalk_id = located.path.stem.lower()
    if not _DOCUMENT_ID.fullmatch(crosswalk_id):
        raise CrosswalkError(
            f"the file name gives the crosswalk ID {crosswalk_id!r}, which is not an ID",
            where=str(located.path),
            tip="name the file with lower-case letters, digits, dots and dashes, e.g. acme-to-nist-ir-8425.csv",
        )
    mappings = []
    for row in rows:
        mapping: dict[str, Any] = {key: value for key, value in row.items() if value}
        mapping.setdefault("origin", "user")
        if "component_kinds" in mapping:
            mapping["component_kinds"] = [part.strip() for part in mapping["component_kinds"].split(";")]
        mappings.append(mapping)
    raw = {"id": crosswalk_id, "title": located.path.stem, "origin": "user", "licence": "user-supplied",
           "mappings": mappings}  # fmt: skip
    return _validate(located, raw)


class CrosswalkLibrary:
    """All crosswalks, each checked against the catalogs: every mapping end must name a real element."""

    def __init__(self, catalogs: CatalogLibrary, *, bundled_dir: Path = BUNDLED_CROSSWALK_DIR) -> None:
        self._catalogs = catalogs
        self._bundled_dir = bundled_dir
        self._crosswalks: list[Crosswalk] | None = None

    @property
    def catalogs(self) -> CatalogLibrary:
        """The catalog library the crosswalks are checked against."""
        return self._catalogs

    def crosswalks(self) -> list[Crosswalk]:
        """Every crosswalk, bundled first then the user's, each fully checked."""
        if self._crosswalks is None:
            found: list[Crosswalk] = []
            seen: dict[str, str] = {}
            located_files = [read_located(path, CrosswalkError) for path in sorted(self._bundled_dir.glob("*.yaml"))]
            located_files += self._catalogs.user_crosswalk_files()
            for located in located_files:
                crosswalk = crosswalk_from(located)
                if crosswalk.id in seen:
                    raise CrosswalkError(
                        f"crosswalk ID {crosswalk.id!r} is also used by {seen[crosswalk.id]}", where=str(located.path)
                    )
                seen[crosswalk.id] = str(located.path)
                self.check(crosswalk, located)
                found.append(crosswalk)
            self._crosswalks = found
        return self._crosswalks

    def check(self, crosswalk: Crosswalk, located: Located) -> None:
        """Raise :class:`CrosswalkError` at the first mapping end, gap or unmapped entry that does not resolve."""
        checks: list[tuple[tuple[int | str, ...], ElementRef]] = []
        for index, mapping in enumerate(crosswalk.mappings):
            checks += [(("mappings", index, "source"), mapping.source), (("mappings", index, "target"), mapping.target)]
        checks += [(("gaps", index, "target"), gap.target) for index, gap in enumerate(crosswalk.gaps)]
        checks += [(("unmapped", index, "source"), item.source) for index, item in enumerate(crosswalk.unmapped)]
        for loc, ref in checks:
            try:
                self.resolve(ref)
            except IotprofileError as exc:
                raise located.error(CrosswalkError, _place(located, loc), exc.message, tip=exc.tip) from None

    def resolve(self, ref: ElementRef) -> None:
        """Raise unless ``ref`` names a known document and, if given, one of its elements."""
        try:
            self._catalogs.get(ref.document)
        except CatalogError as exc:
            raise CrosswalkError(exc.message, tip=exc.tip) from None
        if ref.element is not None:
            self._catalogs.require_element(ref.document, ref.element)

    def mappings(self) -> list[tuple[Crosswalk, Mapping]]:
        """Every mapping with the crosswalk it belongs to."""
        return [(crosswalk, mapping) for crosswalk in self.crosswalks() for mapping in crosswalk.mappings]
