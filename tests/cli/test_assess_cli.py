"""Products and assessments through the CLI: stored (SQLite) and stateless, and bad input that changes nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from iotprofile.cli.app import app
from iotprofile.product.io import load_product, product_to_yaml

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
runner = CliRunner()


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "250")
    monkeypatch.delenv("IOTPROFILE_DATABASE_URL", raising=False)


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'iotprofile.db'}"


def invoke(*args: str | Path) -> Result:
    return runner.invoke(app, [str(arg) for arg in args])


def ok(*args: str | Path) -> Result:
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    return result


def refused(*args: str | Path, code: int = 3) -> str:
    result = invoke(*args)
    assert result.exit_code == code, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


def _status(product: str, db: str) -> dict[str, object]:
    data = json.loads(ok("assess", "status", product, "--db", db, "--format", "json").stdout)
    assert isinstance(data, dict)
    return data


def test_stored_round_trip_and_status(tmp_path: Path, db: str) -> None:
    product_file = EXAMPLES / "router" / "product.yaml"
    ok("product", "import", product_file, "--db", db)
    listed = json.loads(ok("product", "list", "--db", db, "--format", "json").stdout)
    assert [item["id"] for item in listed] == ["acme-router-ax3000"]
    exported = ok("product", "export", "acme-router-ax3000", "--db", db).stdout
    assert exported == product_file.read_text(encoding="utf-8")  # product YAML -> database -> YAML is identical
    ok("assess", "import", EXAMPLES / "router" / "results.yaml", "--product", "acme-router-ax3000", "--db", db)
    status = _status("acme-router-ax3000", db)
    stateless = json.loads(ok("assess", "status", product_file, "--results", EXAMPLES / "router" / "results.yaml",
                              "--format", "json").stdout)  # fmt: skip
    assert status["cells"] == stateless["cells"]
    assert status["verdict"] == "not_satisfied"


def test_set_records_history_and_evidence(tmp_path: Path, db: str) -> None:
    ok("product", "import", EXAMPLES / "router" / "product.yaml", "--db", db)
    evidence = tmp_path / "scan.txt"
    evidence.write_text("TLS 1.3 only\n", encoding="utf-8")
    ok("assess", "set", "acme-router-ax3000", "DP-3@router", "partially_satisfied", "-e", evidence, "--db", db,
       "--assessor", "alice")  # fmt: skip
    ok("assess", "set", "acme-router-ax3000", "DP-3@router", "satisfied", "--statement", "Fixed in 1.3", "--db", db)
    assert _status("acme-router-ax3000", db)["cells"]["DP-3@router"] == "satisfied"  # type: ignore[index]
    plan = json.loads(ok("assess", "plan", "acme-router-ax3000", "--db", db, "--format", "json").stdout)
    (cell,) = [item for item in plan["cells"] if item["cell"] == "DP-3@router"]
    assert cell["applies"] and cell["requirements"]


def _records_in(db: str) -> int:
    from iotprofile.storage.repository import SqlRepository

    with SqlRepository.open(db) as repository:
        return len(repository.log("acme-router-ax3000", "nist-ir-8425a").records)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("DP-1@toaster", "satisfied"), "no such component"),
        (("DOC-1c@router", "satisfied"), "no such cell"),
        (("DP-2@app", "not_applicable"), "justification"),
        (("DP-1@router", "great"), "unknown verdict"),
        (("DP-1@router", "satisfied", "-e", "/nonexistent/report.pdf"), "evidence file not found"),
    ],
)
def test_bad_verdicts_change_nothing(db: str, args: tuple[str, ...], words: str) -> None:
    ok("product", "import", EXAMPLES / "router" / "product.yaml", "--db", db)
    line = refused("assess", "set", "acme-router-ax3000", *args, "--db", db)
    assert words in line
    assert _records_in(db) == 0


def test_bad_results_file_imports_nothing(tmp_path: Path, db: str) -> None:
    ok("product", "import", EXAMPLES / "router" / "product.yaml", "--db", db)
    copy = tmp_path / "router"
    shutil.copytree(EXAMPLES / "router", copy)
    results = copy / "results.yaml"
    text = results.read_text(encoding="utf-8")
    results.write_text(text + "  - cell: DP-1@toaster\n    verdict: satisfied\n", encoding="utf-8")
    line = refused("assess", "import", results, "--product", "acme-router-ax3000", "--db", db)
    assert str(results) in line
    assert "toaster" in line
    assert _records_in(db) == 0


def test_bad_product_files_store_nothing(tmp_path: Path, db: str) -> None:
    text = (EXAMPLES / "router" / "product.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "product.yaml"
    bad.write_text(text.replace("kind: mobile_app", "kind: toaster"), encoding="utf-8")
    line = refused("product", "import", bad, "--db", db)
    assert f"{bad}:" in line
    assert "'toaster' is not one of" in line
    assert json.loads(ok("product", "list", "--db", db, "--format", "json").stdout) == []


def test_unknown_product_is_not_found(db: str) -> None:
    line = refused("assess", "status", "nobody", "--db", db, code=4)
    assert "nobody" in line


def test_product_init_validate_and_schema(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    ok("product", "init", path)
    assert "ok:" in ok("product", "validate", path).stdout
    assert refused("product", "init", path).endswith("file exists; not overwriting it")
    schema = json.loads(ok("product", "schema").stdout)
    assert schema["title"] == "Product"
    assert load_product(path).id == "acme-smart-plug"
    assert product_to_yaml(load_product(path)) == path.read_text(encoding="utf-8")


def test_stateless_assess_writes_reports_without_a_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IOTPROFILE_DATABASE_URL", "sqlite:////nonexistent/dir/never-used.db")
    out = tmp_path / "reports"
    result = ok("assess", EXAMPLES / "smart-plug" / "product.yaml", "--results",
                EXAMPLES / "smart-plug" / "results.yaml", "--report", out, "--format", "md,json,csv")  # fmt: skip
    assert "acme-smart-plug-sp10" in result.stdout
    assert {path.name for path in out.iterdir()} >= {"report.md", "doc-1c-statement.md", "report.json", "matrix.csv"}
    assert "unknown report format 'docx'" in refused("assess", EXAMPLES / "smart-plug" / "product.yaml",
                                                    "--report", out, "--format", "docx")  # fmt: skip


def test_results_for_another_product_are_refused(tmp_path: Path) -> None:
    line = refused(
        "assess", EXAMPLES / "smart-plug" / "product.yaml", "--results", EXAMPLES / "router" / "results.yaml"
    )
    assert "results are for product 'acme-router-ax3000'" in line


def test_examples_are_copied_out_and_assess(tmp_path: Path) -> None:
    target = tmp_path / "plug"
    ok("product", "example", "smart-plug", target)
    assert (target / "product.yaml").read_text(encoding="utf-8") == (
        EXAMPLES / "smart-plug" / "product.yaml"
    ).read_text(encoding="utf-8")
    ok("assess", target / "product.yaml", "--results", target / "results.yaml", "--report", tmp_path / "r",
       "--format", "json")  # fmt: skip
    assert "no example 'toaster'" in refused("product", "example", "toaster", tmp_path / "t")
