"""Storage: products, append-only verdict records and evidence files in SQLite (default) or PostgreSQL.

Used by ``services`` only (ARCHITECTURE.md, layers). :class:`SqlRepository` is imported on first use, because
SQLAlchemy and Alembic add about 0.4 s to start-up that commands without a database should not pay.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from iotprofile.storage.interface import (
    CellKey,
    ProductSummary,
    ProductTakenError,
    Repository,
    UnknownBlobError,
    UnknownProductError,
)

if TYPE_CHECKING:
    from iotprofile.storage.repository import SqlRepository

__all__ = [
    "CellKey",
    "ProductSummary",
    "ProductTakenError",
    "Repository",
    "SqlRepository",
    "UnknownBlobError",
    "UnknownProductError",
]


def __getattr__(name: str) -> object:
    if name == "SqlRepository":
        from iotprofile.storage.repository import SqlRepository

        return SqlRepository
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)
