"""The storage package's public surface and its cost to commands that never open a database."""

from __future__ import annotations

import subprocess
import sys

import iotprofile.storage
from iotprofile.storage.repository import SqlRepository


def test_public_names() -> None:
    assert sorted(iotprofile.storage.__all__) == [
        "CellKey",
        "ProductSummary",
        "ProductTakenError",
        "Repository",
        "SqlRepository",
        "UnknownBlobError",
        "UnknownProductError",
    ]
    assert iotprofile.storage.SqlRepository is SqlRepository


def test_importing_the_package_does_not_load_sqlalchemy() -> None:
    code = "import sys, iotprofile.storage; print(sorted({'sqlalchemy', 'alembic', 'psycopg'} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
