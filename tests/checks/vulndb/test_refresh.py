"""``iotprofile vulndb refresh``: --offline opens no connection; online it fetches from a (loopback) mirror."""

from __future__ import annotations

import functools
import http.server
import io
import json
import shutil
import socket
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.checks.vulndb.builders import FIXTURES, cpe_match, kev, nvd, osv
from tests.chromium import free_port
from typer.testing import CliRunner

from iotprofile.checks.vulndb import load_vulndb
from iotprofile.checks.vulndb.refresh import INDEX_NAME, MIRROR_ENV
from iotprofile.cli.app import app

runner = CliRunner()


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every way to open a connection fails loudly and is recorded."""
    attempts: list[str] = []

    def refuse(name: str) -> Any:
        def blocked(*args: Any, **kwargs: Any) -> Any:
            attempts.append(f"{name}{args[1:] if name == 'connect' else args}")
            raise AssertionError(f"network access attempted: {name}")

        return blocked

    monkeypatch.setattr(socket.socket, "connect", refuse("connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("connect_ex"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    return attempts


def test_the_network_guard_works(no_network: list[str]) -> None:
    # The guard must catch a real attempt, or the offline test below would prove nothing.
    with pytest.raises(AssertionError, match="network access attempted"):
        socket.create_connection(("127.0.0.1", 9))
    with socket.socket() as raw, pytest.raises(AssertionError):
        raw.connect(("127.0.0.1", 9))
    assert len(no_network) == 2


def test_offline_refresh_validates_and_indexes_without_network(tmp_path: Path, no_network: list[str]) -> None:
    dest = tmp_path / "db"
    shutil.copytree(FIXTURES, dest)
    result = runner.invoke(
        app,
        [
            "vulndb",
            "refresh",
            "--dest",
            str(dest),
            "--offline",
            "--osv",
            "Debian",
            "--nvd",
            "cpe:2.3:a:busybox:busybox",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    assert no_network == []
    report = json.loads(result.stdout)
    assert report["offline"] is True
    assert report["fetched"] == []
    assert report["counts"]["advisories"] == 13
    assert report["counts"]["known_exploited"] == 2
    index = json.loads((dest / INDEX_NAME).read_text())
    assert len(index["files"]) == 13
    assert all(len(entry["sha256"]) == 64 for entry in index["files"])
    assert load_vulndb(dest).counts()["files"] == 13  # the index itself is not read as data


def test_offline_refresh_reports_malformed_data(tmp_path: Path, no_network: list[str]) -> None:
    dest = tmp_path / "db"
    dest.mkdir()
    (dest / "x.json").write_text(json.dumps({"id": "X", "affected": [{"package": {"purl": 5}}]}))
    result = runner.invoke(app, ["vulndb", "refresh", "--dest", str(dest), "--offline"])
    assert result.exit_code == 3
    assert f"{dest / 'x.json'} $.affected[0].package.purl" in result.stderr
    assert no_network == []


def test_unreachable_source_fails_cleanly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MIRROR_ENV, f"http://127.0.0.1:{free_port()}")  # nothing listens there
    dest = tmp_path / "db"
    result = runner.invoke(app, ["vulndb", "refresh", "--dest", str(dest), "--timeout", "2"])
    assert result.exit_code == 3
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "cannot reach the vulnerability data source" in result.stderr
    assert "Traceback" not in result.output
    assert not (dest / "kev").exists()


@pytest.fixture
def mirror(tmp_path: Path) -> Iterator[str]:
    """A loopback HTTP server laid out like a mirror: kev/, osv/{ecosystem}/all.zip and nvd."""
    root = tmp_path / "mirror"
    (root / "kev").mkdir(parents=True)
    (root / "kev" / "known_exploited_vulnerabilities.json").write_text(json.dumps(kev("CVE-2024-1086")))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("DEBIAN-CVE-1.json", json.dumps(osv("DEBIAN-CVE-1", ecosystem=("Debian", "x"), events=[])))
        archive.writestr("../../escape.json", json.dumps(osv("DEBIAN-CVE-2", ecosystem=("Debian", "y"), events=[])))
    (root / "osv" / "Debian").mkdir(parents=True)
    (root / "osv" / "Debian" / "all.zip").write_bytes(buffer.getvalue())
    page = nvd(("CVE-2024-0001", [cpe_match("cpe:2.3:a:busybox:busybox:*:*:*:*:*:*:*:*")]))
    (root / "nvd").write_text(json.dumps({**page, "totalResults": 1, "startIndex": 0}))
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))

    class Quiet(http.server.ThreadingHTTPServer):
        def handle_error(self, request: Any, client_address: Any) -> None:
            pass

    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = Quiet(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_online_refresh_from_a_loopback_mirror(tmp_path: Path, mirror: str) -> None:
    dest = tmp_path / "db"
    args = [
        "vulndb",
        "refresh",
        "--dest",
        str(dest),
        "--mirror",
        mirror,
        "--osv",
        "Debian",
        "--nvd",
        "cpe:2.3:a:busybox:busybox",
        "--format",
        "json",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["counts"] == {
        "files": 4,
        "advisories": 3,
        "osv": 2,
        "nvd": 1,
        "known_exploited": 1,
        "vex_statements": 0,
    }
    assert sorted(p.name for p in (dest / "osv" / "Debian").iterdir()) == ["DEBIAN-CVE-1.json", "escape.json"]
    assert not (tmp_path / "escape.json").exists()
    assert (dest / "nvd" / "cpe_2.3_a_busybox_busybox-0.json").is_file()
    # Nothing half-written is left behind.
    assert not [p for p in dest.rglob(".*") if p.name != INDEX_NAME]
