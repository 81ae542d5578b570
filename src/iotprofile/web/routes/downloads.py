"""Downloads of a product: assessment reports, evidence files, and the documents page (support record upload)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from iotprofile.errors import DocumentError, IotprofileError
from iotprofile.services import downloads
from iotprofile.services.organisation import get_product
from iotprofile.web.context import PagePrincipal, State, client_ip
from iotprofile.web.templating import render

router = APIRouter(include_in_schema=False)


def attachment(download: downloads.Download) -> Response:
    """The file as an attachment with a safe name."""
    return Response(
        download.content,
        media_type=download.media_type,
        headers={"Content-Disposition": f'attachment; filename="{downloads.safe_filename(download.filename)}"'},
    )


@router.get("/o/{org}/products/{product_id}/reports/{name}")
def report(state: State, principal: PagePrincipal, product_id: str, name: str) -> Response:
    """One report of the stored assessment (report.html, report.md, report.json, matrix.csv, ...)."""
    base = f"/o/{principal.organisation}/products/{product_id}"
    return attachment(downloads.report(state.repository, state.workspace, principal, product_id, name,
                                       evidence_href=lambda sha256: f"{base}/evidence/{sha256}",
                                       cache=state.cached))  # fmt: skip


@router.get("/o/{org}/products/{product_id}/evidence/{sha256}")
def evidence(state: State, principal: PagePrincipal, product_id: str, sha256: str) -> Response:
    """A stored evidence file of one of the product's verdict records."""
    return attachment(downloads.evidence(state.repository, principal, product_id, sha256))


def _documents_page(request: Request, state: State, principal: PagePrincipal, product_id: str, *,
                    error: str | None = None, status: int = 200) -> Response:  # fmt: skip
    product = get_product(state.repository, principal, product_id)
    generated = None
    problem = None
    try:
        generated = downloads.documents(state.repository, state.workspace, principal, product_id, cache=state.cached)
    except DocumentError as exc:
        problem = exc.one_line()
    context = {
        "product": product,
        "base": f"/o/{principal.organisation}/products/{product.id}",
        "generated": generated,
        "problem": problem,
        "error": error,
        "has_support": state.repository.support_record(product_id) is not None,
    }
    return render(request, "products/documents.html", context, status=status)


@router.get("/o/{org}/products/{product_id}/documents")
def documents_page(request: Request, state: State, principal: PagePrincipal, product_id: str) -> Response:
    """The documents generated from the product and its support record, and the support record upload."""
    return _documents_page(request, state, principal, product_id)


@router.get("/o/{org}/products/{product_id}/documents/{name:path}")
def document(state: State, principal: PagePrincipal, product_id: str, name: str) -> Response:
    """One generated document file."""
    return attachment(
        downloads.document(state.repository, state.workspace, principal, product_id, name, cache=state.cached)
    )


@router.post("/o/{org}/products/{product_id}/support")
async def upload_support(request: Request, state: State, principal: PagePrincipal, product_id: str) -> Response:
    """Store the uploaded support record (``support_file``, or the ``support_text`` field)."""
    form = await request.form()
    upload = form.get("support_file")
    text = form.get("support_text")
    if isinstance(upload, UploadFile) and upload.filename:
        content, filename = await upload.read(), upload.filename
    else:
        content, filename = (text if isinstance(text, str) else "").encode(), "support.yaml"
    try:
        await run_in_threadpool(downloads.set_support, state.repository, principal, product_id, content,
                                filename=filename, ip=client_ip(request))  # fmt: skip
    except IotprofileError as exc:
        from iotprofile.web.app import _status

        status = _status(exc)
        if status in (401, 403, 404):
            raise
        message = exc.one_line()
        return await run_in_threadpool(
            lambda: _documents_page(request, state, principal, product_id, error=message, status=status)
        )
    return RedirectResponse(f"/o/{principal.organisation}/products/{product_id}/documents", status_code=303)
