"""Fixtures of the profile-build tests: the Group targets and the labels learned from the shipped crosswalks."""

from __future__ import annotations

import pytest

from iotprofile.catalog.library import CatalogLibrary
from iotprofile.crosswalk.library import CrosswalkLibrary
from iotprofile.profiles.build.group import Grouper
from iotprofile.profiles.build.labels import Label, Target, crosswalk_labels, target_of


@pytest.fixture(scope="session")
def target_8425(catalogs: CatalogLibrary) -> Target:
    """NIST IR 8425 as a Group target."""
    return target_of(catalogs, "nist-ir-8425")


@pytest.fixture(scope="session")
def target_8425a(catalogs: CatalogLibrary) -> Target:
    """NIST IR 8425A (8425 plus SU-3 and CSA-2) as a Group target."""
    return target_of(catalogs, "nist-ir-8425a")


@pytest.fixture(scope="session")
def labels_8425(crosswalks: CrosswalkLibrary, target_8425: Target) -> list[Label]:
    """Every label the shipped crosswalks give for NIST IR 8425."""
    return crosswalk_labels(crosswalks, target_8425)


@pytest.fixture(scope="session")
def grouper_8425(target_8425: Target, labels_8425: list[Label]) -> Grouper:
    """Group for NIST IR 8425, fitted on the shipped labels (fitting is deterministic, so one is shared)."""
    return Grouper(target_8425, labels_8425)


@pytest.fixture(scope="session")
def grouper_8425a(target_8425a: Target, crosswalks: CrosswalkLibrary) -> Grouper:
    """Group for NIST IR 8425A, fitted on the shipped labels."""
    return Grouper(target_8425a, crosswalk_labels(crosswalks, target_8425a))
