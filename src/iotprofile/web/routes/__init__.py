"""Every router of the app, pages and API: one list, so adding a module is one line here."""

from __future__ import annotations

from fastapi import APIRouter

from iotprofile.web.api import assessment as api_assessment
from iotprofile.web.api import builds as api_builds
from iotprofile.web.api import catalog as api_catalog
from iotprofile.web.api import checks as api_checks
from iotprofile.web.api import product_editor as api_product_editor
from iotprofile.web.api import products as api_products
from iotprofile.web.routes import (
    assessment,
    auth,
    builds,
    catalog,
    checks,
    downloads,
    product_editor,
    products,
    settings,
)

ROUTERS: list[APIRouter] = [
    auth.router,
    products.router,
    assessment.router,
    settings.router,
    catalog.router,
    checks.router,
    builds.router,
    api_products.router,
    api_assessment.router,
    api_catalog.router,
    api_checks.router,
    api_builds.router,
    product_editor.router,
    downloads.router,
    api_product_editor.router,
]
