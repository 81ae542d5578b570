"""The pre-rendered JSON shipped for bundled catalogs is exactly what a fresh rendering gives."""

from __future__ import annotations

import pytest

from iotprofile.catalog.library import BUNDLED_CATALOG_DIR, REGISTRY_FILE, CatalogLibrary
from iotprofile.catalog.rendered import RENDERED_DIR, rendered_json
from iotprofile.services import Workspace, render_document_json, show_document

BUNDLED = sorted(path.stem for path in BUNDLED_CATALOG_DIR.glob("*.yaml") if path.name != REGISTRY_FILE)


@pytest.mark.parametrize("doc_id", BUNDLED)
def test_rendered_json_matches_the_data(workspace: Workspace, doc_id: str) -> None:
    fresh = render_document_json(show_document(workspace, doc_id))
    assert rendered_json(doc_id) == fresh, f"run `make render` after editing {doc_id}.yaml"


def test_no_stale_rendered_files() -> None:
    assert sorted(path.stem for path in RENDERED_DIR.glob("*.json")) == BUNDLED


@pytest.mark.parametrize("doc_id", ["../data/nist-ir-8425", "standards-registry", "iso-iec-29147", "NIST-IR-8425"])
def test_only_bundled_catalog_ids_are_pre_rendered(doc_id: str) -> None:
    assert rendered_json(doc_id) is None


@pytest.mark.parametrize("doc_id", BUNDLED)
def test_documents_loaded_from_rendered_json_equal_the_yaml_ones(catalogs: CatalogLibrary, doc_id: str) -> None:
    assert CatalogLibrary().get(doc_id) == catalogs.get(doc_id)
