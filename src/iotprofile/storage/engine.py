"""Connecting: database URLs and engines configured for each supported backend."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from iotprofile.errors import StorageError

__all__ = ["WRITE", "engine_for", "parse_url", "sqlite_path"]

#: Execution option marking a connection that will write (SQLite then takes the write lock up front).
WRITE = "iotprofile_write"
#: Seconds a SQLite connection waits for another writer's lock before "database is locked".
_SQLITE_BUSY_TIMEOUT = 30.0


def parse_url(url: str) -> URL:
    """The URL parsed and checked: SQLite or PostgreSQL (psycopg 3), else a StorageError without the password."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        # The text itself may hold a password: name only what was expected.
        raise StorageError(
            "not a database URL",
            tip="use sqlite:///path/to/file.db or postgresql+psycopg://user:password@host:5432/database",
        ) from None
    backend = parsed.get_backend_name()
    if backend not in {"sqlite", "postgresql"}:
        raise StorageError(
            f"unsupported database {backend!r}",
            where=parsed.render_as_string(hide_password=True),
            tip="iotprofile stores data in SQLite or PostgreSQL",
        )
    if parsed.drivername == "postgresql":
        # SQLAlchemy's default PostgreSQL driver is psycopg2; iotprofile installs psycopg 3.
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def sqlite_path(url: URL) -> Path | None:
    """The file of a SQLite URL; None for PostgreSQL, in-memory and ``file:`` URI databases."""
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def engine_for(url: URL) -> Engine:
    """An engine for ``url``; SQLite connections get foreign keys, WAL and real transactions."""
    if url.get_backend_name() != "sqlite":
        # A server may restart between commands of a long-lived web process.
        return create_engine(url, pool_pre_ping=True)

    engine = create_engine(url, connect_args={"timeout": _SQLITE_BUSY_TIMEOUT})
    file_backed = sqlite_path(url) is not None

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, say where transactions begin: the module begins them late, leaving
        # reads and DDL outside (SQLAlchemy docs, "Serializable isolation / Savepoints / Transactional DDL").
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            # SQLite ignores foreign keys unless asked, per connection.
            cursor.execute("PRAGMA foreign_keys = ON")
            if file_backed:
                # Readers do not block the writer nor the writer the readers (a web app reads during imports).
                cursor.execute("PRAGMA journal_mode = WAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        # A writer takes the write lock up front and waits for it; upgrading a read transaction later fails at
        # once with "database is locked" when another writer committed in between.
        immediate = connection.get_execution_options().get(WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine
