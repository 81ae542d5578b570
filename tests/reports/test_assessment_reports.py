"""The assessment reports: snapshots, schema validity, determinism and the binary formats' contents.

Set IOTPROFILE_UPDATE_SNAPSHOTS=1 to rewrite the stored snapshots (tests/reports/snapshots/) after an intended
change, then review the diff.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import zipfile
from pathlib import Path

import jsonschema
import openpyxl
import pypdf
import pytest
from tests.reports.router_assessment import BLOBS, FILES, router_product

import iotprofile.reports.assessment as reports
from iotprofile.assessment.model import AssessmentLog, Verdict
from iotprofile.assessment.rollup import AssessmentResult, evaluate
from iotprofile.errors import ReportError
from iotprofile.product.model import Product
from iotprofile.product.plan import plan
from iotprofile.reports.assessment import FORMATS, write_reports
from iotprofile.reports.assessment.json_report import report_schema
from iotprofile.services import Workspace, show_document

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE_ENV = "IOTPROFILE_UPDATE_SNAPSHOTS"
TEXT_OUTPUTS = (
    "report.html",
    "report.md",
    "doc-1c-statement.md",
    "report.json",
    "matrix.csv",
    "component-definition.json",
    "assessment-results.json",
)
ALL_OUTPUTS = (*TEXT_OUTPUTS, "report.pdf", "matrix.xlsx")


@pytest.fixture(scope="module")
def report_dir(router_result: AssessmentResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("reports")
    write_reports(router_result, out, FORMATS)
    return out


def test_writes_every_format_and_returns_the_paths(router_result: AssessmentResult, tmp_path: Path) -> None:
    written = write_reports(router_result, tmp_path / "new" / "dir", ["json", "md", "csv"])
    assert [path.name for path in written] == ["report.md", "doc-1c-statement.md", "report.json", "matrix.csv"]
    assert all(path.is_file() and path.parent == tmp_path / "new" / "dir" for path in written)


@pytest.mark.parametrize("name", TEXT_OUTPUTS)
def test_snapshot(report_dir: Path, name: str) -> None:
    text = (report_dir / name).read_text(encoding="utf-8")
    snapshot = SNAPSHOTS / name
    if os.environ.get(UPDATE_ENV) == "1":
        SNAPSHOTS.mkdir(exist_ok=True)
        snapshot.write_text(text, encoding="utf-8")
        return
    assert snapshot.is_file(), f"no snapshot {snapshot}: run the tests once with {UPDATE_ENV}=1"
    expected = snapshot.read_text(encoding="utf-8")
    assert text.splitlines() == expected.splitlines(), f"{name} differs from its snapshot; if intended, {UPDATE_ENV}=1"


def test_writing_twice_gives_identical_bytes(router_result: AssessmentResult, report_dir: Path, tmp_path: Path) -> None:
    write_reports(router_result, tmp_path, FORMATS)
    for name in ALL_OUTPUTS:
        assert (tmp_path / name).read_bytes() == (report_dir / name).read_bytes(), name


def test_json_validates_against_the_shipped_schema(report_dir: Path) -> None:
    schema = report_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    data = json.loads((report_dir / "report.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = [f"{error.json_path}: {error.message}" for error in validator.iter_errors(data)]
    assert errors == []
    assert data["summary"]["product_verdict"] == "error"
    assert set(data["summary"]["counts"]) == {verdict.value for verdict in Verdict}
    cell = next(item for item in data["cells"] if item["key"] == "DP-1@router")
    assert [record["verdict"] for record in cell["history"]] == ["not_satisfied", "satisfied"]
    assert cell["requirements"][0]["ref"] == "etsi-en-303-645:5.4-1"
    excluded = next(item for item in data["cells"] if item["key"] == "CSA-1@app")
    assert (excluded["applies"], excluded["overridden"], excluded["verdict"]) == (False, True, "not_applicable")


def test_schema_rejects_a_report_that_breaks_it(report_dir: Path) -> None:
    data = json.loads((report_dir / "report.json").read_text(encoding="utf-8"))
    data["cells"][0]["verdict"] = "passed"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, report_schema(), cls=jsonschema.Draft202012Validator)


def test_pdf_has_pages_and_names_the_product(report_dir: Path) -> None:
    reader = pypdf.PdfReader(report_dir / "report.pdf")
    assert len(reader.pages) > 3
    text = "".join(page.extract_text() or "" for page in reader.pages[:3])
    assert "Acme AX3000 Router" in text
    assert "partially satisfied" in text
    assert (
        reader.metadata is not None and reader.metadata.title == "Acme AX3000 Router: assessment against NIST IR 8425A"
    )


def test_xlsx_matrix(report_dir: Path) -> None:
    workbook = openpyxl.load_workbook(report_dir / "matrix.xlsx")
    assert workbook.sheetnames == ["Matrix", "Legend"]
    sheet = workbook["Matrix"]
    header = [cell.value for cell in sheet[1]]
    assert header == ["Outcome", "Element", "Title", "AX3000 router", "Acme Wi-Fi app", "Acme Cloud portal", "Product"]
    assert sheet.freeze_panes == "D2"
    rows = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["DP-1"][3:] == ("satisfied", "partially satisfied", "satisfied", "partially satisfied")
    assert rows["CSA-1"][3:] == ("not assessed", "n/a", "not assessed", "not assessed")
    assert rows["DOC-1a"][3:] == (None, None, None, "satisfied")
    assert len(rows) == sum(1 for _ in (report_dir / "matrix.csv").open()) - 1
    legend = [row[0] for row in workbook["Legend"].iter_rows(min_row=2, max_row=7, values_only=True)]
    assert legend == ["satisfied", "partially satisfied", "not satisfied", "n/a", "not assessed", "error"]
    assert workbook.properties.created is not None and workbook.properties.created.isoformat() == "2026-11-02T10:30:00"
    with zipfile.ZipFile(report_dir / "matrix.xlsx") as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_oscal_documents_read_back_with_trestle(report_dir: Path) -> None:
    from trestle.oscal.assessment_results import AssessmentResults
    from trestle.oscal.component import ComponentDefinition

    definition = ComponentDefinition.oscal_read(report_dir / "component-definition.json")
    assert [component.title for component in definition.components] == [
        "AX3000 router", "Acme Wi-Fi app", "Acme Cloud portal", "Acme AX3000 Router (product developer)",
    ]  # fmt: skip
    app = definition.components[1]
    implemented = [item.control_id for item in app.control_implementations[0].implemented_requirements]
    assert "DP-1" in implemented and "DP-2" not in implemented and "CSA-1" not in implemented
    assert app.control_implementations[0].source == "nist-ir-8425a.oscal.json"

    results = AssessmentResults.oscal_read(report_dir / "assessment-results.json")
    result = results.results[0]
    findings = {next(p.value for p in finding.props if p.name == "cell"): finding for finding in result.findings}
    assert len(findings) == 12  # cells with a record (DP-1@router has two records)
    status = {
        key: (finding.target.status.state.value, finding.target.status.reason) for key, finding in findings.items()
    }
    assert status["DP-1@router"] == ("satisfied", "pass")
    assert status["DP-1@app"] == ("not-satisfied", "fail")
    assert status["IAC-1a@router"] == ("not-satisfied", "fail")
    assert status["SU-1@cloud"] == ("not-satisfied", "other")
    verdicts = {key: next(p.value for p in finding.props if p.name == "verdict") for key, finding in findings.items()}
    assert verdicts["DP-1@app"] == "partially_satisfied"
    assert verdicts["SU-1@router"] == "error"
    observations = {observation.uuid: observation for observation in result.observations}
    linked = [observations[ref.observation_uuid] for ref in findings["DP-1@router"].related_observations]
    assert [observation.methods for observation in linked] == [["TEST"], ["EXAMINE"]]
    component_uuids = {component.uuid for component in definition.components}
    assert {subject.subject_uuid for observation in linked for subject in observation.subjects} <= component_uuids


def test_html_escapes_text_and_links_only_safe_urls(report_dir: Path) -> None:
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    assert "<script" not in html
    assert "&lt;script&gt;-free admin UI" in html
    assert 'href="javascript:' not in html
    assert '<a href="https://lab.example/reports/ax3000/app-storage">' in html
    assert 'id="cell-DP-1--router"' in html and 'href="#cell-DP-1--router"' in html
    assert "<link" not in html and "src=" not in html  # self-contained


def test_markdown_matrix_has_a_row_per_element(report_dir: Path) -> None:
    text = (report_dir / "report.md").read_text(encoding="utf-8")
    assert "| DP-1 Stored data protected on each component | satisfied | partially satisfied | satisfied |" in text
    assert "| CSA-1 Capture and record state information for incident detection | not assessed | n/a\\* |" in text
    statement = (report_dir / "doc-1c-statement.md").read_text(encoding="utf-8")
    assert "does not apply to Acme Wi-Fi app (the product file overrides the rule)" in statement
    assert "is partially satisfied on Acme Wi-Fi app: Tokens are in the Android Keystore" in statement
    assert "does not apply to Acme Cloud portal (assessed as not applicable)" in statement


def test_evidence_files_are_copied_and_linked(router_result: AssessmentResult, tmp_path: Path) -> None:
    known = dict(BLOBS)
    missing = hashlib.sha256(FILES["security-design.pdf"]).hexdigest()
    del known[missing]
    written = write_reports(router_result, tmp_path, ["html", "md", "json"], blobs=known.__getitem__)
    copies = sorted(path.relative_to(tmp_path).as_posix() for path in written if path.parts[-3] == "evidence")
    sha = hashlib.sha256(FILES["flash-encryption.txt"]).hexdigest()
    assert f"evidence/{sha}/flash-encryption.txt" in copies and len(copies) == 2
    assert (tmp_path / f"evidence/{sha}/flash-encryption.txt").read_bytes() == FILES["flash-encryption.txt"]
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert f'<a href="evidence/{sha}/flash-encryption.txt">evidence/flash-encryption.txt</a>' in html
    assert f"evidence/{missing}/" not in html  # not available: shown by name and hash only
    data = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    cell = next(item for item in data["cells"] if item["key"] == "DP-1@router")
    assert cell["evidence"][1]["href"] == f"evidence/{sha}/flash-encryption.txt"


def test_a_blob_that_does_not_match_its_hash_is_refused(router_result: AssessmentResult, tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="does not match its recorded SHA-256"):
        write_reports(router_result, tmp_path, ["json"], blobs=lambda sha256: b"something else")


def test_unknown_format_is_one_clear_line(router_result: AssessmentResult, tmp_path: Path) -> None:
    with pytest.raises(ReportError) as caught:
        write_reports(router_result, tmp_path, ["html", "docx"])
    assert caught.value.one_line() == (
        "unknown report format 'docx' (tip: choose from html, pdf, md, json, csv, xlsx, oscal)"
    )
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ReportError, match="no report format"):
        write_reports(router_result, tmp_path, [])


def test_unwritable_directory_is_one_clear_line(router_result: AssessmentResult, tmp_path: Path) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a directory", encoding="utf-8")
    with pytest.raises(ReportError) as caught:
        write_reports(router_result, blocker, ["md"])
    assert caught.value.one_line() == f"{blocker}: the report directory is a file"
    with pytest.raises(ReportError, match="cannot create the report directory") as nested:
        write_reports(router_result, blocker / "reports", ["md"])
    assert "\n" not in nested.value.one_line()


def test_a_product_without_records_says_so(workspace: Workspace, tmp_path: Path) -> None:
    product = router_product()
    profile = show_document(workspace, product.profile_id)
    result = evaluate(plan(product, profile, None), AssessmentLog(product=product.id, profile=profile.id))
    write_reports(result, tmp_path, ["html", "md", "json", "xlsx", "oscal"])
    assert "no records yet" in (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Statement as of no records yet" in (tmp_path / "doc-1c-statement.md").read_text(encoding="utf-8")
    data = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert data["report_date"] is None and data["summary"]["product_verdict"] == "not_assessed"
    jsonschema.validate(data, report_schema(), cls=jsonschema.Draft202012Validator)
    results = json.loads((tmp_path / "assessment-results.json").read_text(encoding="utf-8"))
    assert results["assessment-results"]["metadata"]["last-modified"].startswith("1970-01-01T00:00:00")
    assert "findings" not in results["assessment-results"]["results"][0]


def test_requirements_from_the_bundled_crosswalks_are_grouped_by_document(
    workspace: Workspace, router_result: AssessmentResult, tmp_path: Path
) -> None:
    product = router_result.plan.product
    result = evaluate(plan(product, router_result.plan.profile, workspace.crosswalks), router_result.log)
    write_reports(result, tmp_path, ["html"])
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    article = html.split('id="cell-DP-1--router"', 1)[1].split("</article>", 1)[0]
    assert "Requirements that inform it" in article
    assert article.count("<h6>") >= 3  # evidence, then one heading per document


def test_a_large_product_gets_a_split_matrix_and_no_repeated_lists(
    workspace: Workspace, router_result: AssessmentResult, tmp_path: Path
) -> None:
    data = router_result.plan.product.model_dump()
    extenders = [{"id": f"ext{index}", "name": f"Extender {index}", "kind": "device", "updatable": True}
                 for index in range(1, 10)]  # fmt: skip
    product = Product.model_validate({**data, "components": [*data["components"], *extenders]})
    result = evaluate(plan(product, router_result.plan.profile, workspace.crosswalks), router_result.log)
    write_reports(result, tmp_path, ["html", "md"])
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert html.count('<table class="matrix">') == 2
    assert "(components 1 to 6 of 12)" in html and "(components 7 to 12 of 12)" in html
    article = html.split('id="cell-AI-1--ext1"', 1)[1].split("</article>", 1)[0]
    assert 'as for <a href="#cell-AI-1--router">AX3000 router</a>' in article
    assert "<details" not in article
    markdown = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert markdown.count("| AI-1 Product is uniquely identifiable |") == 1  # Markdown keeps one table
    assert "Informed by the same requirements as AX3000 router" in markdown


def test_identical_results_give_identical_uuids_and_other_products_others(
    router_result: AssessmentResult, report_dir: Path, tmp_path: Path
) -> None:
    renamed = dataclasses.replace(
        router_result.plan, product=router_result.plan.product.model_copy(update={"id": "acme-ax3000-b"})
    )
    log = router_result.log.model_copy(update={"product": "acme-ax3000-b"})
    write_reports(evaluate(renamed, log), tmp_path, ["oscal"])
    first = json.loads((report_dir / "assessment-results.json").read_text(encoding="utf-8"))
    second = json.loads((tmp_path / "assessment-results.json").read_text(encoding="utf-8"))
    assert first["assessment-results"]["uuid"] != second["assessment-results"]["uuid"]


def test_the_pdf_renderer_fetches_nothing() -> None:
    import weasyprint

    from iotprofile.reports.assessment.pdf_report import _fetcher

    with pytest.raises(ValueError, match=r"disallowed protocol|self-contained"):
        _fetcher(weasyprint)("file:///etc/hostname")


def test_public_names() -> None:
    assert reports.__all__ == ["FORMATS", "ReportFormat", "write_reports"]
    assert FORMATS == ("html", "pdf", "md", "json", "csv", "xlsx", "oscal")
