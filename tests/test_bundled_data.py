"""Integrity of everything bundled: it loads, IDs are unique, every mapping end resolves, provenance is present,
and the catalogs hold exactly what the seeds and the issue say they must."""

from __future__ import annotations

from collections import Counter

import pytest

from iotprofile.catalog.library import CatalogLibrary
from iotprofile.catalog.model import Document, ElementKind, Nature, Scope, Strength, TextStatus
from iotprofile.crosswalk.library import CrosswalkLibrary
from iotprofile.crosswalk.model import ElementRef, Origin
from iotprofile.profiles.resolve import resolve

CATALOGS_WITH_ELEMENTS = [
    "nist-ir-8259a", "nist-ir-8259b", "nist-ir-8425", "nist-ir-8425a", "etsi-en-303-645", "bbf-tr-124-i8",
    "cablelabs-gds-bcp-1", "bsi-tr-03148", "imda-ts-rg-sec-1", "owasp-asvs-5.0", "owasp-masvs-2.1",
]  # fmt: skip

IR_8425_SUB_OUTCOMES = [
    "AI-1", "AI-2", "PC-1", "PC-2", "PC-3", "DP-1", "DP-2", "DP-3", "IAC-1", "IAC-1a", "IAC-1b", "IAC-1c",
    "IAC-2", "IAC-2a", "IAC-2b", "IAC-2c", "SU-1", "SU-2", "CSA-1",
    "DOC-1", "DOC-1a", "DOC-1b", "DOC-1c", "DOC-1d", "DOC-1e", "DOC-1f", "DOC-1g",
    "IQR-1", "IQR-1a", "IQR-1b", "ID-1", "ID-1a", "ID-1b", "ID-1c", "ID-1d", "ID-1e", "ID-2",
    "PEA-1", "PEA-1.1", "PEA-1.2", "PEA-1.3", "PEA-1.4", "PEA-1.5",
]  # fmt: skip

#: The router crosswalk rows exactly as the seed slides print them (duplicates included).
SLIDE_ROWS = {
    "DP-1": {
        "bbf-tr-124-i8": ["SEC.FIRMWARE.2"],
        "cablelabs-gds-bcp-1": ["DRP-001", "KEY-001", "KEY-002", "KEY-003", "HR-003", "HR-004", "SB-005", "OOB-002"],
        "bsi-tr-03148": ["(4.1.1)[7]"],
        "imda-ts-rg-sec-1": ["4.5"],
    },
    "SU-1": {
        "bbf-tr-124-i8": ["GEN.OPS.22", "GEN.OPS.23"],
        "cablelabs-gds-bcp-1": ["KEY-004", "KEY-005", "SB-001", "SU-001", "SU-005", "SBOM-009", "SB-002", "SU-003"],
        "bsi-tr-03148": ["(4.2)[1]", "(4.2)[3]", "(4.2)[3]", "(4.2)[6]"],
        "imda-ts-rg-sec-1": ["4.3"],
    },
    "SU-3": {"bbf-tr-124-i8": ["GEN.OPS.15", "GEN.OPS.24"], "cablelabs-gds-bcp-1": ["SU-004"]},
    "CSA-2": {"bbf-tr-124-i8": ["GEN.OPS.6"], "cablelabs-gds-bcp-1": ["AR-002"]},
}


def test_every_document_loads_and_has_provenance(catalogs: CatalogLibrary) -> None:
    documents = catalogs.all()
    assert len(documents) >= 80
    for doc in documents:
        assert doc.provenance.status, doc.id
        for element in doc.elements:
            assert element.provenance.status, (doc.id, element.id)
            # Absent text must say so: status unknown, or a summary/ID-only entry that explains itself.
            if element.text is None and element.kind is not ElementKind.GROUP:
                assert element.summary is not None or element.provenance.status in {
                    TextStatus.UNKNOWN,
                    TextStatus.SEED,
                }, (doc.id, element.id)
            if element.provenance.status is TextStatus.UNKNOWN:
                assert element.text is None, (doc.id, element.id)


@pytest.mark.parametrize("doc_id", CATALOGS_WITH_ELEMENTS)
def test_catalog_files_are_consistent(catalogs: CatalogLibrary, doc_id: str) -> None:
    doc = catalogs.get(doc_id)
    ids = [element.id for element in doc.elements]
    assert len(ids) == len(set(ids))
    assert [element.order for element in doc.elements] == list(range(len(ids)))
    assert doc.elements, doc_id
    # Parents come before their children (the files are in source order, pre-order).
    seen: set[str] = set()
    for element in doc.elements:
        assert element.parent is None or element.parent in seen or doc.based_on, (doc_id, element.id)
        seen.add(element.id)


def test_copyrighted_standards_ship_no_requirement_text(catalogs: CatalogLibrary) -> None:
    for doc_id in ("etsi-en-303-645", "bbf-tr-124-i8", "cablelabs-gds-bcp-1", "bsi-tr-03148", "imda-ts-rg-sec-1"):
        doc = catalogs.get(doc_id)
        assert doc.content != "full-text"
        assert all(element.text is None for element in doc.elements if element.kind is ElementKind.REQUIREMENT)


