"""End-to-end in a real browser: Debian's Chromium driven by Playwright against uvicorn on a populated SQLite file.

The flow follows the URL and form contracts of the web brief: sign in, create a product, open its assessment
matrix and a cell, record a verdict with a justification and an evidence file, see it in the matrix, download the
HTML report. Pages not on this branch yet (404) skip their part. Also: the sign-in form by keyboard alone, no console
errors or CSP violations on the main pages, and full-page screenshots of them (in the test's tmp directory, and in
``$IOTPROFILE_SCREENSHOTS`` when set) for a person to look at.

Skipped when /usr/bin/chromium is missing, unless ``CI=true`` (then it fails).
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
import uvicorn
from tests.chromium import CHROMIUM, CHROMIUM_ARGS, free_port, require_chromium

from iotprofile.web.app import create_app
from iotprofile.web.settings import WebSettings

from .conftest import PASSWORD, ROUTER, USERS, populate

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Response

NEW_PRODUCT_ID = "qa-camera"
NEW_PRODUCT_NAME = "QA Doorbell Camera"
TIMEOUT_MS = 15_000


@dataclass
class LiveServer:
    """uvicorn serving the app in a background thread."""

    url: str
    server: uvicorn.Server
    thread: threading.Thread
    screenshots: list[Path] = field(default_factory=list)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    require_chromium()
    tmp = tmp_path_factory.mktemp("browser")
    url = f"sqlite:///{tmp / 'web.db'}"
    populate(url)
    app = create_app(WebSettings(database_url=url, data_dir=tmp / "data"))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the server did not answer /healthz within 30 s")
        time.sleep(0.05)
    yield LiveServer(base, server, thread)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def context(live: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser_context = playwright.chromium.launch_persistent_context(
            user_data_dir=str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            base_url=live.url,
            accept_downloads=True,
            viewport={"width": 1280, "height": 900},
        )
        browser_context.set_default_timeout(TIMEOUT_MS)
        yield browser_context
        browser_context.close()


@dataclass
class Problems:
    """Console errors, uncaught exceptions and CSP violations seen by a page."""

    messages: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> Page:
        def on_response(response: Response) -> None:
            # Browsers ask for /favicon.ico on their own; the app has none (reported, not a page's fault).
            if response.status >= 400 and not response.url.endswith("/favicon.ico"):
                self.messages.append(f"{page.url}: {response.status} for {response.url}")

        def on_console(message: ConsoleMessage) -> None:
            if "Failed to load resource" in message.text:
                return  # the response listener reports these, with their URL
            if message.type == "error" or "Content Security Policy" in message.text:
                self.messages.append(f"{page.url}: console {message.type}: {message.text}")

        page.on("response", on_response)
        page.on("console", on_console)
        page.on("pageerror", lambda error: self.messages.append(f"{page.url}: uncaught {error}"))
        return page


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    context.clear_cookies()
    new_page = context.new_page()
    yield new_page
    new_page.close()


def screenshot_dirs(tmp_path: Path) -> list[Path]:
    dirs = [tmp_path / "screenshots"]
    if os.environ.get("IOTPROFILE_SCREENSHOTS"):
        dirs.append(Path(os.environ["IOTPROFILE_SCREENSHOTS"]))
    for directory in dirs:
        directory.mkdir(parents=True, exist_ok=True)
    return dirs


def shoot(page: Page, name: str, dirs: list[Path]) -> None:
    for directory in dirs:
        page.screenshot(path=str(directory / f"{name}.png"), full_page=True)


def sign_in(page: Page, email: str = USERS["admin"]) -> None:
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/o/acme/products$"))


def goto(page: Page, url: str) -> Response:
    """Open a page that must answer 200."""
    response = page.goto(url)
    assert response is not None, url
    assert response.status == 200, f"{url}: {response.status}"
    return response


def route_missing(page: Page, url: str) -> bool:
    """A 404 from FastAPI's router (JSON ``{"detail":"Not Found"}``), not from our own not-found page."""
    response = page.request.get(url)
    return response.status == 404 and response.headers.get("content-type", "").startswith("application/json")


def test_sign_in_by_keyboard_alone(page: Page) -> None:
    page.goto("/login")
    for _ in range(30):
        if page.evaluate("document.activeElement && document.activeElement.id") == "email":
            break
        page.keyboard.press("Tab")
    else:
        pytest.fail("the e-mail field cannot be reached with Tab")
    page.keyboard.type(USERS["viewer"])
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "password", "Tab from e-mail does not go to the password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/o/acme/products$"))
    assert ROUTER in page.content()


