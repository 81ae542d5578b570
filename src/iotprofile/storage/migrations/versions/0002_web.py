"""The web app's tables; products gain an owning organisation.

Organisations, users, memberships, sessions, API tokens, the audit log, check runs, profile builds and support
records.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22

Written by hand like 0001. The audit log is append-only (triggers, as for verdict records). Existing products move
to the ``default`` organisation, which this revision creates.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

_ROLES = ("viewer", "assessor", "editor", "admin")
_APPEND_ONLY = "audit_events is append-only: add a new event instead"


def _timestamp(name: str, *, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    """Create the web app's tables and give every product an organisation."""
    organisations = op.create_table(
        "organisations",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_organisations"),
    )
    now = datetime.now(UTC)
    if op.get_bind().dialect.name == "sqlite":
        now = now.replace(tzinfo=None)  # UtcDateTime's SQLite form
    op.bulk_insert(organisations, [{"id": "default", "name": "Default organisation", "created_at": now}])
    op.add_column("products", sa.Column("organisation_id", sa.String(), server_default="default", nullable=False))
    op.create_index("ix_products_organisation_id_id", "products", ["organisation_id", "id"])
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("email", sa.String(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("email", name="uq_users_email"),
    )
    op.create_table(
        "memberships",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.CheckConstraint(
            "role IN ({})".format(", ".join(f"'{role}'" for role in _ROLES)), name="ck_memberships_role"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_memberships_user_id_users"),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name="fk_memberships_organisation_id_organisations"
        ),
        sa.PrimaryKeyConstraint("user_id", "organisation_id", name="pk_memberships"),
    )
    op.create_table(
        "sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(), nullable=False),
        _timestamp("created_at"),
        _timestamp("expires_at"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_sessions_user_id_users"),
        sa.PrimaryKeyConstraint("token_hash", name="pk_sessions"),
    )
    op.create_index("ix_sessions_user_id", "sessions", ["user_id"])
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.String(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        _timestamp("created_at"),
        _timestamp("expires_at", nullable=True),
        _timestamp("revoked_at", nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_api_tokens_user_id_users"),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name="fk_api_tokens_organisation_id_organisations"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_api_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        _timestamp("at"),
        sa.Column("organisation_id", sa.String(), nullable=True),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("object_type", sa.String(), nullable=True),
        sa.Column("object_id", sa.Text(), nullable=True),
        sa.Column("ip", sa.String(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_events"),
    )
    op.create_index("ix_audit_events_action_at", "audit_events", ["action", "at"])
    op.create_index("ix_audit_events_organisation_id_at", "audit_events", ["organisation_id", "at"])
    op.create_table(
        "check_runs",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("organisation_id", sa.String(), nullable=False),
        sa.Column("product_id", sa.String(), nullable=True),
        sa.Column("component", sa.String(), nullable=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("filename", sa.Text(), nullable=False),
        sa.Column("input_sha256", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        _timestamp("created_at"),
        _timestamp("started_at", nullable=True),
        _timestamp("finished_at", nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name="fk_check_runs_organisation_id_organisations"
        ),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"], name="fk_check_runs_product_id_products"),
        sa.ForeignKeyConstraint(["input_sha256"], ["blobs.sha256"], name="fk_check_runs_input_sha256_blobs"),
        sa.PrimaryKeyConstraint("id", name="pk_check_runs"),
    )
    op.create_index("ix_check_runs_organisation_id_created_at", "check_runs", ["organisation_id", "created_at"])
    op.create_table(
        "profile_builds",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("organisation_id", sa.String(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("target", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name="fk_profile_builds_organisation_id_organisations"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_profile_builds"),
    )
    op.create_index("ix_profile_builds_organisation_id", "profile_builds", ["organisation_id"])
    op.create_table(
        "product_support",
        sa.Column("product_id", sa.String(), nullable=False),
        sa.Column("support", sa.Text(), nullable=False),
        _timestamp("updated_at"),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"], name="fk_product_support_product_id_products"),
        sa.PrimaryKeyConstraint("product_id", name="pk_product_support"),
    )
    _append_only("create")


def downgrade() -> None:
    """Drop everything :func:`upgrade` created (products keep their definitions)."""
    _append_only("drop")
    for table in ("product_support", "profile_builds", "check_runs", "audit_events", "api_tokens", "sessions",
                  "memberships", "users"):  # fmt: skip
        op.drop_table(table)
    op.drop_index("ix_products_organisation_id_id", table_name="products")
    with op.batch_alter_table("products") as batch:
        batch.drop_column("organisation_id")
    op.drop_table("organisations")


def _append_only(action: str) -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if action == "drop":
        if postgres:
            op.execute("DROP TRIGGER audit_events_no_change ON audit_events")
            op.execute("DROP FUNCTION audit_events_append_only()")
        else:
            for event in ("update", "delete"):
                op.execute(f"DROP TRIGGER audit_events_no_{event}")
        return
    if postgres:
        op.execute(
            "CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{_APPEND_ONLY}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_events_no_{event.lower()} BEFORE {event} ON audit_events "
                f"BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY}'); END"
            )
