"""Web app latency under load: ``python benchmarks/web_bench.py`` (also run by ``benchmarks/run.py``).

A SQLite database in a temporary directory holds (a) a 10-component consumer-grade router (the example router, with
components added up to 10) assessed against NIST IR 8425A with some verdicts recorded, and (b) 10,000 further
products in the same organisation. ``iotprofile serve`` runs on 127.0.0.1; 20 concurrent clients (wrk, or an
asyncio + httpx closed loop when wrk is missing) request each target for 3 runs of 10 s; medians are printed with
p50/p95/p99, requests/s and the ratio of p95 to its target (matrix and API < 50 ms, product list < 100 ms).
Routes not on this branch yet (404) are reported as skipped.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
ORG = "bench"
EMAIL = "bench@bench.example"
PASSWORD = "benchmark password 12345"
PRODUCTS = 10_000
CLIENTS = 20
COOKIE = "iotprofile-session"
_KINDS = ["mobile_app", "cloud_backend", "web_app", "desktop_app", "hub", "third_party_service", "device"]


@dataclass(frozen=True)
class Target:
    name: str
    url: str
    p95_target_ms: float
    api: bool


@dataclass(frozen=True)
class Run:
    p50_ms: float
    p95_ms: float
    p99_ms: float
    rps: float
    errors: int


# The database -----------------------------------------------------------------------------------------------------


def router_product() -> Any:
    """The example router, with components of other kinds added until it has 10."""
    from iotprofile.product.io import load_product
    from iotprofile.product.model import Product

    product = load_product(ROOT / "examples" / "router" / "product.yaml")
    data = product.model_dump(mode="json", exclude_none=True)
    components = list(data["components"])
    index = 0
    while len(components) < 10:
        kind = _KINDS[index % len(_KINDS)]
        components.append({"id": f"extra-{index}", "name": f"Extra {kind.replace('_', ' ')} {index}", "kind": kind,
                           "updatable": True, "stores_customer_data": index % 2 == 0})  # fmt: skip
        index += 1
    data["components"] = components
    data["id"] = "bench-router"
    return Product.model_validate(data)


def fill(url: str) -> tuple[str, str]:
    """Create the organisation, its admin, the router with verdicts and 10,000 products; (router ID, token)."""
    from sqlalchemy import insert

    from iotprofile.assessment.model import Verdict, VerdictRecord
    from iotprofile.services import Workspace
    from iotprofile.services.accounts import Role, create_user, operator_token
    from iotprofile.services.products import plan_for
    from iotprofile.storage.repository import SqlRepository
    from iotprofile.storage.tables import ProductRow

    product = router_product()
    workspace = Workspace.open()
    with SqlRepository.open(url) as repository:
        create_user(repository, email=EMAIL, name="Bench", password=PASSWORD, organisation=ORG,
                    organisation_name="Bench", role=Role.ADMIN)  # fmt: skip
        repository.import_product(product, organisation=ORG)
        cells = [(cell.element.id, cell.component.id if cell.component else None)
                 for cell in plan_for(workspace, product, requirements=False).applicable()]  # fmt: skip
        start = datetime(2026, 1, 1, tzinfo=UTC)
        verdicts = [Verdict.SATISFIED, Verdict.PARTIALLY_SATISFIED, Verdict.NOT_SATISFIED]
        records = [
            VerdictRecord(element=element, component=component, verdict=verdicts[index % 3], assessor=EMAIL,
                          recorded_at=start + timedelta(minutes=index), justification="benchmark")
            for index, (element, component) in enumerate(cells[::2])
        ]  # fmt: skip
        repository.add_records(product.id, product.profile_id, records, {})
        # 10,000 more products: one bulk insert through the products table (import_product is one transaction each).
        template = router_product().model_copy(update={"components": router_product().components[:1]})
        now = datetime.now(UTC)
        rows = []
        for index in range(PRODUCTS):
            copy = template.model_copy(update={"id": f"bench-{index:05d}", "name": f"Bench product {index:05d}"})
            rows.append({"id": copy.id, "name": copy.name, "manufacturer": "Bench Networks", "model": f"B-{index}",
                         "version": "1.0", "product_type": copy.product_type.value, "profile": copy.profile_id,
                         "definition": _definition(copy), "organisation_id": ORG, "created_at": now,
                         "updated_at": now})  # fmt: skip
        with repository.transaction("bench fill", write=True) as connection:
            for chunk in range(0, len(rows), 1000):
                connection.execute(insert(ProductRow), rows[chunk : chunk + 1000])
        token = operator_token(repository, email=EMAIL, organisation=ORG, name="bench").secret
        return product.id, token


def _definition(product: Any) -> Any:
    from iotprofile.product.io import product_to_json

    return product_to_json(product)


def session_cookie(url: str) -> str:
    """A session of the admin (as the sign-in form would make)."""
    from iotprofile.services import accounts
    from iotprofile.storage.repository import SqlRepository

    with SqlRepository.open(url) as repository:
        return accounts.sign_in(repository, EMAIL, PASSWORD, ip=None).token


# The server -------------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(url: str, data_dir: Path, port: int, workers: int = 1) -> subprocess.Popen[bytes]:
    script = Path(sys.executable).parent / "iotprofile"
    cli = [str(script)] if script.exists() else [sys.executable, "-m", "iotprofile"]
    command = [*cli, "serve", "--db", url, "--port", str(port), "--data-dir", str(data_dir), "--workers", str(workers)]
    env = {key: value for key, value in os.environ.items() if not key.startswith("IOTPROFILE_")}
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"iotprofile serve exited: {server.stderr.read().decode() if server.stderr else ''}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("iotprofile serve did not answer /healthz within 60 s")


# Load generators --------------------------------------------------------------------------------------------------

_LUA = """
wrk.headers["{header}"] = "{value}"
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status
    + summary.errors.timeout
  io.write(string.format("BENCH %d %d %d %d %d %d\\n", latency:percentile(50), latency:percentile(95),
    latency:percentile(99), summary.requests, summary.duration, errors))
