"""Use cases of the product editor: create, replace and edit an organisation's products, one change at a time.

Every edit builds a new :class:`~iotprofile.product.model.Product` from the stored one (products are frozen) and
validates it with the product model, so a change that would break the product (a component still named by a
connection or an override, a duplicate ID) is refused with the model's one-line message and nothing is stored.
Storing goes through :func:`~iotprofile.services.organisation.save_product` (permission, ownership, the plan
against the profile, the ``product.create``/``product.update`` audit event); the editing action itself
(``component.add``, ``connection.remove``, ...) is audited too, with what changed.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from iotprofile.catalog.source import describe_loc, first_error
from iotprofile.errors import IotprofileError, ProductError
from iotprofile.product.io import load_product
from iotprofile.product.model import Product
from iotprofile.services.accounts import Permission, Principal, audit, require
from iotprofile.services.organisation import get_product, save_product

if TYPE_CHECKING:
    from iotprofile.services import Workspace
    from iotprofile.storage.repository import SqlRepository

#: Largest product file accepted from an upload (a product definition is a few kilobytes).
MAX_PRODUCT_FILE_BYTES = 1024 * 1024
_SUFFIXES = (".yaml", ".yml", ".json")


def parse_uploaded(content: bytes, filename: str, error: type[IotprofileError], limit: int = MAX_PRODUCT_FILE_BYTES,
                   loader: Any = load_product) -> Any:  # fmt: skip
    """Parse an uploaded YAML/JSON file with ``loader`` (which takes a path), naming places by the upload's name.

    The content is written to a private temporary directory under a safe name so that the file readers (with
    their line numbers) are reused; errors name the uploaded file, never the temporary path.
    """
    name = Path(filename.replace("\\", "/")).name or "upload.yaml"
    suffix = Path(name).suffix.lower()
    if suffix not in _SUFFIXES:
        raise error("the file is not .yaml, .yml or .json", where=name)
    if len(content) > limit:
        raise error(f"the file is {len(content)} bytes, more than the {limit} accepted", where=name)
    safe = f"upload{suffix}"
    with tempfile.TemporaryDirectory(prefix="iotprofile-upload-") as directory:
        path = Path(directory) / safe
        path.write_bytes(content)
        try:
            return loader(path)
        except IotprofileError as exc:
            if exc.where:
                exc.where = exc.where.replace(str(path), name)
            raise


def parse_product(content: bytes, filename: str) -> Product:
    """A product from an uploaded YAML or JSON file (the first problem named with its line or path)."""
    product: Product = parse_uploaded(content, filename, ProductError)
    return product


def validated(data: Mapping[str, Any], *, where: str | None = None) -> Product:
    """A product from plain data; the model's first problem as a :class:`ProductError` with its place."""
    try:
        return Product.model_validate(dict(data))
    except ValidationError as exc:
        loc, message = first_error(exc)
        raise ProductError(f"{describe_loc(loc)}: {message}" if loc else message, where=where) from None


def _data(product: Product) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(product.model_dump_json())
    return data


# ---------------------------------------------------------------------------------------------- whole products


def _save(repository: SqlRepository, workspace: Workspace, principal: Principal, product: Product, *,
          ip: str | None, creating: bool = False) -> Product:  # fmt: skip
    """:func:`save_product`, with a profile that names no catalog reported as bad input (422), not as 404."""
    from iotprofile.errors import UnknownDocumentError

    try:
        return save_product(repository, workspace, principal, product, ip=ip, creating=creating)
    except UnknownDocumentError as exc:
        raise ProductError(exc.message, where="profile", tip=exc.tip) from None


def create_product(repository: SqlRepository, workspace: Workspace, principal: Principal, product: Product, *,
                   ip: str | None = None) -> Product:  # fmt: skip
    """Store a new product of the organisation (409 if its ID is taken anywhere)."""
    return _save(repository, workspace, principal, product, ip=ip, creating=True)


def create_simple(repository: SqlRepository, workspace: Workspace, principal: Principal, fields: Mapping[str, Any],
                  *, ip: str | None = None) -> Product:  # fmt: skip
    """A new product from the new-product form: the facts and its first component."""
    require(principal, Permission.EDIT_PRODUCTS)
    component = {
        "id": fields.get("component_id") or "",
        "name": fields.get("component_name") or "",
        "kind": fields.get("component_kind") or "",
        "updatable": bool(fields.get("component_updatable")),
    }
    data: dict[str, Any] = {key: (fields.get(key) or "").strip() for key in ("id", "name", "manufacturer", "model")}
    data["version"] = (fields.get("version") or "").strip() or None
    data["product_type"] = fields.get("product_type") or ""
    product = validated({**data, "components": [component]})
    return create_product(repository, workspace, principal, product, ip=ip)


def replace_product(repository: SqlRepository, workspace: Workspace, principal: Principal, product_id: str,
                    product: Product, *, ip: str | None = None) -> Product:  # fmt: skip
    """Replace a stored product's definition with a new version (same ID)."""
    require(principal, Permission.EDIT_PRODUCTS)
    get_product(repository, principal, product_id)
    if product.id != product_id:
        raise ProductError(f"the product's ID is {product.id!r}, not {product_id!r}", where="id",
                           tip="a product's ID cannot change; create a new product instead")  # fmt: skip
    return _save(repository, workspace, principal, product, ip=ip)


def _edit(repository: SqlRepository, workspace: Workspace, principal: Principal, product_id: str, *, action: str,
          change: Any, ip: str | None, detail: dict[str, Any]) -> Product:  # fmt: skip
    """Apply ``change`` (stored product data -> new data), validate, store, audit ``action``."""
    require(principal, Permission.EDIT_PRODUCTS)
    current = get_product(repository, principal, product_id)
    product = validated(change(_data(current)))
    if product.id != product_id:
        raise ProductError("a product's ID cannot change", where="id")
    _save(repository, workspace, principal, product, ip=ip)
    audit(repository, principal, action, object_type="product", object_id=product_id, ip=ip, detail=detail)
    return product


