"""Check runs and profile builds of the web app, on the repository's database.

Tables ``check_runs`` and ``profile_builds``; the uploaded file of a check run is stored in ``blobs``.

Plain storage: who may start or see a run is decided in :mod:`iotprofile.services.check_runs` and
:mod:`iotprofile.services.builds`. Every method is one transaction; database errors become one-line
:class:`~iotprofile.errors.StorageError` s.
"""

from __future__ import annotations

import hashlib
from dataclasses import astuple, dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from iotprofile.storage.tables import BlobRow, CheckRunRow, ProfileBuildRow

if TYPE_CHECKING:
    from iotprofile.storage.repository import SqlRepository

__all__ = ["CheckRun", "ProfileBuild", "SqlCheckRuns", "SqlProfileBuilds"]

#: Statuses of a check run or a build; ``queued`` and ``running`` are the live ones.
QUEUED, RUNNING, DONE, ERROR = "queued", "running", "done", "error"
LIVE = (QUEUED, RUNNING)


@dataclass(frozen=True, slots=True)
class CheckRun:
    """One check of an uploaded file, and what it found once finished."""

    id: str
    organisation: str
    product_id: str | None
    component: str | None
    kind: str
    filename: str
    input_sha256: str
    status: str
    created_by: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    result: dict[str, Any] | None
    error: str | None


_RUN_COLUMNS = (
    CheckRunRow.id,
    CheckRunRow.organisation_id,
    CheckRunRow.product_id,
    CheckRunRow.component,
    CheckRunRow.kind,
    CheckRunRow.filename,
    CheckRunRow.input_sha256,
    CheckRunRow.status,
    CheckRunRow.created_by,
    CheckRunRow.created_at,
    CheckRunRow.started_at,
    CheckRunRow.finished_at,
    CheckRunRow.result,
    CheckRunRow.error,
)


def _run(row: Any) -> CheckRun:
    return CheckRun(*row)


class SqlCheckRuns:
    """Check runs, in the database of a :class:`~iotprofile.storage.repository.SqlRepository`."""

    def __init__(self, repository: SqlRepository) -> None:
        self._repository = repository

    def add(self, run: CheckRun, content: bytes) -> None:
        """Store a new run and its input file (content-addressed, so a file uploaded twice is stored once)."""
        digest = hashlib.sha256(content).hexdigest()
        if digest != run.input_sha256:
            msg = f"the run names input {run.input_sha256} but the content has SHA-256 {digest}"
            raise ValueError(msg)
        values = {column.key: value for column, value in zip(_RUN_COLUMNS, astuple(run), strict=True)}
        with self._repository.transaction(f"cannot store check run {run.id!r}", write=True) as db:
            blob = {"sha256": digest, "size": len(content), "content": content}
            dialect = postgresql if db.dialect.name == "postgresql" else sqlite
            db.execute(dialect.insert(BlobRow).on_conflict_do_nothing(), [blob])
            db.execute(insert(CheckRunRow).values(**values))

    def get(self, run_id: str) -> CheckRun | None:
        """The run, or None."""
        with self._repository.transaction("cannot read check runs", write=False) as db:
            row = db.execute(select(*_RUN_COLUMNS).where(CheckRunRow.id == run_id)).first()
        return _run(row) if row else None

    def list(self, organisation: str, *, limit: int = 100) -> list[CheckRun]:
        """The organisation's runs, newest first."""
        statement = (
            select(*_RUN_COLUMNS)
            .where(CheckRunRow.organisation_id == organisation)
            .order_by(CheckRunRow.created_at.desc(), CheckRunRow.id)
            .limit(limit)
        )
        with self._repository.transaction("cannot read check runs", write=False) as db:
            return [_run(row) for row in db.execute(statement)]

    def input(self, run: CheckRun) -> bytes:
        """The run's uploaded file."""
        return self._repository.blob(run.input_sha256)

    def start(self, run_id: str, *, now: datetime) -> bool:
        """Mark a queued run running; False if it was not queued (taken, or marked interrupted)."""
        with self._repository.transaction(f"cannot start check run {run_id!r}", write=True) as db:
            changed = db.execute(
                update(CheckRunRow)
                .where(CheckRunRow.id == run_id, CheckRunRow.status == QUEUED)
                .values(status=RUNNING, started_at=now)
            ).rowcount
        return bool(changed)

    def finish(self, run_id: str, *, status: str, now: datetime, result: dict[str, Any] | None,
               error: str | None) -> None:  # fmt: skip
        """Record how a run ended (``done`` or ``error``)."""
        with self._repository.transaction(f"cannot finish check run {run_id!r}", write=True) as db:
            db.execute(
                update(CheckRunRow)
                .where(CheckRunRow.id == run_id)
                .values(status=status, finished_at=now, result=result, error=error)
            )

    def interrupt_live(self, *, before: datetime, now: datetime, message: str) -> int:
        """Mark queued or running runs created before ``before`` as ended in error (after a restart)."""
        with self._repository.transaction("cannot mark interrupted check runs", write=True) as db:
            changed = db.execute(
                update(CheckRunRow)
                .where(CheckRunRow.status.in_(LIVE), CheckRunRow.created_at < before)
                .values(status=ERROR, finished_at=now, error=message)
            ).rowcount
        return int(changed or 0)


