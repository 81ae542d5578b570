"""The bundled Alembic migrations: they build the schema from nothing, match the models, and guard the audit trail."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from iotprofile.assessment.model import Verdict
from iotprofile.errors import StorageError
from iotprofile.storage.migrate import alembic_config, head_revision
from iotprofile.storage.repository import SqlRepository
from iotprofile.storage.tables import Base

from .conftest import build_product, build_record, minutes, raw_engine

TABLES = {
    "alembic_version",
    "products",
    "verdict_records",
    "blobs",
    # revision 0002: the web app
    "organisations",
    "users",
    "memberships",
    "sessions",
    "api_tokens",
    "audit_events",
    "check_runs",
    "profile_builds",
    "product_support",
}


def test_migrations_create_the_schema_from_empty(database_url: str) -> None:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        assert url.database is not None and not Path(url.database).parent.exists()
        # (Looking inside would create the file: opening must also create its directory.)
    engine = raw_engine(database_url)
    try:
        if url.get_backend_name() != "sqlite":
            with engine.connect() as connection:
                assert inspect(connection).get_table_names() == []
        SqlRepository.open(database_url).close()
        with engine.connect() as connection:
            inspector = inspect(connection)
            assert set(inspector.get_table_names()) == TABLES
            assert MigrationContext.configure(connection).get_current_revision() == head_revision()
            indexes = {tuple(index["column_names"]) for index in inspector.get_indexes("verdict_records")}
            assert ("product_id", "profile_id", "recorded_at", "id") in indexes
            (foreign_key,) = inspector.get_foreign_keys("verdict_records")
            assert foreign_key["referred_table"] == "products"
            assert foreign_key["constrained_columns"] == ["product_id"]
    finally:
        engine.dispose()


def test_models_describe_the_migrated_schema(repository: SqlRepository, database_url: str) -> None:
    engine = raw_engine(database_url)
    try:
        with engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    finally:
        engine.dispose()


def test_reopening_keeps_data_and_revision(database_url: str) -> None:
    with SqlRepository.open(database_url) as repository:
        repository.import_product(build_product())
    with SqlRepository.open(database_url) as repository:
        assert [summary.id for summary in repository.list_products()] == ["acme-cam"]


def test_downgrade_removes_everything(repository: SqlRepository, database_url: str) -> None:
    config = alembic_config(url=database_url)
    command.downgrade(config, "base")
    engine = raw_engine(database_url)
    try:
        with engine.connect() as connection:
            assert set(inspect(connection).get_table_names()) == {"alembic_version"}
    finally:
        engine.dispose()
    command.upgrade(config, "head")


def test_database_from_a_newer_version_is_refused(repository: SqlRepository, database_url: str) -> None:
    engine = raw_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    finally:
        engine.dispose()
    with pytest.raises(StorageError, match="revision '9999'") as raised:
        SqlRepository.open(database_url)
    assert raised.value.tip is not None and "upgrade iotprofile" in raised.value.tip


@pytest.mark.parametrize(
    "statement", ["UPDATE verdict_records SET verdict = 'satisfied'", "DELETE FROM verdict_records"]
)
def test_database_refuses_to_change_records(repository: SqlRepository, database_url: str, statement: str) -> None:
    repository.import_product(build_product())
    repository.add_records("acme-cam", "nist-ir-8425", [build_record("DP-1", verdict=Verdict.NOT_SATISFIED)], {})
    engine = raw_engine(database_url)
    try:
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()
    assert [record.verdict for record in repository.log("acme-cam", "nist-ir-8425").records] == [Verdict.NOT_SATISFIED]


def test_database_accepts_exactly_the_verdict_vocabulary(repository: SqlRepository, database_url: str) -> None:
    repository.import_product(build_product())
    records = [build_record(f"E-{index}", verdict=verdict) for index, verdict in enumerate(Verdict)]
    repository.add_records("acme-cam", "nist-ir-8425", records, {})
    engine = raw_engine(database_url)
    try:
        with pytest.raises(DBAPIError, match=r"ck_verdict_records_verdict|CHECK constraint"), engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO verdict_records (product_id, profile_id, element, verdict, assessor, recorded_at, "
                    "evidence) VALUES ('acme-cam', 'nist-ir-8425', 'DP-1', 'passed', 'x', :at, '[]')"
                ),
                {"at": minutes(1)},
            )
    finally:
        engine.dispose()
    assert len(repository.log("acme-cam", "nist-ir-8425").records) == len(Verdict)


def test_head_revision_constant_matches_the_migrations() -> None:
    from iotprofile.storage.migrate import head_revision
    from iotprofile.storage.revision import HEAD_REVISION

    assert head_revision() == HEAD_REVISION
