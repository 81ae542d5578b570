"""The use cases the CLI (and later the web app) call: thin shells parse input, call these, render the result.

Nothing here prints. Results are plain dataclasses or domain models; :func:`to_jsonable` turns any of them into
the JSON the ``--format json`` outputs are made of.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from iotprofile.catalog.library import CatalogLibrary, catalog_dirs_from_env
from iotprofile.catalog.loader import documents_from, is_catalog_file
from iotprofile.catalog.model import ComponentKind, Document, Element
from iotprofile.catalog.source import read_located
from iotprofile.crosswalk.library import CrosswalkLibrary, crosswalk_from
from iotprofile.crosswalk.model import Crosswalk, ElementRef, Gap
from iotprofile.crosswalk.query import CrosswalkHit, Direction, query
from iotprofile.errors import CatalogError, CrosswalkError, UnknownDocumentError
from iotprofile.profiles.resolve import resolve, resolve_profile


@dataclass
class Workspace:
    """The catalogs and crosswalks a command works with: bundled data plus the user's catalog directories."""

    catalogs: CatalogLibrary
    crosswalks: CrosswalkLibrary
    #: Documents resolved so far (documents are immutable, so a resolution is done once per workspace).
    resolved: dict[str, Document] = field(default_factory=dict)

    @classmethod
    def open(cls, catalog_dirs: Sequence[Path] = ()) -> Workspace:
        """Bundled data plus ``catalog_dirs`` and the directories in ``$IOTPROFILE_CATALOG_DIR``."""
        catalogs = CatalogLibrary([*catalog_dirs, *catalog_dirs_from_env()])
        workspace = cls(catalogs, CrosswalkLibrary(catalogs))
        if catalogs.user_dirs:
            # The user's files are read and checked whole before any command uses them: a bad file stops the
            # command (exit 3) instead of leaving some of the user's data loaded and some not.
            workspace.crosswalks.crosswalks()
        return workspace


# ------------------------------------------------------------------------------------------------------ catalogs


@dataclass(frozen=True)
class DocumentSummary:
    """One line of ``catalog list``."""

    id: str
    kind: str
    title: str
    short_title: str | None
    publisher: str
    version: str | None
    date: str | None
    content: str
    licence: str
    based_on: str | None
    elements: int


def list_documents(workspace: Workspace) -> list[DocumentSummary]:
    """Every known document; documents with elements (catalogs) first, then registry entries."""
    summaries = []
    for doc_id in workspace.catalogs.ids():
        doc = workspace.catalogs.get(doc_id)
        summaries.append(
            DocumentSummary(
                doc.id,
                doc.kind.value,
                doc.title,
                doc.short_title,
                doc.publisher,
                doc.version,
                doc.date,
                doc.content,
                doc.licence,
                doc.based_on,
                len(workspace.catalogs.element_ids(doc.id)),
            )
        )
    summaries.sort(key=lambda item: (item.content == "registry-entry", item.id))
    return summaries


def show_document(workspace: Workspace, doc_id: str) -> Document:
    """The document, with a profile resolved against its base (so it shows every element it offers)."""
    if doc_id not in workspace.resolved:
        workspace.resolved[doc_id] = resolve(workspace.catalogs, doc_id)
    return workspace.resolved[doc_id]


def render_document_json(doc: Document) -> str:
    """``catalog show DOC --format json`` output: the document with every field, two-space indented."""
    return doc.model_dump_json(indent=2) + "\n"


@dataclass(frozen=True)
class ElementView:
    """One element in context: its document, its parents and its children."""

    document: Document
    element: Element
    ancestors: tuple[Element, ...]
    children: tuple[Element, ...]


def show_element(workspace: Workspace, doc_id: str, element_id: str) -> ElementView:
    """One element of a (resolved) document, with its ancestors and its children."""
    doc = show_document(workspace, doc_id)
    workspace.catalogs.require_element(doc_id, element_id)
    element = doc.get(element_id)
    assert element is not None  # require_element checked it
    return ElementView(doc, element, doc.ancestors(element_id), doc.children(element_id))


# ---------------------------------------------------------------------------------------------------- crosswalk


@dataclass(frozen=True)
class CrosswalkRow:
    """One related element, as ``crosswalk`` shows it."""

    direction: Direction
    other: ElementRef
    other_title: str | None
    other_text: str | None
    other_strength: str | None
    relationship: str
    rationale: str
    explanation: str | None
    strength: int | None
    component_kinds: tuple[str, ...]
    origin: str
    origin_source: str | None
    review: str
    crosswalk: str
    via: str
    matched: ElementRef
    note: str | None


