"""SBOM check benchmarks: ``python benchmarks/sbom_bench.py``.

1. The router example SBOM against the example vulnerability database, as a whole process (import included):
   what ``iotprofile`` pays per SBOM on a laptop.
2. Scale: 20,000 OSV records over 2,000 packages loaded from disk, and a 2,000-component inventory matched
   against them (in process).

Prints medians of several runs.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from iotprofile.checks.interface import InventoryItem
from iotprofile.checks.vulndb import load_vulndb, match_inventory

ROOT = Path(__file__).resolve().parent.parent
RUNS = 5
_ONE_SBOM = """
from pathlib import Path
from iotprofile.checks.interface import CheckTarget, InputKind, Limits
from iotprofile.checks.sbom import SbomCheck
target = CheckTarget(kind=InputKind.SBOM, path=Path("examples/router/evidence/router-sbom.cdx.json"),
                     options={"vulndb": "examples/vulndb"})
attempt = SbomCheck().run(target, Limits())
assert attempt.status.value == "completed", attempt.reason
"""


def whole_process() -> float:
    """Median wall time of a process that imports the check and runs it on the router SBOM."""
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", _ONE_SBOM], cwd=ROOT, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def scale(records: int = 20_000, packages: int = 2_000) -> tuple[float, float, int]:
    """Median load and match times (s) and the number of findings."""
    loads, matches, found = [], [], 0
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        data = [
            {
                "id": f"OSV-{i}",
                "modified": "2024-01-01T00:00:00Z",
                "aliases": [f"CVE-2024-{i:05d}"],
                "affected": [
                    {
                        "package": {"purl": f"pkg:generic/pkg{i % packages}"},
                        "ranges": [
                            {
                                "type": "ECOSYSTEM",
                                "events": [{"introduced": "1.0"}, {"fixed": f"{i % 7 + 1}.{i % 5}.0"}],
                            }
                        ],
                    }
                ],
            }
            for i in range(records)
        ]
        (root / "records.json").write_text(json.dumps(data))
        items = [
            InventoryItem(name=f"pkg{p}", version=f"{p % 6 + 1}.2.3", purl=f"pkg:generic/pkg{p}@{p % 6 + 1}.2.3")
            for p in range(packages)
        ]
        for _ in range(RUNS):
            start = time.perf_counter()
            db = load_vulndb(root)
            loaded = time.perf_counter()
            found = len(match_inventory(items, db))
            loads.append(loaded - start)
            matches.append(time.perf_counter() - loaded)
    return statistics.median(loads), statistics.median(matches), found


def main() -> None:
    """Run both benchmarks and print the figures."""
    print(f"router SBOM + example vulndb, whole process: {whole_process():.2f} s (median of {RUNS})")
    load, match, found = scale()
    print(f"load 20,000 OSV records: {load:.2f} s; match 2,000 components: {match:.2f} s ({found} findings)")


if __name__ == "__main__":
    main()
