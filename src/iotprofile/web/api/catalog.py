"""``/api/v1/catalogs``, ``/crosswalk``, ``/profiles``, ``/search``: the catalogs, crosswalks and profiles, read-only.

Any signed-in caller (an API token of any organisation, or a session) may read them: catalogs are not an
organisation's data.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from iotprofile.catalog.model import Document, Element, Provenance
from iotprofile.catalog.vocabulary import ComponentKind
from iotprofile.services import CrosswalkAnswer, show_document, show_element
from iotprofile.services.explore import IndexedElement, ProfileDifferences
from iotprofile.web.api.errors import ErrorOut
from iotprofile.web.catalog_cache import cached_crosswalk, cached_differences, explore_index
from iotprofile.web.catalog_cache import documents as catalog_documents
from iotprofile.web.context import ApiUser, State

router = APIRouter(prefix="/api/v1", tags=["catalogs"])


#: Every route: who may call it. Routes with parameters add :data:`NOT_FOUND` and :data:`INVALID`.
UNAUTHENTICATED: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "No session and no valid API token."}
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    **UNAUTHENTICATED,
    404: {"model": ErrorOut, "description": "Unknown document, element or outcome."},
}
INVALID: dict[int | str, dict[str, Any]] = {
    422: {"model": ErrorOut, "description": "A malformed parameter (a reference that is not DOC:ELEMENT, ...)."}
}
ERRORS = {**NOT_FOUND, **INVALID}
#: ``DOC`` or ``DOC:ELEMENT``, DOC a document ID (``nist-ir-8425a:DP-1``).
REF_PATTERN = r"^[a-z0-9][a-z0-9.\-]*[a-z0-9](:\S.*)?$"

DocId = Annotated[str, Path(max_length=100, description="Document ID, e.g. nist-ir-8425a.")]
ElementId = Annotated[str, Path(max_length=200, description="Element ID, e.g. DP-1.")]
Kind = Annotated[ComponentKind | None, Query(description="Only what holds for this kind of product component.")]


class ProvenanceOut(BaseModel):
    """Where a text came from."""

    status: str = Field(description="verified, seed, upstream, recalled, editorial, generated, user or unknown.")
    source: str | None
    note: str | None


class DocumentSummaryOut(BaseModel):
    """One document of the list."""

    id: str
    kind: str = Field(description="baseline, profile or standard.")
    title: str
    short_title: str | None
    publisher: str
    version: str | None
    date: str | None
    content: str = Field(description="What iotprofile ships: full-text, ids+summaries, ..., registry-entry.")
    licence: str
    based_on: str | None
    elements: int


class ElementOut(BaseModel):
    """An element of a document (a profile's elements as resolved against its base)."""

    id: str
    parent: str | None
    kind: str
    label: str | None
    title: str | None
    statement: str | None = Field(description="The source's wording, or failing that the project's summary.")
    text: str | None
    summary: str | None
    lead_in: str | None
    nature: str | None
    strength: str | None
    scope: str | None
    applies_to: list[str]
    provenance: ProvenanceOut
    notes: list[str]


class DocumentOut(DocumentSummaryOut):
    """A document with its elements, in source order."""

    product_type: str | None
    built_from: list[str]
    component_kinds: list[str]
    url: str | None
    known_gaps: list[str]
    items: list[ElementOut] = Field(description="The document's elements, in source order.")


class ElementDetailOut(BaseModel):
    """One element in context."""

    document: str
    element: ElementOut
    ancestors: list[str] = Field(description="IDs of the parent chain, nearest first.")
    children: list[ElementOut]


class CrosswalkRowOut(BaseModel):
    """One related element."""

    other: str = Field(description="The related element (or document), DOC:ELEMENT.")
    other_title: str | None
    other_text: str | None
    relationship: str = Field(description="NIST IR 8477 relationship, read 'QUERY <relationship> OTHER'.")
    direction: str = Field(description="informed_by (the other end informs the query) or serves.")
    via: str = Field(description="direct, ancestor, descendant or base: why the mapping applies to the query.")
    matched: str = Field(description="The element on the query's side the mapping names.")
    rationale: str
    explanation: str | None
    strength: int | None
    component_kinds: list[str]
    origin: str
    review: str
    crosswalk: str


class GapOut(BaseModel):
    """An element for which a source explicitly names nothing."""

    target: str
    status: str
    as_printed: str | None


class CrosswalkOut(BaseModel):
    """Everything that relates to one element."""

    query: str
    title: str | None
    text: str | None
    component_kind: str | None
    standard: str | None
    rows: list[CrosswalkRowOut]
    gaps: list[GapOut]


class WordingSegmentOut(BaseModel):
    """A run of words: kept (equal), added by the profile or removed from the base."""

    op: str
    text: str


class FieldChangeOut(BaseModel):
    """A field the profile words differently."""

    field: str = Field(description="title, text or lead_in.")
    base: str | None
    profile: str | None
    segments: list[WordingSegmentOut]


class ElementChangeOut(BaseModel):
    """An element both documents have, worded differently."""

    id: str
    title: str | None
    fields: list[FieldChangeOut]
    provenance: ProvenanceOut = Field(description="Where the profile's wording came from.")


class TailoringRuleOut(BaseModel):
    """A wording substitution the profile applies to its base."""

    replace: str
    with_: str = Field(serialization_alias="with")


class DifferencesOut(BaseModel):
    """A profile against its base."""

    profile: str
    base: str | None
    product_type: str | None
    rules: list[TailoringRuleOut]
    added: list[ElementOut]
    removed: list[ElementOut]
    changed: list[ElementChangeOut]


class SearchHitOut(BaseModel):
    """A matching element."""

    document: str
    ref: str
    element: ElementOut
    outcomes: list[str]
    component_kinds: list[str]


class SearchOut(BaseModel):
    """Matching elements, best first."""

    total: int = Field(description="Matches in all; at most `limit` are listed.")
    items: list[SearchHitOut]


def _provenance(provenance: Provenance) -> ProvenanceOut:
    return ProvenanceOut(status=provenance.status.value, source=provenance.source, note=provenance.note)


def _element(element: Element) -> ElementOut:
    return ElementOut(
        id=element.id,
        parent=element.parent,
        kind=element.kind.value,
        label=element.label,
        title=element.title,
        statement=element.display_text,
        text=element.text,
        summary=element.summary,
        lead_in=element.lead_in,
        nature=element.nature.value if element.nature else None,
        strength=element.strength.value if element.strength else None,
        scope=element.scope.value if element.scope else None,
        applies_to=[kind.value for kind in element.applies_to],
        provenance=_provenance(element.provenance),
        notes=list(element.notes),
    )


def _document(doc: Document, elements: int) -> DocumentOut:
    return DocumentOut(
        id=doc.id,
        kind=doc.kind.value,
        title=doc.title,
        short_title=doc.short_title,
        publisher=doc.publisher,
        version=doc.version,
        date=doc.date,
        content=doc.content,
        licence=doc.licence,
        based_on=doc.based_on,
        elements=elements,
        product_type=doc.product_type,
        built_from=list(doc.built_from),
        component_kinds=[kind.value for kind in doc.component_kinds],
        url=doc.url,
        known_gaps=list(doc.known_gaps),
        items=[_element(element) for element in doc.elements],
    )


def _crosswalk(answer: CrosswalkAnswer, standard: str | None) -> CrosswalkOut:
    return CrosswalkOut(
        query=str(answer.query),
        title=answer.title,
        text=answer.text,
        component_kind=answer.component_kind.value if answer.component_kind else None,
        standard=standard,
        rows=[
            CrosswalkRowOut(
                other=str(row.other),
                other_title=row.other_title,
                other_text=row.other_text,
                relationship=row.relationship,
                direction=row.direction.value,
                via=row.via,
                matched=str(row.matched),
                rationale=row.rationale,
                explanation=row.explanation,
                strength=row.strength,
                component_kinds=list(row.component_kinds),
                origin=row.origin,
                review=row.review,
                crosswalk=row.crosswalk,
            )
            for row in answer.rows
        ],
        gaps=[GapOut(target=str(gap.target), status=gap.status, as_printed=gap.as_printed) for gap in answer.gaps],
    )


def _differences(found: ProfileDifferences) -> DifferencesOut:
    return DifferencesOut(
        profile=found.profile.id,
        base=found.base.id if found.base else None,
        product_type=found.profile.product_type,
        rules=[TailoringRuleOut(replace=rule.replace, with_=rule.with_) for rule in found.rules],
        added=[_element(element) for element in found.added],
        removed=[_element(element) for element in found.removed],
        changed=[
            ElementChangeOut(
                id=change.id,
                title=change.profile.title,
                fields=[
                    FieldChangeOut(
                        field=item.field,
                        base=item.base,
                        profile=item.profile,
                        segments=[WordingSegmentOut(op=segment.op, text=segment.text) for segment in item.segments],
                    )
                    for item in change.fields
                ],
                provenance=_provenance(change.profile.provenance),
            )
            for change in found.changed
        ],
    )


def _hit(entry: IndexedElement) -> SearchHitOut:
    return SearchHitOut(
        document=entry.document,
        ref=entry.ref,
        element=_element(entry.element),
        outcomes=list(entry.outcomes),
        component_kinds=list(entry.component_kinds),
    )


@router.get(
    "/catalogs", response_model=list[DocumentSummaryOut], responses=UNAUTHENTICATED, summary="List every known document"
)
async def catalogs(state: State, _user: ApiUser) -> list[DocumentSummaryOut]:
    """Catalogs with elements first (baselines, profiles, standards), then documents known by name only."""
    documents = await catalog_documents(state)
    return [
        DocumentSummaryOut(
            id=item.id,
            kind=item.kind,
            title=item.title,
            short_title=item.short_title,
            publisher=item.publisher,
            version=item.version,
            date=item.date,
            content=item.content,
            licence=item.licence,
            based_on=item.based_on,
            elements=item.elements,
        )
        for item in documents
    ]


@router.get("/catalogs/{doc}", response_model=DocumentOut, responses=ERRORS, summary="A document with its elements")
async def catalog(state: State, _user: ApiUser, doc: DocId) -> DocumentOut:
    """The document; a profile resolved against its base, so it lists every element it offers."""
    await explore_index(state)  # reads (and resolves) every catalog once, off the event loop
    found = show_document(state.workspace, doc)
    result: DocumentOut = await state.acached(
        ("explore", "api-document", doc), lambda: _document(found, len(found.elements))
    )
    return result


@router.get(
    "/catalogs/{doc}/elements/{element}",
    response_model=ElementDetailOut,
    responses=ERRORS,
    summary="One element with its parents and children",
)
async def catalog_element(state: State, _user: ApiUser, doc: DocId, element: ElementId) -> ElementDetailOut:
    """The element, the IDs of its parent chain (nearest first) and its children."""
    await explore_index(state)
    view = show_element(state.workspace, doc, element)
    return ElementDetailOut(
        document=view.document.id,
        element=_element(view.element),
        ancestors=[item.id for item in view.ancestors],
        children=[_element(child) for child in view.children],
    )


@router.get(
    "/crosswalk",
    response_model=CrosswalkOut,
    responses=ERRORS,
    summary="What relates to an element, across every crosswalk",
)
async def crosswalk(
    state: State,
    _user: ApiUser,
    *,
    ref: Annotated[
        str,
        Query(min_length=1, max_length=200, pattern=REF_PATTERN, description="DOC:ELEMENT, e.g. nist-ir-8425a:DP-1."),
    ],
    component_kind: Kind = None,
    standard: Annotated[
        str | None, Query(max_length=100, description="Only rows whose other end is in this document.")
    ] = None,
) -> CrosswalkOut:
    """Mappings to the element, its parents and children and (for a profile) its base's element, both ways."""
    standard = (standard or "").strip() or None
    answer = await cached_crosswalk(state, ref.strip(), component_kind, standard)
    return _crosswalk(answer, standard)


@router.get(
    "/profiles/{profile_id}/differences",
    response_model=DifferencesOut,
    responses=ERRORS,
    summary="What a profile adds to, removes from and rewords in its base",
)
async def differences(
    state: State, _user: ApiUser, profile_id: Annotated[str, Path(max_length=100, description="e.g. nist-ir-8425a.")]
) -> DifferencesOut:
    """Added, removed and reworded elements (with a word-level diff); ``base`` is null for a profile without one."""
    found = await cached_differences(state, profile_id)
    return _differences(found)


@router.get("/search", response_model=SearchOut, responses=ERRORS, summary="Search elements")
async def search(
    state: State,
    _user: ApiUser,
    *,
    q: Annotated[str, Query(max_length=200, description="Words that must all appear in ID, title or statement.")] = "",
    outcome: Annotated[str | None, Query(max_length=20, description="Outcome ID, e.g. DP or IAC.")] = None,
    component_kind: Kind = None,
    document: Annotated[str | None, Query(max_length=100, description="Only this document's elements.")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> SearchOut:
    """Elements of every document matching the words and filters, best first (exact IDs, then IDs, titles)."""
    index = await explore_index(state)
    found = index.search(
        q, outcome=(outcome or "").strip() or None, component_kind=component_kind,
        document=(document or "").strip() or None, limit=limit,
    )  # fmt: skip
    return SearchOut(total=found.total, items=[_hit(entry) for entry in found.items])
