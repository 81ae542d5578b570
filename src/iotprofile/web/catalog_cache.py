"""The catalog explorer's derived views, cached per app: catalogs are immutable while the app runs.

Async, like the app's other hot read routes: a cached view is returned on the event loop, a miss is built in a
worker thread (the first index build reads every catalog and crosswalk: about half a second).
"""

from __future__ import annotations

from iotprofile.catalog.vocabulary import ComponentKind
from iotprofile.services import CrosswalkAnswer, DocumentSummary, list_documents
from iotprofile.services.explore import ExploreIndex, ProfileDifferences, crosswalk_table, profile_differences
from iotprofile.web.context import WebState


async def explore_index(state: WebState) -> ExploreIndex:
    """The app's search index over every document (built on first use)."""
    index: ExploreIndex = await state.acached(("explore", "index"), lambda: ExploreIndex.build(state.workspace))
    return index


async def cached_crosswalk(
    state: WebState, ref: str, kind: ComponentKind | None, standard: str | None
) -> CrosswalkAnswer:
    """A crosswalk answer, computed once per (reference, kind, standard)."""
    answer: CrosswalkAnswer = await state.acached(
        ("explore", "crosswalk", ref, kind, standard),
        lambda: crosswalk_table(state.workspace, ref, component_kind=kind, standard=standard),
    )
    return answer


async def cached_differences(state: WebState, profile_id: str) -> ProfileDifferences:
    """A profile's differences from its base, computed once per profile."""
    found: ProfileDifferences = await state.acached(
        ("explore", "differences", profile_id), lambda: profile_differences(state.workspace, profile_id)
    )
    return found


async def documents(state: WebState) -> list[DocumentSummary]:
    """Every known document (the catalog list)."""
    found: list[DocumentSummary] = await state.acached(
        ("explore", "documents"), lambda: list_documents(state.workspace)
    )
    return found
