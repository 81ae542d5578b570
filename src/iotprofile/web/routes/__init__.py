"""Every router of the app, pages and API: one list, so adding a module is one line here."""

from __future__ import annotations

from fastapi import APIRouter

from iotprofile.web.api import checks as api_checks
from iotprofile.web.api import products as api_products
from iotprofile.web.routes import auth, checks, products

ROUTERS: list[APIRouter] = [
    auth.router,
    products.router,
    api_products.router,
    checks.router,
    api_checks.router,
]
