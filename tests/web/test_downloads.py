"""Report, evidence and document downloads, pages and API: media types, parsing, org checks, support upload."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from typing import Any

import pytest
from openpyxl import load_workbook
from tests.web.conftest import OTHER_ADMIN, PLUG, ROOT, ROUTER, USERS, Browser, WebEnv

from iotprofile.assessment.model import Verdict
from iotprofile.services import Workspace
from iotprofile.services.products import plan_for, record_verdict

SUPPORT = ROOT / "examples" / "router" / "support.yaml"
EVIDENCE = b"Firmware update test log: signed image accepted, unsigned image refused.\n"


def _record_with_evidence(web_env: WebEnv) -> tuple[str, str]:
    """Record a verdict with an evidence file on a router cell; returns the cell and the file's SHA-256."""
    path = web_env.tmp / "update-test.log"
    path.write_bytes(EVIDENCE)
    workspace = Workspace.open(())
    with web_env.repository() as repository:
        plan = plan_for(workspace, repository.get_product(ROUTER), requirements=False)
        cell = next(cell for cell in plan.applicable() if cell.component is not None)
        name = f"{cell.element.id}@{cell.component.id if cell.component else 'product'}"
        record_verdict(repository, workspace, ROUTER, name, Verdict.SATISFIED, assessor="assessor@acme.example",
                       evidence_files=[path])  # fmt: skip
    return name, hashlib.sha256(EVIDENCE).hexdigest()


REPORTS = {
    "report.html": "text/html",
    "report.md": "text/markdown",
    "report.json": "application/json",
    "matrix.csv": "text/csv",
    "matrix.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "assessment-results.oscal.json": "application/json",
    "report.pdf": "application/pdf",
}


def _check_report(name: str, response: Any) -> None:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(REPORTS[name])
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment; filename=")
    assert '"' not in disposition.split("filename=")[1].strip('"')
    content: bytes = response.content
    if name == "report.html":
        assert "Acme AX3000 Wi-Fi 6 Router" in content.decode()
    elif name == "report.md":
        assert "Acme AX3000" in content.decode()
    elif name == "matrix.csv":
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        assert len(rows) > 5
    elif name == "matrix.xlsx":
        workbook = load_workbook(io.BytesIO(content))
        assert workbook.sheetnames
    elif name == "report.pdf":
        assert content.startswith(b"%PDF")
    elif name == "assessment-results.oscal.json":
        assert "assessment-results" in json.loads(content)
    else:
        assert json.loads(content)


@pytest.mark.parametrize("name", [name for name in REPORTS if name != "report.pdf"])
def test_every_report_downloads_and_parses(browser: Browser, web_env: WebEnv, name: str) -> None:
    _record_with_evidence(web_env)
    browser.sign_in(USERS["viewer"])
    _check_report(name, browser.client.get(f"/o/acme/products/{ROUTER}/reports/{name}"))


def test_pdf_report(browser: Browser) -> None:
    browser.sign_in(USERS["viewer"])
    _check_report("report.pdf", browser.client.get(f"/o/acme/products/{ROUTER}/reports/report.pdf"))


def test_reports_link_evidence_and_evidence_downloads(browser: Browser, web_env: WebEnv) -> None:
    _cell, sha256 = _record_with_evidence(web_env)
    browser.sign_in(USERS["viewer"])
    html = browser.client.get(f"/o/acme/products/{ROUTER}/reports/report.html").text
    href = f"/o/acme/products/{ROUTER}/evidence/{sha256}"
    assert href in html
    response = browser.client.get(href)
    assert response.status_code == 200
    assert response.content == EVIDENCE
    assert response.headers["content-disposition"] == 'attachment; filename="update-test.log"'
    assert browser.client.get(f"/o/acme/products/{ROUTER}/evidence/{'0' * 64}").status_code == 404
    assert browser.client.get(f"/o/acme/products/{ROUTER}/evidence/not-a-hash").status_code == 404


