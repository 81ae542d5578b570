"""``/api/v1/orgs/{org}/products``: the organisation's products."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import pydantic_core
from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from iotprofile.services.organisation import PAGE_SIZE, product_page
from iotprofile.web.api.errors import ErrorOut
from iotprofile.web.context import ApiPrincipal, State

router = APIRouter(prefix="/api/v1/orgs/{org}", tags=["products"])


class ProductSummaryOut(BaseModel):
    """One product of the list."""

    id: str
    name: str
    manufacturer: str
    model: str
    version: str | None
    product_type: str
    profile: str
    records: int = Field(description="Verdict records stored for the product, over all profiles.")


class ProductListOut(BaseModel):
    """A page of the organisation's products."""

    total: int = Field(description="Products matching the search, over all pages.")
    offset: int
    limit: int
    items: list[ProductSummaryOut]


@router.get(
    "/products",
    response_model=ProductListOut,
    summary="List the organisation's products",
    responses={
        401: {"model": ErrorOut, "description": "No API token or session, or the token is unknown or revoked."},
        404: {"model": ErrorOut, "description": "No such organisation (or the caller is not a member)."},
    },
)
async def list_products(
    state: State,
    principal: ApiPrincipal,
    q: Annotated[str, Query(max_length=200, description="Keep products whose ID, name, maker or model has this.")] = "",
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = PAGE_SIZE,
) -> Response:
    """Products by ID, paged."""
    found = product_page(state.repository, principal, search=q, offset=offset, limit=limit)
    # Serialised straight from the dataclasses (the documented model describes the same fields): validating 500
    # items into models only to serialise them again doubled the route's time.
    body = {"total": found.total, "offset": found.offset, "limit": found.limit,
            "items": [asdict(item) for item in found.items]}  # fmt: skip
    return Response(pydantic_core.to_json(body), media_type="application/json")
