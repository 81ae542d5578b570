from __future__ import annotations

import pytest

from iotprofile.catalog.library import CatalogLibrary
from iotprofile.catalog.model import Document, Tailoring, TextStatus
from iotprofile.errors import ProfileError
from iotprofile.profiles.resolve import apply_rules, resolve, resolve_profile


def test_rules_apply_in_order_and_keep_none(catalogs: CatalogLibrary) -> None:
    tailoring = catalogs.get("nist-ir-8425a").tailoring
    assert tailoring is not None
    assert apply_rules(None, tailoring) is None
    assert apply_rules("How an IoT product and its IoT product components", tailoring) == (
        "How a consumer-grade router product and its consumer-grade router product components"
    )


def test_generated_text_says_where_it_came_from(catalogs: CatalogLibrary) -> None:
    element = resolve(catalogs, "nist-ir-8425a").get("IAC-1")
    assert element is not None
    assert element.provenance.status is TextStatus.GENERATED
    assert element.provenance.note is not None and "not the publisher's wording" in element.provenance.note
    assert element.lead_in == "At a minimum, the consumer-grade router product component shall:"


def test_a_document_without_base_resolves_to_itself(catalogs: CatalogLibrary) -> None:
    assert resolve(catalogs, "nist-ir-8425") is catalogs.get("nist-ir-8425")


def _profile(catalogs: CatalogLibrary, **changes: object) -> Document:
    return catalogs.get("nist-ir-8425a").model_copy(update=changes)


def test_adding_an_element_the_base_has_is_refused(catalogs: CatalogLibrary) -> None:
    base = catalogs.get("nist-ir-8425")
    dp_1 = base.get("DP-1")
    assert dp_1 is not None
    with pytest.raises(ProfileError, match="already has"):
        resolve_profile(_profile(catalogs, elements=(dp_1,)), base)


def test_tailoring_an_unknown_element_is_refused(catalogs: CatalogLibrary) -> None:
    base = catalogs.get("nist-ir-8425")
    with pytest.raises(ProfileError, match="XX-1"):
        resolve_profile(_profile(catalogs, tailoring=Tailoring(texts={"XX-1": "text"})), base)


def test_removed_elements_and_their_children_disappear(catalogs: CatalogLibrary) -> None:
    base = catalogs.get("nist-ir-8425")
    resolved = resolve_profile(_profile(catalogs, elements=(), tailoring=Tailoring(removed=("IAC-2",))), base)
    assert "IAC-2" not in resolved and "IAC-2a" not in resolved and "IAC-1" in resolved
