"""``iotprofile vulndb refresh``: fill the offline vulnerability database, or check and index it with ``--offline``.

Checks never download anything; this command is the only place iotprofile fetches vulnerability data, and only
when asked. With ``--offline`` it opens no network connection at all.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from iotprofile.cli.app import FormatOption, OutputFormat, _print_json, _run, app

vulndb_app = typer.Typer(
    help="The offline vulnerability database the SBOM and firmware checks match against (OSV, NVD, KEV, VEX).",
    no_args_is_help=True,
)
app.add_typer(vulndb_app, name="vulndb")


@vulndb_app.command("refresh")
def refresh_command(
    dest: Annotated[
        Path, typer.Option("--dest", help="Database directory (default: ~/.cache/iotprofile/vulndb).")
    ] = Path("~/.cache/iotprofile/vulndb"),
    offline: Annotated[
        bool, typer.Option("--offline", help="Touch no network: validate and index what the directory holds.")
    ] = False,
    osv: Annotated[
        list[str] | None, typer.Option("--osv", help="OSV ecosystem export to fetch (repeatable), e.g. Debian.")
    ] = None,
    nvd: Annotated[
        list[str] | None,
        typer.Option("--nvd", help="NVD CVEs for a CPE product (repeatable), e.g. cpe:2.3:a:busybox:busybox."),
    ] = None,
    no_kev: Annotated[bool, typer.Option("--no-kev", help="Do not fetch the CISA KEV catalogue.")] = False,
    mirror: Annotated[
        str | None,
        typer.Option(
            "--mirror", help="Base URL of a mirror serving kev/, osv/ and nvd (or $IOTPROFILE_VULNDB_MIRROR)."
        ),
    ] = None,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds per request.", min=0.1)] = 30.0,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Fetch OSV exports, NVD CVEs and the CISA KEV list into the database directory, then index it.

    With --offline nothing is fetched: every file already there is validated (exit code 3 naming the file and the
    JSON path of a malformed record) and counted.
    """
    from iotprofile.checks.vulndb.refresh import MIRROR_ENV, RefreshSources, refresh_vulndb

    sources = RefreshSources(
        osv_ecosystems=tuple(osv or ()),
        nvd_products=tuple(nvd or ()),
        kev=not no_kev,
        mirror=mirror or os.environ.get(MIRROR_ENV) or None,
        timeout_s=timeout,
    )
    report = _run(lambda: refresh_vulndb(dest.expanduser(), sources, offline=offline))
    if output is OutputFormat.JSON:
        _print_json(
            {
                "directory": report.directory,
                "offline": report.offline,
                "fetched": report.fetched,
                "counts": report.counts,
            }
        )
        return
    counts = ", ".join(f"{value} {name.replace('_', ' ')}" for name, value in report.counts.items())
    action = "indexed (offline)" if report.offline else f"refreshed ({len(report.fetched)} fetched)"
    sys.stdout.write(f"ok: {report.directory}: {action}: {counts}\n")
