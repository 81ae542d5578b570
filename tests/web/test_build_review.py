"""Profile builds in the web app: create from uploaded requirement lists, follow, review, download outputs."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import yaml
from fastapi.testclient import TestClient

from iotprofile.services.accounts import accounts
from iotprofile.storage.runs import ProfileBuild, SqlProfileBuilds

from .conftest import OTHER_ADMIN, ROOT, USERS, Browser, WebEnv

REQUIREMENTS = (
    b"id,text\n"
    b"R-1,The router shall support TLS 1.2 or higher for its web management interface.\n"
    b"R-2,Administrator passwords must be at least 12 characters long.\n"
    b"R-3,The device shall be updatable with signed firmware updates.\n"
)
WAIT_S = 180.0


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def wait_for(api: TestClient, token: str, build_id: str, org: str = "acme") -> dict[str, Any]:
    """Poll the build until it is no longer queued or running."""
    deadline = time.monotonic() + WAIT_S
    while True:
        response = api.get(f"/api/v1/orgs/{org}/builds/{build_id}", headers=auth(token))
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        if body["status"] not in ("queued", "running"):
            return body
        assert time.monotonic() < deadline, f"build {build_id} still {body['status']}"
        time.sleep(0.2)


def create(api: TestClient, token: str, content: bytes = REQUIREMENTS, name: str = "router.csv") -> Any:
    return api.post(
        "/api/v1/orgs/acme/builds",
        headers=auth(token),
        data={"name": "Consumer router", "target": "nist-ir-8425a", "standards": "acme-router-2026"},
        files=[("files", (name, content, "text/csv"))],
    )


def test_build_through_the_pages_then_review_one_item(browser: Browser, api: TestClient, web_env: WebEnv) -> None:
    browser.sign_in(USERS["editor"])
    form = browser.client.get("/o/acme/builds")
    assert 'name="files"' in form.text
    response = browser.post("/o/acme/builds", {"name": "Consumer router", "target": "nist-ir-8425a"},
                            files=[("files", ("acme-router-2026.csv", REQUIREMENTS, "text/csv"))])  # fmt: skip
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    build_id = location.rsplit("/", 1)[-1]
    token = web_env.token(USERS["viewer"])
    done = wait_for(api, token, build_id)
    assert done["status"] == "done", done["error"]
    assert done["summary"]["requirements"] == 3
    assert done["summary"]["unreviewed"] == 3
    assert "traceability.csv" in done["outputs"]
    page = browser.client.get(location)
    assert "data-poll" not in page.text
    assert f'href="/o/acme/builds/{build_id}/files/traceability.csv"' in page.text
    download = browser.client.get(f"/o/acme/builds/{build_id}/files/traceability.csv")
    assert download.status_code == 200
    assert "R-2" in download.text

    queue = browser.client.get(f"/o/acme/builds/{build_id}/review")
    assert queue.status_code == 200
    for key in ("acme-router-2026:R-1", "acme-router-2026:R-2", "acme-router-2026:R-3"):
        assert key in queue.text
    assert "IAC-1b" in queue.text  # Group's best suggestion for the password requirement
    accept = {"subject": "acme-router-2026:R-2", "verdict": "accept", "reason": "length rule"}
    decided = browser.post(f"/o/acme/builds/{build_id}/review", accept)
    assert decided.status_code == 303, decided.text
    decisions = yaml.safe_load((web_env.tmp / "data" / "builds" / build_id / "out" / "decisions.yaml").read_text())
    recorded = decisions["decisions"] if isinstance(decisions, dict) else decisions
    assert any(item["subject"] == "acme-router-2026:R-2" and item["verdict"] == "accept"
               and item["elements"] == ["IAC-1b"] and item["reviewer"] == USERS["editor"]
               for item in recorded)  # fmt: skip
    rebuilt = wait_for(api, token, build_id)
    assert rebuilt["status"] == "done", rebuilt["error"]
    assert rebuilt["summary"]["unreviewed"] == 2
    items = api.get(f"/api/v1/orgs/acme/builds/{build_id}/review", headers=auth(token)).json()["items"]
    assert [item["subject"] for item in items] == ["acme-router-2026:R-1", "acme-router-2026:R-3"]
    with web_env.repository() as repository:
        since = datetime(2000, 1, 1, tzinfo=UTC)
        assert accounts(repository).count_events("build.review", since=since, actor=USERS["editor"]) == 1
        assert accounts(repository).count_events("build.create", since=since, actor=USERS["editor"]) == 1


def test_build_and_override_through_the_api(api: TestClient, web_env: WebEnv) -> None:
    token = web_env.token(USERS["admin"])
    response = create(api, token)
    assert response.status_code == 202, response.text
    build_id = response.json()["id"]
    assert wait_for(api, token, build_id)["status"] == "done"
    listed = api.get("/api/v1/orgs/acme/builds", headers=auth(token)).json()["items"]
    assert [item["id"] for item in listed] == [build_id]
    queue = api.get(f"/api/v1/orgs/acme/builds/{build_id}/review", headers=auth(token)).json()
    assert len(queue["items"]) == 3
    assert queue["items"][0]["suggestions"][0]["score"] > 0
    url = f"/api/v1/orgs/acme/builds/{build_id}/review"
    unknown = api.post(url, headers=auth(token), json={"subject": "acme-router-2026:R-1", "verdict": "override",
                                                       "elements": ["NOPE-9"]})  # fmt: skip
    assert unknown.status_code == 422
    assert "NOPE-9" in unknown.json()["detail"]
    extra = api.post(url, headers=auth(token), json={"subject": "x", "verdict": "accept", "surprise": 1})
    assert extra.status_code == 422
    override = api.post(url, headers=auth(token), json={"subject": "acme-router-2026:R-1", "verdict": "override",
                                                        "elements": ["DP-1"], "reason": "about data"})  # fmt: skip
    assert override.status_code == 202, override.text
    assert wait_for(api, token, build_id)["status"] == "done"
    items = api.get(url, headers=auth(token)).json()["items"]
    assert "acme-router-2026:R-1" not in [item["subject"] for item in items]


def test_a_bad_requirement_file_is_refused_with_a_clear_message(api: TestClient, web_env: WebEnv) -> None:
    token = web_env.token(USERS["admin"])
    bad = create(api, token, b"name,colour\nfoo,blue\n")
    assert bad.status_code == 422
    assert bad.json()["detail"].startswith("router.csv: no 'id' column")
    assert str(web_env.tmp) not in bad.json()["detail"]
    wrong_type = create(api, token, b"hello", name="notes.exe")
    assert wrong_type.status_code == 422
    empty = create(api, token, b"")
    assert empty.status_code == 422
    assert api.get("/api/v1/orgs/acme/builds", headers=auth(token)).json()["items"] == []
    assert not list((web_env.tmp / "data" / "builds").glob("*"))


def test_viewers_and_assessors_may_not_build_or_review(api: TestClient, browser: Browser, web_env: WebEnv) -> None:
    admin = web_env.token(USERS["admin"])
    build_id = create(api, admin).json()["id"]
    wait_for(api, admin, build_id)
    for role in ("viewer", "assessor"):
        token = web_env.token(USERS[role])
        assert create(api, token).status_code == 403
        decision = {"subject": "acme-router-2026:R-1", "verdict": "reject"}
        assert api.post(f"/api/v1/orgs/acme/builds/{build_id}/review", headers=auth(token),
                        json=decision).status_code == 403  # fmt: skip
    browser.sign_in(USERS["assessor"])
    page = browser.client.get(f"/o/acme/builds/{build_id}/review")
    assert page.status_code == 200
    assert "Record decision" not in page.text
    decision = {"subject": "acme-router-2026:R-1", "verdict": "reject"}
    posted = browser.post(f"/o/acme/builds/{build_id}/review", decision)
    assert posted.status_code == 403


def test_other_organisations_builds_are_not_found_and_files_only_by_listed_name(
    api: TestClient, browser: Browser, web_env: WebEnv
) -> None:
    admin = web_env.token(USERS["admin"])
    build_id = create(api, admin).json()["id"]
    wait_for(api, admin, build_id)
    other = web_env.token(OTHER_ADMIN, "other")
    assert api.get(f"/api/v1/orgs/other/builds/{build_id}", headers=auth(other)).status_code == 404
    assert api.get(f"/api/v1/orgs/other/builds/{build_id}/review", headers=auth(other)).status_code == 404
    browser.sign_in(OTHER_ADMIN)
    assert browser.client.get(f"/o/other/builds/{build_id}").status_code == 404
    assert browser.client.get(f"/o/other/builds/{build_id}/files/traceability.csv").status_code == 404
    browser.sign_in(USERS["viewer"])
    for name in ("../build.yaml", "..%2Fbuild.yaml", "../../../web.db", "input/router.csv"):
        assert browser.client.get(f"/o/acme/builds/{build_id}/files/{name}").status_code == 404


CONFIG = b"""format: iotprofile/build/v1
profile:
  id: acme-router-profile
  title: Acme router profile
  product_type: consumer-grade router
