"""The assessment matrix and the cell page: verdicts shown with text, recording verdicts and evidence, roles."""

from __future__ import annotations

import hashlib
import re

from .conftest import ROUTER, USERS, Browser, WebEnv

MATRIX = f"/o/acme/products/{ROUTER}/assessment"
CELL = f"/o/acme/products/{ROUTER}/cells/DP-1@router"


def _verdict_of(html: str, cell: str) -> str:
    found = re.search(rf'<td class="v-([a-z_]+)"><a [^>]*data-cell="{re.escape(cell)}"', html)
    assert found is not None, f"no cell {cell} in the matrix"
    return found.group(1)


def test_matrix_shows_every_component_and_cells_with_text(browser: Browser) -> None:
    browser.sign_in(USERS["viewer"])
    page = browser.client.get(MATRIX)
    assert page.status_code == 200
    assert 'class="matrix"' in page.text
    for component in ("Router", "Product"):
        assert component in page.text
    assert _verdict_of(page.text, "DP-1@router") == "not_assessed"
    # Not colour alone: every cell has a word, and the accessible name says the whole verdict.
    assert "Open" in page.text
    assert "DP-1 for" in page.text


def test_assessor_records_a_verdict_with_evidence_and_the_matrix_shows_it(browser: Browser, web_env: WebEnv) -> None:
    browser.sign_in(USERS["assessor"])
    content = b"TLS scan: only TLS 1.2 and 1.3 offered\n"
    response = browser.post(
        CELL,
        {"verdict": "satisfied", "justification": "Encrypted at rest and in transit", "statement": "Checked."},
        files={"evidence_file": ("tls-scan.txt", content, "text/plain")},
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"].endswith("/cells/DP-1@router?recorded=1")
    cell = browser.client.get(response.headers["location"])
    assert "Recorded." in cell.text
    assert "tls-scan.txt" in cell.text
    assert "Encrypted at rest and in transit" in cell.text
    assert _verdict_of(browser.client.get(MATRIX).text, "DP-1@router") == "satisfied"
    with web_env.repository() as repository:
        (record,) = repository.log(ROUTER, "nist-ir-8425a").records
        assert record.assessor == USERS["assessor"]
        assert record.evidence[0].sha256 == hashlib.sha256(content).hexdigest()
        assert repository.blob(hashlib.sha256(content).hexdigest()) == content
        from iotprofile.services.accounts import accounts

        events = accounts(repository).events("acme", object_type="cell")
        assert [(event.action, event.object_id) for event in events] == [("verdict.record", f"{ROUTER}/DP-1@router")]


def test_not_applicable_needs_a_justification_and_nothing_is_stored(browser: Browser, web_env: WebEnv) -> None:
    browser.sign_in(USERS["assessor"])
    response = browser.post(CELL, {"verdict": "not_applicable"})
    assert response.status_code == 422
    assert "justification" in response.text
    with web_env.repository() as repository:
        assert repository.log(ROUTER, "nist-ir-8425a").records == ()


def test_editor_adds_evidence_only_while_the_cell_is_undecided(browser: Browser, web_env: WebEnv) -> None:
    browser.sign_in(USERS["editor"])
    assert browser.post(CELL, {"verdict": "satisfied"}).status_code == 403
    assert browser.post(CELL, {"verdict": "", "evidence_url": "https://example.com/pentest"}).status_code == 422
    added = browser.post(CELL, {"verdict": "evidence", "evidence_url": "https://example.com/pentest"})
    assert added.status_code == 303
    with web_env.repository() as repository:
        (record,) = repository.log(ROUTER, "nist-ir-8425a").records
        assert record.verdict.value == "not_assessed"
        assert record.evidence[0].url == "https://example.com/pentest"


def test_viewer_sees_no_form_and_cannot_record(browser: Browser, web_env: WebEnv) -> None:
    browser.sign_in(USERS["viewer"])
    page = browser.client.get(CELL)
    assert page.status_code == 200
    assert "Record verdict" not in page.text
    assert browser.post(CELL, {"verdict": "satisfied"}).status_code == 403
    with web_env.repository() as repository:
        assert repository.log(ROUTER, "nist-ir-8425a").records == ()


def test_unknown_cells_and_other_organisations_are_not_found(browser: Browser) -> None:
    browser.sign_in(USERS["admin"])
    assert browser.client.get(f"/o/acme/products/{ROUTER}/cells/XX-9@router").status_code == 404
    assert browser.client.get("/o/acme/products/no-such-product/assessment").status_code == 404
    browser.sign_in("admin@other.example")
    assert browser.client.get(MATRIX).status_code == 404


def test_form_without_csrf_token_is_refused(browser: Browser, web_env: WebEnv) -> None:
    browser.sign_in(USERS["assessor"])
    response = browser.client.post(CELL, data={"verdict": "satisfied"}, follow_redirects=False)
    assert response.status_code == 403
    with web_env.repository() as repository:
        assert repository.log(ROUTER, "nist-ir-8425a").records == ()


def test_api_records_a_verdict_and_returns_the_assessment(api: object, web_env: WebEnv) -> None:
    from fastapi.testclient import TestClient

    assert isinstance(api, TestClient)
    token = web_env.token(USERS["assessor"])
    headers = {"Authorization": f"Bearer {token}"}
    base = f"/api/v1/orgs/acme/products/{ROUTER}"
    created = api.post(
        f"{base}/cells/DP-1@router/records",
        headers=headers,
        data={"verdict": "partially_satisfied", "justification": "TLS only", "evidence_url": "https://ci/run/1"},
        files={"evidence_file": ("scan.txt", b"ok", "text/plain")},
    )
    assert created.status_code == 201, created.text
    assert created.json()["assessor"].startswith(USERS["assessor"])
    cell = api.get(f"{base}/cells/DP-1@router", headers=headers).json()
    assert cell["verdict"] == "partially_satisfied"
    assert [item["kind"] for item in cell["history"][0]["evidence"]] == ["file", "url"]
    assert any(item["ref"].startswith("etsi-en-303-645:") for item in cell["requirements"])
    report = api.get(f"{base}/assessment", headers=headers).json()
    assert report["product"]["id"] == ROUTER
    assert api.get(f"{base}/cells/DP-1@nowhere", headers=headers).status_code == 404
    viewer = {"Authorization": f"Bearer {web_env.token(USERS['viewer'])}"}
    refused = api.post(f"{base}/cells/DP-1@router/records", headers=viewer, data={"verdict": "satisfied"})
    assert refused.status_code == 403


def test_api_imports_a_results_file_all_or_nothing(api: object, web_env: WebEnv) -> None:
    from fastapi.testclient import TestClient

    from .conftest import ROOT

    assert isinstance(api, TestClient)
    headers = {"Authorization": f"Bearer {web_env.token(USERS['assessor'])}"}
    url = f"/api/v1/orgs/acme/products/{ROUTER}/results"
    broken = api.post(url, headers=headers, files={"file": ("results.yaml", b"records:\n  - element: [\n")})
    assert broken.status_code == 422
    assert "results.yaml" in broken.json()["detail"]
    with web_env.repository() as repository:
        assert repository.log(ROUTER, "nist-ir-8425a").records == ()
    # Evidence files named by a results file must come with it: an upload cannot reach the uploader's disk.
    example = (ROOT / "examples" / "router" / "results.yaml").read_bytes()
    refused = api.post(url, headers=headers, files={"file": ("results.yaml", example)})
    assert refused.status_code == 422
    assert "results.yaml" in refused.json()["detail"]
    results = (
        b"product: acme-router-ax3000\nprofile: nist-ir-8425a\nrecords:\n"
        b"  - cell: AI-1@router\n    verdict: satisfied\n    evidence:\n"
        b"      - kind: statement\n        text: Serial numbers are unique.\n"
        b"  - cell: PC-1@router\n    verdict: not_satisfied\n    justification: No factory reset.\n"
    )
    imported = api.post(url, headers=headers, files={"file": ("ci-results.yaml", results)})
    assert imported.status_code == 201, imported.text
    assert imported.json() == {"records": 2}
    with web_env.repository() as repository:
        records = repository.log(ROUTER, "nist-ir-8425a").records
    assert [(record.element, record.verdict.value) for record in records] == [
        ("AI-1", "satisfied"),
        ("PC-1", "not_satisfied"),
    ]
    assert all(record.assessor.startswith(f"{USERS['assessor']} (token ") for record in records)