def test_unknown_report_and_other_organisations_are_404(browser: Browser, web_env: WebEnv) -> None:
    _cell, sha256 = _record_with_evidence(web_env)
    browser.sign_in(OTHER_ADMIN)
    assert browser.client.get(f"/o/other/products/{ROUTER}/reports/report.json").status_code == 404
    assert browser.client.get(f"/o/other/products/{ROUTER}/evidence/{sha256}").status_code == 404
    assert browser.client.get(f"/o/acme/products/{ROUTER}/reports/report.json").status_code == 404
    assert browser.client.get(f"/o/other/products/{PLUG}/reports/nothing.txt").status_code == 404
    assert browser.client.get(f"/o/other/products/{PLUG}/reports/report.json").status_code == 200


def test_writer_file_names_work_too(browser: Browser) -> None:
    browser.sign_in(USERS["viewer"])
    oscal = browser.client.get(f"/o/acme/products/{ROUTER}/reports/assessment-results.json")
    assert oscal.status_code == 200
    assert "assessment-results" in oscal.json()
    statement = browser.client.get(f"/o/acme/products/{ROUTER}/reports/doc-1c-statement.md")
    assert statement.status_code == 200


def test_support_upload_generates_documents(browser: Browser, web_env: WebEnv) -> None:
    browser.sign_in(USERS["editor"])
    empty = browser.client.get(f"/o/acme/products/{ROUTER}/documents")
    assert empty.status_code == 200
    assert "No support record is stored yet" in empty.text
    files = {"support_file": ("support.yaml", SUPPORT.read_bytes(), "application/yaml")}
    response = browser.post(f"/o/acme/products/{ROUTER}/support", files=files)
    assert response.status_code == 303, response.text
    page = browser.client.get(f"/o/acme/products/{ROUTER}/documents")
    assert page.status_code == 200
    assert "security.txt" in page.text
    assert "Customer security guide" in page.text
    security_txt = browser.client.get(f"/o/acme/products/{ROUTER}/documents/security.txt")
    assert security_txt.status_code == 200
    assert "Contact: mailto:psirt@example.com" in security_txt.text
    assert security_txt.headers["content-type"].startswith("text/plain")
    assert browser.client.get(f"/o/acme/products/{ROUTER}/documents/nothing.txt").status_code == 404
    with web_env.repository() as repository:
        assert repository.support_record(ROUTER) == SUPPORT.read_text()
    from tests.web.test_product_editor import _audit_actions

    assert "support.update" in _audit_actions(web_env, ROUTER)
    changed = SUPPORT.read_text().replace("mailto:psirt@example.com", "mailto:security@example.com")
    files = {"support_file": ("support.yaml", changed.encode(), "application/yaml")}
    assert browser.post(f"/o/acme/products/{ROUTER}/support", files=files).status_code == 303
    again = browser.client.get(f"/o/acme/products/{ROUTER}/documents/security.txt")
    assert "Contact: mailto:security@example.com" in again.text


def test_invalid_support_record_is_refused_with_its_place(browser: Browser, web_env: WebEnv) -> None:
    browser.sign_in(USERS["editor"])
    text = SUPPORT.read_text().replace("delivery: automatic", "delivery: by pigeon")
    files = {"support_file": ("support.yaml", text.encode(), "application/yaml")}
    response = browser.post(f"/o/acme/products/{ROUTER}/support", files=files)
    assert response.status_code == 422
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "by pigeon" in row)
    assert f"support.yaml:{line}" in response.text
    wrong = SUPPORT.read_text().replace(f"product: {ROUTER}", "product: someone-else")
    files = {"support_file": ("support.yaml", wrong.encode(), "application/yaml")}
    assert browser.post(f"/o/acme/products/{ROUTER}/support", files=files).status_code == 422
    with web_env.repository() as repository:
        assert repository.support_record(ROUTER) is None


def test_viewer_cannot_upload_a_support_record(browser: Browser, web_env: WebEnv) -> None:
    browser.sign_in(USERS["viewer"])
    page = browser.client.get(f"/o/acme/products/{ROUTER}/documents")
    assert "Upload support record" not in page.text
    files = {"support_file": ("support.yaml", SUPPORT.read_bytes(), "application/yaml")}
    assert browser.post(f"/o/acme/products/{ROUTER}/support", files=files).status_code == 403
    with web_env.repository() as repository:
        assert repository.support_record(ROUTER) is None


def _headers(web_env: WebEnv, email: str, org: str = "acme") -> dict[str, str]:
    return {"Authorization": f"Bearer {web_env.token(email, org)}"}


