"""The catalog explorer in a real browser: Debian's chromium through Playwright, against ``iotprofile serve``.

Signs in, searches with the keyboard, follows a result to the element page and its crosswalk, opens the profile
view; fails on any console message (a CSP violation shows there) and on requests leaving loopback. Screenshots are
written to the test's temporary directory (``--basetemp`` to keep them).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.chromium import CHROMIUM_ARGS, require_chromium

from .conftest import PASSWORD, USERS, populate
from .live import serve


@pytest.fixture
def chromium() -> Path:
    return require_chromium()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """``iotprofile serve`` on a populated database; yields its base URL."""
    db = f"sqlite:///{tmp_path / 'web.db'}"
    populate(db)
    with serve(db) as base:
        yield base


def test_explore_catalogs_in_chromium(chromium: Path, server: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
        )  # fmt: skip
        try:
            page = context.new_page()
            # Chromium's own /favicon.ico request (the app has none) is reported only as a console message without
            # its URL; every other failed load is caught by the response handler below, with its URL.
            page.on(
                "console",
                lambda message: (
                    None
                    if message.text.startswith("Failed to load resource")
                    else problems.append(f"{message.type}: {message.text}")
                ),
            )
            page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
            page.on(
                "response",
                lambda response: (
                    problems.append(f"{response.status}: {response.url}") if response.status >= 400 else None
                ),
            )
            page.on(
                "request",
                lambda request: None if request.url.startswith(server) else problems.append(f"request: {request.url}"),
            )
            page.goto(f"{server}/o/acme/catalog")
            assert "/login" in page.url  # not signed in yet
            page.get_by_label("E-mail").fill(USERS["viewer"])
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(f"{server}/o/acme/catalog")

            # Search with the keyboard only: type, pick an outcome, submit with Enter.
            page.get_by_label("Words in ID, title or statement").fill("password")
            page.get_by_label("Outcome").select_option("IAC")
            page.get_by_label("Words in ID, title or statement").press("Enter")
            page.wait_for_url("**/o/acme/catalog?q=password&outcome=IAC**")
            results = page.locator("table.elements tbody tr")
            assert results.count() > 5
            page.screenshot(path=str(tmp_path / "catalog-search.png"), full_page=True)

            page.locator('tr[data-ref="etsi-en-303-645:5.1-1"] a[href$="/5.1-1"]').click()
            page.wait_for_url(f"{server}/o/acme/catalog/etsi-en-303-645/5.1-1")
            assert page.locator("h1").inner_text().startswith("5.1-1")
            assert page.locator('table.crosswalk tr[data-ref="nist-ir-8425:IAC-1b"]').is_visible()
            page.screenshot(path=str(tmp_path / "element.png"), full_page=True)

            page.goto(f"{server}/o/acme/catalog/nist-ir-8425a/DP-1")
            page.get_by_label("Standard").select_option("etsi-en-303-645")
            page.get_by_role("button", name="Filter").click()
            page.wait_for_url("**standard=etsi-en-303-645**")
            rows = page.locator("table.crosswalk tbody tr")
            assert rows.count() > 0
            assert all(ref.startswith("etsi-en-303-645") for ref in
                       [rows.nth(i).get_attribute("data-ref") or "" for i in range(rows.count())])  # fmt: skip

            page.goto(f"{server}/o/acme/profiles/nist-ir-8425a")
            assert page.get_by_role("heading", name="Added elements (2)").is_visible()
            assert page.locator('tr[data-ref="nist-ir-8425a:SU-1"] ins.diff-added').first.is_visible()
            page.screenshot(path=str(tmp_path / "profile.png"), full_page=True)
        finally:
            context.close()
    assert problems == []
