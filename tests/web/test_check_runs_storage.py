"""The check-run and profile-build stores on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from tests.storage.conftest import database_url, postgres_database_url, postgres_url  # noqa: F401

from iotprofile.services.accounts import accounts
from iotprofile.storage.repository import SqlRepository
from iotprofile.storage.runs import CheckRun, ProfileBuild, SqlCheckRuns, SqlProfileBuilds

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def run(run_id: str, content: bytes, *, org: str = "acme", at: datetime = T0) -> CheckRun:
    return CheckRun(id=run_id, organisation=org, product_id=None, component=None, kind="sbom", filename="a.json",
                    input_sha256=hashlib.sha256(content).hexdigest(), status="queued", created_by="a@acme.example",
                    created_at=at, started_at=None, finished_at=None, result=None, error=None)  # fmt: skip


def test_check_runs_round_trip(database_url: str) -> None:  # noqa: F811
    with SqlRepository.open(database_url) as repository:
        repository.migrate()
        for org in ("acme", "other"):
            accounts(repository).create_organisation(org, org, now=T0)
        store = SqlCheckRuns(repository)
        store.add(run("r1", b"same bytes"), b"same bytes")
        # The same file again is stored once (content-addressed), in the run's own transaction.
        store.add(run("r2", b"same bytes", at=T0 + timedelta(seconds=1)), b"same bytes")
        store.add(run("r3", b"theirs", org="other"), b"theirs")
        assert [item.id for item in store.list("acme")] == ["r2", "r1"]
        first = store.get("r1")
        assert first is not None
        assert store.input(first) == b"same bytes"
        assert store.start("r1", now=T0)
        assert not store.start("r1", now=T0), "a running run cannot be taken twice"
        store.finish("r1", status="done", now=T0, result={"findings": [{"title": "x"}]}, error=None)
        done = store.get("r1")
        assert done is not None
        assert done.status == "done"
        assert done.result == {"findings": [{"title": "x"}]}
        assert done.finished_at == T0
        assert store.interrupt_live(before=T0 + timedelta(seconds=1), now=T0, message="interrupted") == 1  # r3
        assert store.interrupt_live(before=T0 + timedelta(hours=1), now=T0, message="interrupted") == 1  # r2
        left = store.get("r2")
        assert left is not None
        assert (left.status, left.error) == ("error", "interrupted")
        assert store.get("nope") is None


def test_profile_builds_round_trip(database_url: str) -> None:  # noqa: F811
    with SqlRepository.open(database_url) as repository:
        repository.migrate()
        accounts(repository).create_organisation("acme", "acme", now=T0)
        store = SqlProfileBuilds(repository)
        build = ProfileBuild(id="b1", organisation="acme", name="Router", target="nist-ir-8425a", status="queued",
                             created_by="a@acme.example", created_at=T0, updated_at=T0, summary={},
                             error=None)  # fmt: skip
        store.add(build)
        assert store.set_status("b1", status="running", now=T0, only_from=("queued",))
        assert not store.set_status("b1", status="running", now=T0, only_from=("queued",))
        store.set_status("b1", status="done", now=T0, summary={"requirements": 3})
        found = store.get("b1")
        assert found is not None
        assert (found.status, found.summary) == ("done", {"requirements": 3})
        assert [item.id for item in store.list("acme")] == ["b1"]
        assert store.list("other") == []
        store.set_status("b1", status="queued", now=T0)
        assert store.interrupt_live(before=T0 + timedelta(seconds=1), now=T0, message="interrupted") == 1
