"""Every router of the app, pages and API: one list, so adding a module is one line here."""

from __future__ import annotations

from fastapi import APIRouter

from iotprofile.web.api import assessment as api_assessment
from iotprofile.web.api import product_editor as api_product_editor
from iotprofile.web.api import products as api_products
from iotprofile.web.routes import assessment, auth, downloads, product_editor, products, settings

ROUTERS: list[APIRouter] = [
    auth.router,
    products.router,
    assessment.router,
    settings.router,
    api_products.router,
    api_assessment.router,
    product_editor.router,
    downloads.router,
    api_product_editor.router,
]
