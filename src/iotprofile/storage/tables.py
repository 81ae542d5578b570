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
    Boolean,
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
    __table_args__ = (Index(None, "organisation_id", "id"),)

    id: Mapped[str] = mapped_column(String, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    manufacturer: Mapped[str] = mapped_column(Text)
    model: Mapped[str] = mapped_column(Text)
    version: Mapped[str | None] = mapped_column(Text)
    product_type: Mapped[str] = mapped_column(String)
    #: The effective profile (the product's own or its type's default), so lists need not parse definitions.
    profile: Mapped[str] = mapped_column(String)
    #: The organisation that owns the product (revision 0002; the CLI's products belong to ``default``). No foreign
    #: key: SQLite cannot add a column with one and a non-NULL default; services check the organisation exists.
    organisation_id: Mapped[str] = mapped_column(String, server_default="default")
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


# ---------------------------------------------------------------------------------------- web app (revision 0002)

#: The organisation every product belongs to unless another is named (the CLI's products, and old databases').
DEFAULT_ORGANISATION = "default"
#: Roles a member can hold in an organisation, least to most privileged after viewer (issue 6).
ROLES = ("viewer", "assessor", "editor", "admin")
_ROLE_VALUES = ", ".join(f"'{role}'" for role in ROLES)


class OrganisationRow(Base):
    """A team or test lab: the unit of isolation. Its members see its products and nothing else."""

    __tablename__ = "organisations"

    #: A slug (``acme-labs``), used in URLs.
    id: Mapped[str] = mapped_column(String, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class UserRow(Base):
    """A local account; the password is kept only as an argon2id hash."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    #: Lower-cased; the login name.
    email: Mapped[str] = mapped_column(String, unique=True)
    name: Mapped[str] = mapped_column(Text)
    password_hash: Mapped[str] = mapped_column(Text)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class MembershipRow(Base):
    """A user's role in one organisation."""

    __tablename__ = "memberships"
    __table_args__ = (CheckConstraint(f"role IN ({_ROLE_VALUES})", name="role"),)

    user_id: Mapped[int] = mapped_column(Integer, ForeignKey("users.id"), primary_key=True)
    organisation_id: Mapped[str] = mapped_column(String, ForeignKey("organisations.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String)


class SessionRow(Base):
    """A browser session: the cookie holds a random token, the table only its hash (a leaked table signs no one in)."""

    __tablename__ = "sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, ForeignKey("users.id"), index=True)
    #: The synchronizer token every form of this session must carry (CSRF).
    csrf_token: Mapped[str] = mapped_column(String)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ApiTokenRow(Base):
    """A bearer token for CI: acts as its user, in one organisation. Only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(Integer, ForeignKey("users.id"))
    organisation_id: Mapped[str] = mapped_column(String, ForeignKey("organisations.id"))
    name: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class AuditEventRow(Base):
    """One change (or sign-in attempt). Append-only: triggers refuse UPDATE and DELETE, as for verdict records."""

    __tablename__ = "audit_events"
    __table_args__ = (
        # Login rate limiting counts recent failures by action and time; the audit page lists by organisation.
        Index(None, "action", "at"),
        Index(None, "organisation_id", "at"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    #: None for events outside any organisation (sign-in, user creation).
    organisation_id: Mapped[str | None] = mapped_column(String)
    #: Who: a user's e-mail, ``token:<id>``, ``cli`` or, for a failed sign-in, the name that was tried.
    actor: Mapped[str] = mapped_column(Text)
    #: What, as ``object.verb``: ``product.create``, ``verdict.record``, ``login.failed``, ...
    action: Mapped[str] = mapped_column(String)
    object_type: Mapped[str | None] = mapped_column(String)
    object_id: Mapped[str | None] = mapped_column(Text)
    #: The client's address, when the change came over HTTP.
    ip: Mapped[str | None] = mapped_column(String)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)


class CheckRunRow(Base):
    """A check run started from the web app or API: an uploaded SBOM or firmware image, queued then run."""

    __tablename__ = "check_runs"
    __table_args__ = (Index(None, "organisation_id", "created_at"),)

    id: Mapped[str] = mapped_column(String, primary_key=True)
    organisation_id: Mapped[str] = mapped_column(String, ForeignKey("organisations.id"))
    product_id: Mapped[str | None] = mapped_column(String, ForeignKey("products.id"))
    component: Mapped[str | None] = mapped_column(String)
    #: The check: ``sbom`` or ``firmware``.
    kind: Mapped[str] = mapped_column(String)
    filename: Mapped[str] = mapped_column(Text)
    #: The uploaded file, stored in ``blobs``.
    input_sha256: Mapped[str] = mapped_column(String(64), ForeignKey("blobs.sha256"))
    #: ``queued``, ``running``, ``done`` or ``error``.
    status: Mapped[str] = mapped_column(String)
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: The check's attempt (JSON), once finished.
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)


class ProfileBuildRow(Base):
    """A profile build run by the web app: its files live in a directory under the server's data directory."""

    __tablename__ = "profile_builds"

    id: Mapped[str] = mapped_column(String, primary_key=True)
    organisation_id: Mapped[str] = mapped_column(String, ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(Text)
    #: The profile the build tailors (``nist-ir-8425a``).
    target: Mapped[str] = mapped_column(String)
    status: Mapped[str] = mapped_column(String)
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    #: A summary of the last build (counts of placed, unreviewed, proposals), as JSON.
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)


class ProductSupportRow(Base):
    """A product's support record (``support.yaml``, issue 7), from which its documents are generated."""

    __tablename__ = "product_support"

    product_id: Mapped[str] = mapped_column(String, ForeignKey("products.id"), primary_key=True)
    #: The record as uploaded (YAML text), validated before it is stored.
    support: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
