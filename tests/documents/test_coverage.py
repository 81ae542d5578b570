"""Coverage: which non-technical sub-outcomes a generated document serves, and which still lack one."""

from __future__ import annotations

import json
from typing import Any

from tests.documents.conftest import EditSupport
from tests.documents.examples import AS_OF

from iotprofile.documents.coverage import DocumentKind
from iotprofile.documents.generate import Documents, generate
from iotprofile.services import Workspace
from iotprofile.services.documents import load_inputs

NON_TECHNICAL = [
    *(f"DOC-1{letter}" for letter in "abcdefg"),
    "IQR-1a", "IQR-1b", "ID-1a", "ID-1b", "ID-1c", "ID-1d", "ID-1e", "ID-2",
    *(f"PEA-1.{number}" for number in range(1, 6)),
]  # fmt: skip


def test_router_lacks_only_the_breach_notice(router_documents: Documents) -> None:
    coverage = router_documents.coverage
    assert [row.element for row in coverage.rows] == NON_TECHNICAL
    assert coverage.lacking == ["ID-1e"]
    by_element = {row.element: row for row in coverage.rows}
    assert by_element["IQR-1a"].documents == (DocumentKind.SECURITY_TXT, DocumentKind.DISCLOSURE_POLICY)
    assert "security.txt" in by_element["IQR-1a"].files
    assert by_element["PEA-1.5"].documents == (DocumentKind.SUPPORT_STATEMENT, DocumentKind.CUSTOMER_GUIDE)
    assert any(line.startswith("ID-1e: how customers are told of a breach") for line in coverage.missing)
    assert any(line.startswith("cyber-trust-mark: not generated") for line in coverage.missing)


def test_smart_plug_lacks_what_its_record_leaves_out(plug_documents: Documents) -> None:
    assert plug_documents.coverage.lacking == ["DOC-1d", "DOC-1e", "ID-1c"]
    assert "ID-1e" not in plug_documents.coverage.lacking  # its record states the breach-notification process


def test_filling_the_gap_covers_the_sub_outcome(workspace: Workspace, edit_support: EditSupport) -> None:
    def change(data: dict[str, Any]) -> None:
        data["incident_notification"] = "We e-mail affected customers within 72 hours with what to do."

    path = edit_support(change)
    inputs, plan = load_inputs(workspace, path.parent / "product.yaml", support_file=None, advisories_dir=None,
                               results_file=None, as_of=AS_OF)  # fmt: skip
    coverage = generate(inputs, plan).coverage
    # Without --results the package cannot give Documentation 1c; the breach notice is now there.
    assert coverage.lacking == ["DOC-1c"]
    policy = generate(inputs, plan, [DocumentKind.DISCLOSURE_POLICY]).files()["vulnerability-handling-procedure.md"]
    assert b"We e-mail affected customers within 72 hours" in policy


def test_only_some_documents(workspace: Workspace) -> None:
    from tests.documents.examples import example_inputs

    inputs, plan = example_inputs(workspace, "router", results=False)
    documents = generate(inputs, plan, [DocumentKind.SECURITY_TXT])
    assert list(documents.files()) == ["security.txt"]
    assert [row.element for row in documents.coverage.rows if row.covered] == ["IQR-1a"]
    data = documents.coverage.to_json()
    assert json.loads(json.dumps(data)) == data
    assert data["lacking"] == [item for item in NON_TECHNICAL if item != "IQR-1a"]
