"""SqlRepository as services use it, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from iotprofile.assessment.model import AssessmentLog, CellRef, Evidence, EvidenceKind, Verdict, VerdictRecord
from iotprofile.errors import ExitCode, StorageError
from iotprofile.product.io import load_product, product_to_yaml
from iotprofile.product.model import Product
from iotprofile.storage import ProductSummary, UnknownBlobError, UnknownProductError
from iotprofile.storage.repository import SqlRepository
from iotprofile.storage.tables import BlobRow, ProductRow

from .conftest import T0, build_product, build_record, file_evidence, minutes, raw_engine

PROFILE = "nist-ir-8425"


def _blob_count(database_url: str) -> int:
    engine = raw_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.scalar(select(func.count()).select_from(BlobRow)) or 0
    finally:
        engine.dispose()


def test_product_round_trips_to_the_same_canonical_yaml(repository: SqlRepository, tmp_path: Path) -> None:
    canonical = product_to_yaml(build_product())
    path = tmp_path / "product.yaml"
    path.write_text(canonical, encoding="utf-8")
    original = load_product(path)
    repository.import_product(original)
    stored = repository.get_product("acme-cam")
    assert stored == original
    assert product_to_yaml(stored) == canonical
    assert [component.kind.value for component in stored.components] == ["device", "mobile_app", "cloud_backend"]


def test_import_replaces_the_definition_and_keeps_records(repository: SqlRepository, database_url: str) -> None:
    repository.import_product(build_product(version="1.0.0"))
    repository.add_records("acme-cam", PROFILE, [build_record("DP-1")], {})
    engine = raw_engine(database_url)
    try:
        with engine.connect() as connection:
            created = connection.scalar(select(ProductRow.created_at))
        newer = build_product(name="Acme Smart Camera Pro", version="2.0.0")
        repository.import_product(newer)
        with engine.connect() as connection:
            row = connection.execute(select(ProductRow.created_at, ProductRow.updated_at)).one()
    finally:
        engine.dispose()
    assert repository.get_product("acme-cam") == newer
    assert [(summary.name, summary.version, summary.records) for summary in repository.list_products()] == [
        ("Acme Smart Camera Pro", "2.0.0", 1)
    ]
    assert row.created_at == created and row.updated_at > created


def test_list_products_by_id_with_record_counts(repository: SqlRepository) -> None:
    router = Product.model_validate(
        {
            "id": "acme-router",
            "name": "Acme Router",
            "manufacturer": "Acme Networks",
            "model": "AX3000",
            "product_type": "consumer_grade_router",
            "components": [{"id": "router", "name": "Router", "kind": "device", "updatable": True}],
        }
    )
    for product in (build_product("zeta-cam"), router, build_product("acme-cam", version=None)):
        repository.import_product(product)
    repository.add_records("zeta-cam", PROFILE, [build_record("DP-1"), build_record("DP-2")], {})
    repository.add_records("zeta-cam", "nist-ir-8425a", [build_record("DP-1")], {})
    assert repository.list_products() == [
        ProductSummary(
            id="acme-cam",
            name="Acme Smart Camera",
            manufacturer="Acme Devices",
            model="AC-100",
            version=None,
            product_type="consumer_iot_product",
            profile="nist-ir-8425",
            records=0,
        ),
        ProductSummary(
            id="acme-router",
            name="Acme Router",
            manufacturer="Acme Networks",
            model="AX3000",
            version=None,
            product_type="consumer_grade_router",
            profile="nist-ir-8425a",
            records=0,
        ),
        ProductSummary(
            id="zeta-cam",
            name="Acme Smart Camera",
            manufacturer="Acme Devices",
            model="AC-100",
            version="2.1.0",
            product_type="consumer_iot_product",
            profile="nist-ir-8425",
            records=3,
        ),
    ]


def test_empty_repository_lists_nothing(repository: SqlRepository) -> None:
    assert repository.list_products() == []


def test_records_and_evidence_files_round_trip(repository: SqlRepository, product: Product) -> None:
    report, report_blob = file_evidence(b"%PDF-1.7 penetration test report", "pentest.pdf")
    shot, shot_blob = file_evidence(b"\x89PNG screenshot", "settings.png")
    records = [
        build_record(
            "DP-1",
            evidence=(report, Evidence(kind=EvidenceKind.URL, url="https://acme.example/security")),
            source="assess record",
        ),
        build_record("DOC-1a", None, Verdict.PARTIALLY_SATISFIED, at=minutes(1), evidence=(shot,)),
        build_record("SU-1", "app", Verdict.NOT_APPLICABLE, at=minutes(2), justification="updated by the store"),
    ]
    repository.add_records(product.id, PROFILE, records, {**report_blob, **shot_blob})
    assert repository.log(product.id, PROFILE) == AssessmentLog(
        product=product.id, profile=PROFILE, records=tuple(records)
    )
    assert repository.blob(report.sha256 or "") == b"%PDF-1.7 penetration test report"
    assert repository.blob(shot.sha256 or "") == b"\x89PNG screenshot"


def test_recorded_at_keeps_its_instant_and_comes_back_in_utc(repository: SqlRepository, product: Product) -> None:
    local = T0.astimezone(timezone(timedelta(hours=2)))
    repository.add_records(product.id, PROFILE, [build_record("DP-1", at=local)], {})
    (stored,) = repository.log(product.id, PROFILE).records
    assert stored.recorded_at == T0 and stored.recorded_at.utcoffset() == timedelta(0)


def test_a_failing_batch_stores_nothing(repository: SqlRepository, product: Product, database_url: str) -> None:
    evidence, blobs = file_evidence(b"firmware analysis")
    records = [build_record(f"E-{index}", at=minutes(index), evidence=(evidence,)) for index in range(3000)]
    # Past validation, so that the database itself fails half-way through the batch (NOT NULL element).
    records[1500] = VerdictRecord.model_construct(**{**records[1500].__dict__, "element": None})
    with pytest.raises(StorageError, match="cannot add records for product 'acme-cam'") as raised:
        repository.add_records(product.id, PROFILE, records, blobs)
    assert "\n" not in raised.value.one_line()
    assert repository.log(product.id, PROFILE).records == ()
    assert repository.list_products()[0].records == 0
    with pytest.raises(UnknownBlobError):
        repository.blob(evidence.sha256 or "")
    assert _blob_count(database_url) == 0
    # The repository is still usable, and the corrected batch goes in whole.
    del records[1500]
    repository.add_records(product.id, PROFILE, records, blobs)
    assert len(repository.log(product.id, PROFILE).records) == 2999


def test_records_for_an_unknown_product_store_nothing(repository: SqlRepository, database_url: str) -> None:
    evidence, blobs = file_evidence(b"orphan")
    with pytest.raises(UnknownProductError, match="no product 'ghost' is stored") as raised:
        repository.add_records("ghost", PROFILE, [build_record("DP-1", evidence=(evidence,))], blobs)
    assert raised.value.exit_code is ExitCode.NOT_FOUND
    assert _blob_count(database_url) == 0


def test_evidence_file_without_content_is_refused(repository: SqlRepository, product: Product) -> None:
    evidence, _ = file_evidence(b"never given")
    with pytest.raises(StorageError, match=f"evidence names file {evidence.sha256}"):
        repository.add_records(product.id, PROFILE, [build_record("DP-1", evidence=(evidence,))], {})
    assert repository.log(product.id, PROFILE).records == ()


def test_blob_whose_content_does_not_match_its_hash_is_refused(repository: SqlRepository, product: Product) -> None:
    evidence, blobs = file_evidence(b"the real file")
    forged = dict.fromkeys(blobs, b"something else")
    with pytest.raises(StorageError, match="has SHA-256"):
        repository.add_records(product.id, PROFILE, [build_record("DP-1", evidence=(evidence,))], forged)
    with pytest.raises(StorageError, match="not a lower-case hex SHA-256"):
        repository.add_records(product.id, PROFILE, [], {"ABC": b""})


def test_evidence_files_are_stored_once(repository: SqlRepository, product: Product, database_url: str) -> None:
    evidence, blobs = file_evidence(b"shared test report")
    repository.add_records(product.id, PROFILE, [build_record("DP-1", evidence=(evidence,))], blobs)
    repository.add_records(product.id, PROFILE, [build_record("DP-2", evidence=(evidence,))], blobs)
    # Already stored: a later record may name it without sending it again.
    repository.add_records(product.id, PROFILE, [build_record("DP-3", evidence=(evidence,))], {})
    assert _blob_count(database_url) == 1
    assert len(repository.log(product.id, PROFILE).records) == 3


def test_log_is_oldest_first_and_per_profile(repository: SqlRepository, product: Product) -> None:
    first_batch = [build_record("DP-1", at=minutes(5)), build_record("DP-2", at=minutes(1))]
    second_batch = [build_record("DP-3", at=minutes(3)), build_record("DP-4", at=minutes(1))]
    repository.add_records(product.id, PROFILE, first_batch, {})
    repository.add_records(product.id, "nist-ir-8425a", [build_record("AI-1", at=minutes(0))], {})
    repository.add_records(product.id, PROFILE, second_batch, {})
    log = repository.log(product.id, PROFILE)
    # Equal times keep the order they were added in (DP-2 before DP-4).
    assert [record.element for record in log.records] == ["DP-2", "DP-4", "DP-3", "DP-1"]
    assert [record.element for record in repository.log(product.id, "nist-ir-8425a").records] == ["AI-1"]
    assert repository.log(product.id, "nist-ir-8259a").records == ()


def test_latest_verdicts_per_cell(repository: SqlRepository, product: Product) -> None:
    repository.add_records(
        product.id,
        PROFILE,
        [
            build_record("DP-1", "camera", Verdict.NOT_ASSESSED, at=minutes(0)),
            build_record("DP-1", "camera", Verdict.SATISFIED, at=minutes(10)),
            build_record("DP-1", "app", Verdict.NOT_SATISFIED, at=minutes(5)),
            build_record("DOC-1a", None, Verdict.SATISFIED, at=minutes(1)),
            build_record("DOC-1a", None, Verdict.PARTIALLY_SATISFIED, at=minutes(1)),
        ],
        {},
    )
    # Added later but recorded earlier: the record made last in time still wins.
    repository.add_records(product.id, PROFILE, [build_record("DP-1", "camera", Verdict.ERROR, at=minutes(7))], {})
    repository.add_records(product.id, "nist-ir-8425a", [build_record("DP-1", "camera", Verdict.ERROR)], {})
    latest = repository.latest_verdicts(product.id, PROFILE)
    assert latest == {
        ("DP-1", "camera"): Verdict.SATISFIED,
        ("DP-1", "app"): Verdict.NOT_SATISFIED,
        # Same time: the one added last.
        ("DOC-1a", None): Verdict.PARTIALLY_SATISFIED,
    }
    current = repository.log(product.id, PROFILE).current()
    assert latest == {(cell.element, cell.component): record.verdict for cell, record in current.items()}
    assert repository.latest_verdicts(product.id, "nist-ir-8259b") == {}


def test_records_are_appended_never_replaced(repository: SqlRepository, product: Product) -> None:
    repository.add_records(product.id, PROFILE, [build_record("SU-1", verdict=Verdict.NOT_SATISFIED)], {})
    repository.add_records(product.id, PROFILE, [build_record("SU-1", verdict=Verdict.SATISFIED, at=minutes(1))], {})
    log = repository.log(product.id, PROFILE)
    history = log.history(CellRef(element="SU-1", component="camera"))
    assert [record.verdict for record in history] == [Verdict.NOT_SATISFIED, Verdict.SATISFIED]
    assert repository.latest_verdicts(product.id, PROFILE) == {("SU-1", "camera"): Verdict.SATISFIED}
    assert repository.list_products()[0].records == 2


def test_unknown_product(repository: SqlRepository) -> None:
    calls: dict[str, Callable[[], object]] = {
        "get_product": lambda: repository.get_product("ghost"),
        "log": lambda: repository.log("ghost", PROFILE),
        "latest_verdicts": lambda: repository.latest_verdicts("ghost", PROFILE),
    }
    for name, call in calls.items():
        with pytest.raises(UnknownProductError, match="no product 'ghost' is stored") as raised:
            call()
        assert raised.value.exit_code is ExitCode.NOT_FOUND, name


def test_unknown_blob(repository: SqlRepository) -> None:
    with pytest.raises(UnknownBlobError) as raised:
        repository.blob("0" * 64)
    assert raised.value.exit_code is ExitCode.NOT_FOUND


def test_closed_by_its_context_manager(database_url: str) -> None:
    with SqlRepository.open(database_url) as repository:
        repository.import_product(build_product())
    with SqlRepository(database_url) as reopened:
        assert reopened.get_product("acme-cam") == build_product()


def test_errors_are_one_line_without_the_password(postgres_url: str) -> None:
    url = make_url(postgres_url).set(password="not-the-secret-123")
    with pytest.raises(StorageError) as raised:
        SqlRepository.open(url.render_as_string(hide_password=False))
    line = raised.value.one_line()
    assert "not-the-secret-123" not in line and "\n" not in line
    assert "cannot open the database" in line and "***" in line
    assert raised.value.exit_code is ExitCode.INVALID_INPUT


def test_sqlite_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("not a database\n" * 100, encoding="utf-8")
    with pytest.raises(StorageError, match="cannot open the database: file is not a database"):
        SqlRepository.open(f"sqlite:///{path}")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not a url", "not a database URL"),
        ("mysql://user:secret@host/db", "unsupported database 'mysql'"),
    ],
)
def test_bad_urls(url: str, message: str) -> None:
    with pytest.raises(StorageError, match=message) as raised:
        SqlRepository(url)
    assert "secret" not in raised.value.one_line()


def test_product_pages_filter_by_organisation_and_search_and_count_records(repository: SqlRepository) -> None:
    from iotprofile.services.accounts import accounts

    accounts(repository).create_organisation("lab", "Lab", now=T0)
    for index in range(7):
        repository.import_product(
            build_product(f"cam-{index}", name=f"Camera {index}" if index % 2 else f"Doorbell 50%_{index}"),
            organisation="lab",
        )
    repository.import_product(build_product("elsewhere"))
    repository.add_records("cam-3", "nist-ir-8425", [build_record("DP-1"), build_record("DP-2")], {})
    total, page = repository.product_page("lab", limit=3, offset=2)
    assert total == 7
    assert [item.id for item in page] == ["cam-2", "cam-3", "cam-4"]
    assert [item.records for item in page] == [0, 2, 0]
    # Search is case-insensitive and takes % and _ literally.
    total, page = repository.product_page("lab", search="DOORBELL 50%_", limit=50)
    assert (total, [item.id for item in page]) == (4, ["cam-0", "cam-2", "cam-4", "cam-6"])
    assert repository.product_page("lab", search="50%x", limit=50) == (0, [])
    # Past the last page: the total is still known.
    assert repository.product_page("lab", limit=3, offset=30) == (7, [])
    assert [item.id for item in repository.list_products()] == [*(f"cam-{index}" for index in range(7)), "elsewhere"]
    assert repository.count_products("lab", search="camera") == 3
    assert repository.product_organisation("cam-1") == "lab"
    assert repository.product_organisation("nope") is None