target: nist-ir-8425a
standards:
- file: vendor-router-requirements.csv
  standard: acme-router-baseline-2026
  columns: {id: Req ID, text: Requirement, strength: Level}
"""
VENDOR_CSV = ROOT / "examples" / "profile-build" / "vendor-router-requirements.csv"


def test_build_from_an_uploaded_build_file(api: TestClient, web_env: WebEnv) -> None:
    token = web_env.token(USERS["editor"])
    files = [("files", (VENDOR_CSV.name, VENDOR_CSV.read_bytes(), "text/csv")),
             ("config", ("router.yaml", CONFIG, "application/yaml"))]  # fmt: skip
    response = api.post("/api/v1/orgs/acme/builds", headers=auth(token), files=files)
    assert response.status_code == 202, response.text
    assert response.json()["name"] == "Acme router profile"
    done = wait_for(api, token, response.json()["id"])
    assert done["status"] == "done", done["error"]
    assert done["summary"]["standards"] == ["acme-router-baseline-2026"]
    assert "acme-router-profile.html" in done["outputs"]


def test_an_uploaded_build_file_may_only_name_uploaded_files(api: TestClient, web_env: WebEnv) -> None:
    token = web_env.token(USERS["editor"])
    csv = ("files", (VENDOR_CSV.name, VENDOR_CSV.read_bytes(), "text/csv"))
    for config, message in (
        (CONFIG.replace(b"file: vendor-router-requirements.csv", b"file: ../../web.db"), "was not uploaded"),
        (CONFIG + b"learn_from: [../other/decisions.yaml]\n", "learn_from"),
        (b"format: [unclosed", "not a YAML build file"),
        (CONFIG.replace(b"target: nist-ir-8425a", b"target: Not An ID!"), "config"),
    ):
        response = api.post("/api/v1/orgs/acme/builds", headers=auth(token),
                            files=[csv, ("config", ("b.yaml", config, "application/yaml"))])  # fmt: skip
        assert response.status_code == 422, response.text
        assert message in response.json()["detail"]
        assert str(web_env.tmp) not in response.json()["detail"]
    assert not list((web_env.tmp / "data" / "builds").glob("*"))


def test_a_running_build_page_polls_and_hides_the_review_forms(browser: Browser, web_env: WebEnv) -> None:
    at = datetime.now(UTC)
    with web_env.repository() as repository:
        build = ProfileBuild(id="live", organisation="acme", name="Live", target="nist-ir-8425a", status="running",
                             created_by="x", created_at=at, updated_at=at, summary={}, error=None)  # fmt: skip
        SqlProfileBuilds(repository).add(build)
    browser.sign_in(USERS["editor"])
    page = browser.client.get("/o/acme/builds/live")
    assert '<section id="build-status" data-poll="/o/acme/builds/live"' in page.text
    review = browser.client.get("/o/acme/builds/live/review")
    assert 'data-poll="/o/acme/builds/live/review"' in review.text
    refused = browser.post("/o/acme/builds/live/review", {"subject": "a:b", "verdict": "reject"})
    assert refused.status_code == 422
    assert "running" in refused.text