end
"""


def find_wrk() -> str | None:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("  wrk is missing: installing the Debian package (apt-get install -y wrk)")
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False, capture_output=True)
        return shutil.which("wrk")
    print("  wrk is missing (install it with `sudo apt-get install -y wrk`); using the asyncio + httpx client")
    return None


def run_wrk(wrk: str, url: str, headers: dict[str, str], seconds: int, work: Path) -> Run:
    (name, value), *_ = headers.items()
    script = work / "bench.lua"
    script.write_text(_LUA.format(header=name, value=value.replace('"', '\\"')), encoding="utf-8")
    command = [wrk, "-t2", f"-c{CLIENTS}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script), url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    p50, p95, p99, requests, duration_us, errors = (int(part) for part in line.split()[1:])
    return Run(p50 / 1000, p95 / 1000, p99 / 1000, requests / (duration_us / 1e6), errors)


def run_httpx(url: str, headers: dict[str, str], seconds: int) -> Run:
    async def client(session: httpx.AsyncClient, stop: float, latencies: list[float], errors: list[int]) -> None:
        while time.perf_counter() < stop:
            started = time.perf_counter()
            response = await session.get(url, headers=headers)
            latencies.append(time.perf_counter() - started)
            if response.status_code != 200:
                errors.append(response.status_code)

    async def main() -> Run:
        latencies: list[float] = []
        errors: list[int] = []
        limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
        async with httpx.AsyncClient(limits=limits, timeout=30) as session:
            started = time.perf_counter()
            stop = started + seconds
            await asyncio.gather(*(client(session, stop, latencies, errors) for _ in range(CLIENTS)))
            elapsed = time.perf_counter() - started
        cuts = statistics.quantiles(latencies, n=100)
        return Run(cuts[49] * 1000, cuts[94] * 1000, cuts[98] * 1000, len(latencies) / elapsed, len(errors))

    return asyncio.run(main())


# The benchmark ----------------------------------------------------------------------------------------------------


def targets(router: str) -> list[Target]:
    api = f"/api/v1/orgs/{ORG}/products/{router}"
    return [
        Target("assessment matrix page", f"/o/{ORG}/products/{router}/assessment", 50, api=False),
        Target("API assessment", f"{api}/assessment", 50, api=True),
        Target("API product", api, 50, api=True),
        Target("product list page (10,001 products)", f"/o/{ORG}/products", 100, api=False),
        Target("API product list (10,001 products)", f"/api/v1/orgs/{ORG}/products", 100, api=True),
    ]


def main(runs: int = 3, seconds: int = 10, tool: str = "auto", *, workers: int = 1) -> None:
    work = Path(tempfile.mkdtemp(prefix="iotprofile-web-bench-"))
    url = f"sqlite:///{work / 'web.db'}"
    started = time.perf_counter()
    router, token = fill(url)
    cookie = session_cookie(url)
    print(f"  database: 10-component router against IR 8425A with verdicts + {PRODUCTS:,} products "
          f"(filled in {time.perf_counter() - started:.1f} s)")  # fmt: skip
    wrk = find_wrk() if tool in ("auto", "wrk") else None
    print(f"  load: {CLIENTS} concurrent clients, {runs} runs x {seconds} s each, medians; tool: "
          + ("wrk" if wrk else "asyncio + httpx closed loop (Python: slower client, higher latencies)"))  # fmt: skip
    port = free_port()
    server = start_server(url, work / "data", port, workers)
    base = f"http://127.0.0.1:{port}"
    have_assessment_api = False
    try:
        for target in targets(router):
            if target.name == "API product" and have_assessment_api:
                continue
            headers = {"Authorization": f"Bearer {token}"} if target.api else {"Cookie": f"{COOKIE}={cookie}"}
            probe = httpx.get(base + target.url, headers=headers, timeout=30)
            if probe.status_code != 200:
                why = "not on this branch yet" if probe.status_code == 404 else "not measured"
                print(f"  {target.name:<40} skipped: {target.url} answers {probe.status_code} ({why})")
                continue
            if target.name == "API assessment":
                have_assessment_api = True
            single = _single_client_ms(base + target.url, headers)
            measured: list[Run] = []
            for _ in range(runs):
                if wrk:
                    measured.append(run_wrk(wrk, base + target.url, headers, seconds, work))
                else:
                    measured.append(run_httpx(base + target.url, headers, seconds))
            report(target, measured, single)
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


def _single_client_ms(url: str, headers: dict[str, str], requests: int = 30) -> float:
    """Median latency of one client alone (no queueing): the server's time per request."""
    times = []
    with httpx.Client(headers=headers, timeout=30) as client:
        for _ in range(requests):
            started = time.perf_counter()
            client.get(url).raise_for_status()
            times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def report(target: Target, measured: Sequence[Run], single_ms: float) -> None:
    p50 = statistics.median(run.p50_ms for run in measured)
    p95 = statistics.median(run.p95_ms for run in measured)
    p99 = statistics.median(run.p99_ms for run in measured)
    rps = statistics.median(run.rps for run in measured)
    errors = sum(run.errors for run in measured)
    verdict = "meets" if p95 < target.p95_target_ms else "MISSES"
    print(
        f"  {target.name:<40} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  p99 {p99:6.1f} ms  {rps:7.0f} req/s  "
        f"p95/target {p95 / target.p95_target_ms:4.2f} (< {target.p95_target_ms:.0f} ms: {verdict})"
        + f"  (one client alone: {single_ms:.1f} ms)"
        + (f"  {errors} errors" if errors else "")
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--tool", choices=["auto", "wrk", "httpx"], default="auto")
    parser.add_argument("--workers", type=int, default=1, help="Server processes (iotprofile serve --workers).")
    arguments = parser.parse_args()
    print(f"Web app under load ({arguments.workers} server process{'es' if arguments.workers > 1 else ''})")
    main(arguments.runs, arguments.seconds, arguments.tool, workers=arguments.workers)