@dataclass(frozen=True, slots=True)
class ProfileBuild:
    """A profile build of the web app (its files are in a directory of the server's data directory)."""

    id: str
    organisation: str
    name: str
    target: str
    status: str
    created_by: str
    created_at: datetime
    updated_at: datetime
    summary: dict[str, Any]
    error: str | None


_BUILD_COLUMNS = (
    ProfileBuildRow.id,
    ProfileBuildRow.organisation_id,
    ProfileBuildRow.name,
    ProfileBuildRow.target,
    ProfileBuildRow.status,
    ProfileBuildRow.created_by,
    ProfileBuildRow.created_at,
    ProfileBuildRow.updated_at,
    ProfileBuildRow.summary,
    ProfileBuildRow.error,
)


class SqlProfileBuilds:
    """Profile builds, in the database of a :class:`~iotprofile.storage.repository.SqlRepository`."""

    def __init__(self, repository: SqlRepository) -> None:
        self._repository = repository

    def add(self, build: ProfileBuild) -> None:
        """Store a new build."""
        values = {column.key: value for column, value in zip(_BUILD_COLUMNS, astuple(build), strict=True)}
        with self._repository.transaction(f"cannot store profile build {build.id!r}", write=True) as db:
            db.execute(insert(ProfileBuildRow).values(**values))

    def get(self, build_id: str) -> ProfileBuild | None:
        """The build, or None."""
        with self._repository.transaction("cannot read profile builds", write=False) as db:
            row = db.execute(select(*_BUILD_COLUMNS).where(ProfileBuildRow.id == build_id)).first()
        return ProfileBuild(*row) if row else None

    def list(self, organisation: str, *, limit: int = 100) -> list[ProfileBuild]:
        """The organisation's builds, newest first."""
        statement = (
            select(*_BUILD_COLUMNS)
            .where(ProfileBuildRow.organisation_id == organisation)
            .order_by(ProfileBuildRow.created_at.desc(), ProfileBuildRow.id)
            .limit(limit)
        )
        with self._repository.transaction("cannot read profile builds", write=False) as db:
            return [ProfileBuild(*row) for row in db.execute(statement)]

    def set_status(self, build_id: str, *, status: str, now: datetime, summary: dict[str, Any] | None = None,
                   error: str | None = None, only_from: tuple[str, ...] = ()) -> bool:  # fmt: skip
        """Change a build's status (and summary, error); with ``only_from``, only from those statuses."""
        values: dict[str, Any] = {"status": status, "updated_at": now, "error": error}
        if summary is not None:
            values["summary"] = summary
        statement = update(ProfileBuildRow).where(ProfileBuildRow.id == build_id)
        if only_from:
            statement = statement.where(ProfileBuildRow.status.in_(only_from))
        with self._repository.transaction(f"cannot update profile build {build_id!r}", write=True) as db:
            changed = db.execute(statement.values(**values)).rowcount
        return bool(changed)

    def interrupt_live(self, *, before: datetime, now: datetime, message: str) -> int:
        """Mark queued or running builds last changed before ``before`` as ended in error (after a restart)."""
        with self._repository.transaction("cannot mark interrupted profile builds", write=True) as db:
            changed = db.execute(
                update(ProfileBuildRow)
                .where(ProfileBuildRow.status.in_(LIVE), ProfileBuildRow.updated_at < before)
                .values(status=ERROR, updated_at=now, error=message)
            ).rowcount
        return int(changed or 0)
