from __future__ import annotations

from iotprofile.catalog.model import ComponentKind
from iotprofile.crosswalk.library import CrosswalkLibrary
from iotprofile.crosswalk.model import ElementRef, Relationship
from iotprofile.crosswalk.query import Direction, Via, query


def _others(hits: list, direction: Direction) -> set[str]:  # type: ignore[type-arg]
    return {str(hit.other) for hit in hits if hit.direction is direction}


def test_router_sub_outcome_lists_the_four_router_standards(crosswalks: CrosswalkLibrary) -> None:
    hits = query(crosswalks, ElementRef.parse("nist-ir-8425a:DP-1"))
    informed = _others(hits, Direction.INFORMED_BY)
    assert {
        "bbf-tr-124-i8:SEC.FIRMWARE.2",
        "cablelabs-gds-bcp-1:DRP-001",
        "cablelabs-gds-bcp-1:OOB-002",
        "bsi-tr-03148:(4.1.1)[7]",
        "imda-ts-rg-sec-1:4.5",
    } <= informed
    direct = [hit for hit in hits if hit.via is Via.DIRECT]
    assert {hit.other.document for hit in direct} == {
        "bbf-tr-124-i8", "cablelabs-gds-bcp-1", "bsi-tr-03148", "imda-ts-rg-sec-1"
    }  # fmt: skip
    # The same element in the base profile brings ETSI, ASVS and MASVS requirements, marked as inherited.
    assert any(hit.via is Via.BASE and hit.other.document == "etsi-en-303-645" for hit in hits)


def test_etsi_provision_lists_the_sub_outcomes_it_serves(crosswalks: CrosswalkLibrary) -> None:
    hits = query(crosswalks, ElementRef.parse("etsi-en-303-645:5.1-1"))
    assert _others(hits, Direction.SERVES) == {"nist-ir-8425:IAC-1b"}
    (hit,) = hits
    assert hit.mapping.source == ElementRef.parse("etsi-en-303-645:5.1-1")
    assert hit.mapping.relationship is Relationship.SUBSET_OF


def test_both_directions_agree(crosswalks: CrosswalkLibrary) -> None:
    forward = query(crosswalks, ElementRef.parse("etsi-en-303-645:5.3-10"))
    for hit in forward:
        back = query(crosswalks, hit.other)
        turned = [b for b in back if b.other == ElementRef.parse("etsi-en-303-645:5.3-10")]
        assert turned, str(hit.other)
        assert turned[0].direction is Direction.INFORMED_BY
        assert turned[0].mapping.relationship is hit.mapping.relationship.inverse()


def test_component_kind_filter(crosswalks: CrosswalkLibrary) -> None:
    device = query(crosswalks, ElementRef.parse("nist-ir-8425:IAC-1b"), component_kind=ComponentKind.DEVICE)
    mobile = query(crosswalks, ElementRef.parse("nist-ir-8425:IAC-1b"), component_kind=ComponentKind.MOBILE_APP)
    assert "owasp-masvs-2.1" not in {hit.other.document for hit in device}
    assert "etsi-en-303-645" in {hit.other.document for hit in device}
    mobile_docs = {hit.other.document for hit in mobile}
    assert "owasp-masvs-2.1" in mobile_docs and "etsi-en-303-645" not in mobile_docs
    # Mappings without component kinds hold for any component (the 8259 lineage).
    assert "nist-ir-8259a" in mobile_docs


def test_outcome_level_mappings_apply_to_sub_outcomes(crosswalks: CrosswalkLibrary) -> None:
    hits = query(crosswalks, ElementRef.parse("nist-ir-8425:DP-1"), component_kind=ComponentKind.CLOUD_BACKEND)
    csa_star = [hit for hit in hits if str(hit.other) == "csa-star"]
    assert csa_star and csa_star[0].via is Via.ANCESTOR and str(csa_star[0].matched) == "nist-ir-8425:DP"


def test_descendants_are_included_for_a_parent(crosswalks: CrosswalkLibrary) -> None:
    hits = query(crosswalks, ElementRef.parse("nist-ir-8425:IAC-1"))
    assert any(hit.via is Via.DESCENDANT and str(hit.matched) == "nist-ir-8425:IAC-1b" for hit in hits)


def test_whole_document_query(crosswalks: CrosswalkLibrary) -> None:
    hits = query(crosswalks, ElementRef.parse("iso-iec-29147"))
    assert {str(hit.other) for hit in hits} == {
        "nist-ir-8425:DOC-1g", "nist-ir-8425:IQR-1a", "nist-ir-8425:ID-1d", "nist-ir-8425:ID-1e"
    }  # fmt: skip