def test_owasp_catalogs_are_complete_and_attributed(catalogs: CatalogLibrary) -> None:
    asvs = catalogs.get("owasp-asvs-5.0")
    masvs = catalogs.get("owasp-masvs-2.1")
    assert sum(element.kind is ElementKind.REQUIREMENT for element in asvs.elements) == 345
    assert sum(element.kind is ElementKind.REQUIREMENT for element in masvs.elements) == 24
    for doc in (asvs, masvs):
        assert doc.licence == "CC-BY-SA-4.0"
        assert doc.attribution and "CC BY-SA 4.0" in doc.attribution
        assert all(element.provenance.status is TextStatus.UPSTREAM for element in doc.elements)
    v6_2_1 = asvs.get("V6.2.1")
    assert v6_2_1 is not None and v6_2_1.text and v6_2_1.text.startswith("Verify that")
    assert v6_2_1.level == "L1"


def test_ir_8425_has_every_sub_outcome(catalogs: CatalogLibrary) -> None:
    doc = catalogs.get("nist-ir-8425")
    for element_id in IR_8425_SUB_OUTCOMES:
        assert element_id in doc, element_id
    outcomes = [element for element in doc.elements if element.kind is ElementKind.OUTCOME]
    assert [element.id for element in outcomes] == ["AI", "PC", "DP", "IAC", "SU", "CSA", "DOC", "IQR", "ID", "PEA"]
    assert {element.nature for element in outcomes[:6]} == {Nature.TECHNICAL}
    assert {element.nature for element in outcomes[6:]} == {Nature.NON_TECHNICAL}
    doc_1c = doc.get("DOC-1c")
    assert doc_1c is not None and doc_1c.label == "Documentation 1c"
    assert doc_1c.text is not None and doc_1c.text.endswith("based on risk assessment).")
    assert doc_1c.scope is Scope.PRODUCT_AS_A_WHOLE and doc_1c.applies_to == ()
    pea = [doc.get(f"PEA-1.{n}") for n in range(1, 6)]
    assert all(item is not None and item.parent == "PEA-1" for item in pea)
    dp_1 = doc.get("DP-1")
    assert dp_1 is not None and dp_1.scope is Scope.EACH_COMPONENT
    assert dp_1.text == "Each IoT product component protects data it stores via secure means."


def test_ir_8425_unknown_stems_are_absent_not_invented(catalogs: CatalogLibrary) -> None:
    doc = catalogs.get("nist-ir-8425")
    for element_id in ("DOC-1", "IQR-1", "ID-1"):
        element = doc.get(element_id)
        assert element is not None and element.text is None
        assert element.provenance.status is TextStatus.UNKNOWN
    assert any("Documentation 1" in gap for gap in doc.known_gaps)


def test_ir_8425a_resolves_with_tailoring_and_additions(catalogs: CatalogLibrary) -> None:
    profile = resolve(catalogs, "nist-ir-8425a")
    ids = [element.id for element in profile.elements]
    for element_id in [*IR_8425_SUB_OUTCOMES, "SU-3", "CSA-2"]:
        assert element_id in ids
    assert ids.index("SU-3") == ids.index("SU-2") + 1
    assert ids.index("CSA-2") == ids.index("CSA-1") + 1
    dp = profile.get("DP")
    assert dp is not None and dp.provenance.status is TextStatus.SEED
    assert dp.text is not None and dp.text.startswith("The consumer-grade router product protects data stored")
    su_1 = profile.get("SU-1")
    assert su_1 is not None and su_1.text == (
        "Each consumer-grade router product component can receive, verify, and apply verified software updates."
    )
    ai_1 = profile.get("AI-1")
    assert ai_1 is not None and ai_1.provenance.status is TextStatus.GENERATED
    assert "consumer-grade router product" in (ai_1.text or "")
    assert all("an consumer" not in (element.text or "") for element in profile.elements)
    assert profile.built_from == ("bbf-tr-124-i8", "cablelabs-gds-bcp-1", "bsi-tr-03148", "imda-ts-rg-sec-1")


def test_etsi_index_matches_annex_b_counts(catalogs: CatalogLibrary) -> None:
    doc = catalogs.get("etsi-en-303-645")
    provisions = [element for element in doc.elements if element.kind is ElementKind.REQUIREMENT]
    assert len(provisions) == 68
    markers = Counter((element.strength_source or "").split(" (")[0] for element in provisions)
    assert (markers["M"], markers["M C"], markers["R"], markers["R C"]) == (19, 13, 25, 10)
    provision = doc.get("5.1-1")
    assert provision is not None and provision.strength is Strength.SHALL
    assert provision.conditions == ("(1) Passwords are used",)


