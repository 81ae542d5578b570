"""Product pages: the organisation's product list (searchable, paged)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from iotprofile.services.organisation import PAGE_SIZE, product_page
from iotprofile.web.context import PagePrincipal, State
from iotprofile.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/o/{org}/products")
async def product_list(
    request: Request,
    state: State,
    principal: PagePrincipal,
    q: Annotated[str, Query(max_length=200)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """The organisation's products, 50 per page, filtered by ``q`` (ID, name, manufacturer or model)."""
    found = product_page(state.repository, principal, search=q, offset=(page - 1) * PAGE_SIZE)
    pages = max(1, -(-found.total // PAGE_SIZE))
    return render(request, "products/list.html", {"page": found, "q": q, "page_number": page, "pages": pages})