def update_basics(repository: SqlRepository, workspace: Workspace, principal: Principal, product_id: str,
                  fields: Mapping[str, Any], *, ip: str | None = None) -> Product:  # fmt: skip
    """Change the product's facts: name, manufacturer, model, version, type, profile, description."""
    keys = ("name", "manufacturer", "model", "version", "product_type", "profile", "description")

    def change(data: dict[str, Any]) -> dict[str, Any]:
        for key in keys:
            if key in fields:
                value = fields[key]
                data[key] = value if value not in ("", None) or key in ("name", "manufacturer", "model") else None
        return data

    return _edit(repository, workspace, principal, product_id, action="product.edit", change=change, ip=ip,
                 detail={"fields": sorted(key for key in keys if key in fields)})  # fmt: skip


def _component_index(data: dict[str, Any], component_id: str) -> int:
    for index, component in enumerate(data["components"]):
        if component["id"] == component_id:
            return index
    raise ProductError(f"no component {component_id!r} in the product", where="components")


def add_component(repository: SqlRepository, workspace: Workspace, principal: Principal, product_id: str,
                  component: Mapping[str, Any], *, ip: str | None = None) -> Product:  # fmt: skip
    """Add a component (a duplicate ID is refused by the model)."""

    def change(data: dict[str, Any]) -> dict[str, Any]:
        data["components"] = [*data["components"], dict(component)]
        return data

    return _edit(repository, workspace, principal, product_id, action="component.add", change=change, ip=ip,
                 detail={"component": component.get("id")})  # fmt: skip


def update_component(repository: SqlRepository, workspace: Workspace, principal: Principal, product_id: str,
                     component_id: str, *, component: Mapping[str, Any], ip: str | None = None) -> Product:  # fmt: skip
    """Replace one component (its ID stays: connections and overrides name it)."""

    def change(data: dict[str, Any]) -> dict[str, Any]:
        index = _component_index(data, component_id)
        data["components"][index] = {**dict(component), "id": component_id}
        return data

    return _edit(repository, workspace, principal, product_id, action="component.update", change=change, ip=ip,
                 detail={"component": component_id})  # fmt: skip


def remove_component(repository: SqlRepository, workspace: Workspace, principal: Principal, product_id: str,
                     component_id: str, *, ip: str | None = None) -> Product:  # fmt: skip
    """Remove a component; refused (by the model) while a connection or an override still names it."""

    def change(data: dict[str, Any]) -> dict[str, Any]:
        del data["components"][_component_index(data, component_id)]
        return data

    try:
        return _edit(repository, workspace, principal, product_id, action="component.remove", change=change, ip=ip,
                     detail={"component": component_id})  # fmt: skip
    except ProductError as exc:
        tip = "first remove or change the connections and overrides that name it"
        raise ProductError(f"cannot remove component {component_id!r}: {exc.message}", where=exc.where,
                           tip=tip) from None  # fmt: skip


def add_connection(repository: SqlRepository, workspace: Workspace, principal: Principal, product_id: str,
                   connection: Mapping[str, Any], *, ip: str | None = None) -> Product:  # fmt: skip
    """Add a data flow between two components (or to ``external``)."""

    def change(data: dict[str, Any]) -> dict[str, Any]:
        data["connections"] = [*data["connections"], dict(connection)]
        return data

    return _edit(repository, workspace, principal, product_id, action="connection.add", change=change, ip=ip,
                 detail={"source": connection.get("source"), "target": connection.get("target")})  # fmt: skip


def remove_connection(repository: SqlRepository, workspace: Workspace, principal: Principal, product_id: str,
                      index: int, *, ip: str | None = None) -> Product:  # fmt: skip
    """Remove the connection at ``index`` (0-based, as listed on the product page)."""
    removed: dict[str, Any] = {}

    def change(data: dict[str, Any]) -> dict[str, Any]:
        if not 0 <= index < len(data["connections"]):
            raise ProductError(f"no connection number {index + 1}", where="connections")
        removed.update(data["connections"].pop(index))
        return data

    return _edit(repository, workspace, principal, product_id, action="connection.remove", change=change, ip=ip,
                 detail={"index": index})  # fmt: skip


def split_list(text: str | None) -> list[str]:
    """Form text with one item per line or comma-separated -> the items (blank ones dropped)."""
    if not text:
        return []
    parts = [part.strip() for line in text.splitlines() for part in line.split(",")]
    return [part for part in parts if part]


def component_from_form(fields: Mapping[str, Any], interfaces: Sequence[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """Component data from the component form (lists one per line; ``interfaces`` from the interface rows)."""
    data: dict[str, Any] = {
        "id": (fields.get("component_id") or "").strip(),
        "name": (fields.get("component_name") or "").strip(),
        "kind": fields.get("component_kind") or "",
        "updatable": bool(fields.get("component_updatable")),
        "onboards": bool(fields.get("component_onboards")),
        "stores_customer_data": bool(fields.get("component_stores_customer_data")),
        "data_stored": split_lines(fields.get("component_data_stored")),
        "data_transmitted": split_lines(fields.get("component_data_transmitted")),
        "interfaces": [dict(item) for item in interfaces],
    }
    for key in ("version", "description", "sbom"):
        value = (fields.get(f"component_{key}") or "").strip()
        data[key] = value or None
    return data


def split_lines(text: str | None) -> list[str]:
    """Form text with one item per line -> the items."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]