def test_every_mapping_end_resolves_and_has_provenance(crosswalks: CrosswalkLibrary) -> None:
    found = crosswalks.crosswalks()
    assert {crosswalk.id for crosswalk in found} >= {
        "nist-essay-2023-standards-to-nist-ir-8425",
        "nist-ir-8425a-router-crosswalk",
        "nist-ir-8259-to-nist-ir-8425",
        "etsi-en-303-645-to-nist-ir-8425",
        "bbf-tr-124-i8-to-nist-ir-8425a",
        "owasp-asvs-5.0-to-nist-ir-8425",
        "owasp-masvs-2.1-to-nist-ir-8425",
    }
    for crosswalk in found:
        for mapping in crosswalk.mappings:
            crosswalks.resolve(mapping.source)
            crosswalks.resolve(mapping.target)
            assert mapping.origin in Origin
            if mapping.origin is Origin.PROJECT_CURATED:
                assert mapping.explanation, (crosswalk.id, str(mapping.source), str(mapping.target))


def test_router_crosswalk_matches_the_slides(crosswalks: CrosswalkLibrary) -> None:
    (router,) = [crosswalk for crosswalk in crosswalks.crosswalks() if crosswalk.id == "nist-ir-8425a-router-crosswalk"]
    for sub_outcome, by_standard in SLIDE_ROWS.items():
        target = ElementRef(document="nist-ir-8425a", element=sub_outcome)
        rows = [mapping for mapping in router.mappings if mapping.target == target]
        for standard, printed in by_standard.items():
            found = [str(m.source.element) for m in rows if m.source.document == standard]
            assert found == list(dict.fromkeys(printed)), (sub_outcome, standard)
            duplicates = [item for item, count in Counter(printed).items() if count > 1]
            for duplicate in duplicates:
                (mapping,) = [m for m in rows if m.source.element == duplicate]
                assert mapping.note is not None and "Printed 2 times" in mapping.note
        assert {m.source.document for m in rows} == set(by_standard)


def test_essay_covers_every_non_technical_sub_outcome(crosswalks: CrosswalkLibrary, catalogs: CatalogLibrary) -> None:
    (essay,) = [cw for cw in crosswalks.crosswalks() if cw.id == "nist-essay-2023-standards-to-nist-ir-8425"]
    mapped = {str(mapping.target.element) for mapping in essay.mappings}
    gaps = {str(gap.target.element): gap.status for gap in essay.gaps}
    assert gaps == {"ID-1a": "none-identified", "ID-2": "no-additional-identified"}
    for element_id in (
        "DOC-1a",
        "DOC-1b",
        "DOC-1c",
        "DOC-1d",
        "DOC-1e",
        "DOC-1f",
        "DOC-1g",
        "IQR-1a",
        "IQR-1b",
        "ID-1b",
        "ID-1c",
        "ID-1d",
        "ID-1e",
        "PEA-1",
    ):
        assert element_id in mapped, element_id
    sources_1g = {str(m.source) for m in essay.mappings if m.target.element == "DOC-1g"}
    assert sources_1g == {"iso-iec-29147", "iso-iec-30111"}
    assert {str(m.source) for m in essay.mappings if m.target.element == "ID-1b"} == {"etsi-en-303-645:5.3-13"}
    # Technical outcomes: per component kind.
    device = {str(m.source) for m in essay.mappings if m.target.element == "DP" and "device" in m.component_kinds}
    assert device == {"iso-iec-27402", "ansi-cta-2088-a", "etsi-en-303-645", "sg-csa-cls"}
    assert catalogs.get("iso-iec-29147").content == "registry-entry"


def test_project_crosswalks_cover_the_router_technical_sub_outcomes(crosswalks: CrosswalkLibrary) -> None:
    (bbf,) = [cw for cw in crosswalks.crosswalks() if cw.id == "bbf-tr-124-i8-to-nist-ir-8425a"]
    covered = {str(mapping.target.element) for mapping in bbf.mappings}
    technical = ["AI-1", "PC-1", "PC-2", "PC-3", "DP-1", "DP-2", "DP-3", "IAC-1a", "IAC-1b", "IAC-1c", "IAC-2a",
                 "IAC-2b", "IAC-2c", "SU-1", "SU-2", "SU-3", "CSA-1", "CSA-2"]  # fmt: skip
    assert set(technical) <= covered
    # AI-2 has no TR-124 requirement; the crosswalk says so instead of inventing one.
    assert "AI-2" not in covered
    assert any("AI-2" in note for note in bbf.notes)


def _technical_sub_outcomes(doc: Document) -> set[str]:
    return {
        element.id
        for element in doc.elements
        if element.nature is Nature.TECHNICAL and element.kind is not ElementKind.OUTCOME
    }


def test_companion_components_get_concrete_requirements(crosswalks: CrosswalkLibrary, catalogs: CatalogLibrary) -> None:
    mapped: dict[str, set[str]] = {"owasp-asvs-5.0": set(), "owasp-masvs-2.1": set(), "etsi-en-303-645": set()}
    for _, mapping in crosswalks.mappings():
        if mapping.source.document in mapped and mapping.target.document == "nist-ir-8425":
            mapped[mapping.source.document].add(str(mapping.target.element))
    technical = _technical_sub_outcomes(catalogs.get("nist-ir-8425"))
    assert len(mapped["owasp-asvs-5.0"] & technical) >= 12
    assert len(mapped["owasp-masvs-2.1"] & technical) >= 8
    assert len(mapped["etsi-en-303-645"] & technical) >= 12
