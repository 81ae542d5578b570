"""Builders of a deterministic assessment of a small router product, for the report tests.

The plan is built without crosswalks (so the snapshots do not move with the bundled mapping data); a few cells get
hand-made requirements instead. Every verdict occurs, every kind of evidence, one cell has two records, one
applicability is overridden, and every timestamp is fixed.
"""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import UTC, datetime
from typing import Any

from iotprofile.assessment.model import Evidence, VerdictRecord
from iotprofile.product.model import Product
from iotprofile.product.plan import AssessmentPlan, CellRequirement

#: Evidence files by name; their SHA-256 is what the records carry.
FILES: dict[str, bytes] = {
    "label-photo.jpg": b"\xff\xd8\xff\xe0 a photo of the rating label with model and serial number",
    "flash-encryption.txt": b"dm-crypt on /overlay: aes-xts-plain64, key sealed in the SoC's OTP-backed keystore\n",
    "security-design.pdf": b"%PDF-1.7 Acme AX3000 security design and development assumptions",
}
BLOBS: dict[str, bytes] = {hashlib.sha256(content).hexdigest(): content for content in FILES.values()}


def file_evidence(name: str, description: str | None = None) -> Evidence:
    content = FILES[name]
    return Evidence(
        kind="file", path=f"evidence/{name}", sha256=hashlib.sha256(content).hexdigest(), size=len(content),
        description=description,
    )  # fmt: skip


def router_product() -> Product:
    """The Acme AX3000: the router, its companion app and its cloud portal."""
    data: dict[str, Any] = {
        "id": "acme-ax3000",
        "name": "Acme AX3000 Router",
        "manufacturer": "Acme Networks",
        "model": "AX3000",
        "version": "1.4.2",
        "product_type": "consumer_grade_router",
        "description": "A Wi-Fi 6 home router, set up with a companion app and managed through a cloud portal.",
        "components": [
            {"id": "router", "name": "AX3000 router", "kind": "device", "version": "1.4.2", "updatable": True,
             "onboards": True, "stores_customer_data": True, "description": "The router device.",
             "interfaces": [{"name": "web admin", "kind": "network", "protocols": ["https"], "exposure": ["lan"]}]},
            {"id": "app", "name": "Acme Wi-Fi app", "kind": "mobile_app", "version": "3.2", "updatable": True,
             "onboards": True},
            {"id": "cloud", "name": "Acme Cloud portal", "kind": "cloud_backend", "updatable": True,
             "stores_customer_data": True},
        ],
        "connections": [
            {"source": "app", "target": "cloud", "protocols": ["https"], "encrypted": True},
            {"source": "cloud", "target": "router", "protocols": ["mqtt"], "encrypted": True},
        ],
        "applicability": [
            {"element": "CSA-1", "component": "app", "applies": False,
             "reason": "The app keeps no security state; the router and the portal record security events."},
        ],
    }  # fmt: skip
    return Product.model_validate(data)


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 2, hour, minute, tzinfo=UTC)


def record(cell: str, verdict: str, when: datetime, **changes: Any) -> VerdictRecord:
    element, _, component = cell.partition("@")
    data: dict[str, Any] = {
        "element": element,
        "component": None if component in {"", "product"} else component,
        "verdict": verdict,
        "assessor": "alice@lab.example",
        "recorded_at": when,
        "source": "results.yaml",
    }
    data.update(changes)
    return VerdictRecord.model_validate(data)


