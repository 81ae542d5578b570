"""Running the Alembic migrations shipped inside this package, with no ``alembic.ini``.

The scripts live in ``migrations/`` next to this module, so an installed wheel migrates its own database. To write a
new revision (developers only)::

    from alembic import command
    from iotprofile.storage.migrate import alembic_config

    config = alembic_config(url="sqlite:////tmp/dev.db")
    command.upgrade(config, "head")
    command.revision(config, message="what changes", autogenerate=True, rev_id="0002")

then edit the generated file by hand until it spells out the change (revisions are frozen once released).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

#: Where the migration scripts are: inside the package.
MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(*, url: str | None = None) -> Config:
    """An Alembic configuration for the bundled scripts; ``url`` only for the ``alembic`` commands."""
    config = Config()
    # Config values pass through ConfigParser interpolation, where '%' is special.
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str:
    """The newest revision this version of iotprofile knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the bundled migrations have no head"
    return head


def current_revision(connection: Connection) -> str | None:
    """The revision the database is at; None for an empty database."""
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(connection: Connection) -> None:
    """Migrate the database behind ``connection`` to the newest revision, inside the caller's transaction."""
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def known_revisions() -> set[str]:
    """Every revision this version of iotprofile ships."""
    return {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
