"""Alembic's environment for the iotprofile schema.

At run time :func:`iotprofile.storage.migrate.upgrade` passes an open connection in
``config.attributes["connection"]`` and owns the transaction. For developers writing a new revision, the
Alembic commands work too, given ``sqlalchemy.url`` (see :mod:`iotprofile.storage.migrate`) or ``-x url=...``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from iotprofile.storage.tables import Base


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds tables instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_standalone() -> None:
    url = context.get_x_argument(as_dictionary=True).get("url") or context.config.get_main_option("sqlalchemy.url")
    if not url:
        msg = "no database: pass -x url=sqlite:///path/to/db or set sqlalchemy.url"
        raise RuntimeError(msg)
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            _run(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    msg = "iotprofile migrations run against a live connection only"
    raise RuntimeError(msg)

_connection = context.config.attributes.get("connection")
if isinstance(_connection, Connection):
    _run(_connection)
else:
    _run_standalone()
