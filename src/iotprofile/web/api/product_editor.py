"""``/api/v1/orgs/{org}/products/{id}``: product definitions, reports, support records, documents, evidence."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from iotprofile.product.model import Product
from iotprofile.services import downloads
from iotprofile.services import product_editing as editing
from iotprofile.services.organisation import get_product
from iotprofile.web.api.errors import ErrorOut
from iotprofile.web.context import ApiPrincipal, State, client_ip

router = APIRouter(prefix="/api/v1/orgs/{org}", tags=["products"])


ProductId = Annotated[str, Path(min_length=1, max_length=200, description="The product's ID.")]
_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "No valid API token or session."},
    403: {"model": ErrorOut, "description": "The caller's role may not do this."},
    404: {"model": ErrorOut, "description": "No such product (or it belongs to another organisation)."},
    422: {"model": ErrorOut, "description": "The input is not valid; the message names the place."},
}
#: Bodies that are not JSON at all are refused by the framework before validation.
_BODY_ERRORS: dict[int | str, dict[str, Any]] = {
    **_ERRORS,
    400: {"model": ErrorOut, "description": "The body could not be parsed."},
}
#: Every media type a download may have (reports, documents, evidence files), for the OpenAPI document.
_FILE = {
    "content": {
        media: {"schema": {"type": "string", "format": "binary"}}
        for media in sorted({*(kind.split(";")[0] for kind in downloads.MEDIA_TYPES), "application/octet-stream"})
    }
}


def _file(download: downloads.Download) -> Response:
    return Response(
        download.content,
        media_type=download.media_type,
        headers={"Content-Disposition": f'attachment; filename="{downloads.safe_filename(download.filename)}"'},
    )


@router.post("/products", response_model=Product, status_code=201, summary="Create a product",
             responses={**_BODY_ERRORS,
                        409: {"model": ErrorOut, "description": "The product ID is taken."}})  # fmt: skip
def create_product(request: Request, state: State, principal: ApiPrincipal, product: Product) -> Product:
    """Store a new product of the organisation (the body is a product file's content as JSON)."""
    return editing.create_product(state.repository, state.workspace, principal, product, ip=client_ip(request))


@router.get("/products/{product_id}", response_model=Product, summary="A product's definition", responses=_ERRORS)
def read_product(state: State, principal: ApiPrincipal, product_id: ProductId) -> Product:
    """The stored product definition."""
    return get_product(state.repository, principal, product_id)


@router.put("/products/{product_id}", response_model=Product, summary="Replace a product's definition",
            responses=_BODY_ERRORS)  # fmt: skip
def replace_product(request: Request, state: State, principal: ApiPrincipal, product_id: ProductId,
                    product: Product) -> Product:  # fmt: skip
    """Replace the definition (a new version of the same product; the ID in the body must match)."""
    return editing.replace_product(state.repository, state.workspace, principal, product_id, product,
                                   ip=client_ip(request))  # fmt: skip


@router.get("/products/{product_id}/reports/{name}", summary="Download a report", response_class=Response,
            responses={**_ERRORS, 200: {"description": "The report file.", **_FILE}})  # fmt: skip
def report(state: State, principal: ApiPrincipal, product_id: ProductId,
           name: Annotated[str, Path(max_length=100, description=f"One of {', '.join(downloads.REPORTS)}.")]
           ) -> Response:  # fmt: skip
    """One report of the stored assessment, rendered now."""
    base = f"/api/v1/orgs/{principal.organisation}/products/{product_id}"
    return _file(downloads.report(state.repository, state.workspace, principal, product_id, name,
                                  evidence_href=lambda sha256: f"{base}/evidence/{sha256}",
                                       cache=state.cached))  # fmt: skip


@router.get("/products/{product_id}/evidence/{sha256}", summary="Download an evidence file", response_class=Response,
            responses={**_ERRORS, 200: {"description": "The evidence file.", **_FILE}})  # fmt: skip
def evidence(state: State, principal: ApiPrincipal, product_id: ProductId,
             sha256: Annotated[str, Path(max_length=64)]) -> Response:  # fmt: skip
    """A stored evidence file of one of the product's verdict records."""
    return _file(downloads.evidence(state.repository, principal, product_id, sha256))


class SupportOut(BaseModel):
    """The support record was stored."""

    product: str
    stored: bool = True


@router.put("/products/{product_id}/support", response_model=SupportOut, summary="Store the support record",
            responses=_ERRORS, openapi_extra={"requestBody": {"required": True, "content": {
                "application/yaml": {"schema": {"type": "string"}},
                "application/json": {"schema": {"type": "object"}},
            }}})  # fmt: skip
async def put_support(request: Request, state: State, principal: ApiPrincipal, product_id: ProductId) -> SupportOut:
    """Validate and store the product's support record (``support.yaml``, format ``iotprofile/support/v1``).

    Send YAML (``Content-Type: application/yaml`` or ``text/plain``) or JSON (``application/json``).
    """
    from starlette.concurrency import run_in_threadpool

    content = await request.body()
    is_json = request.headers.get("content-type", "").split(";")[0].strip().endswith("json")
    await run_in_threadpool(downloads.set_support, state.repository, principal, product_id, content,
                            filename="support.json" if is_json else "support.yaml", ip=client_ip(request))  # fmt: skip
    return SupportOut(product=product_id)


class DocumentOut(BaseModel):
    """One generated document file."""

    name: str = Field(description="The file's name; download it at .../documents/{name}.")
    document: str = Field(description="The document it belongs to (security-txt, disclosure-policy, ...).")
    title: str
    media_type: str
    serves: list[str] = Field(description="IR 8425 sub-outcomes the document is evidence for.")


class DocumentsOut(BaseModel):
    """The documents generated from the product and its support record."""

    product: str
    support_record: bool = Field(description="Whether a support record is stored (without one, nothing is listed).")
    documents: list[DocumentOut]
    notes: list[str] = Field(description="Documents not generated, and information the documents lack.")


@router.get("/products/{product_id}/documents", response_model=DocumentsOut, summary="List generated documents",
            responses=_ERRORS)  # fmt: skip
def list_documents(state: State, principal: ApiPrincipal, product_id: ProductId) -> DocumentsOut:
    """Every document generated now from the stored product and support record."""
    found = downloads.documents(state.repository, state.workspace, principal, product_id, cache=state.cached)
    if found is None:
        return DocumentsOut(product=product_id, support_record=False, documents=[], notes=[])
    items = [
        DocumentOut(
            name=name,
            document=item.kind.value,
            title=item.kind.heading,
            media_type=downloads.media_type(name),
            serves=list(item.serves),
        )
        for item in found.documents
        for name in sorted(item.files)
    ]
    return DocumentsOut(product=product_id, support_record=True, documents=items, notes=list(found.notes))


@router.get("/products/{product_id}/documents/{name:path}", summary="Download a generated document",
            response_class=Response,
            responses={**_ERRORS, 200: {"description": "The document file.", **_FILE}})  # fmt: skip
def get_document(state: State, principal: ApiPrincipal, product_id: ProductId, name: str) -> Response:
    """One generated document file."""
    return _file(downloads.document(state.repository, state.workspace, principal, product_id, name, cache=state.cached))
