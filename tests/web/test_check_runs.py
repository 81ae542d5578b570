"""Check runs in the web app: upload, background execution, findings, attaching to an assessment, isolation."""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.checks.firmware.builder import ImageFormat, build_image

from iotprofile.services.accounts import accounts
from iotprofile.storage.runs import CheckRun, SqlCheckRuns
from iotprofile.web.app import create_app
from iotprofile.web.settings import WebSettings

from .conftest import OTHER_ADMIN, ROOT, ROUTER, USERS, Browser, WebEnv

SBOM = ROOT / "examples" / "router" / "evidence" / "router-sbom.cdx.json"
VULNDB = ROOT / "examples" / "vulndb"
#: Generous: a check of these small files takes about a second; the wait ends as soon as the run ends.
WAIT_S = 180.0


@pytest.fixture
def web_env(web_env: WebEnv) -> WebEnv:
    """The shared environment with the example vulnerability database configured."""
    web_env.settings = WebSettings(database_url=web_env.url, data_dir=web_env.tmp / "data", vulndb=VULNDB)
    return web_env


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def wait_for(api: TestClient, token: str, run_id: str, org: str = "acme") -> dict[str, Any]:
    """Poll the run until it is no longer queued or running."""
    deadline = time.monotonic() + WAIT_S
    while True:
        response = api.get(f"/api/v1/orgs/{org}/checks/{run_id}", headers=auth(token))
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        if body["status"] not in ("queued", "running"):
            return body
        assert time.monotonic() < deadline, f"run {run_id} still {body['status']}"
        time.sleep(0.2)


def upload(api: TestClient, token: str, data: dict[str, str], name: str, content: bytes) -> Any:
    return api.post("/api/v1/orgs/acme/checks", headers=auth(token), data=data, files={"file": (name, content)})


def test_sbom_run_through_the_api_finds_vulnerabilities_and_attaches_them(api: TestClient, web_env: WebEnv) -> None:
    token = web_env.token(USERS["assessor"])
    with web_env.repository() as repository:
        before = len(repository.log(ROUTER, "nist-ir-8425a").records)
    response = upload(api, token, {"kind": "sbom", "product": ROUTER, "component": "router"}, SBOM.name,
                      SBOM.read_bytes())  # fmt: skip
    assert response.status_code == 202, response.text
    started = response.json()
    assert started["status"] == "queued"
    assert started["filename"] == SBOM.name
    done = wait_for(api, token, started["id"])
    assert done["status"] == "done", done["error"]
    assert done["started_at"] and done["finished_at"]
    titles = [finding["title"] for finding in done["findings"]]
    assert "CVE-2023-48795 in dropbear 2022.83" in titles
    assert done["inventory"] > 0
    with web_env.repository() as repository:
        records = repository.log(ROUTER, "nist-ir-8425a").records
        since = datetime(2000, 1, 1, tzinfo=UTC)
        starts = accounts(repository).count_events("check_run.start", since=since)
        attaches = accounts(repository).count_events("check_run.attach", since=since)
    added = records[before:]
    assert added, "the findings were not attached"
    assert {record.component for record in added} == {"router"}
    assert all(record.assessor.startswith(USERS["assessor"]) for record in added)
    assert (starts, attaches) == (1, 1)
    listed = api.get("/api/v1/orgs/acme/checks", headers=auth(token)).json()["items"]
    assert [item["id"] for item in listed] == [started["id"]]


def test_sbom_run_through_the_pages_shows_findings_and_links_the_assessment(browser: Browser, api: TestClient,
                                                                             web_env: WebEnv) -> None:  # fmt: skip
    browser.sign_in(USERS["editor"])
    form = browser.client.get("/o/acme/checks")
    assert form.status_code == 200
    assert 'name="file"' in form.text and 'name="kind"' in form.text
    response = browser.post("/o/acme/checks", {"kind": "sbom", "product": ROUTER, "component": "router"},
                            files={"file": (SBOM.name, SBOM.read_bytes(), "application/json")})  # fmt: skip
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    run_id = location.rsplit("/", 1)[-1]
    assert location == f"/o/acme/checks/{run_id}"
    first = browser.client.get(location)
    assert first.status_code == 200
    assert 'id="run-status"' in first.text
    wait_for(api, web_env.token(USERS["viewer"]), run_id)
    page = browser.client.get(location)
    assert "data-poll" not in page.text
    assert "CVE-2023-48795 in dropbear 2022.83" in page.text
    assert f'href="/o/acme/products/{ROUTER}/assessment"' in page.text
    assert "Inventory" in page.text
    listing = browser.client.get("/o/acme/checks")
    assert run_id in listing.text and "done" in listing.text


def test_a_malformed_sbom_ends_the_run_in_error_with_the_checkers_message(api: TestClient, web_env: WebEnv) -> None:
    token = web_env.token(USERS["assessor"])
    response = upload(api, token, {"kind": "sbom"}, "broken.json", b'{"bomFormat": "CycloneDX", "components": [')
    assert response.status_code == 202
    done = wait_for(api, token, response.json()["id"])
    assert done["status"] == "error"
    assert done["error"]
    assert "\n" not in done["error"]
    assert str(web_env.tmp) not in done["error"]
    assert done["findings"] == []


def test_bad_uploads_are_refused_before_anything_is_stored(api: TestClient, web_env: WebEnv) -> None:
    token = web_env.token(USERS["assessor"])
    empty = upload(api, token, {"kind": "sbom"}, "empty.json", b"")
    assert empty.status_code == 422
    assert "empty" in empty.json()["detail"]
    unknown_kind = upload(api, token, {"kind": "pcap"}, "x.json", b"{}")
    assert unknown_kind.status_code == 422
    no_component = upload(api, token, {"kind": "sbom", "product": ROUTER}, "x.json", b"{}")
    assert no_component.status_code == 422
    assert "component" in no_component.json()["detail"]
    wrong_component = upload(api, token, {"kind": "sbom", "product": ROUTER, "component": "toaster"}, "x.json", b"{}")
    assert wrong_component.status_code == 422
    assert api.get("/api/v1/orgs/acme/checks", headers=auth(token)).json()["items"] == []


