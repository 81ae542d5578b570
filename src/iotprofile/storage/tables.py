"""The database tables, as typed SQLAlchemy 2 declarative classes.

The schema itself is created and changed only by the Alembic migrations in ``migrations/versions``; these classes
must describe the same schema (a test compares them with the migrated database).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from iotprofile.assessment.model import Verdict

#: Constraint and index names are fixed so that migrations can refer to them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: The verdict vocabulary as an SQL list, for the check constraint.
_VERDICT_VALUES = ", ".join(f"'{verdict.value}'" for verdict in Verdict)


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware timestamp, stored in UTC and always read back as UTC.

    SQLite has no timestamp type: SQLAlchemy stores fixed-width ISO text without a zone, so every value is
    converted to UTC first, which also keeps text order equal to time order for ``ORDER BY``. PostgreSQL stores
    ``timestamptz`` and returns it in the session's zone; that is converted to UTC too, so both backends agree.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Refuse naive values; store UTC (without a zone on SQLite, which would otherwise drop it silently)."""
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            msg = f"timestamp {value.isoformat()} has no time zone"
            raise ValueError(msg)
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:  # noqa: ARG002
        """Attach UTC to SQLite's naive values; convert PostgreSQL's to UTC (``dialect`` is not needed)."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Base of the iotprofile tables."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class ProductRow(Base):
    """One product: the columns the product list shows, and the whole definition as canonical JSON."""

    __tablename__ = "products"

    id: Mapped[str] = mapped_column(String, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    manufacturer: Mapped[str] = mapped_column(Text)
    model: Mapped[str] = mapped_column(Text)
    version: Mapped[str | None] = mapped_column(Text)
    product_type: Mapped[str] = mapped_column(String)
    #: The effective profile (the product's own or its type's default), so lists need not parse definitions.
    profile: Mapped[str] = mapped_column(String)
    #: ``product_to_json(product)``: kept as text so the canonical form survives byte for byte.
    definition: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class VerdictRecordRow(Base):
    """One verdict record. Append-only: database triggers refuse UPDATE and DELETE (the audit trail)."""

    __tablename__ = "verdict_records"
    __table_args__ = (
        # The log and the status query select one product and profile and order by time, insertion order
        # breaking ties; this index serves both, and the foreign key's lookups through its first column.
        Index(None, "product_id", "profile_id", "recorded_at", "id"),
        # The vocabulary is firm (ARCHITECTURE.md); a new verdict needs a migration that widens this check.
        CheckConstraint(f"verdict IN ({_VERDICT_VALUES})", name="verdict"),
    )

    # SQLite autoincrements only an INTEGER PRIMARY KEY; elsewhere 64 bits, since records are never reused.
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    product_id: Mapped[str] = mapped_column(String, ForeignKey("products.id"))
    profile_id: Mapped[str] = mapped_column(String)
    element: Mapped[str] = mapped_column(String)
    #: None: the product as a whole.
    component: Mapped[str | None] = mapped_column(String)
    #: A :class:`~iotprofile.assessment.model.Verdict` value (checked by the database too).
    verdict: Mapped[str] = mapped_column(String)
    justification: Mapped[str | None] = mapped_column(Text)
    assessor: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    source: Mapped[str | None] = mapped_column(Text)
    #: A JSON list of :class:`~iotprofile.assessment.model.Evidence` objects.
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON)


class BlobRow(Base):
    """One evidence file, stored once however many records name it."""

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    content: Mapped[bytes] = mapped_column(LargeBinary)
