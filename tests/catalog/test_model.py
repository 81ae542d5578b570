from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from iotprofile.catalog.model import Document
from iotprofile.crosswalk.model import Crosswalk, ElementRef, Mapping, Relationship


def _doc(**changes: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "id": "acme-std",
        "kind": "standard",
        "title": "ACME",
        "publisher": "ACME",
        "licence": "user-supplied",
        "provenance": {"status": "user"},
        "elements": [
            {"id": "A", "order": 0, "kind": "group", "provenance": {"status": "user"}},
            {
                "id": "A-1",
                "parent": "A",
                "order": 1,
                "kind": "requirement",
                "text": "t",
                "provenance": {"status": "user"},
            },
        ],
    }
    raw.update(changes)
    return raw


def test_document_navigation() -> None:
    doc = Document.model_validate(_doc())
    assert doc.get("A-1") is not None and "A" in doc and "B" not in doc
    assert [e.id for e in doc.children(None)] == ["A"]
    assert [e.id for e in doc.descendants("A")] == ["A-1"]
    assert [e.id for e in doc.ancestors("A-1")] == ["A"]


def test_copy_with_new_elements_does_not_reuse_a_stale_index() -> None:
    doc = Document.model_validate(_doc())
    assert doc.get("A-1") is not None
    copy = doc.model_copy(update={"elements": doc.elements[:1]})
    assert copy.get("A-1") is None


@pytest.mark.parametrize(
    ("elements", "message"),
    [
        ([{"id": "A", "order": 0, "kind": "group", "provenance": {"status": "user"}}] * 2, "duplicate element ID 'A'"),
        ([{"id": "A", "parent": "Z", "order": 0, "kind": "group", "provenance": {"status": "user"}}], "unknown parent"),
        (
            [
                {"id": "A", "parent": "B", "order": 0, "kind": "group", "provenance": {"status": "user"}},
                {"id": "B", "parent": "A", "order": 1, "kind": "group", "provenance": {"status": "user"}},
            ],
            "loops",
        ),
    ],
)
def test_inconsistent_documents_are_refused(elements: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Document.model_validate(_doc(elements=elements))


def test_bad_document_id_and_date_are_refused() -> None:
    with pytest.raises(ValidationError):
        Document.model_validate(_doc(id="Not An ID"))
    with pytest.raises(ValidationError, match="YYYY"):
        Document.model_validate(_doc(date="22/11/2026"))


def test_element_refs_parse_and_print() -> None:
    assert ElementRef.parse("etsi-en-303-645:5.1-1") == ElementRef(document="etsi-en-303-645", element="5.1-1")
    assert ElementRef.parse("bsi-tr-03148:(4.2)[3]").element == "(4.2)[3]"
    assert ElementRef.parse("iso-iec-29147").element is None
    assert str(ElementRef.parse("nist-ir-8425:DP-1")) == "nist-ir-8425:DP-1"
    for bad in ("", "Bad Doc:X", "nist-ir-8425:"):
        with pytest.raises(ValueError, match=r"DOC|element ID"):
            ElementRef.parse(bad)


def test_mapping_reverses_with_the_inverse_relationship() -> None:
    mapping = Mapping.model_validate(
        {"source": "a-b:1", "target": "c-d:2", "relationship": "subset_of", "rationale": "semantic", "origin": "user"}
    )
    back = mapping.reversed()
    assert (str(back.source), str(back.target), back.relationship) == ("c-d:2", "a-b:1", Relationship.SUPERSET_OF)
    assert mapping.model_dump(mode="json")["source"] == "a-b:1"


def test_crosswalk_mappings_inherit_origin_and_refuse_duplicates() -> None:
    row = {"source": "a-b:1", "target": "c-d:2", "relationship": "equal", "rationale": "syntactic"}
    crosswalk = Crosswalk.model_validate(
        {"id": "x-y", "title": "t", "origin": "project_curated", "licence": "l", "mappings": [row]}
    )
    assert crosswalk.mappings[0].origin.value == "project_curated"
    with pytest.raises(ValidationError, match="duplicate mapping"):
        Crosswalk.model_validate({"id": "x-y", "title": "t", "origin": "user", "licence": "l", "mappings": [row, row]})
    with pytest.raises(ValidationError, match="confidence"):
        Crosswalk.model_validate({"id": "x-y", "title": "t", "origin": "suggested", "licence": "l", "mappings": [row]})


def test_a_searched_document_still_equals_its_copy() -> None:
    doc = Document.model_validate(_doc())
    copy = Document.model_validate(_doc())
    assert doc.get("A-1") is not None  # fills doc's element index, not copy's
    assert doc == copy
    assert hash(doc) == hash(copy)
