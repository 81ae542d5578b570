"""Builders for test data: products, verdict records, and requirement lists and build files for profile builds."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from iotprofile.assessment.model import VerdictRecord
from iotprofile.product.model import Product
from iotprofile.profiles.build.requirements import Requirement


def router_product(**changes: Any) -> Product:
    """A small router product: the router, its app and its cloud portal."""
    data: dict[str, Any] = {
        "id": "acme-router",
        "name": "ACME Router",
        "manufacturer": "ACME",
        "model": "AX-1",
        "version": "1.2.0",
        "product_type": "consumer_grade_router",
        "components": [
            {"id": "router", "name": "Router", "kind": "device", "updatable": True, "onboards": True,
             "stores_customer_data": True,
             "interfaces": [{"name": "web admin", "kind": "network", "protocols": ["https"], "exposure": ["lan"]}]},
            {"id": "app", "name": "App", "kind": "mobile_app", "updatable": True, "onboards": True},
            {"id": "cloud", "name": "Portal", "kind": "cloud_backend", "updatable": True,
             "stores_customer_data": True},
        ],
        "connections": [
            {"source": "app", "target": "cloud", "protocols": ["https"], "encrypted": True},
            {"source": "cloud", "target": "router", "protocols": ["mqtt"], "encrypted": True},
        ],
    }  # fmt: skip
    data.update(changes)
    return Product.model_validate(data)


def record(cell: str, verdict: str, *, minute: int = 0, **changes: Any) -> VerdictRecord:
    """A verdict record for ``ELEMENT@COMPONENT`` at a fixed time."""
    element, _, component = cell.partition("@")
    data: dict[str, Any] = {
        "element": element,
        "component": None if component in {"", "product"} else component,
        "verdict": verdict,
        "assessor": "alice@example.com",
        "recorded_at": datetime(2026, 11, 1, 10, minute, tzinfo=UTC),
    }
    data.update(changes)
    return VerdictRecord.model_validate(data)


# ------------------------------------------------------------------------------------------ profile build (issue 4)


def requirement(id: str, text: str, *, standard: str = "t-std", element: str | None = None) -> Requirement:
    """One requirement of the test standard, as a reader would have read it."""
    return Requirement(standard=standard, id=id, text=text, element=element, location=f"test row {id}")


def requirements_csv(path: Path, rows: Sequence[Sequence[str]], *, header: Sequence[str] = ("id", "text")) -> Path:
    """A requirement list in CSV: ``header`` then ``rows``."""
    import csv

    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def build_config(folder: Path, rows: Sequence[Sequence[str]], **changes: Any) -> Path:
    """A build file in ``folder`` over one CSV requirement list (standard ``t-std``) on NIST IR 8425."""
    import yaml

    requirements_csv(folder / "reqs.csv", rows)
    data: dict[str, Any] = {
        "format": "iotprofile/build/v1",
        "profile": {"id": "t-router-profile", "title": "Test router profile", "product_type": "test router"},
        "target": "nist-ir-8425",
        "standards": [{"file": "reqs.csv", "standard": "t-std"}],
    }
    data.update(changes)
    path = folder / "build.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


#: Requirements of a small router build: four that Group places, two about LEDs a reviewer will reject (so they
#: go to Expand together), and two about logging that differ only in wording (to show decisions feed back).
ROUTER_ROWS: tuple[tuple[str, str], ...] = (
    ("V1", "Firmware images must be signed and the signature verified before installation."),
    ("V2", "Administrator passwords must be at least 12 characters long."),
    ("V3", "The router must log administrator logins and configuration changes."),
    ("V4", "The router's LEDs should be dimmable from the app."),
    ("V5", "The router's LEDs should be able to be switched off from the app."),
    ("V6", "Telnet must be disabled in every shipped configuration."),
)
