"""Every generated text document of both examples, compared with its stored snapshot, and determinism.

Set IOTPROFILE_UPDATE_SNAPSHOTS=1 to rewrite the snapshots (tests/documents/snapshots/) after an intended change,
then review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tests.documents.examples import example_inputs

from iotprofile.documents.generate import Documents, generate
from iotprofile.services import Workspace

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE_ENV = "IOTPROFILE_UPDATE_SNAPSHOTS"
BINARY = (".pdf", ".png")
ROUTER_FILES = (
    "security.txt",
    "vulnerability-disclosure-policy.md",
    "vulnerability-handling-procedure.md",
    "csaf/acme-sa-2026-003.json",
    "csaf/acme-vex-2026-001.json",
    "support-period-statement.md",
    "end-of-support-notice.md",
    "psti-statement-of-compliance.md",
    "customer-security-guide.md",
    "customer-security-guide.html",
    "documentation-package/README.md",
    "documentation-package/doc-1c-statement.md",
)
PLUG_FILES = (
    "security.txt",
    "csaf/acme-home-vex-2026-002.json",
    "psti-statement-of-compliance.md",
    "cyber-trust-mark.json",
    "cyber-trust-mark-qr.svg",
    "customer-security-guide.md",
    "documentation-package/README.md",
)


def _check(documents: Documents, example: str, name: str) -> None:
    text = documents.files()[name].decode("utf-8")
    snapshot = SNAPSHOTS / example / name
    if os.environ.get(UPDATE_ENV) == "1":
        snapshot.parent.mkdir(parents=True, exist_ok=True)
        snapshot.write_text(text, encoding="utf-8")
        return
    assert snapshot.is_file(), f"no snapshot {snapshot}: run the tests once with {UPDATE_ENV}=1"
    expected = snapshot.read_text(encoding="utf-8")
    assert text.splitlines() == expected.splitlines(), f"{name} differs from its snapshot; if intended, {UPDATE_ENV}=1"


@pytest.mark.parametrize("name", ROUTER_FILES)
def test_router_snapshot(router_documents: Documents, name: str) -> None:
    _check(router_documents, "router", name)


@pytest.mark.parametrize("name", PLUG_FILES)
def test_smart_plug_snapshot(plug_documents: Documents, name: str) -> None:
    _check(plug_documents, "smart-plug", name)


def test_every_router_text_file_has_a_snapshot(router_documents: Documents) -> None:
    text_files = {name for name in router_documents.files() if not name.endswith(BINARY)}
    assert text_files == set(ROUTER_FILES)


def test_generating_twice_gives_identical_bytes(workspace: Workspace, plug_documents: Documents) -> None:
    inputs, plan = example_inputs(workspace, "smart-plug")
    again = generate(inputs, plan).files()
    first = plug_documents.files()
    assert sorted(again) == sorted(first)
    for name, content in first.items():
        assert again[name] == content, name
