"""``iotprofile scan ...``: evidence from an SBOM, a firmware image or a live device, mapped to the outcomes.

Every scan prints (or writes with ``-o``) the attempts as a table, JSON, SARIF 2.1.0 or CycloneDX, and with
``--product P --component C`` records what the findings prove in the assessment database.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from iotprofile.cli.app import _run, _workspace, app
from iotprofile.cli.assess import DbOption, _assessor

scan_app = typer.Typer(
    help="Gather technical evidence automatically: SBOMs, firmware images, live devices (only hosts you name).",
    no_args_is_help=True,
)
app.add_typer(scan_app, name="scan")


class ScanFormat(StrEnum):
    """How scan results are printed or written."""

    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"
    CYCLONEDX = "cyclonedx"


class FailOn(StrEnum):
    """The lowest severity that makes a scan exit with code 5 (for CI)."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    NEVER = "never"


FormatOpt = Annotated[ScanFormat, typer.Option("--format", "-f", help="text, json, sarif or cyclonedx.")]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="Write the result to this file.")]
VulnDbOpt = Annotated[
    Path | None,
    typer.Option("--vulndb", help="Directory of OSV / NVD 2.0 / CISA KEV / VEX files (offline matching)."),
]
ProductOpt = Annotated[str | None, typer.Option("--product", help="Stored product to attach the evidence to.")]
ComponentOpt = Annotated[str | None, typer.Option("--component", help="The component the input belongs to.")]
AssessorOpt = Annotated[str | None, typer.Option("--assessor", help="Recorded as who attached it (default: you).")]
FailOnOpt = Annotated[FailOn, typer.Option("--fail-on", help="Exit 5 if a finding is at least this severe.")]
WorkersOpt = Annotated[int | None, typer.Option("--workers", min=1, help="Local worker processes (default: CPUs).")]
ClusterOpt = Annotated[
    str | None, typer.Option("--cluster", help="Dask scheduler, e.g. tcp://10.0.0.5:8786 (or $IOTPROFILE_CLUSTER).")
]


def _progress_runner(jobs: list[Any], workers: int | None, cluster: str | None) -> list[Any]:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from iotprofile.services.scan import run

    console = Console(stderr=True)
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as progress:
        task = progress.add_task(f"{len(jobs)} check(s)", total=len(jobs))

        def advance(done: int, _total: int, attempt: Any) -> None:
            progress.update(task, completed=done, description=f"{attempt.check}: {Path(attempt.input.name).name}")

        return run(jobs, workers=workers, cluster=cluster, progress=advance)


def _emit(attempts: list[Any], output_format: ScanFormat, output: Path | None) -> None:
    from iotprofile.reports.scan import attempts_json, attempts_sarif

    if output_format is ScanFormat.TEXT and output is None:
        from iotprofile.cli.render import print_attempts

        print_attempts(attempts)
        return
    if output_format is ScanFormat.SARIF:
        text = attempts_sarif(attempts)
    elif output_format is ScanFormat.CYCLONEDX:
        from iotprofile.reports.scan import attempts_cyclonedx

        text = attempts_cyclonedx(attempts)
    else:
        text = attempts_json(attempts)
    if output is None:
        sys.stdout.write(text)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        sys.stderr.write(f"wrote {output}\n")


def _finish(
    attempts: list[Any],
    *,
    output_format: ScanFormat,
    output: Path | None,
    product: str | None,
    component: str | None,
    db: str | None,
    assessor: str | None,
    fail_on: FailOn,
) -> None:
    if product or component:
        from iotprofile.errors import CheckError
        from iotprofile.services.products import open_repository
        from iotprofile.services.scan import attach

        def record() -> Any:
            if not (product and component):
                raise CheckError("give both --product and --component to attach evidence")
            with open_repository(db) as repository:
                return attach(repository, _workspace(), attempts, product_id=product, component=component,
                              assessor=_assessor(assessor))  # fmt: skip

        attached = _run(record)
        sys.stderr.write(
            f"attached to {product}/{component}: {len(attached.recorded)} record(s)"
            + (f"; left decided cells alone: {', '.join(attached.kept)}" if attached.kept else "")
            + (f"; not cells of this component: {', '.join(attached.not_cells)}" if attached.not_cells else "")
            + "\n"
        )
    _emit(attempts, output_format, output)
    from iotprofile.errors import ExitCode

    if fail_on is not FailOn.NEVER:
        order = ["info", "low", "medium", "high", "critical"]
        floor = order.index(fail_on.value)
        if any(order.index(finding.severity.value) >= floor for attempt in attempts for finding in attempt.findings):
            raise typer.Exit(int(ExitCode.FINDINGS))


