"""Builders for test data: products and verdict records."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from iotprofile.assessment.model import VerdictRecord
from iotprofile.product.model import Product


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
