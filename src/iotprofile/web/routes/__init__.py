"""Every router of the app, pages and API: one list, so adding a module is one line here."""

from __future__ import annotations

from fastapi import APIRouter

from iotprofile.web.api import builds as api_builds
from iotprofile.web.api import checks as api_checks
from iotprofile.web.api import products as api_products
from iotprofile.web.routes import auth, builds, checks, products

ROUTERS: list[APIRouter] = [
    auth.router,
    products.router,
    api_products.router,
    checks.router,
    api_checks.router,
    builds.router,
    api_builds.router,
]
