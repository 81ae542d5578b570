"""Product pages: create a product (form or file), the product page, and its editing forms.

Every form posts, is checked by the services (permission, ownership, the product model, the plan) and redirects
303 back to the product page; invalid input re-renders the page with the one-line error (422, nothing stored).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from iotprofile.catalog.model import ComponentKind
from iotprofile.errors import IotprofileError
from iotprofile.product.io import product_to_yaml
from iotprofile.product.model import Exposure, InterfaceKind, Product, ProductType
from iotprofile.services import product_editing as editing
from iotprofile.services.accounts import Principal
from iotprofile.services.downloads import REPORTS
from iotprofile.services.organisation import get_product
from iotprofile.web.context import PagePrincipal, State, WebState, client_ip
from iotprofile.web.templating import render

router = APIRouter(include_in_schema=False)

#: Interface rows shown blank under a component's interfaces, for adding.
_BLANK_INTERFACE_ROWS = 1


def _status_of(exc: IotprofileError) -> int:
    from iotprofile.web.app import _status

    return _status(exc)


def _text(form: FormData, key: str) -> str:
    value = form.get(key)
    return value if isinstance(value, str) else ""


def _fields(form: FormData) -> dict[str, str]:
    return {key: value for key, value in form.items() if isinstance(value, str) and key != "csrf_token"}


def _choices() -> dict[str, Any]:
    return {
        "product_types": [item.value for item in ProductType],
        "component_kinds": [item.value for item in ComponentKind],
        "interface_kinds": [item.value for item in InterfaceKind],
        "exposures": [item.value for item in Exposure],
    }


# ------------------------------------------------------------------------------------------------- new product


@router.get("/o/{org}/products/new")
def new_product_form(request: Request, principal: PagePrincipal) -> Response:
    """The new-product form (facts and a first component, or a product file)."""
    from iotprofile.services.accounts import Permission, require

    require(principal, Permission.EDIT_PRODUCTS)
    return render(request, "products/new.html", {"values": {}, "error": None, **_choices()})


@router.post("/o/{org}/products/new")
async def create_product(request: Request, state: State, principal: PagePrincipal) -> Response:
    """Create the product from the form, or from the uploaded ``product_file`` when one is sent."""
    form = await request.form()
    upload = form.get("product_file")
    values = _fields(form)
    try:
        if isinstance(upload, UploadFile) and upload.filename:
            content = await upload.read()
            product = editing.parse_product(content, upload.filename)
            await run_in_threadpool(
                editing.create_product, state.repository, state.workspace, principal, product, ip=client_ip(request)
            )
        else:
            product = await run_in_threadpool(
                editing.create_simple, state.repository, state.workspace, principal, values, ip=client_ip(request)
            )
    except IotprofileError as exc:
        status = _status_of(exc)
        if status in (401, 403, 404):
            raise
        context = {"values": values, "error": exc.one_line(), **_choices()}
        return render(request, "products/new.html", context, status=status)
    return RedirectResponse(f"/o/{principal.organisation}/products/{product.id}", status_code=303)


# ------------------------------------------------------------------------------------------------ product page


def _page(request: Request, state: WebState, principal: Principal, product_id: str, *, error: str | None = None,
          status: int = 200, product: Product | None = None) -> Response:  # fmt: skip
    product = product or get_product(state.repository, principal, product_id)
    base = f"/o/{principal.organisation}/products/{product.id}"
    context = {
        "product": product,
        "base": base,
        "error": error,
        "reports": [(name, kind.label) for name, kind in REPORTS.items()],
        **_choices(),
    }
    return render(request, "products/detail.html", context, status=status)


@router.get("/o/{org}/products/{product_id}")
def product_page(request: Request, state: State, principal: PagePrincipal, product_id: str) -> Response:
    """The product: facts, components, connections, overrides, links to the matrix, reports and documents."""
    return _page(request, state, principal, product_id)


@router.get("/o/{org}/products/{product_id}/product.yaml")
def export_yaml(state: State, principal: PagePrincipal, product_id: str) -> Response:
    """The product definition as a product file."""
    from iotprofile.services.downloads import safe_filename

    product = get_product(state.repository, principal, product_id)
    return Response(
        product_to_yaml(product).encode(),
        media_type="application/yaml",
        headers={"Content-Disposition": f'attachment; filename="{safe_filename(product.id)}.yaml"'},
    )


async def _apply(request: Request, state: WebState, principal: Principal, product_id: str,
                 action: Callable[[FormData], Any], *, edit_page: str | None = None) -> Response:  # fmt: skip
    """Run an edit with the posted form; 303 to the product page, or the page again with the error."""
    form = await request.form()
    try:
        await run_in_threadpool(action, form)
    except IotprofileError as exc:
        status = _status_of(exc)
        if status in (401, 403, 404):
            raise
        message = exc.one_line()
        if edit_page is not None:
            return await run_in_threadpool(
                _component_page, request, state, principal, product_id, edit_page, error=message, status=status
            )
        return await run_in_threadpool(
            lambda: _page(request, state, principal, product_id, error=message, status=status)
        )
    return RedirectResponse(f"/o/{principal.organisation}/products/{product_id}", status_code=303)


@router.post("/o/{org}/products/{product_id}/basics")
async def edit_basics(request: Request, state: State, principal: PagePrincipal, product_id: str) -> Response:
    """Change the product's facts."""
    ip = client_ip(request)
    return await _apply(request, state, principal, product_id, lambda form: editing.update_basics(
        state.repository, state.workspace, principal, product_id, _fields(form), ip=ip))  # fmt: skip


