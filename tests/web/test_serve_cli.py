"""``iotprofile user create|add|token`` and ``iotprofile serve`` as a real server process on loopback."""

from __future__ import annotations

from pathlib import Path

import httpx
from typer.testing import CliRunner

from iotprofile.cli.app import app

from .conftest import PASSWORD, ROOT
from .live import serve

runner = CliRunner()


def test_user_commands_create_the_first_admin_and_a_ci_token(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'web.db'}"
    created = runner.invoke(app, ["user", "create", "--email", "Ada@Example.com", "--org", "lab", "--org-name",
                                  "Test Lab", "--password-stdin", "--db", db], input=PASSWORD + "\n")  # fmt: skip
    assert created.exit_code == 0, created.output
    assert "created ada@example.com: admin of lab" in created.output
    again = runner.invoke(app, ["user", "create", "--email", "ada@example.com", "--org", "lab", "--password-stdin",
                                "--db", db], input=PASSWORD + "\n")  # fmt: skip
    assert again.exit_code == 3
    assert "exists already" in again.output
    weak = runner.invoke(app, ["user", "create", "--email", "bob@example.com", "--org", "lab", "--password-stdin",
                               "--db", db], input="short\n")  # fmt: skip
    assert weak.exit_code == 3
    assert "shorter than 12" in weak.output
    bad_org = runner.invoke(app, ["user", "create", "--email", "bob@example.com", "--org", "Not A Slug",
                                  "--password-stdin", "--db", db], input=PASSWORD + "\n")  # fmt: skip
    assert bad_org.exit_code == 3
    token = runner.invoke(app, ["user", "token", "--email", "ada@example.com", "--org", "lab", "--name", "CI",
                                "--db", db])  # fmt: skip
    assert token.exit_code == 0, token.output
    assert token.output.startswith("iotp_")
    imported = runner.invoke(app, ["product", "import", str(ROOT / "examples" / "router" / "product.yaml"),
                                   "--org", "lab", "--db", db])  # fmt: skip
    assert imported.exit_code == 0, imported.output
    unknown = runner.invoke(app, ["product", "import", str(ROOT / "examples" / "smart-plug" / "product.yaml"),
                                  "--org", "nowhere", "--db", db])  # fmt: skip
    assert unknown.exit_code == 3
    assert "no organisation 'nowhere'" in unknown.output


def test_serve_runs_the_app_on_loopback(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'web.db'}"
    assert runner.invoke(app, ["user", "create", "--email", "ada@example.com", "--org", "lab", "--password-stdin",
                               "--db", db], input=PASSWORD + "\n").exit_code == 0  # fmt: skip
    token = runner.invoke(app, ["user", "token", "--email", "ada@example.com", "--org", "lab", "--db", db]).output
    with serve(db) as base:
        listed = httpx.get(f"{base}/api/v1/orgs/lab/products", headers={"Authorization": f"Bearer {token.strip()}"})
        assert listed.status_code == 200
        assert listed.json()["total"] == 0
        login = httpx.get(f"{base}/login")
        assert "Sign in" in login.text
        assert "server" not in login.headers