@dataclass(frozen=True)
class CrosswalkAnswer:
    """Everything that relates to one element, in both directions, and the gaps its sources declare."""

    query: ElementRef
    title: str | None
    text: str | None
    component_kind: ComponentKind | None
    rows: list[CrosswalkRow] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)


def _describe(workspace: Workspace, ref: ElementRef) -> tuple[str | None, str | None, str | None]:
    doc = workspace.catalogs.get(ref.document)
    if ref.element is None:
        return doc.short_title or doc.title, None, None
    element = show_document(workspace, ref.document).get(ref.element)
    if element is None:
        return None, None, None
    title = element.title or element.label
    return title, element.display_text, element.strength.value if element.strength else None


def crosswalk(workspace: Workspace, ref_text: str, *, component_kind: ComponentKind | None = None) -> CrosswalkAnswer:
    """Mappings that bear on ``DOC:ELEMENT``, both directions, with the other ends described."""
    try:
        ref = ElementRef.parse(ref_text)
    except ValueError as exc:
        raise CrosswalkError(str(exc), tip="write the reference as DOC:ELEMENT, e.g. nist-ir-8425a:DP-1") from None
    hits: list[CrosswalkHit] = query(workspace.crosswalks, ref, component_kind=component_kind)
    title, text, _ = _describe(workspace, ref)
    answer = CrosswalkAnswer(ref, title, text, component_kind)
    for hit in hits:
        other_title, other_text, other_strength = _describe(workspace, hit.other)
        mapping = hit.mapping
        answer.rows.append(
            CrosswalkRow(
                direction=hit.direction,
                other=hit.other,
                other_title=other_title,
                other_text=other_text,
                other_strength=other_strength,
                relationship=mapping.relationship.value,
                rationale=mapping.rationale.value,
                explanation=mapping.explanation,
                strength=mapping.strength,
                component_kinds=tuple(kind.value for kind in mapping.component_kinds),
                origin=mapping.origin.value,
                origin_source=mapping.origin_source,
                review=mapping.review.value,
                crosswalk=hit.crosswalk.id,
                via=hit.via.value,
                matched=hit.matched,
                note=mapping.note,
            )
        )
    related = {hit.matched for hit in hits} | {ref}
    answer.gaps.extend(gap for cw in workspace.crosswalks.crosswalks() for gap in cw.gaps if gap.target in related)
    return answer


# ------------------------------------------------------------------------------------------------------ validate


@dataclass(frozen=True)
class ValidationReport:
    """What ``validate`` found in a file that passed."""

    path: str
    kind: str
    ids: tuple[str, ...]
    elements: int = 0
    mappings: int = 0


def validate_file(workspace: Workspace, path: Path) -> ValidationReport:
    """Check a user's catalog or mapping file completely; raise the first problem found, located."""
    located = read_located(path, CatalogError)
    if is_catalog_file(located):
        docs = documents_from(located)
        for doc in docs:
            if workspace.catalogs.is_bundled(doc.id):
                raise CatalogError(
                    f"document ID {doc.id!r} is already a bundled catalog",
                    where=str(path),
                    tip="give your catalog its own ID",
                )
            if doc.based_on is not None:
                try:
                    resolve_profile(doc, resolve(workspace.catalogs, doc.based_on))
                except UnknownDocumentError as exc:
                    raise CatalogError(
                        f"based_on: {exc.message}", where=located.where(("based_on",)), tip=exc.tip
                    ) from None
        return ValidationReport(
            str(path), "catalog", tuple(doc.id for doc in docs), elements=sum(len(doc.elements) for doc in docs)
        )
    parsed: Crosswalk = crosswalk_from(located)
    workspace.crosswalks.check(parsed, located)
    return ValidationReport(str(path), "crosswalk", (parsed.id,), mappings=len(parsed.mappings))


# ------------------------------------------------------------------------------------------------------- output


def to_jsonable(value: Any) -> Any:
    """Domain models, dataclasses, enums and references as JSON-ready data (for ``--format json``)."""
    from dataclasses import fields, is_dataclass
    from enum import Enum
    from pathlib import PurePath

    from pydantic import BaseModel

    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if is_dataclass(value) and not isinstance(value, type):
        return {item.name: to_jsonable(getattr(value, item.name)) for item in fields(value)}
    if isinstance(value, Enum | PurePath):  # paths: 'profile build -f json' reports the files it wrote
        return value.value if isinstance(value, Enum) else str(value)
    if isinstance(value, list | tuple):
        return [to_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): to_jsonable(item) for key, item in value.items()}
    return value
