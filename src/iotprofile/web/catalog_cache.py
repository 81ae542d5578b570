"""The catalog explorer's derived views, cached per app: catalogs are immutable while the app runs.

Async, like the app's other hot read routes: a cached view is returned on the event loop, a miss is built in a
worker thread (the first index build reads every catalog and crosswalk: about half a second).
"""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock

from starlette.concurrency import run_in_threadpool

from iotprofile.catalog.vocabulary import ComponentKind
from iotprofile.services import CrosswalkAnswer, DocumentSummary, list_documents
from iotprofile.services.explore import ExploreIndex, ProfileDifferences, crosswalk_table, profile_differences
from iotprofile.web.context import WebState

#: The search index's key in the app's cache.
INDEX_KEY = ("explore", "index")


async def explore_index(state: WebState) -> ExploreIndex:
    """The app's search index over every document (built on first use, or by :func:`warm_up`)."""
    index: ExploreIndex = await state.acached(INDEX_KEY, lambda: ExploreIndex.build(state.workspace))
    return index


def warm_up(state: WebState) -> None:
    """Build the search index now (``serve`` does it in a thread at start-up), then freeze it for the collector."""
    import gc

    state.cached(INDEX_KEY, lambda: ExploreIndex.build(state.workspace))
    gc.freeze()


class CrosswalkAnswers:
    """Crosswalk answers by (reference, kind, standard), the least recently used dropped past ``limit``.

    Kept apart from the app's shared cache (one entry there): there are thousands of possible keys, and filling
    the shared cache would clear everyone's views.
    """

    def __init__(self, limit: int = 1024) -> None:
        self._limit = limit
        self._lock = Lock()
        self._items: OrderedDict[tuple[str, ComponentKind | None, str | None], CrosswalkAnswer] = OrderedDict()

    def get(self, key: tuple[str, ComponentKind | None, str | None]) -> CrosswalkAnswer | None:
        """The stored answer, or None."""
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple[str, ComponentKind | None, str | None], answer: CrosswalkAnswer) -> None:
        """Store an answer, dropping the least recently used past the limit."""
        with self._lock:
            self._items[key] = answer
            while len(self._items) > self._limit:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


async def cached_crosswalk(
    state: WebState, ref: str, kind: ComponentKind | None, standard: str | None
) -> CrosswalkAnswer:
    """A crosswalk answer, computed once per (reference, kind, standard) while it stays in use."""
    answers: CrosswalkAnswers = state.cached(("explore", "crosswalk-answers"), CrosswalkAnswers)
    key = (ref, kind, standard)
    found = answers.get(key)
    if found is None:
        found = await run_in_threadpool(crosswalk_table, state.workspace, ref, component_kind=kind, standard=standard)
        answers.put(key, found)
    return found


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