@scan_app.command("sbom")
def scan_sbom(
    file: Annotated[Path, typer.Argument(help="CycloneDX (JSON/XML 1.4-1.6) or SPDX 2.3 SBOM.")],
    vulndb: VulnDbOpt = None,
    output_format: FormatOpt = ScanFormat.TEXT,
    output: OutputOpt = None,
    product: ProductOpt = None,
    component: ComponentOpt = None,
    db: DbOption = None,
    assessor: AssessorOpt = None,
    fail_on: FailOnOpt = FailOn.NEVER,
) -> None:
    """Component inventory (Asset Identification 2, Documentation 1b) and known vulnerabilities, offline."""
    from iotprofile.checks.interface import InputKind
    from iotprofile.services.scan import file_jobs, run

    attempts = _run(lambda: run(file_jobs([file], kind=InputKind.SBOM, vulndb=vulndb), workers=1))
    _finish(attempts, output_format=output_format, output=output, product=product, component=component, db=db,
            assessor=assessor, fail_on=fail_on)  # fmt: skip


@scan_app.command("firmware")
def scan_firmware(
    file: Annotated[Path, typer.Argument(help="A firmware image (uImage, FIT, TRX, squashfs, tar, cpio, ...).")],
    vulndb: VulnDbOpt = None,
    output_format: FormatOpt = ScanFormat.TEXT,
    output: OutputOpt = None,
    product: ProductOpt = None,
    component: ComponentOpt = None,
    db: DbOption = None,
    assessor: AssessorOpt = None,
    fail_on: FailOnOpt = FailOn.NEVER,
) -> None:
    """Extract a firmware image under limits and look inside it.

    Components and their vulnerabilities, kernel age, binary hardening, credentials, keys, services enabled by
    default, and the update mechanism.
    """
    from iotprofile.checks.interface import InputKind
    from iotprofile.services.scan import file_jobs

    jobs = _run(lambda: file_jobs([file], kind=InputKind.FIRMWARE, vulndb=vulndb))
    attempts = _run(lambda: _progress_runner(jobs, 1, None))
    _finish(attempts, output_format=output_format, output=output, product=product, component=component, db=db,
            assessor=assessor, fail_on=fail_on)  # fmt: skip


def _ports(text: str) -> list[int]:
    from iotprofile.errors import CheckError

    ports: list[int] = []
    for raw in text.split(","):
        part = raw.strip()
        if not part.isdigit() or not 0 < int(part) < 65536:
            raise CheckError(f"{part!r} is not a TCP port (1-65535); ranges are not scanned", where="--ports")
        ports.append(int(part))
    return ports


@scan_app.command("device")
def scan_device(
    host: Annotated[str, typer.Argument(help="One host you own (an address or a name; never a range).")],
    ports: Annotated[str, typer.Option("--ports", help="Comma-separated TCP ports to probe.")] = "22,23,80,443,8080",
    credential: Annotated[
        list[str] | None, typer.Option("--credential", help="user:password to try on login prompts (repeatable).")
    ] = None,
    firmware_cert: Annotated[
        list[str] | None, typer.Option("--firmware-cert", help="SHA-256 of a certificate found in the firmware.")
    ] = None,
    side: Annotated[str | None, typer.Option("--side", help="wan or lan: which side of the device HOST is.")] = None,
    output_format: FormatOpt = ScanFormat.TEXT,
    output: OutputOpt = None,
    product: ProductOpt = None,
    component: ComponentOpt = None,
    db: DbOption = None,
    assessor: AssessorOpt = None,
    fail_on: FailOnOpt = FailOn.NEVER,
) -> None:
    """Probe a live device you name (rate-limited; never a range).

    Open ports and banners, the web admin (HTTPS, redirect, default credentials tried a bounded number of times),
    TLS and its certificate, telnet and SSH, UPnP.
    """
    from iotprofile.errors import CheckError
    from iotprofile.services.scan import device_job, run

    def plan() -> Any:
        pairs = []
        for item in credential or ():
            user, sep, password = item.partition(":")
            if not sep:
                raise CheckError(f"{item!r} is not user:password", where="--credential")
            pairs.append((user, password))
        if side not in {None, "wan", "lan"}:
            raise CheckError(f"{side!r} is not wan or lan", where="--side")
        return device_job(host, ports=_ports(ports), credentials=pairs, certificates=firmware_cert or (), side=side)

    job = _run(plan)
    attempts = _run(lambda: run([job], workers=1))
    _finish(attempts, output_format=output_format, output=output, product=product, component=component, db=db,
            assessor=assessor, fail_on=fail_on)  # fmt: skip


@scan_app.command("batch")
def scan_batch(
    files: Annotated[list[Path], typer.Argument(help="SBOMs and firmware images (kind detected per file).")],
    vulndb: VulnDbOpt = None,
    workers: WorkersOpt = None,
    cluster: ClusterOpt = None,
    output_format: FormatOpt = ScanFormat.TEXT,
    output: OutputOpt = None,
    fail_on: FailOnOpt = FailOn.NEVER,
) -> None:
    """Scan many files at once, on local worker processes or on a Dask cluster (--cluster)."""
    from iotprofile.services.scan import file_jobs, with_shared_keys

    jobs = _run(lambda: file_jobs(files, vulndb=vulndb))
    attempts = with_shared_keys(_run(lambda: _progress_runner(jobs, workers, cluster)))
    _finish(attempts, output_format=output_format, output=output, product=None, component=None, db=None,
            assessor=None, fail_on=fail_on)  # fmt: skip
