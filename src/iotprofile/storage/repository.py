"""SqlRepository: products, append-only verdict records and evidence files in SQLite or PostgreSQL.

Every public method is one transaction and raises only :class:`~iotprofile.errors.StorageError` (or a subclass)
for database trouble, with a one-line message that never carries the password of the database URL.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from pydantic import ValidationError
from sqlalchemy import Connection, func, insert, or_, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError, StatementError

from iotprofile.assessment.model import AssessmentLog, EvidenceKind, Verdict, VerdictRecord
from iotprofile.errors import StorageError
from iotprofile.product.io import product_to_json
from iotprofile.product.model import Product
from iotprofile.storage.engine import WRITE, engine_for, parse_url, sqlite_path
from iotprofile.storage.interface import (
    CellKey,
    ProductSummary,
    ProductTakenError,
    Repository,
    UnknownBlobError,
    UnknownProductError,
)
from iotprofile.storage.revision import HEAD_REVISION
from iotprofile.storage.tables import DEFAULT_ORGANISATION, BlobRow, ProductRow, ProductSupportRow, VerdictRecordRow

__all__ = ["SqlRepository"]

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
#: Values per ``IN (...)`` list: far below SQLite's (32766) and PostgreSQL's (65535) parameter limits.
_IN_CHUNK = 500
#: PostgreSQL advisory lock key held while migrating, so two first starts do not both create the tables.
_MIGRATION_LOCK = 0x696F7470  # "iotp"
#: Product columns an import replaces (``created_at`` is kept).
_REPLACED_COLUMNS = (
    "name",
    "manufacturer",
    "model",
    "version",
    "product_type",
    "profile",
    "definition",
    "updated_at",
)


class SqlRepository:
    """The repository on a SQLAlchemy database: a SQLite file (the default) or PostgreSQL.

    ``url`` is a SQLAlchemy URL: ``sqlite:///relative/path.db``, ``sqlite:////absolute/path.db`` or
    ``postgresql+psycopg://user:password@host:5432/database`` (plain ``postgresql://`` means psycopg too).
    The constructor only prepares the engine; :meth:`open` also creates the SQLite file's directory and migrates
    the schema to the newest revision, and is what callers normally use. Usable as a context manager.
    """

    def __init__(self, url: str) -> None:
        self._url = parse_url(url)
        self._where = self._url.render_as_string(hide_password=True)
        with self._errors("cannot open the database"):
            self._engine = engine_for(self._url)

    @classmethod
    def open(cls, url: str) -> Self:
        """Open the database at ``url``, creating it (and a SQLite file's directory) and migrating it to head."""
        repository = cls(url)
        try:
            repository._create_directory()
            repository.migrate()
        except BaseException:
            repository.close()
            raise
        return repository

    @property
    def url(self) -> str:
        """The database URL with its password hidden, fit for messages."""
        return self._where

    def migrate(self) -> None:
        """Bring the schema to the newest revision this version knows (a no-op when it is there already)."""
        if self._at_head():
            return
        # Alembic is imported only when the schema must be created or changed.
        from alembic.util.exc import CommandError

        from iotprofile.storage.migrate import current_revision, head_revision, known_revisions, upgrade

        try:
            self._migrate(current_revision, head_revision, known_revisions, upgrade)
        except CommandError as exc:
            raise StorageError(f"cannot migrate the database: {self._scrub(str(exc))}", where=self._where) from exc

    def _at_head(self) -> bool:
        """Whether the database already has the newest schema (one query; False when unsure)."""
        try:
            with self._engine.connect() as connection:
                version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except SQLAlchemyError:
            return False
        return version == HEAD_REVISION

    def _migrate(self, current_revision: Any, head_revision: Any, known_revisions: Any, upgrade: Any) -> None:
        with self._transaction("cannot open the database", write=True) as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
            current = current_revision(connection)
            if current == head_revision():
                return
            if current is not None and current not in known_revisions():
                raise StorageError(
                    f"the database is at schema revision {current!r}, which this version of iotprofile does not know",
                    where=self._where,
                    tip="a newer iotprofile wrote it; upgrade iotprofile",
                )
            upgrade(connection)

    def import_product(self, product: Product, *, organisation: str = DEFAULT_ORGANISATION) -> None:
        """Store a product, replacing the definition stored under the same ID (its records stay).

        The product belongs to ``organisation``; a product of that ID owned by another organisation is refused
        with :class:`ProductTakenError` (which does not say whose it is).
        """
        now = datetime.now(UTC)
        values: dict[str, Any] = {
            "id": product.id,
            "name": product.name,
            "manufacturer": product.manufacturer,
            "model": product.model,
            "version": product.version,
            "product_type": product.product_type.value,
            "profile": product.profile_id,
            "definition": product_to_json(product),
            "organisation_id": organisation,
            "created_at": now,
            "updated_at": now,
        }
        with self._transaction(f"cannot store product {product.id!r}", write=True) as connection:
            owner = connection.scalar(select(ProductRow.organisation_id).where(ProductRow.id == product.id))
            if owner is not None and owner != organisation:
                raise ProductTakenError(
                    f"product ID {product.id!r} is already taken", where=self._where, tip="choose another product ID"
                )
            # An upsert, so two imports of a new product at once cannot collide on the primary key.
            if connection.dialect.name == "postgresql":
                pg_insert = postgresql.insert(ProductRow).values(values)
                replaced = {column: pg_insert.excluded[column] for column in _REPLACED_COLUMNS}
                connection.execute(pg_insert.on_conflict_do_update(index_elements=[ProductRow.id], set_=replaced))
            else:
                lite_insert = sqlite.insert(ProductRow).values(values)
                replaced = {column: lite_insert.excluded[column] for column in _REPLACED_COLUMNS}
                connection.execute(lite_insert.on_conflict_do_update(index_elements=[ProductRow.id], set_=replaced))

    def get_product(self, product_id: str) -> Product:
        """The stored product; :class:`UnknownProductError` if there is none."""
        with self._transaction(f"cannot read product {product_id!r}", write=False) as connection:
            definition = connection.scalar(select(ProductRow.definition).where(ProductRow.id == product_id))
        if definition is None:
            raise UnknownProductError(f"no product {product_id!r} is stored", where=self._where)
        try:
            return Product.model_validate_json(definition)
        except ValidationError as exc:
            raise StorageError(
                f"the stored definition of product {product_id!r} is not valid: {_first_error(exc)}",
                where=self._where,
            ) from None

    def list_products(
        self, organisation: str | None = None, *, search: str | None = None, limit: int | None = None, offset: int = 0
    ) -> list[ProductSummary]:
        """Stored products by ID, with how many verdict records each has (over all profiles).

        ``organisation`` keeps only its products; ``search`` keeps products whose ID, name, manufacturer or model
        contains it (case-insensitive); ``limit`` and ``offset`` page through the rest. Records are counted only
        for the page, so a page costs the same with ten or ten thousand products.
        """
        return self.product_page(organisation, search=search, limit=limit, offset=offset)[1]

    def product_page(
        self, organisation: str | None = None, *, search: str | None = None, limit: int | None = None, offset: int = 0
    ) -> tuple[int, list[ProductSummary]]:
        """How many products match, and the page of them :meth:`list_products` describes, in one transaction.

        The record counts come from an indexed subquery evaluated for the page's rows only (a window function for
        the total would make the database evaluate it for every matching product: 25 ms at 10,000 products).
        """
        records = (
            select(func.count())
            .where(VerdictRecordRow.product_id == ProductRow.id)
            .correlate(ProductRow)
            .scalar_subquery()
        )
        statement = (
            select(
                ProductRow.id,
                ProductRow.name,
                ProductRow.manufacturer,
                ProductRow.model,
                ProductRow.version,
                ProductRow.product_type,
                ProductRow.profile,
                records,
            )
            .where(*_product_filters(organisation, search))
            .order_by(ProductRow.id)
            .offset(offset)
            .limit(limit)
        )
        counted = select(func.count()).select_from(ProductRow).where(*_product_filters(organisation, search))
        with self._transaction("cannot list products", write=False) as connection:
            rows = connection.execute(statement).all()
            total = int(connection.scalar(counted) or 0) if limit is not None or offset else len(rows)
        return total, [
            ProductSummary(
                id=row[0],
                name=row[1],
                manufacturer=row[2],
                model=row[3],
                version=row[4],
                product_type=row[5],
                profile=row[6],
                records=int(row[7]),
            )
            for row in rows
        ]

    def count_products(self, organisation: str | None = None, *, search: str | None = None) -> int:
        """How many products :meth:`list_products` would list without a limit."""
        statement = select(func.count()).select_from(ProductRow).where(*_product_filters(organisation, search))
        with self._transaction("cannot count products", write=False) as connection:
            return int(connection.scalar(statement) or 0)

    def product_organisation(self, product_id: str) -> str | None:
        """The organisation owning the product, or None when no such product is stored."""
        with self._transaction(f"cannot read product {product_id!r}", write=False) as connection:
            return connection.scalar(select(ProductRow.organisation_id).where(ProductRow.id == product_id))

    def assessment_version(self, product_id: str) -> tuple[str, str, str, int] | None:
        """What changes whenever the product's assessment can change, and who owns it, in one indexed query.

        (organisation, effective profile, definition time, newest record ID of that profile); callers cache what
        they derive from a product under this key. None: no such product.
        """
        newest = (
            select(func.max(VerdictRecordRow.id))
            .where(VerdictRecordRow.product_id == ProductRow.id, VerdictRecordRow.profile_id == ProductRow.profile)
            .scalar_subquery()
        )
        statement = select(ProductRow.organisation_id, ProductRow.profile, ProductRow.updated_at, newest).where(
            ProductRow.id == product_id
        )
        with self._transaction(f"cannot read product {product_id!r}", write=False) as connection:
            row = connection.execute(statement).first()
        if row is None:
            return None
        return (row[0], row[1], row[2].isoformat(), int(row[3] or 0))

    def support_record(self, product_id: str) -> str | None:
        """The product's support record (YAML text) as last stored, or None."""
        with self._transaction(f"cannot read product {product_id!r}", write=False) as connection:
            statement = select(ProductSupportRow.support).where(ProductSupportRow.product_id == product_id)
            return connection.scalar(statement)

    def set_support_record(self, product_id: str, support: str) -> None:
        """Store (or replace) the product's support record."""
        values = {"product_id": product_id, "support": support, "updated_at": datetime.now(UTC)}
        with self._transaction(f"cannot store the support record of {product_id!r}", write=True) as connection:
            self._require_product(connection, product_id)
            if connection.dialect.name == "postgresql":
                pg_insert = postgresql.insert(ProductSupportRow).values(values)
                connection.execute(
                    pg_insert.on_conflict_do_update(
                        index_elements=[ProductSupportRow.product_id],
                        set_={"support": pg_insert.excluded.support, "updated_at": pg_insert.excluded.updated_at},
                    )
                )
            else:
                lite_insert = sqlite.insert(ProductSupportRow).values(values)
                connection.execute(
                    lite_insert.on_conflict_do_update(
                        index_elements=[ProductSupportRow.product_id],
                        set_={"support": lite_insert.excluded.support, "updated_at": lite_insert.excluded.updated_at},
                    )
                )

    def add_records(
        self, product_id: str, profile_id: str, records: Sequence[VerdictRecord], blobs: Mapping[str, bytes]
    ) -> None:
        """Append verdict records, and store the evidence files they name, in one transaction: all or nothing.

        ``blobs`` maps SHA-256 (lower-case hex) to content; a file already stored need not be given again. Every
        file evidence of the records must name a file in ``blobs`` or one already stored.
        """
        _check_hashes(blobs)
        rows = [_record_row(product_id, profile_id, record) for record in records]
        named = {
            evidence.sha256
            for record in records
            for evidence in record.evidence
            if evidence.kind is EvidenceKind.FILE and evidence.sha256
        }
        with self._transaction(f"cannot add records for product {product_id!r}", write=True) as connection:
            self._require_product(connection, product_id)
            missing = named - blobs.keys()
            missing -= _stored_blobs(connection, missing)
            if missing:
                raise StorageError(
                    f"evidence names file {sorted(missing)[0]} but its content was neither given nor stored",
                    where=self._where,
                    tip="pass each evidence file's content with its SHA-256",
                )
            if blobs:
                blob_rows = [
                    {"sha256": sha256, "size": len(content), "content": content} for sha256, content in blobs.items()
                ]
                # Content-addressed: a file stored before (or by a concurrent batch) is the same file.
                if connection.dialect.name == "postgresql":
                    connection.execute(postgresql.insert(BlobRow).on_conflict_do_nothing(), blob_rows)
                else:
                    connection.execute(sqlite.insert(BlobRow).on_conflict_do_nothing(), blob_rows)
            if rows:
                connection.execute(insert(VerdictRecordRow), rows)

    def log(self, product_id: str, profile_id: str) -> AssessmentLog:
        """Every record of the product's assessment against the profile, oldest first (ties: as added)."""
        statement = (
            select(
                VerdictRecordRow.element,
                VerdictRecordRow.component,
                VerdictRecordRow.verdict,
                VerdictRecordRow.justification,
                VerdictRecordRow.evidence,
                VerdictRecordRow.assessor,
                VerdictRecordRow.recorded_at,
                VerdictRecordRow.source,
            )
            .where(VerdictRecordRow.product_id == product_id, VerdictRecordRow.profile_id == profile_id)
            .order_by(VerdictRecordRow.recorded_at, VerdictRecordRow.id)
        )
        with self._transaction(f"cannot read the log of product {product_id!r}", write=False) as connection:
            self._require_product(connection, product_id)
            rows = connection.execute(statement).all()
        try:
            records = tuple(VerdictRecord.model_validate(row._asdict()) for row in rows)
        except ValidationError as exc:
            raise StorageError(
                f"a stored record of product {product_id!r} is not valid: {_first_error(exc)}", where=self._where
            ) from None
        return AssessmentLog(product=product_id, profile=profile_id, records=records)

    def blob(self, sha256: str) -> bytes:
        """The content of a stored evidence file; :class:`UnknownBlobError` if there is none."""
        with self._transaction(f"cannot read evidence file {sha256}", write=False) as connection:
            content = connection.scalar(select(BlobRow.content).where(BlobRow.sha256 == sha256))
        if content is None:
            raise UnknownBlobError(f"no evidence file with SHA-256 {sha256} is stored", where=self._where)
        return bytes(content)

    def latest_verdicts(self, product_id: str, profile_id: str) -> dict[CellKey, Verdict]:
        """The current verdict of every cell with a record: its latest record's (ties: the last added).

        Computed in the database from the (product, profile, time) index, without loading the history.
        """
        ranked = (
            select(
                VerdictRecordRow.element,
                VerdictRecordRow.component,
                VerdictRecordRow.verdict,
                func.row_number()
                .over(
                    partition_by=(VerdictRecordRow.element, VerdictRecordRow.component),
                    order_by=(VerdictRecordRow.recorded_at.desc(), VerdictRecordRow.id.desc()),
                )
                .label("rank"),
            )
            .where(VerdictRecordRow.product_id == product_id, VerdictRecordRow.profile_id == profile_id)
            .subquery()
        )
        statement = select(ranked.c.element, ranked.c.component, ranked.c.verdict).where(ranked.c.rank == 1)
        with self._transaction(f"cannot read the status of product {product_id!r}", write=False) as connection:
            self._require_product(connection, product_id)
            rows = connection.execute(statement).all()
        return {(row[0], row[1]): Verdict(row[2]) for row in rows}

    def close(self) -> None:
        """Release every connection; the repository is unusable afterwards."""
        self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SqlRepository({self._where!r})"

    def _require_product(self, connection: Connection, product_id: str) -> None:
        if connection.scalar(select(ProductRow.id).where(ProductRow.id == product_id)) is None:
            raise UnknownProductError(f"no product {product_id!r} is stored", where=self._where)

    def _create_directory(self) -> None:
        path = sqlite_path(self._url)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(
                f"cannot create the directory of the database: {exc.strerror or exc}", where=str(path.parent)
            ) from exc

    def transaction(self, action: str, *, write: bool) -> AbstractContextManager[Connection]:
        """One transaction on a pooled connection, for the other stores on this database (accounts, runs).

        ``action`` starts the one-line :class:`StorageError` any database error becomes.
        """
        return self._transaction(action, write=write)

    @contextmanager
    def _transaction(self, action: str, *, write: bool) -> Iterator[Connection]:
        """One transaction on a pooled connection; database errors leave as one-line StorageErrors."""
        with self._errors(action), self._engine.connect() as connection:
            if write:
                connection.execution_options(**{WRITE: True})
            with connection.begin():
                yield connection

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        try:
            yield
        except SQLAlchemyError as exc:
            raise StorageError(f"{action}: {self._describe(exc)}", where=self._where) from exc

    def _describe(self, exc: SQLAlchemyError) -> str:
        # The driver's own message, without SQLAlchemy's statement, parameters and documentation link.
        cause = exc.orig if isinstance(exc, StatementError) and exc.orig is not None else exc
        return self._scrub(str(cause)) or type(cause).__name__

    def _scrub(self, message: str) -> str:
        line = next((line.strip() for line in message.splitlines() if line.strip()), "")
        password = self._url.password
        if password:
            line = line.replace(str(password), "***")
        return line


if TYPE_CHECKING:

    def _is_a_repository(repository: SqlRepository) -> Repository:
        # mypy proves here that SqlRepository satisfies the protocol services are typed against.
        return repository


def _product_filters(organisation: str | None, search: str | None) -> list[Any]:
    filters: list[Any] = []
    if organisation is not None:
        filters.append(ProductRow.organisation_id == organisation)
    if search:
        pattern = "%" + search.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        columns = (ProductRow.id, ProductRow.name, ProductRow.manufacturer, ProductRow.model)
        filters.append(or_(*(func.lower(column).like(pattern, escape="\\") for column in columns)))
    return filters


def _check_hashes(blobs: Mapping[str, bytes]) -> None:
    for sha256, content in blobs.items():
        if not _SHA256.match(sha256):
            raise StorageError(f"evidence file key {sha256!r} is not a lower-case hex SHA-256")
        actual = hashlib.sha256(content).hexdigest()
        if actual != sha256:
            raise StorageError(f"evidence file given as {sha256} has SHA-256 {actual}")


def _stored_blobs(connection: Connection, hashes: Iterable[str]) -> set[str]:
    wanted = sorted(hashes)
    found: set[str] = set()
    for start in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[start : start + _IN_CHUNK]
        found.update(connection.scalars(select(BlobRow.sha256).where(BlobRow.sha256.in_(chunk))))
    return found


def _record_row(product_id: str, profile_id: str, record: VerdictRecord) -> dict[str, Any]:
    return {
        "product_id": product_id,
        "profile_id": profile_id,
        "element": record.element,
        "component": record.component,
        "verdict": record.verdict.value,
        "justification": record.justification,
        "assessor": record.assessor,
        "recorded_at": record.recorded_at,
        "source": record.source,
        "evidence": [evidence.model_dump(mode="json", exclude_none=True) for evidence in record.evidence],
    }


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    place = ".".join(str(part) for part in error["loc"])
    return f"{place}: {error['msg']}" if place else str(error["msg"])
