"""Assessment benchmarks: report generation for a 20-component product, and ``assess status`` with 10,000
products stored (SQLite, and PostgreSQL when ``IOTPROFILE_TEST_POSTGRES_URL`` names a server)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from iotprofile.assessment.model import AssessmentLog, Verdict, VerdictRecord
from iotprofile.assessment.rollup import evaluate
from iotprofile.product.model import Product
from iotprofile.product.plan import plan
from iotprofile.services import Workspace, show_document

TARGET_REPORT_S = 1.0
TARGET_STATUS_S = 0.2
_KINDS = ["device", "mobile_app", "desktop_app", "web_app", "cloud_backend", "hub", "third_party_service"]


def big_product(components: int = 20, product_id: str = "bench-router") -> Product:
    """A router product with ``components`` components, all connected to the first."""
    parts = [
        {"id": f"c{index:02d}", "name": f"Component {index}", "kind": "device" if index == 0 else _KINDS[index % 7],
         "updatable": True, "onboards": index % 3 == 0, "stores_customer_data": index % 2 == 0}
        for index in range(components)
    ]  # fmt: skip
    links = [{"source": f"c{index:02d}", "target": "c00", "protocols": ["https"]} for index in range(1, components)]
    return Product.model_validate({
        "id": product_id, "name": "Bench router", "manufacturer": "Bench", "model": "B-1",
        "product_type": "consumer_grade_router", "components": parts, "connections": links,
    })  # fmt: skip


def _records(cells: Sequence[tuple[str, str | None]]) -> list[VerdictRecord]:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    verdicts = [Verdict.SATISFIED, Verdict.PARTIALLY_SATISFIED, Verdict.NOT_SATISFIED, Verdict.SATISFIED]
    return [
        VerdictRecord(element=element, component=component, verdict=verdicts[index % 4], assessor="bench",
                      recorded_at=start + timedelta(minutes=index), justification="benchmark")
        for index, (element, component) in enumerate(cells)
    ]  # fmt: skip


def median_of(runs: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def report_generation(runs: int) -> None:
    """Plan + evaluate + write reports for a 20-component product against IR 8425A, every cell recorded."""
    from iotprofile.reports.assessment import write_reports

    workspace = Workspace.open()
    product = big_product()
    profile = show_document(workspace, "nist-ir-8425a")
    assessment_plan = plan(product, profile, workspace.crosswalks)
    cells = [(cell.element.id, cell.component.id if cell.component else None) for cell in assessment_plan.applicable()]
    log = AssessmentLog(product=product.id, profile=profile.id, records=tuple(_records(cells)))
    work = Path(tempfile.mkdtemp(prefix="iotprofile-bench-reports-"))

    def everything_but_pdf() -> None:
        result = evaluate(plan(product, profile, workspace.crosswalks), log)
        write_reports(result, work / "a", ["html", "md", "json", "csv", "xlsx", "oscal"])

    def pdf() -> None:
        write_reports(evaluate(assessment_plan, log), work / "b", ["pdf"])

    everything_but_pdf()
    median = median_of(runs, everything_but_pdf)
    verdict = "meets" if median <= TARGET_REPORT_S else "MISSES"
    print(
        f"  20 components x IR 8425A ({len(cells)} cells recorded), plan + roll-up + html, md, json, csv, xlsx, "
        f"oscal: median {median * 1000:7.1f} ms  target <= {TARGET_REPORT_S * 1000:.0f} ms: {verdict}"
    )
    pdf()
    print(f"  the same, PDF alone (WeasyPrint): median {median_of(max(3, runs // 3), pdf) * 1000:7.1f} ms")


def _fill(url: str, products: int, records_per_product: int) -> None:
    from iotprofile.storage.repository import SqlRepository

    with SqlRepository.open(url) as repository:
        if len(repository.list_products()) >= products:
            return
        template = big_product(components=3)
        cells: list[tuple[str, str | None]] = [("DP-1", "c00"), ("DP-1", "c01"), ("DP-1", "c02"), ("SU-1", "c00")]
        cells += [("AI-1", "c00")]
        cells += [("DOC-1a", None)] * (records_per_product - len(cells))
        for index in range(products):
            product = template.model_copy(update={"id": f"bench-{index:05d}"})
            repository.import_product(product)
            repository.add_records(product.id, "nist-ir-8425a", _records(cells), {})


def status_with_many_products(runs: int, products: int = 10_000) -> None:
    """``assess status`` for one product with 10,000 products stored: the service call, then a whole process."""
    from iotprofile.services.products import stored_result
    from iotprofile.storage.repository import SqlRepository

    targets = [("SQLite", f"sqlite:///{Path(tempfile.gettempdir()) / 'iotprofile-bench-10k.db'}")]
    postgres = os.environ.get("IOTPROFILE_TEST_POSTGRES_URL", "").strip()
    if postgres:
        targets.append(("PostgreSQL", postgres))
    else:
        print("  (PostgreSQL skipped: set IOTPROFILE_TEST_POSTGRES_URL, e.g. from scripts/start-test-postgres.sh)")
    workspace = Workspace.open()
    for name, url in targets:
        started = time.perf_counter()
        _fill(url, products, 20)
        filled = time.perf_counter() - started
        with SqlRepository.open(url) as repository:

            def status(repository: Any = repository) -> object:
                return stored_result(repository, workspace, "bench-05000", requirements=False).product_verdict()

            status()
            median = median_of(runs, status)
        verdict = "meets" if median <= TARGET_STATUS_S else "MISSES"
        env = {**os.environ, "IOTPROFILE_DATABASE_URL": url}
        command = [str(Path(sys.executable).parent / "iotprofile"), "assess", "status", "bench-05000", "--format",
                   "json"]  # fmt: skip
        subprocess.run(command, env=env, check=True, capture_output=True)

        def whole_process(command: list[str] = command, env: dict[str, str] = env) -> object:
            return subprocess.run(command, env=env, check=True, capture_output=True)

        whole = median_of(max(3, runs // 3), whole_process)
        print(
            f"  {name}: {products:,} products stored (filled in {filled:5.1f} s); status of one product: service "
            f"call median {median * 1000:6.1f} ms (target <= {TARGET_STATUS_S * 1000:.0f} ms: {verdict}); "
            f"whole process {whole * 1000:6.1f} ms"
        )