def test_oversized_upload_is_413(web_env: WebEnv) -> None:
    settings = WebSettings(database_url=web_env.url, data_dir=web_env.tmp / "data", max_upload_bytes=1000)
    app = create_app(settings)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        response = upload(client, web_env.token(USERS["admin"]), {"kind": "sbom"}, "big.json", b"x" * 5000)
    assert response.status_code == 413


def test_viewer_may_not_start_runs(api: TestClient, browser: Browser, web_env: WebEnv) -> None:
    token = web_env.token(USERS["viewer"])
    assert upload(api, token, {"kind": "sbom"}, SBOM.name, SBOM.read_bytes()).status_code == 403
    browser.sign_in(USERS["viewer"])
    assert 'name="file"' not in browser.client.get("/o/acme/checks").text
    page = browser.post("/o/acme/checks", {"kind": "sbom"}, files={"file": (SBOM.name, SBOM.read_bytes())})
    assert page.status_code == 403


def test_other_organisations_runs_and_products_are_not_found(api: TestClient, browser: Browser,
                                                             web_env: WebEnv) -> None:  # fmt: skip
    token = web_env.token(USERS["admin"])
    run_id = upload(api, token, {"kind": "sbom"}, SBOM.name, SBOM.read_bytes()).json()["id"]
    wait_for(api, token, run_id)
    other = web_env.token(OTHER_ADMIN, "other")
    assert api.get(f"/api/v1/orgs/other/checks/{run_id}", headers=auth(other)).status_code == 404
    assert api.get(f"/api/v1/orgs/acme/checks/{run_id}", headers=auth(other)).status_code == 404
    assert api.get("/api/v1/orgs/other/checks", headers=auth(other)).json()["items"] == []
    # Attaching to another organisation's product is refused as unknown.
    attach = api.post("/api/v1/orgs/other/checks", headers=auth(other), data={"kind": "sbom", "product": ROUTER,
                      "component": "router"}, files={"file": (SBOM.name, SBOM.read_bytes())})  # fmt: skip
    assert attach.status_code == 404
    browser.sign_in(OTHER_ADMIN)
    assert browser.client.get(f"/o/other/checks/{run_id}").status_code == 404
    assert browser.client.get(f"/o/acme/checks/{run_id}").status_code == 404


def test_firmware_run_on_a_small_image(api: TestClient, web_env: WebEnv, tmp_path: Path) -> None:
    built = build_image(tmp_path / "image", ImageFormat.TAR_GZ, host_binaries=False)
    token = web_env.token(USERS["assessor"])
    response = upload(api, token, {"kind": "firmware"}, built.path.name, built.path.read_bytes())
    assert response.status_code == 202
    done = wait_for(api, token, response.json()["id"])
    assert done["status"] == "done", done["error"]
    assert done["findings"], "the planted weaknesses were not found"
    assert not list((web_env.tmp / "data" / "checks").glob("*/*")), "the uploaded file was left behind"


def test_runs_left_by_a_stopped_server_are_marked_interrupted(web_env: WebEnv, browser: Browser) -> None:
    with web_env.repository() as repository:
        content = b'{"bomFormat": "CycloneDX"}'
        old = datetime(2020, 1, 1, tzinfo=UTC)
        left = CheckRun(id="left-over", organisation="acme", product_id=None, component=None, kind="sbom",
                        filename="x.json", input_sha256=hashlib.sha256(content).hexdigest(), status="running",
                        created_by="someone", created_at=old, started_at=old, finished_at=None, result=None,
                        error=None)  # fmt: skip
        SqlCheckRuns(repository).add(left, content)
    browser.sign_in(USERS["viewer"])
    page = browser.client.get("/o/acme/checks/left-over")
    assert page.status_code == 200
    assert "interrupted" in page.text
    assert "data-poll" not in page.text


def test_the_upload_form_shows_a_clear_error_for_an_empty_file(browser: Browser) -> None:
    browser.sign_in(USERS["assessor"])
    response = browser.post("/o/acme/checks", {"kind": "sbom"}, files={"file": ("empty.json", b"")})
    assert response.status_code == 422
    assert "the uploaded file is empty" in response.text


def test_the_executor_survives_a_second_start_of_the_app(app: Any, web_env: WebEnv) -> None:
    token = web_env.token(USERS["assessor"])
    for _ in range(2):
        with TestClient(app, base_url="http://127.0.0.1") as client:
            response = upload(client, token, {"kind": "sbom"}, SBOM.name, SBOM.read_bytes())
            assert response.status_code == 202
            assert wait_for(client, token, response.json()["id"])["status"] == "done"


def test_a_live_run_page_marks_its_status_region_for_polling(browser: Browser, web_env: WebEnv) -> None:
    content = b"{}"
    with web_env.repository() as repository:
        live = CheckRun(id="live", organisation="acme", product_id=None, component=None, kind="sbom",
                        filename="x.json", input_sha256=hashlib.sha256(content).hexdigest(), status="running",
                        created_by="someone", created_at=datetime.now(UTC), started_at=None, finished_at=None,
                        result=None, error=None)  # fmt: skip
        SqlCheckRuns(repository).add(live, content)
    browser.sign_in(USERS["viewer"])
    page = browser.client.get("/o/acme/checks/live")
    assert '<section id="run-status" data-poll="/o/acme/checks/live"' in page.text