def test_record_a_verdict_and_download_the_report(live: LiveServer, page: Page, tmp_path: Path) -> None:
    problems = Problems()
    problems.watch(page)
    sign_in(page)
    # Create a product through the form.
    if route_missing(page, "/o/acme/products/new"):
        pytest.skip("/o/acme/products/new is not on this branch yet")
    goto(page, "/o/acme/products/new")
    form = page.locator("form", has=page.get_by_role("button", name="Create product"))
    for name, value in {
        "id": NEW_PRODUCT_ID,
        "name": NEW_PRODUCT_NAME,
        "manufacturer": "QA Devices",
        "model": "DB-1",
        "version": "2.0.1",
        "component_id": "camera",
        "component_name": "Doorbell camera",
    }.items():
        form.locator(f'[name="{name}"]').fill(value)
    form.locator('[name="product_type"]').select_option("consumer_grade_router")
    form.locator('[name="component_kind"]').select_option("device")
    form.locator('[name="component_updatable"]').check()
    form.get_by_role("button", name="Create product").click()
    page.wait_for_url(re.compile(rf"/o/acme/products/{NEW_PRODUCT_ID}$"))
    assert NEW_PRODUCT_NAME in page.content()

    # The assessment matrix and one of its cells.
    matrix_url = f"/o/acme/products/{NEW_PRODUCT_ID}/assessment"
    if route_missing(page, matrix_url):
        pytest.skip(f"{matrix_url} is not on this branch yet")
    goto(page, matrix_url)
    cells = page.locator("table.matrix a[data-cell]")
    assert cells.count() > 0, "the matrix has no cell links (a[data-cell])"
    cell_link = page.locator('table.matrix a[data-cell$="@camera"]').first
    if cell_link.count() == 0:
        cell_link = cells.first
    cell = cell_link.get_attribute("data-cell")
    assert cell and "@" in cell
    cell_link.click()
    page.wait_for_url(re.compile(r"/cells/"))
    assert page.url.endswith(f"/o/acme/products/{NEW_PRODUCT_ID}/cells/{cell}") or "/cells/" in page.url

    # Record a verdict with a justification and an evidence file.
    evidence = tmp_path / "pen-test-summary.txt"
    evidence.write_text("Penetration test summary: no findings on the update channel.\n", encoding="utf-8")
    verdict_form = page.locator("form", has=page.get_by_role("button", name="Record verdict"))
    verdict_form.locator('[name="verdict"]').select_option("partially_satisfied")
    verdict_form.locator('[name="justification"]').fill("Signed updates verified; rollback protection pending.")
    verdict_form.locator('[name="evidence_file"]').set_input_files(str(evidence))
    cell_url = page.url
    verdict_form.get_by_role("button", name="Record verdict").click()
    page.wait_for_load_state()
    assert page.url.split("?")[0] == cell_url.split("?")[0], "the verdict form does not return to the cell"
    assert "Signed updates verified" in page.content()
    assert "pen-test-summary.txt" in page.content(), "the evidence file is not listed on the cell page"

    # The verdict, as text, in the matrix.
    goto(page, matrix_url)
    recorded = page.locator(f'table.matrix a[data-cell="{cell}"]')
    shown = " ".join(
        filter(None, [recorded.text_content(), recorded.get_attribute("aria-label"), recorded.get_attribute("title")])
    )
    assert "Partially satisfied" in shown or "partially satisfied" in shown.lower(), f"cell {cell} shows {shown!r}"

    # The HTML report, downloaded from the matrix (or the product page).
    link = page.get_by_role("link", name="HTML report")
    if link.count() == 0:
        goto(page, f"/o/acme/products/{NEW_PRODUCT_ID}")
        link = page.get_by_role("link", name="HTML report")
    assert link.count() > 0, "no 'HTML report' link on the matrix or the product page"
    with page.expect_download() as download_info:
        link.first.click()
    download = download_info.value
    report = Path(download.path()).read_text(encoding="utf-8")
    assert NEW_PRODUCT_NAME in report
    assert re.search(r"partially[ _]satisfied", report, re.I), "the report does not show the recorded verdict"
    assert not problems.messages, problems.messages


MAIN_PAGES = [
    ("products", "/o/acme/products"),
    ("product", f"/o/acme/products/{ROUTER}"),
    ("matrix", f"/o/acme/products/{ROUTER}/assessment"),
    ("cell", f"/o/acme/products/{ROUTER}/cells/DP-1@router"),
    ("catalog", "/o/acme/catalog"),
    ("checks", "/o/acme/checks"),
    ("builds", "/o/acme/builds"),
    ("settings", "/o/acme/settings"),
    ("login", "/login"),
]


def test_main_pages_have_no_console_errors_and_are_captured(live: LiveServer, page: Page, tmp_path: Path) -> None:
    problems = Problems()
    problems.watch(page)
    dirs = screenshot_dirs(tmp_path)
    sign_in(page)
    shown, missing = [], []
    for name, url in MAIN_PAGES:
        if name == "login":
            page.context.clear_cookies()
        if route_missing(page, url):
            missing.append(url)
            continue
        response = page.goto(url)
        assert response is not None and response.status == 200, f"{url}: {response and response.status}"
        page.wait_for_load_state("networkidle")
        assert page.locator("h1").count() >= 1, f"{url} has no h1"
        unlabelled = page.evaluate(
            """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
                 .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
                              && !e.getAttribute('aria-labelledby'))
                 .map(e => e.name || e.id || e.outerHTML.slice(0, 80))"""
        )
        assert not unlabelled, f"{url}: inputs without a label: {unlabelled}"
        shoot(page, name, dirs)
        shown.append(url)
    print(f"\nscreenshots in {', '.join(map(str, dirs))}: {shown}; not on this branch yet: {missing}")
    assert not problems.messages, problems.messages


def test_oversized_chunked_upload_to_the_real_server_is_413(live: LiveServer) -> None:
    """Through uvicorn (real chunked transfer), the default limit is enforced too; here with a bounded stream."""
    limit = WebSettings().max_upload_bytes

    boundary = "qa-boundary"

    def chunks() -> Iterator[bytes]:
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="email"; filename="big.bin"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        block = b"x" * (1 << 20)
        for _ in range(limit // len(block) + 2):
            yield block
        yield f"\r\n--{boundary}--\r\n".encode()

    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    with httpx.Client(base_url=live.url, timeout=60) as client:
        response = client.post("/login", content=chunks(), headers=headers)
    assert response.status_code == 413, response.text[:200]
