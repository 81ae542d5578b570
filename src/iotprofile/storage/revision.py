"""The schema revision this version of iotprofile writes, without importing Alembic.

Opening an up-to-date database reads ``alembic_version`` and compares it with :data:`HEAD_REVISION`, so the
common case costs one query and no Alembic import (about 0.2 s of start-up). A test checks that this constant is
the head of the bundled migrations.
"""

from __future__ import annotations

HEAD_REVISION = "0002"
