"""Builders and databases for the storage tests.

Every repository test runs twice: on a SQLite file and on a real PostgreSQL server. The server comes from
``IOTPROFILE_TEST_POSTGRES_URL`` (``scripts/start-test-postgres.sh`` prints one); its user must be allowed to
CREATE DATABASE. Without it the PostgreSQL variants are skipped locally, and fail when ``CI`` is set, since CI
must test PostgreSQL. Each session gets its own database (dropped afterwards) and each test a fresh schema in it.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from iotprofile.assessment.model import Evidence, EvidenceKind, Verdict, VerdictRecord
from iotprofile.product.model import Product
from iotprofile.storage.repository import SqlRepository

POSTGRES_URL_ENV = "IOTPROFILE_TEST_POSTGRES_URL"
#: A fixed instant, so that tests can state the order of records exactly.
T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def build_product(
    product_id: str = "acme-cam", *, name: str = "Acme Smart Camera", version: str | None = "2.1.0"
) -> Product:
    """A consumer IoT product of three components (camera, app, cloud) with connections between them."""
    return Product.model_validate(
        {
            "id": product_id,
            "name": name,
            "manufacturer": "Acme Devices",
            "model": "AC-100",
            "version": version,
            "product_type": "consumer_iot_product",
            "description": "A camera with its companion app and cloud backend. Ünïcode survives too.",
            "components": [
                {
                    "id": "camera",
                    "name": "Camera",
                    "kind": "device",
                    "version": "2.1.0",
                    "updatable": True,
                    "onboards": True,
                    "data_stored": ["video", "wifi-credentials"],
                    "interfaces": [
                        {"name": "Wi-Fi", "kind": "network", "protocols": ["mqtt", "https"], "exposure": ["lan"]},
                        {"name": "UART", "kind": "local", "exposure": ["physical"], "enabled_by_default": False},
                    ],
                },
                {
                    "id": "app",
                    "name": "Acme Home app",
                    "kind": "mobile_app",
                    "updatable": True,
                    "onboards": True,
                    "data_transmitted": ["video", "account"],
                },
                {
                    "id": "cloud",
                    "name": "Acme Cloud",
                    "kind": "cloud_backend",
                    "updatable": True,
                    "stores_customer_data": True,
                    "interfaces": [
                        {"name": "cloud API", "kind": "network", "protocols": ["https"], "authenticated": True}
                    ],
                },
            ],
            "connections": [
                {"source": "camera", "target": "cloud", "protocols": ["mqtt"], "data": ["video"], "encrypted": True},
                {"source": "app", "target": "cloud", "protocols": ["https"], "encrypted": True},
                {"source": "cloud", "target": "external", "data": ["telemetry"]},
            ],
            "applicability": [
                {"element": "SU-1", "component": "cloud", "applies": True, "reason": "the backend is patched too"}
            ],
        }
    )


def build_record(
    element: str,
    component: str | None = "camera",
    verdict: Verdict = Verdict.SATISFIED,
    *,
    at: datetime = T0,
    assessor: str = "lab-assessor",
    justification: str | None = None,
    evidence: tuple[Evidence, ...] = (),
    source: str | None = None,
) -> VerdictRecord:
    """A verdict record; ``not_applicable`` gets a justification unless one is given."""
    if verdict is Verdict.NOT_APPLICABLE and justification is None:
        justification = "does not apply to this component"
    return VerdictRecord(
        element=element,
        component=component,
        verdict=verdict,
        justification=justification,
        evidence=evidence,
        assessor=assessor,
        recorded_at=at,
        source=source,
    )


def file_evidence(content: bytes, path: str = "report.pdf") -> tuple[Evidence, dict[str, bytes]]:
    """File evidence for ``content``, and the blob mapping that carries it."""
    sha256 = hashlib.sha256(content).hexdigest()
    evidence = Evidence(kind=EvidenceKind.FILE, path=path, sha256=sha256, size=len(content))
    return evidence, {sha256: content}


def minutes(count: int) -> datetime:
    """``count`` minutes after :data:`T0`."""
    return T0 + timedelta(minutes=count)


def raw_engine(url: str) -> Engine:
    """An engine of our own on the test database, for looking under the repository."""
    return create_engine(url)


@pytest.fixture(scope="session")
def postgres_database_url() -> Iterator[str]:
    """A database created for this test session on the PostgreSQL server, dropped at the end."""
    server_url = os.environ.get(POSTGRES_URL_ENV)
    if not server_url:
        reason = f"{POSTGRES_URL_ENV} is not set; run scripts/start-test-postgres.sh and export its last line"
        if os.environ.get("CI"):
            pytest.fail(f"CI must test PostgreSQL: {reason}")
        pytest.skip(reason)
    server = make_url(server_url)
    name = f"iotprofile_test_{uuid.uuid4().hex[:12]}"
    # CREATE/DROP DATABASE cannot run inside a transaction.
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield server.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


@pytest.fixture
def postgres_url(postgres_database_url: str) -> Iterator[str]:
    """A fresh, empty schema in the session database: the URL's connections see only it."""
    schema = f"test_{uuid.uuid4().hex[:12]}"
    engine = raw_engine(postgres_database_url)
    try:
        with engine.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = make_url(postgres_database_url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """An empty database of each kind: a SQLite file that does not exist yet, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        # A directory that does not exist yet: opening must create it.
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'nested' / 'iotprofile.db'}"
    url = request.getfixturevalue("postgres_url")
    assert isinstance(url, str)
    return url


@pytest.fixture
def repository(database_url: str) -> Iterator[SqlRepository]:
    """A migrated, empty repository."""
    with SqlRepository.open(database_url) as repository:
        yield repository


@pytest.fixture
def product(repository: SqlRepository) -> Product:
    """The three-component product, stored."""
    built = build_product()
    repository.import_product(built)
    return built