@router.post("/o/{org}/products/{product_id}/components")
async def add_component(request: Request, state: State, principal: PagePrincipal, product_id: str) -> Response:
    """Add a component."""
    ip = client_ip(request)
    return await _apply(request, state, principal, product_id, lambda form: editing.add_component(
        state.repository, state.workspace, principal, product_id, editing.component_from_form(_fields(form)),
        ip=ip))  # fmt: skip


def _interfaces(form: FormData) -> list[dict[str, Any]]:
    """The interface rows of the component form (``interfaces-N-field``); blank and removed rows are dropped."""
    rows: list[dict[str, Any]] = []
    index = 0
    while f"interfaces-{index}-name" in form and index < 500:
        prefix = f"interfaces-{index}-"
        index += 1
        name = _text(form, prefix + "name").strip()
        if not name or _text(form, prefix + "remove"):
            continue
        authenticated = _text(form, prefix + "authenticated")
        rows.append({
            "name": name,
            "kind": _text(form, prefix + "kind"),
            "protocols": editing.split_list(_text(form, prefix + "protocols")),
            "services": editing.split_lines(_text(form, prefix + "services")),
            "exposure": [value for value in form.getlist(prefix + "exposure") if isinstance(value, str)],
            "authenticated": {"yes": True, "no": False}.get(authenticated),
            "enabled_by_default": bool(_text(form, prefix + "enabled_by_default")),
        })  # fmt: skip
    return rows


def _component_page(request: Request, state: WebState, principal: Principal, product_id: str, component_id: str,
                    *, error: str | None = None, status: int = 200) -> Response:  # fmt: skip
    from iotprofile.services.accounts import Permission, require
    from iotprofile.storage.interface import UnknownProductError

    require(principal, Permission.EDIT_PRODUCTS)
    product = get_product(state.repository, principal, product_id)
    component = product.component(component_id)
    if component is None:
        raise UnknownProductError(f"no component {component_id!r} in product {product_id!r}")
    context = {
        "product": product,
        "component": component,
        "base": f"/o/{principal.organisation}/products/{product.id}",
        "error": error,
        "blank_rows": _BLANK_INTERFACE_ROWS,
        **_choices(),
    }
    return render(request, "products/component.html", context, status=status)


@router.get("/o/{org}/products/{product_id}/components/{component_id}/edit")
def edit_component_form(request: Request, state: State, principal: PagePrincipal, product_id: str,
                        component_id: str) -> Response:  # fmt: skip
    """The component form, with its interfaces (one row each, and a blank row to add one)."""
    return _component_page(request, state, principal, product_id, component_id)


@router.post("/o/{org}/products/{product_id}/components/{component_id}")
async def edit_component(request: Request, state: State, principal: PagePrincipal, product_id: str,
                         component_id: str) -> Response:  # fmt: skip
    """Replace the component with the form's content (interfaces included)."""
    ip = client_ip(request)

    def action(form: FormData) -> Any:
        data = editing.component_from_form({**_fields(form), "component_id": component_id}, _interfaces(form))
        return editing.update_component(state.repository, state.workspace, principal, product_id, component_id,
                                        component=data, ip=ip)  # fmt: skip

    return await _apply(request, state, principal, product_id, action, edit_page=component_id)


@router.post("/o/{org}/products/{product_id}/components/{component_id}/remove")
async def remove_component(request: Request, state: State, principal: PagePrincipal, product_id: str,
                           component_id: str) -> Response:  # fmt: skip
    """Remove the component (refused while a connection or an override names it)."""
    ip = client_ip(request)
    return await _apply(request, state, principal, product_id, lambda _form: editing.remove_component(
        state.repository, state.workspace, principal, product_id, component_id, ip=ip))  # fmt: skip


@router.post("/o/{org}/products/{product_id}/connections")
async def add_connection(request: Request, state: State, principal: PagePrincipal, product_id: str) -> Response:
    """Add a connection."""
    ip = client_ip(request)

    def action(form: FormData) -> Any:
        encrypted = _text(form, "encrypted")
        connection = {
            "source": _text(form, "source").strip(),
            "target": _text(form, "target").strip(),
            "protocols": editing.split_list(_text(form, "protocols")),
            "data": editing.split_lines(_text(form, "data")),
            "encrypted": {"yes": True, "no": False}.get(encrypted),
        }
        return editing.add_connection(state.repository, state.workspace, principal, product_id, connection, ip=ip)

    return await _apply(request, state, principal, product_id, action)


@router.post("/o/{org}/products/{product_id}/connections/{number}/remove")
async def remove_connection(request: Request, state: State, principal: PagePrincipal, product_id: str,
                            number: int) -> Response:  # fmt: skip
    """Remove connection ``number`` (1-based, as listed)."""
    ip = client_ip(request)
    return await _apply(request, state, principal, product_id, lambda _form: editing.remove_connection(
        state.repository, state.workspace, principal, product_id, number - 1, ip=ip))  # fmt: skip


@router.post("/o/{org}/products/{product_id}/file")
async def upload_version(request: Request, state: State, principal: PagePrincipal, product_id: str) -> Response:
    """Replace the definition with an uploaded product file (a new version of the same product)."""
    ip = client_ip(request)
    form = await request.form()
    upload = form.get("product_file")
    content = await upload.read() if isinstance(upload, UploadFile) else b""
    filename = upload.filename or "product.yaml" if isinstance(upload, UploadFile) else "product.yaml"

    def action(_form: FormData) -> Any:
        from iotprofile.services.accounts import Permission, require

        require(principal, Permission.EDIT_PRODUCTS)  # before looking at the upload: a viewer learns nothing
        if not content:
            from iotprofile.errors import ProductError

            raise ProductError("choose a product file (.yaml, .yml or .json) to upload")
        product = editing.parse_product(content, filename)
        return editing.replace_product(state.repository, state.workspace, principal, product_id, product, ip=ip)

    return await _apply(request, state, principal, product_id, action)
