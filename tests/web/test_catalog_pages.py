"""The catalog and crosswalk explorer and the profile viewer, as a member of an organisation sees them."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from iotprofile.crosswalk.model import ElementRef
from iotprofile.services import CrosswalkAnswer
from iotprofile.web.app import create_app
from iotprofile.web.catalog_cache import CrosswalkAnswers
from iotprofile.web.settings import WebSettings

from .conftest import OTHER_ADMIN, USERS, Browser, populate

_REF = re.compile(r'data-ref="([^"]+)"')


def refs(page: str) -> list[str]:
    """The qualified references of the rows a page lists (each row carries ``data-ref``)."""
    return [html.unescape(ref) for ref in _REF.findall(page)]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    """One app for the module: these pages only read, so the tests can share it (and its caches)."""
    tmp = tmp_path_factory.mktemp("catalog-pages")
    url = f"sqlite:///{tmp / 'web.db'}"
    populate(url)
    application = create_app(WebSettings(database_url=url, data_dir=tmp / "data"))
    yield application
    application.state.iotprofile.repository.close()


@pytest.fixture(scope="module")
def viewer(app: FastAPI) -> Iterator[Browser]:
    """A viewer of acme, signed in once for the module."""
    with TestClient(app, base_url="http://127.0.0.1") as client:
        yield Browser(client).sign_in(USERS["viewer"])


@pytest.mark.parametrize(
    "url",
    [
        "/o/acme/catalog",
        "/o/acme/catalog?q=password",
        "/o/acme/catalog/nist-ir-8425a",
        "/o/acme/catalog/nist-ir-8425a/DP-1",
        "/o/acme/crosswalk?ref=nist-ir-8425a:DP-1",
        "/o/acme/profiles/nist-ir-8425a",
    ],
)
def test_every_page_needs_sign_in(browser: Browser, url: str) -> None:
    response = browser.client.get(url, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=/o/acme/")


def test_catalog_lists_bundled_catalogs_profiles_and_standards(viewer: Browser) -> None:
    page = viewer.client.get("/o/acme/catalog")
    assert page.status_code == 200
    for doc in ("nist-ir-8425", "nist-ir-8425a", "nist-ir-8259a", "etsi-en-303-645", "owasp-asvs-5.0"):
        assert f'href="/o/acme/catalog/{doc}"' in page.text
    assert 'href="/o/acme/profiles/nist-ir-8425a"' in page.text
    # No search yet: no result rows.
    assert refs(page.text) == []


def test_search_password_finds_identification_and_access_control_elements(viewer: Browser) -> None:
    page = viewer.client.get("/o/acme/catalog", params={"q": "password"})
    found = refs(page.text)
    assert "nist-ir-8425:IAC-1b" in found
    assert "etsi-en-303-645:5.1-1" in found  # "No universal default passwords"
    assert 'href="/o/acme/catalog/nist-ir-8425/IAC-1b"' in page.text
    assert "nist-ir-8425:DP-1" not in found
    assert re.search(r"\d+ elements found", page.text)


def test_filters_narrow_the_search(viewer: Browser) -> None:
    everything = refs(viewer.client.get("/o/acme/catalog", params={"q": "password"}).text)
    iac = refs(viewer.client.get("/o/acme/catalog", params={"q": "password", "outcome": "IAC"}).text)
    devices = refs(viewer.client.get("/o/acme/catalog", params={"q": "password", "kind": "device"}).text)
    etsi = refs(viewer.client.get("/o/acme/catalog", params={"q": "password", "document": "etsi-en-303-645"}).text)
    assert set(iac) < set(everything)
    assert "etsi-en-303-645:5.1" not in iac  # the clause itself is not mapped to an outcome; its provisions are
    assert "etsi-en-303-645:5.1-1" in iac
    assert set(devices) < set(everything)
    assert not any(ref.startswith("owasp-asvs-5.0:") for ref in devices)  # ASVS is for web apps and backends
    assert etsi
    assert all(ref.startswith("etsi-en-303-645:") for ref in etsi)


def test_outcome_filter_alone_lists_a_standards_provisions_mapped_to_it(viewer: Browser) -> None:
    page = viewer.client.get("/o/acme/catalog/etsi-en-303-645", params={"outcome": "DP"})
    found = refs(page.text)
    assert "etsi-en-303-645:5.4-1" in found  # sensitive security parameters in persistent storage
    assert "etsi-en-303-645:5.1-1" not in found
    assert "of 83 elements match" in page.text


def test_unknown_outcome_is_a_clear_error(viewer: Browser) -> None:
    page = viewer.client.get("/o/acme/catalog", params={"outcome": "NOPE"})
    assert page.status_code == 404
    assert "unknown outcome &#39;NOPE&#39;" in page.text


def test_document_page_shows_the_tree_with_statements(viewer: Browser) -> None:
    page = viewer.client.get("/o/acme/catalog/nist-ir-8425a")
    assert page.status_code == 200
    found = refs(page.text)
    assert found.index("nist-ir-8425a:DP") < found.index("nist-ir-8425a:DP-1") < found.index("nist-ir-8425a:DP-2")
    assert "nist-ir-8425a:SU-3" in found  # added by the profile, shown in place
    assert "Each consumer-grade router product component protects data it stores via secure means." in page.text


def test_document_filters_narrow_the_tree(viewer: Browser) -> None:
    everything = refs(viewer.client.get("/o/acme/catalog/nist-ir-8425").text)
    iac = refs(viewer.client.get("/o/acme/catalog/nist-ir-8425", params={"outcome": "IAC"}).text)
    assert "nist-ir-8425:IAC-1b" in iac
    assert "nist-ir-8425:DP-1" not in iac
    assert len(iac) < len(everything)
    # Non-technical elements apply to the product as a whole, not to a kind of component.
    device = refs(viewer.client.get("/o/acme/catalog/nist-ir-8425", params={"kind": "device"}).text)
    assert "nist-ir-8425:DP-1" in device
    assert "nist-ir-8425:DOC-1a" not in device


def test_dp1_page_lists_etsi_provisions_and_filters_them(viewer: Browser) -> None:
    page = viewer.client.get("/o/acme/catalog/nist-ir-8425a/DP-1")
    assert page.status_code == 200
    assert "Each consumer-grade router product component protects data it stores via secure means." in page.text
    assert 'href="/o/acme/catalog/nist-ir-8425a/DP"' in page.text  # the parent
    found = refs(page.text)
    assert "etsi-en-303-645:5.4-1" in found
    assert "owasp-masvs-2.1:MASVS-STORAGE-1" in found
    mobile = refs(viewer.client.get("/o/acme/catalog/nist-ir-8425a/DP-1", params={"kind": "mobile_app"}).text)
    assert "owasp-masvs-2.1:MASVS-STORAGE-1" in mobile
    assert "etsi-en-303-645:5.4-1" not in mobile  # ETSI's mappings hold for devices
    etsi = refs(viewer.client.get("/o/acme/catalog/nist-ir-8425a/DP-1", params={"standard": "etsi-en-303-645"}).text)
    assert etsi
    assert all(ref.startswith("etsi-en-303-645") for ref in etsi)


def test_a_standards_provision_shows_the_outcomes_it_serves(viewer: Browser) -> None:
    page = viewer.client.get("/o/acme/catalog/etsi-en-303-645/5.1-1")
    assert page.status_code == 200
    found = refs(page.text)
    assert "nist-ir-8425:IAC-1b" in found
    assert "subset of" in page.text  # the provision asks for part of what IAC-1b asks for
    assert "this serves it" in page.text


def test_element_ids_with_brackets_open(viewer: Browser) -> None:
    page = viewer.client.get("/o/acme/catalog/bsi-tr-03148/(4.1.1)%5B7%5D")
    assert page.status_code == 200
    assert "(4.1.1)[7]" in page.text


def test_unknown_element_and_document_are_404(viewer: Browser) -> None:
    element = viewer.client.get("/o/acme/catalog/nist-ir-8425a/DP-9")
    assert element.status_code == 404
    assert "has no element &#39;DP-9&#39;" in element.text
    document = viewer.client.get("/o/acme/catalog/nist-ir-9999")
    assert document.status_code == 404
    assert "unknown document" in document.text


def test_crosswalk_page_is_a_table_filtered_by_kind_and_standard(viewer: Browser) -> None:
    page = viewer.client.get(
        "/o/acme/crosswalk", params={"ref": "nist-ir-8425a:DP-1", "kind": "device", "standard": "etsi-en-303-645"}
    )
    assert page.status_code == 200
    found = refs(page.text)
    assert "etsi-en-303-645:5.4-1" in found
    assert all(ref.startswith("etsi-en-303-645") for ref in found)
    for heading in ("Related element", "Relationship", "Direction", "Via", "Rationale"):
        assert f'<th scope="col">{heading}</th>' in page.text
    assert "superset of" in page.text


def test_crosswalk_page_explains_a_malformed_reference_beside_the_form(viewer: Browser) -> None:
    page = viewer.client.get("/o/acme/crosswalk", params={"ref": "not a ref"})
    assert page.status_code == 422
    assert 'aria-invalid="true"' in page.text
    assert "is not DOC or DOC:ELEMENT" in page.text
    assert viewer.client.get("/o/acme/crosswalk").status_code == 200  # the empty form
    unknown = viewer.client.get("/o/acme/crosswalk", params={"ref": "nist-ir-8425a:DP-9"})
    assert unknown.status_code == 404
    assert 'id="ref-error"' in unknown.text
    assert "has no element &#39;DP-9&#39;" in unknown.text


def test_profile_page_shows_what_8425a_adds_and_rewords(viewer: Browser) -> None:
    page = viewer.client.get("/o/acme/profiles/nist-ir-8425a")
    assert page.status_code == 200
    text = page.text
    assert "Differences from NIST IR 8425" in text
    assert "2 added, 0 removed" in text
    added = text[text.index('id="added"') : text.index('id="removed"')]
    assert "SU-3" in added
    assert "CSA-2" in added
    changed = text[text.index('id="changed"') : text.index('id="outcomes"')]
    # SU-1 side by side: the base wording with "IoT" struck, the profile's with the router wording inserted.
    su1 = changed[changed.index('data-ref="nist-ir-8425a:SU-1"') :]
    su1 = su1[: su1.index("</tr>")]
    assert '<del class="diff-removed">IoT</del>' in su1
    assert '<ins class="diff-added">consumer-grade router</ins>' in su1
    assert "seed" in su1  # the stated wording from NIST's slides, not a generated one


def test_profile_without_base_and_non_profiles(viewer: Browser) -> None:
    base = viewer.client.get("/o/acme/profiles/nist-ir-8425")
    assert base.status_code == 200
    assert "Differences from" not in base.text
    assert "nist-ir-8425:DP-1" in refs(base.text)
    standard = viewer.client.get("/o/acme/profiles/etsi-en-303-645")
    assert standard.status_code == 404
    assert "not a profile" in standard.text


def test_other_organisations_catalog_pages_are_404(browser: Browser) -> None:
    browser.sign_in(OTHER_ADMIN)
    assert browser.client.get("/o/other/catalog").status_code == 200
    assert browser.client.get("/o/acme/catalog").status_code == 404


def test_values_are_escaped(viewer: Browser) -> None:
    page = viewer.client.get("/o/acme/catalog", params={"q": "<script>alert(1)</script>"})
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;" in page.text


def test_crosswalk_answers_do_not_fill_the_shared_cache(viewer: Browser, app: FastAPI) -> None:
    state = app.state.iotprofile
    viewer.client.get("/o/acme/catalog/nist-ir-8425a/DP-1")
    before = len(state.cache)
    for element in ("DP-2", "DP-3", "IAC-1", "IAC-1a", "SU-1", "SU-2"):
        for kind in ("", "device", "mobile_app"):
            assert (
                viewer.client.get(f"/o/acme/catalog/nist-ir-8425a/{element}", params={"kind": kind}).status_code == 200
            )
    assert len(state.cache) == before  # the answers live in their own bounded store
    assert len(state.cache[("explore", "crosswalk-answers")]) >= 18


def test_crosswalk_answer_store_drops_the_least_recently_used() -> None:
    answers = CrosswalkAnswers(limit=2)
    first, second, third = (
        CrosswalkAnswer(ElementRef.parse(f"nist-ir-8425:DP-{n}"), None, None, None) for n in (1, 2, 3)
    )
    answers.put(("a", None, None), first)
    answers.put(("b", None, None), second)
    assert answers.get(("a", None, None)) is first  # now the most recently used
    answers.put(("c", None, None), third)
    assert answers.get(("b", None, None)) is None
    assert answers.get(("a", None, None)) is first
    assert len(answers) == 2


@pytest.mark.parametrize(
    "url",
    [
        "/o/acme/catalog?q=password&outcome=&kind=&document=",
        "/o/acme/catalog/nist-ir-8425?q=&outcome=&kind=",
        "/o/acme/catalog/nist-ir-8425/DP-1?kind=&standard=",
        "/o/acme/crosswalk?ref=nist-ir-8425%3ADP-1&kind=&standard=",
    ],
)
def test_forms_submitted_with_any_filter_work(viewer: Browser, url: str) -> None:
    # What a browser sends when the selects are left at "Any": empty values, not missing ones.
    assert viewer.client.get(url).status_code == 200


def test_unknown_component_kind_is_a_clear_error(viewer: Browser) -> None:
    page = viewer.client.get("/o/acme/catalog", params={"kind": "toaster"})
    assert page.status_code == 422
    assert "unknown component kind &#39;toaster&#39;" in page.text


def test_a_document_known_by_name_links_to_its_crosswalk(viewer: Browser) -> None:
    page = viewer.client.get("/o/acme/catalog/csa-star")
    assert page.status_code == 200
    assert "known by name only" in page.text
    assert 'href="/o/acme/crosswalk?ref=csa-star"' in page.text
    crosswalk = viewer.client.get("/o/acme/crosswalk", params={"ref": "csa-star"})
    assert "nist-ir-8425:DP" in refs(crosswalk.text)  # NIST's essay lists CSA STAR for Data Protection
