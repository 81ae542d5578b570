"""Searching and filtering across documents, crosswalk tables and profile differences (services/explore.py)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest

from iotprofile.catalog.vocabulary import ComponentKind
from iotprofile.errors import CatalogError, CrosswalkError, UnknownDocumentError
from iotprofile.services import Workspace
from iotprofile.services.explore import ExploreIndex, IndexedElement, crosswalk_table, profile_differences

PROFILE = """\
id: acme-plug-profile
kind: profile
title: Smart plug profile
publisher: Acme
licence: proprietary
based_on: nist-ir-8425
product_type: smart plug
tailoring:
  rules:
  - replace: IoT product
    with: smart plug
    provenance: {status: user}
  removed: [PEA]
provenance: {status: user}
elements:
- id: DP-4
  parent: DP
  order: 0
  kind: sub_outcome
  title: Energy data stays local
  text: The smart plug keeps energy readings on the device unless the owner opts in.
  provenance: {status: user}
"""


@pytest.fixture(scope="module")
def index(workspace: Workspace) -> ExploreIndex:
    return ExploreIndex.build(workspace)


def refs(entries: Iterable[IndexedElement]) -> list[str]:
    return [entry.ref for entry in entries]


def test_search_finds_every_word_and_ranks_exact_ids_first(index: ExploreIndex) -> None:
    found = index.search("DP-1")
    assert found.items[0].element.id == "DP-1"
    both = index.search("default password").items
    assert "etsi-en-303-645:5.1-1" in refs(both)
    assert all("default" in entry.haystack and "password" in entry.haystack for entry in both)


def test_outcome_of_nist_elements_and_of_mapped_provisions(index: ExploreIndex) -> None:
    by_ref = {entry.ref: entry for entry in index.entries}
    assert by_ref["nist-ir-8425:IAC-1b"].outcomes == ("IAC",)
    assert by_ref["nist-ir-8425:IAC"].outcomes == ("IAC",)
    assert "IAC" in by_ref["etsi-en-303-645:5.1-1"].outcomes  # mapped to nist-ir-8425:IAC-1b
    assert by_ref["nist-ir-8425a:SU-3"].outcomes == ("SU",)


def test_component_kinds_default_to_the_documents(index: ExploreIndex) -> None:
    by_ref = {entry.ref: entry for entry in index.entries}
    assert by_ref["owasp-masvs-2.1:MASVS-STORAGE-1"].component_kinds == ("mobile_app",)
    assert by_ref["nist-ir-8425:DOC-1a"].component_kinds == ()  # the product as a whole
    masvs = index.search("", component_kind=ComponentKind.MOBILE_APP, document="owasp-masvs-2.1")
    assert masvs.total == len(index.by_document["owasp-masvs-2.1"])


def test_limit_keeps_the_total(index: ExploreIndex) -> None:
    found = index.search("", limit=5)
    assert len(found.items) == 5
    assert found.total == len(index.entries)


def test_bad_filters_are_errors(index: ExploreIndex) -> None:
    with pytest.raises(CatalogError, match="unknown outcome 'XYZ'"):
        index.search("x", outcome="XYZ")
    with pytest.raises(UnknownDocumentError):
        index.search("x", document="csa-star")  # known, but by name only


def test_crosswalk_table_standard_filter(workspace: Workspace) -> None:
    answer = crosswalk_table(workspace, "nist-ir-8425:DP-1", standard="etsi-en-303-645")
    assert answer.rows
    assert {row.other.document for row in answer.rows} == {"etsi-en-303-645"}
    with pytest.raises(UnknownDocumentError):
        crosswalk_table(workspace, "nist-ir-8425:DP-1", standard="no-such-standard")
    with pytest.raises(CrosswalkError):
        crosswalk_table(workspace, "  ")


def test_differences_of_8425a(workspace: Workspace) -> None:
    found = profile_differences(workspace, "nist-ir-8425a")
    assert found.base is not None
    assert found.base.id == "nist-ir-8425"
    assert [element.id for element in found.added] == ["SU-3", "CSA-2"]
    assert found.removed == ()
    changed = {change.id: change for change in found.changed}
    dp = changed["DP"].fields[0]
    assert dp.field == "text"
    assert [segment.op for segment in dp.segments].count("added") == 4  # four "IoT product"s reworded
    assert " ".join(segment.text for segment in dp.segments if segment.op != "removed") == dp.profile


def test_differences_with_removed_and_added_elements(tmp_path: Path) -> None:
    (tmp_path / "plug.yaml").write_text(PROFILE, encoding="utf-8")
    workspace = Workspace.open([tmp_path])
    found = profile_differences(workspace, "acme-plug-profile")
    assert [element.id for element in found.added] == ["DP-4"]
    removed = [element.id for element in found.removed]
    assert removed[0] == "PEA"
    assert "PEA-1.1" in removed  # the outcome's descendants go with it
    assert all(change.profile.provenance.status.value == "generated" for change in found.changed)
    index = ExploreIndex.build(workspace)
    assert "acme-plug-profile:DP-4" in refs(index.search("energy").items)


def test_differences_refuse_a_standard(workspace: Workspace) -> None:
    with pytest.raises(UnknownDocumentError, match="not a profile"):
        profile_differences(workspace, "etsi-en-303-645")
