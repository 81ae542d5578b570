"""Use cases of a team in the web app: an organisation's products, checked against who is asking, and audited.

Every function takes the :class:`~iotprofile.services.accounts.Principal`, checks its permission, and refuses
objects of other organisations as if they did not exist (:class:`UnknownProductError`, answered 404).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from iotprofile.services.accounts import Permission, Principal, audit, require
from iotprofile.storage.interface import ProductSummary, UnknownProductError

if TYPE_CHECKING:
    from iotprofile.product.model import Product
    from iotprofile.services import Workspace
    from iotprofile.storage.repository import SqlRepository

#: Products per page of the product list.
PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class ProductPage:
    """One page of an organisation's product list."""

    total: int
    offset: int
    limit: int
    items: list[ProductSummary]


def product_page(repository: SqlRepository, principal: Principal, *, search: str | None = None, offset: int = 0,
                 limit: int = PAGE_SIZE) -> ProductPage:  # fmt: skip
    """A page of the organisation's products, by ID, optionally only those matching ``search``."""
    require(principal, Permission.READ)
    search = (search or "").strip() or None
    total = repository.count_products(principal.organisation, search=search)
    items = repository.list_products(principal.organisation, search=search, limit=limit, offset=offset)
    return ProductPage(total, offset, limit, items)


def check_owned(repository: SqlRepository, principal: Principal, product_id: str) -> None:
    """Refuse (as unknown) a product that is not the principal's organisation's."""
    require(principal, Permission.READ)
    if repository.product_organisation(product_id) != principal.organisation:
        raise UnknownProductError(f"no product {product_id!r} is stored")


def get_product(repository: SqlRepository, principal: Principal, product_id: str) -> Product:
    """The organisation's product."""
    check_owned(repository, principal, product_id)
    return repository.get_product(product_id)


def save_product(repository: SqlRepository, workspace: Workspace, principal: Principal, product: Product, *,
                 ip: str | None = None, creating: bool = False) -> Product:  # fmt: skip
    """Store a new or changed product of the organisation (its plan is checked first), audited.

    ``creating`` refuses an ID that is stored already (in this organisation or another: answered 409).
    """
    from iotprofile.services.products import plan_for
    from iotprofile.storage.interface import ProductTakenError

    require(principal, Permission.EDIT_PRODUCTS)
    owner = repository.product_organisation(product.id)
    if creating and owner is not None:
        raise ProductTakenError(f"product ID {product.id!r} is already taken", tip="choose another product ID")
    if not creating and owner != principal.organisation:
        raise UnknownProductError(f"no product {product.id!r} is stored")
    plan_for(workspace, product)  # an override naming a non-existent cell is refused before anything is stored
    repository.import_product(product, organisation=principal.organisation)
    audit(repository, principal, "product.create" if creating else "product.update", object_type="product",
          object_id=product.id, ip=ip)  # fmt: skip
    return product