def test_api_reports_evidence_support_and_documents(api: Any, web_env: WebEnv) -> None:
    _cell, sha256 = _record_with_evidence(web_env)
    viewer = _headers(web_env, USERS["viewer"])
    editor = _headers(web_env, USERS["editor"])
    base = f"/api/v1/orgs/acme/products/{ROUTER}"
    report = api.get(f"{base}/reports/report.json", headers=viewer)
    assert report.status_code == 200
    assert report.headers["content-type"] == "application/json"
    assert api.get(f"{base}/reports/report.exe", headers=viewer).json()["detail"].startswith("no report")
    xlsx = api.get(f"{base}/reports/matrix.xlsx", headers=viewer)
    assert load_workbook(io.BytesIO(xlsx.content)).sheetnames
    assert api.get(f"{base}/evidence/{sha256}", headers=viewer).content == EVIDENCE
    assert api.get(f"{base}/documents", headers=viewer).json() == {
        "product": ROUTER, "support_record": False, "documents": [], "notes": []}  # fmt: skip
    refused = api.put(f"{base}/support", content=SUPPORT.read_bytes(), headers={**viewer,
                      "Content-Type": "application/yaml"})  # fmt: skip
    assert refused.status_code == 403
    bad = api.put(f"{base}/support", content=b"format: iotprofile/support/v1\nproduct: [", headers={**editor,
                  "Content-Type": "application/yaml"})  # fmt: skip
    assert bad.status_code == 422
    assert bad.json()["detail"].startswith("support.yaml:")
    assert "invalid YAML" in bad.json()["detail"]
    stored = api.put(f"{base}/support", content=SUPPORT.read_bytes(), headers={**editor,
                     "Content-Type": "application/yaml"})  # fmt: skip
    assert stored.status_code == 200, stored.text
    listed = api.get(f"{base}/documents", headers=viewer).json()
    names = [item["name"] for item in listed["documents"]]
    assert "security.txt" in names
    assert listed["support_record"] is True
    document = api.get(f"{base}/documents/security.txt", headers=viewer)
    assert document.status_code == 200
    assert "psirt@example.com" in document.text
    other = _headers(web_env, OTHER_ADMIN, "other")
    assert api.get(f"/api/v1/orgs/other/products/{ROUTER}/documents", headers=other).status_code == 404
    assert api.get(f"/api/v1/orgs/other/products/{ROUTER}/evidence/{sha256}", headers=other).status_code == 404
    assert api.get(f"{base}/reports/report.json", headers=other).status_code == 404


def test_support_as_json_through_the_api(api: Any, web_env: WebEnv) -> None:
    import yaml

    editor = _headers(web_env, USERS["editor"])
    data = yaml.safe_load(SUPPORT.read_text())
    response = api.put(f"/api/v1/orgs/acme/products/{ROUTER}/support", content=json.dumps(data, default=str),
                       headers={**editor, "Content-Type": "application/json"})  # fmt: skip
    assert response.status_code == 200, response.text
    listed = api.get(f"/api/v1/orgs/acme/products/{ROUTER}/documents", headers=editor).json()
    assert listed["documents"]


def test_openapi_uses_the_product_schema(api: Any) -> None:
    schema = api.get("/api/v1/openapi.json").json()
    post = schema["paths"]["/api/v1/orgs/{org}/products"]["post"]
    ref = post["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert ref.endswith("/Product")
    assert "components" in schema["components"]["schemas"]["Product"]["properties"]


def test_a_new_verdict_or_edit_changes_the_report(browser: Browser, web_env: WebEnv) -> None:
    browser.sign_in(USERS["editor"])
    url = f"/o/acme/products/{ROUTER}/reports/report.json"
    before = browser.client.get(url).content
    assert browser.client.get(url).content == before
    cell, _sha256 = _record_with_evidence(web_env)
    after = browser.client.get(url).content
    assert after != before
    assert cell.split("@")[0] in after.decode()
    edited = browser.post(f"/o/acme/products/{ROUTER}/connections/1/remove")
    assert edited.status_code == 303
    html = browser.client.get(f"/o/acme/products/{ROUTER}/reports/report.html").text
    assert "Acme AX3000" in html
