"""Catalog and crosswalk explorer and profile viewer pages (read-only; any member of the organisation).

Catalogs are immutable for the life of the app, so the search index, crosswalk answers and profile differences are
computed once and kept in the app's cache.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from iotprofile.catalog.vocabulary import ComponentKind
from iotprofile.errors import CatalogError, CrosswalkError, UnknownDocumentError, UnknownElementError
from iotprofile.services import show_document, show_element
from iotprofile.web.catalog_cache import cached_crosswalk, cached_differences, explore_index
from iotprofile.web.catalog_cache import documents as catalog_documents
from iotprofile.web.context import PagePrincipal, State
from iotprofile.web.templating import render

router = APIRouter(include_in_schema=False)

Text = Annotated[str, Query(max_length=200)]
#: The filter forms send ``kind=`` for "Any": an empty value is no filter, not an error.
Kind = Annotated[str, Query(max_length=40)]


def _blank(value: str) -> str | None:
    return value.strip() or None


def _kind(value: str) -> ComponentKind | None:
    """The component kind a filter names (None for any); an unknown kind is a clear 422."""
    if not value.strip():
        return None
    try:
        return ComponentKind(value.strip())
    except ValueError:
        raise CatalogError(
            f"unknown component kind {value.strip()!r}",
            tip="use one of " + ", ".join(kind.value for kind in ComponentKind),
        ) from None


@router.get("/o/{org}/catalog")
async def catalog_index(
    request: Request,
    state: State,
    _principal: PagePrincipal,
    *,
    q: Text = "",
    outcome: Text = "",
    kind: Kind = "",
    document: Text = "",
) -> Response:
    """Every document, and a search over every element with outcome, component-kind and document filters."""
    chosen = _kind(kind)
    index = await explore_index(state)
    searching = bool(q.strip() or outcome or chosen or document)
    results = (
        index.search(q, outcome=_blank(outcome), component_kind=chosen, document=_blank(document))
        if searching
        else None
    )
    documents = await catalog_documents(state)
    return render(
        request,
        "catalog/index.html",
        {
            "documents": documents,
            "index": index,
            "results": results,
            "filters": {"q": q, "outcome": outcome, "kind": chosen.value if chosen else "", "document": document},
            "kinds": list(ComponentKind),
        },
    )


@router.get("/o/{org}/catalog/{doc}")
async def catalog_document(
    request: Request,
    state: State,
    _principal: PagePrincipal,
    *,
    doc: str,
    q: Text = "",
    outcome: Text = "",
    kind: Kind = "",
) -> Response:
    """A document's facts and its elements as a tree (indented table), narrowed by search and filters."""
    chosen = _kind(kind)
    index = await explore_index(state)  # reads (and resolves) every catalog once, off the event loop
    document = show_document(state.workspace, doc)
    rows = index.document_elements(document.id, query=q, outcome=_blank(outcome), component_kind=chosen)
    filtered = bool(q.strip() or outcome or chosen)
    return render(
        request,
        "catalog/document.html",
        {
            "document": document,
            "rows": rows,
            "total": len(index.by_document.get(document.id, ())),
            "filtered": filtered,
            "index": index,
            "filters": {"q": q, "outcome": outcome, "kind": chosen.value if chosen else ""},
            "kinds": list(ComponentKind),
        },
    )


@router.get("/o/{org}/catalog/{doc}/{element:path}")
async def catalog_element(
    request: Request,
    state: State,
    _principal: PagePrincipal,
    *,
    doc: str,
    element: str,
    kind: Kind = "",
    standard: Text = "",
) -> Response:
    """One element: statement, provenance, parent and children, and what crosswalks map to it."""
    chosen = _kind(kind)
    await explore_index(state)  # reads (and resolves) every catalog once, off the event loop
    view = show_element(state.workspace, doc, element)
    unfiltered = await cached_crosswalk(state, f"{doc}:{element}", None, None)
    answer = await cached_crosswalk(state, f"{doc}:{element}", chosen, _blank(standard))
    return render(
        request,
        "catalog/element.html",
        {
            "view": view,
            "answer": answer,
            "standards": sorted({row.other.document for row in unfiltered.rows}),
            "filters": {"kind": chosen.value if chosen else "", "standard": standard},
            "kinds": list(ComponentKind),
        },
    )


@router.get("/o/{org}/crosswalk")
async def crosswalk_page(
    request: Request,
    state: State,
    _principal: PagePrincipal,
    *,
    ref: Text = "",
    kind: Kind = "",
    standard: Text = "",
) -> Response:
    """The crosswalk answer for ``ref`` (``DOC:ELEMENT``) as a table; an empty form without ``ref``."""
    chosen = _kind(kind)
    answer = unfiltered = None
    error = None
    status = 200
    if ref.strip():
        try:
            answer = await cached_crosswalk(state, ref.strip(), chosen, _blank(standard))
            unfiltered = await cached_crosswalk(state, ref.strip(), None, None)
        except (CrosswalkError, CatalogError) as exc:  # the form again, with the message beside it
            error = exc.one_line()
            status = 404 if isinstance(exc, UnknownDocumentError | UnknownElementError) else 422
    documents = await catalog_documents(state)
    return render(
        request,
        "catalog/crosswalk.html",
        {
            "answer": answer,
            "error": error,
            "standards": sorted({row.other.document for row in unfiltered.rows}) if unfiltered else [],
            "documents": documents,
            "filters": {"ref": ref, "kind": chosen.value if chosen else "", "standard": standard},
            "kinds": list(ComponentKind),
        },
        status=status,
    )


@router.get("/o/{org}/profiles/{profile_id}")
async def profile_page(request: Request, state: State, _principal: PagePrincipal, profile_id: str) -> Response:
    """A profile: its outcomes and sub-outcomes, and what it adds to, removes from and rewords in its base."""
    differences = await cached_differences(state, profile_id)
    index = await explore_index(state)
    return render(
        request,
        "catalog/profile.html",
        {
            "diff": differences,
            "rows": index.by_document.get(profile_id, ()),
            "marks": {
                **{change.id: "changed" for change in differences.changed},
                **{element.id: "added" for element in differences.added},
            },
        },
    )
