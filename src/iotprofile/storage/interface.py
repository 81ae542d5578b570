"""What the storage layer offers, without the database: value types, errors and the repository protocol.

Services type against :class:`Repository`; importing this module does not import SQLAlchemy (about 0.35 s of
start-up), so commands that never touch the database stay fast.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Protocol, Self

from iotprofile.assessment.model import AssessmentLog, Verdict, VerdictRecord
from iotprofile.errors import ExitCode, StorageError
from iotprofile.product.model import Product

__all__ = [
    "CellKey",
    "ProductSummary",
    "ProductTakenError",
    "Repository",
    "UnknownBlobError",
    "UnknownProductError",
]

#: A cell as a plain key: (element, component), component None for the product as a whole.
CellKey = tuple[str, str | None]


class UnknownProductError(StorageError):
    """No product with this ID is stored."""

    exit_code = ExitCode.NOT_FOUND


class ProductTakenError(StorageError):
    """Another organisation already stores a product with this ID (product IDs are unique per database)."""


class UnknownBlobError(StorageError):
    """No evidence file with this SHA-256 is stored."""

    exit_code = ExitCode.NOT_FOUND


@dataclass(frozen=True, slots=True)
class ProductSummary:
    """One line of the product list: what identifies a product, without its definition."""

    #: The product ID.
    id: str
    name: str
    manufacturer: str
    model: str
    #: Product (firmware or release) version, if the definition gives one.
    version: str | None
    #: A :class:`~iotprofile.product.model.ProductType` value.
    product_type: str
    #: The profile the product is assessed against (its own, or the default of its type).
    profile: str
    #: How many verdict records are stored for the product, over all profiles.
    records: int


class Repository(Protocol):
    """Persistent products, their append-only assessment records and evidence files."""

    def import_product(self, product: Product) -> None:
        """Store a product, replacing the stored definition of the same ID."""
        ...

    def get_product(self, product_id: str) -> Product:
        """The stored product; :class:`UnknownProductError` if there is none."""
        ...

    def list_products(self) -> list[ProductSummary]:
        """Every stored product, by ID."""
        ...

    def add_records(
        self, product_id: str, profile_id: str, records: Sequence[VerdictRecord], blobs: Mapping[str, bytes]
    ) -> None:
        """Append verdict records and store the evidence files they name, all or nothing."""
        ...

    def log(self, product_id: str, profile_id: str) -> AssessmentLog:
        """Every record of a product's assessment against a profile, oldest first."""
        ...

    def blob(self, sha256: str) -> bytes:
        """The content of a stored evidence file."""
        ...

    def latest_verdicts(self, product_id: str, profile_id: str) -> dict[CellKey, Verdict]:
        """The current verdict of every cell that has a record."""
        ...

    def close(self) -> None:
        """Release every connection."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None: ...
