"""CycloneDX 1.6 SBOM of a firmware inventory: valid, deterministic, and as stored.

Set IOTPROFILE_UPDATE_SNAPSHOTS=1 to rewrite golden/router.cdx.json after an intended change.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime
from pathlib import Path

from tests.checks.firmware.analyse.firmware_trees import router_tree

from iotprofile.checks.firmware.analyse import analyse_root, to_cyclonedx
from iotprofile.checks.interface import Limits

SHA = "ab" * 32
WHEN = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def test_sbom_is_valid_deterministic_and_as_stored(tmp_path: Path) -> None:
    analysis = analyse_root(router_tree(tmp_path / "rootfs"), limits=Limits(), today=date(2026, 1, 1))
    first = to_cyclonedx(analysis.inventory, image_name="router.bin", image_sha256=SHA, timestamp=WHEN)
    second = to_cyclonedx(reversed(analysis.inventory), image_name="router.bin", image_sha256=SHA, timestamp=WHEN)
    assert first == second
    document = json.loads(first)
    assert document["specVersion"] == "1.6"
    assert document["serialNumber"].startswith("urn:uuid:")
    assert document["metadata"]["component"]["type"] == "firmware"
    assert document["metadata"]["component"]["hashes"] == [{"alg": "SHA-256", "content": SHA}]
    components = {(c["name"], c.get("version")): c for c in document["components"]}
    assert components["busybox", "1.19.4"]["cpe"] == "cpe:2.3:a:busybox:busybox:1.19.4:*:*:*:*:*:*:*"
    assert components["linux", "3.10.14"]["type"] == "operating-system"
    assert len(document["components"]) == len(analysis.inventory)
    other = to_cyclonedx(analysis.inventory, image_name="router.bin", image_sha256="cd" * 32, timestamp=WHEN)
    assert json.loads(other)["serialNumber"] != document["serialNumber"]
    golden = Path(__file__).parent / "golden" / "router.cdx.json"
    if os.environ.get("IOTPROFILE_UPDATE_SNAPSHOTS"):
        golden.write_text(first + "\n")
    assert first + "\n" == golden.read_text()
