"""The initial schema: products, append-only verdict records, evidence blobs.

Revision ID: 0001
Revises:
Create Date: 2025-01-01

Written by hand, not generated: a revision is frozen once released, so it spells out every table instead of
reading the current models. Verdict records are the audit trail, so triggers refuse UPDATE and DELETE on them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

#: The verdict vocabulary of ARCHITECTURE.md at this revision.
_VERDICTS = ("satisfied", "partially_satisfied", "not_satisfied", "not_applicable", "not_assessed", "error")
_APPEND_ONLY = "verdict_records is append-only: add a new record instead"


def upgrade() -> None:
    """Create the three tables, their indexes and the append-only triggers."""
    op.create_table(
        "products",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("manufacturer", sa.Text(), nullable=False),
        sa.Column("model", sa.Text(), nullable=False),
        sa.Column("version", sa.Text(), nullable=True),
        sa.Column("product_type", sa.String(), nullable=False),
        sa.Column("profile", sa.String(), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_products"),
    )
    op.create_table(
        "verdict_records",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("product_id", sa.String(), nullable=False),
        sa.Column("profile_id", sa.String(), nullable=False),
        sa.Column("element", sa.String(), nullable=False),
        sa.Column("component", sa.String(), nullable=True),
        sa.Column("verdict", sa.String(), nullable=False),
        sa.Column("justification", sa.Text(), nullable=True),
        sa.Column("assessor", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "verdict IN ({})".format(", ".join(f"'{verdict}'" for verdict in _VERDICTS)),
            name="ck_verdict_records_verdict",
        ),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"], name="fk_verdict_records_product_id_products"),
        sa.PrimaryKeyConstraint("id", name="pk_verdict_records"),
    )
    op.create_index(
        "ix_verdict_records_product_id_profile_id_recorded_at_id",
        "verdict_records",
        ["product_id", "profile_id", "recorded_at", "id"],
    )
    op.create_table(
        "blobs",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name="pk_blobs"),
    )
    _create_append_only_triggers()


def downgrade() -> None:
    """Drop everything :func:`upgrade` created."""
    _drop_append_only_triggers()
    op.drop_table("blobs")
    op.drop_index("ix_verdict_records_product_id_profile_id_recorded_at_id", table_name="verdict_records")
    op.drop_table("verdict_records")
    op.drop_table("products")


def _create_append_only_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION verdict_records_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{_APPEND_ONLY}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER verdict_records_no_change BEFORE UPDATE OR DELETE ON verdict_records "
            "FOR EACH ROW EXECUTE FUNCTION verdict_records_append_only()"
        )
        op.execute(
            "CREATE TRIGGER verdict_records_no_truncate BEFORE TRUNCATE ON verdict_records "
            "FOR EACH STATEMENT EXECUTE FUNCTION verdict_records_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER verdict_records_no_{event.lower()} BEFORE {event} ON verdict_records "
                f"BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY}'); END"
            )


def _drop_append_only_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER verdict_records_no_truncate ON verdict_records")
        op.execute("DROP TRIGGER verdict_records_no_change ON verdict_records")
        op.execute("DROP FUNCTION verdict_records_append_only()")
    else:
        for event in ("update", "delete"):
            op.execute(f"DROP TRIGGER verdict_records_no_{event}")