def router_records() -> list[VerdictRecord]:
    """Thirteen records: every verdict, every kind of evidence, DP-1@router recorded twice."""
    return [
        record("AI-1@router", "satisfied", at(9, 0),
               justification="Model and serial number are on the rating label and in the web admin's status page.",
               evidence=(file_evidence("label-photo.jpg", "Rating label"),
                         Evidence(kind="statement", text="Every unit's serial number is unique and on its label."))),
        record("DP-1@router", "not_satisfied", at(9, 5),
               justification="Wi-Fi passphrases were stored in plain text in NVRAM (firmware 1.4.1).",
               evidence=(Evidence(kind="check", check="firmware/credentials@run-41"),)),
        record("DP-1@app", "partially_satisfied", at(9, 10),
               justification="Tokens are in the Android Keystore; on iOS the cached portal session is not encrypted.",
               evidence=(Evidence(kind="url", url="https://lab.example/reports/ax3000/app-storage",
                                  description="Mobile storage test report"),)),
        record("DP-1@cloud", "satisfied", at(9, 15), assessor="bob@lab.example",
               justification="Storage is encrypted at rest with per-tenant keys.",
               evidence=(Evidence(kind="url", url="https://acme.example/trust/cloud-encryption"),
                         Evidence(kind="statement", text="Backups are encrypted with the same keys & rotated."))),
        record("IAC-1a@router", "not_satisfied", at(9, 20),
               justification="Telnet (port 23) answers on the LAN; it is not needed and cannot be disabled.",
               evidence=(Evidence(kind="check", check="probe/open-ports@run-7", description="23/tcp open"),)),
        record("SU-1@router", "error", at(9, 25),
               justification="The firmware signature check could not run: image format not recognised.",
               evidence=(Evidence(kind="check", check="firmware/signature@run-42"),)),
        record("SU-1@cloud", "not_applicable", at(9, 30),
               justification="The portal is a managed service that Acme's operations team updates; "
                             "customers never update it."),
        record("AI-2@app", "satisfied", at(9, 35), evidence=(Evidence(kind="check", check="sbom/app@run-3"),)),
        record("DOC-1a@product", "satisfied", at(9, 40),
               justification="The security design document states the development assumptions.",
               evidence=(file_evidence("security-design.pdf"),
                         Evidence(kind="url", url="javascript:alert('not a link')", description="a bad link"))),
        record("DOC-1c@product", "not_assessed", at(9, 45),
               justification="Waiting for this statement to be generated."),
        record("IQR-1a@product", "satisfied", at(9, 50),
               evidence=(Evidence(kind="url", url="https://acme.example/security"),
                         Evidence(kind="statement", text="security@acme.example is answered within 2 business days."))),
        record("PEA-1.1@product", "partially_satisfied", at(9, 55),
               justification="The user guide explains the firewall but not the <script>-free admin UI | pipes."),
        record("DP-1@router", "satisfied", at(10, 30),
               justification="Firmware 1.4.2 encrypts the configuration partition.",
               evidence=(Evidence(kind="check", check="firmware/credentials@run-42"),
                         file_evidence("flash-encryption.txt", "Flash layout and encryption settings"))),
    ]  # fmt: skip


#: Hand-made crosswalk hits for a few cells (the real ones come from the bundled crosswalks).
REQUIREMENTS: dict[str, tuple[CellRequirement, ...]] = {
    "DP-1@router": (
        CellRequirement("etsi-en-303-645:5.4-1", None, "Store sensitive security parameters securely.",
                        "intersects_with", "project_curated", "direct"),
        CellRequirement("etsi-en-303-645", "ETSI EN 303 645", None, "intersects_with", "seed", "ancestor"),
        CellRequirement("bbf-tr-124-i8:GEN.SEC.4", None, "Credentials are not stored in clear text.",
                        "superset_of", "project_curated", "direct"),
    ),
    "DOC-1a@product": (
        CellRequirement("etsi-en-303-645:5.2-1", None, "Publish a vulnerability disclosure policy.",
                        "intersects_with", "project_curated", "base"),
    ),
}  # fmt: skip


def with_requirements(assessment_plan: AssessmentPlan) -> AssessmentPlan:
    cells = [
        dataclasses.replace(cell, requirements=REQUIREMENTS[cell.key]) if cell.key in REQUIREMENTS else cell
        for cell in assessment_plan.cells
    ]
    return AssessmentPlan(assessment_plan.product, assessment_plan.profile, cells)
