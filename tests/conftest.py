"""Shared fixtures: every test runs with no user catalog directory from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from iotprofile.catalog.library import CatalogLibrary
from iotprofile.crosswalk.library import CrosswalkLibrary
from iotprofile.services import Workspace


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IOTPROFILE_CATALOG_DIR", raising=False)


@pytest.fixture(scope="session")
def catalogs() -> CatalogLibrary:
    """The bundled catalogs, read from their YAML sources (shared: they are immutable)."""
    return CatalogLibrary(prefer_rendered=False)


@pytest.fixture(scope="session")
def crosswalks(catalogs: CatalogLibrary) -> CrosswalkLibrary:
    """The bundled crosswalks, checked against the bundled catalogs."""
    return CrosswalkLibrary(catalogs)


@pytest.fixture(scope="session")
def workspace(catalogs: CatalogLibrary, crosswalks: CrosswalkLibrary) -> Workspace:
    """Bundled data only, as the CLI opens it without --catalog-dir."""
    return Workspace(catalogs, crosswalks)


@pytest.fixture
def data_dir() -> Path:
    """Where the bundled catalogs live."""
    from iotprofile.catalog.library import BUNDLED_CATALOG_DIR

    return BUNDLED_CATALOG_DIR
