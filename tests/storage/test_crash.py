"""A writer killed half-way through a batch leaves all of it or none of it, and a healthy database.

A child process opens the repository and adds one large batch; the test waits until rows of the batch are being
written, sends SIGKILL, and reopens the database.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from iotprofile.storage import UnknownBlobError
from iotprofile.storage.repository import SqlRepository

from .conftest import build_product, build_record, minutes, raw_engine

PROFILE = "nist-ir-8425"
#: Large enough that writing it takes about a second on a laptop: the kill lands well inside it.
BATCH = 30_000
CONTENT = b"evidence file of the killed batch"

CHILD = """
import hashlib
import sys
from datetime import UTC, datetime, timedelta

from iotprofile.assessment.model import Evidence, EvidenceKind, Verdict, VerdictRecord
from iotprofile.storage.repository import SqlRepository

url, product_id, count, content = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4].encode()
sha256 = hashlib.sha256(content).hexdigest()
start = datetime(2025, 1, 1, tzinfo=UTC)
evidence = (Evidence(kind=EvidenceKind.FILE, sha256=sha256), Evidence(kind=EvidenceKind.STATEMENT, text="x" * 200))
records = [
    VerdictRecord(
        element=f"E-{index}",
        component="camera",
        verdict=Verdict.SATISFIED,
        assessor="kill-test",
        recorded_at=start + timedelta(seconds=index),
        evidence=evidence,
    )
    for index in range(count)
]
with SqlRepository.open(url) as repository:
    print("adding", flush=True)
    repository.add_records(product_id, "nist-ir-8425", records, {sha256: content})
    print("done", flush=True)
"""


def _wait_for(condition: Callable[[], bool], process: subprocess.Popen[str], what: str) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        if process.poll() is not None:
            pytest.fail(f"the writer exited ({process.returncode}) before {what}: make the batch larger")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting until {what}")
        time.sleep(0.005)


def _kill_while_writing(url: str, writing: Callable[[], bool]) -> str:
    """Start the writer, kill it once ``writing()`` holds, and return what it printed."""
    process = subprocess.Popen(
        [sys.executable, "-c", CHILD, url, "acme-cam", str(BATCH), CONTENT.decode()],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None and process.stderr is not None
        if process.stdout.readline() != "adding\n":
            pytest.fail(f"the writer did not start: {process.stderr.read()}")
        _wait_for(writing, process, "the batch was being written")
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        printed = process.stdout.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == -signal.SIGKILL
    return printed


def _assert_all_or_nothing(url: str, printed: str) -> None:
    with SqlRepository.open(url) as repository:
        count = len(repository.log("acme-cam", PROFILE).records)
        assert count in {0, BATCH}, f"{count} of {BATCH} records survived the kill"
        # The batch's evidence file shares the fate of its records.
        try:
            blob_stored = repository.blob(_sha256(CONTENT)) == CONTENT
        except UnknownBlobError:
            blob_stored = False
        assert blob_stored == (count == BATCH)
        if "done" in printed:
            assert count == BATCH
        # Still writable: no lock or half-finished transaction is left behind.
        repository.add_records("acme-cam", PROFILE, [build_record("DP-1", at=minutes(1))], {})
        assert len(repository.log("acme-cam", PROFILE).records) == count + 1


def _sha256(content: bytes) -> str:
    import hashlib

    return hashlib.sha256(content).hexdigest()


@pytest.mark.slow
def test_sqlite_writer_killed_mid_batch(tmp_path: Path) -> None:
    path = tmp_path / "iotprofile.db"
    url = f"sqlite:///{path}"
    with SqlRepository.open(url) as repository:
        repository.import_product(build_product())
    wal = path.with_name(path.name + "-wal")
    before = wal.stat().st_size if wal.exists() else 0

    def writing() -> bool:
        # Uncommitted pages spill from SQLite's 2 MB page cache into the WAL: rows are being written.
        return wal.exists() and wal.stat().st_size > before + 1_000_000

    printed = _kill_while_writing(url, writing)
    assert "done" not in printed, "the batch was committed before the kill: make it larger"
    _assert_all_or_nothing(url, printed)
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    connection.close()


@pytest.mark.slow
def test_postgresql_writer_killed_mid_batch(postgres_url: str) -> None:
    with SqlRepository.open(postgres_url) as repository:
        repository.import_product(build_product())
    name = f"iotprofile-kill-{uuid.uuid4().hex[:8]}"
    url = make_url(postgres_url).update_query_dict({"application_name": name}).render_as_string(hide_password=False)
    engine = raw_engine(postgres_url)

    def backend(condition: str) -> bool:
        with engine.connect() as connection:
            query = f"SELECT count(*) FROM pg_stat_activity WHERE application_name = :name AND {condition}"
            return bool(connection.scalar(text(query), {"name": name}))

    try:
        printed = _kill_while_writing(url, lambda: backend("query LIKE 'INSERT INTO verdict_records%'"))
        # The server rolls back once it notices the connection is gone; wait for that before looking.
        deadline = time.monotonic() + 30
        while backend("TRUE"):
            assert time.monotonic() < deadline, "the killed writer's server process did not end"
            time.sleep(0.05)
    finally:
        engine.dispose()
    assert "done" not in printed, "the batch was committed before the kill: make it larger"
    _assert_all_or_nothing(postgres_url, printed)
