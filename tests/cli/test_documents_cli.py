"""``iotprofile documents``: writes every document and the coverage, refuses bad input without writing anything,
and records the documents as evidence for the assessor.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner, Result

from iotprofile.cli.app import app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
runner = CliRunner()
DATE = ("--date", "2026-11-22")


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "250")
    monkeypatch.delenv("IOTPROFILE_DATABASE_URL", raising=False)


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


@pytest.fixture
def router(tmp_path: Path) -> Path:
    target = tmp_path / "router"
    shutil.copytree(EXAMPLES / "router", target)
    return target / "product.yaml"


def _edit(path: Path, key: tuple[str, ...], value: object) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    node = data
    for part in key[:-1]:
        node = node[part]
    node[key[-1]] = value
    path.write_text(yaml.safe_dump(data, sort_keys=False, width=200), encoding="utf-8")


def test_generates_every_document_and_prints_the_coverage(tmp_path: Path) -> None:
    out = tmp_path / "documents"
    result = ok("documents", EXAMPLES / "router" / "product.yaml", "-o", out, *DATE)
    names = sorted(str(path.relative_to(out)) for path in out.rglob("*") if path.is_file())
    assert names == [
        "coverage.json", "csaf/acme-sa-2026-003.json", "csaf/acme-vex-2026-001.json", "customer-security-guide.html",
        "customer-security-guide.md", "customer-security-guide.pdf", "documentation-package/README.md",
        "end-of-support-notice.md", "psti-statement-of-compliance.md", "security.txt", "support-period-statement.md",
        "vulnerability-disclosure-policy.md", "vulnerability-handling-procedure.md",
    ]  # fmt: skip
    assert "18 of 20 non-technical sub-outcomes have a document" in result.stdout
    assert "ID-1e    LACKS A DOCUMENT" in result.stdout
    coverage = json.loads((out / "coverage.json").read_text())
    assert coverage["lacking"] == ["DOC-1c", "ID-1e"]
    assert not [path for path in tmp_path.iterdir() if path.name.startswith(".")]  # no staging left behind


def test_only_and_json_output(tmp_path: Path) -> None:
    out = tmp_path / "documents"
    result = ok("documents", EXAMPLES / "smart-plug" / "product.yaml", "-o", out, "--only", "cyber-trust-mark",
                "--only", "security-txt", "--format", "json", *DATE)  # fmt: skip
    data = json.loads(result.stdout)
    assert sorted(Path(path).name for path in data["written"]) == [
        "coverage.json", "cyber-trust-mark-qr.png", "cyber-trust-mark-qr.svg", "cyber-trust-mark.json", "security.txt"
    ]  # fmt: skip
    assert [row["element"] for row in data["coverage"]["sub_outcomes"] if row["covered"]] == ["IQR-1a", "PEA-1.5"]


def test_previous_output_is_replaced_whole(tmp_path: Path) -> None:
    out = tmp_path / "documents"
    ok("documents", EXAMPLES / "router" / "product.yaml", "-o", out, *DATE)
    ok("documents", EXAMPLES / "router" / "product.yaml", "-o", out, "--only", "security-txt", *DATE)
    assert sorted(path.name for path in out.iterdir()) == ["coverage.json", "security.txt"]


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        (("support_period", "end"), "2026-01-31", "support_period.end: support ended on 2026-01-31, before 2026-11-22"),
        (("contacts", "vulnerability_reports"), ["psirt@example.com"],
         "contacts.vulnerability_reports[0]: 'psirt@example.com' is not a contact URI"),
        (("psti",), None, None),
        (("support_period", "end"), None,
         "support_period.end: missing: the end-of-support notice needs an end date"),
    ],
)  # fmt: skip
def test_bad_support_record_writes_nothing(
    router: Path, tmp_path: Path, key: tuple[str, ...], value: object, expected: str | None
) -> None:
    support = router.parent / "support.yaml"
    _edit(support, key, value)
    out = tmp_path / "out" / "documents"
    if expected is None:  # no psti section: skipped when all are generated, refused when asked for
        line = refused("documents", router, "-o", out, "--only", "psti-statement", *DATE)
        assert line == (f"error: {support}:1: psti: missing: the UK PSTI statement of compliance needs a 'psti' "
                        "section (tip: add psti: {default_passwords, signatory, place, issued})")  # fmt: skip
    else:
        line = refused("documents", router, "-o", out, *DATE)
        assert line.startswith(f"error: {support}:")
        assert expected in line
    assert not out.exists()
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_advisory_naming_a_component_not_in_the_sbom(router: Path, tmp_path: Path) -> None:
    advisory = router.parent / "advisories" / "acme-sa-2026-003.yaml"
    advisory.write_text(advisory.read_text().replace("pkg:generic/dropbear@2022.83", "pkg:generic/dropbear@2024.86"))
    out = tmp_path / "documents"
    out.mkdir()
    (out / "coverage.json").write_text("{}")  # an earlier output: must survive a failed run untouched
    line = refused("documents", router, "-o", out, *DATE)
    assert line.startswith(f"error: {advisory}:21: components[0].component: 'pkg:generic/dropbear@2024.86' is not in "
                           "the product's SBOM")  # fmt: skip
    assert [path.name for path in out.iterdir()] == ["coverage.json"]
    assert (out / "coverage.json").read_text() == "{}"


def test_refuses_to_replace_a_directory_of_other_files(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    line = refused("documents", EXAMPLES / "router" / "product.yaml", "-o", out, *DATE)
    assert "not empty and holds no earlier documents" in line
    assert (out / "notes.txt").read_text() == "keep me"


def test_record_needs_the_product_stored_first(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'iotprofile.db'}"
    out = tmp_path / "d"
    line = refused("documents", EXAMPLES / "router" / "product.yaml", "-o", out, "--record", "--db", db, *DATE, code=4)
    assert "acme-router-ax3000" in line
    assert not out.exists()


def test_no_support_record_beside_the_product(tmp_path: Path) -> None:
    shutil.copy(EXAMPLES / "router" / "product.yaml", tmp_path / "product.yaml")
    line = refused("documents", tmp_path / "product.yaml", "-o", tmp_path / "d", *DATE)
    assert line.startswith(f"error: {tmp_path / 'support.yaml'}: no support record beside the product file")


def test_bad_options(tmp_path: Path) -> None:
    product = EXAMPLES / "router" / "product.yaml"
    assert "unknown document kind 'sbom'" in refused("documents", product, "-o", tmp_path / "d", "--only", "sbom")
    assert "--date 'tomorrow' is not a date" in refused(
        "documents", product, "-o", tmp_path / "d", "--date", "tomorrow"
    )
    assert "file not found" in refused("documents", product, "-o", tmp_path / "d", "--support", tmp_path / "none.yaml")


def test_record_adds_evidence_and_leaves_decided_cells_alone(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'iotprofile.db'}"
    product = EXAMPLES / "router" / "product.yaml"
    ok("product", "import", product, "--db", db)
    ok("assess", "set", "acme-router-ax3000", "IQR-1a@product", "satisfied", "--db", db, "--assessor", "dana")
    result = ok("documents", product, "-o", tmp_path / "d", "--record", "--db", db, "--assessor", "bot", *DATE)
    assert "left alone: IQR-1a@product is already satisfied" in result.stdout
    assert "recorded 17 evidence record(s)" in result.stdout  # 18 covered cells, less IQR-1a
    status = json.loads(ok("assess", "status", "acme-router-ax3000", "--db", db, "--format", "json").stdout)
    assert status["cells"]["IQR-1a@product"] == "satisfied"
    assert status["cells"]["PEA-1.1@product"] == "not_assessed"  # documents are evidence, never a verdict
    again = ok("documents", product, "-o", tmp_path / "d", "--record", "--db", db, *DATE)
    assert "recorded 0 evidence record(s)" in again.stdout
    assert "unchanged: PEA-1.1@product already has these documents" in again.stdout


def test_assessment_report_shows_which_sub_outcomes_lack_a_document(tmp_path: Path) -> None:
    product = EXAMPLES / "router" / "product.yaml"
    results = EXAMPLES / "router" / "results.yaml"
    documents = tmp_path / "documents"
    ok("documents", product, "--results", results, "-o", documents, *DATE)
    ok("assess", product, "--results", results, "--report", tmp_path / "report", "--format", "md,html",
       "--documents", documents)  # fmt: skip
    markdown = (tmp_path / "report" / "report.md").read_text()
    assert "## Documents for the non-technical outcomes" in markdown
    assert "| ID-1e Breach discovery and customer mitigations | not satisfied | **none yet** |" in markdown
    assert (
        "| IQR-1a Point of contact for maintenance and vulnerability information | satisfied | security.txt" in markdown
    )
    html = (tmp_path / "report" / "report.html").read_text()
    assert '<section id="documents"' in html
    ok("assess", product, "--results", results, "--report", tmp_path / "plain", "--format", "md")
    assert "Documents for the non-technical outcomes" not in (tmp_path / "plain" / "report.md").read_text()


def test_assessment_refuses_another_products_documents(tmp_path: Path) -> None:
    documents = tmp_path / "documents"
    ok("documents", EXAMPLES / "smart-plug" / "product.yaml", "-o", documents, *DATE)
    line = refused("assess", EXAMPLES / "router" / "product.yaml", "--report", tmp_path / "report", "--documents",
                   documents)  # fmt: skip
    assert "the documents are for acme-smart-plug-sp10 against nist-ir-8425, not acme-router-ax3000" in line
    assert not (tmp_path / "report").exists()


def test_help_lists_every_document_kind() -> None:
    from iotprofile.cli.documents import _KINDS
    from iotprofile.documents.coverage import DocumentKind

    assert tuple(kind.value for kind in DocumentKind) == _KINDS
