"""report.html in a real browser: Debian's chromium through Playwright (headless).

Needs /usr/bin/chromium (Debian package ``chromium``). Skipped without it on a developer's machine; in CI (``CI``
set) a missing browser is a failure. Playwright refuses ``--user-data-dir`` among the launch arguments, so the fresh
profile directory is given through ``launch_persistent_context``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.chromium import CHROMIUM_ARGS, require_chromium

from iotprofile.assessment.rollup import AssessmentResult
from iotprofile.reports.assessment import write_reports


@pytest.fixture
def chromium() -> Path:
    return require_chromium()


def test_report_opens_in_chromium(chromium: Path, router_result: AssessmentResult, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    (report,) = write_reports(router_result, tmp_path / "out", ["html"])
    problems: list[str] = []
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900}, offline=True,
        )  # fmt: skip
        try:
            page = context.new_page()
            page.on("console", lambda message: problems.append(f"{message.type}: {message.text}"))
            page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
            page.on("request", lambda request: problems.append(f"request: {request.url}"))
            page.goto(report.as_uri())
            matrix = page.locator("table.matrix")
            assert matrix.is_visible()
            assert matrix.locator('th[scope="col"]').all_inner_texts()[-1].startswith("Product")
            link = matrix.locator('a[href="#cell-DP-1--router"]')
            assert link.inner_text() == "satisfied"
            link.click()
            target = page.locator('[id="cell-DP-1--router"]')
            assert target.is_visible()
            assert target.evaluate("element => element.matches(':target')")
            assert target.evaluate("element => element.getBoundingClientRect().top") < 100
            page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        finally:
            context.close()
    assert problems == [f"request: {report.as_uri()}"]  # the page itself, nothing else
    assert (tmp_path / "report.png").stat().st_size > 10_000
