"""Bad requirement lists: each refused with one line naming the file and the place in it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from iotprofile.catalog.library import CatalogLibrary
from iotprofile.errors import ExitCode, RequirementsError, UnknownDocumentError
from iotprofile.profiles.build.ingest import RequirementSource, read_all, read_requirements


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def write(name: str, text: str) -> Path:
    path = Path(name)
    path.write_text(text, encoding="utf-8")
    return path


def refused(source: RequirementSource | Path) -> str:
    """The one line the CLI would print for this source."""
    spec = RequirementSource(file=source) if isinstance(source, Path) else source
    with pytest.raises(RequirementsError) as caught:
        read_requirements(spec)
    assert caught.value.exit_code is ExitCode.INVALID_INPUT
    line = caught.value.one_line()
    assert "\n" not in line
    return line


def test_missing_id_column_names_the_columns_found() -> None:
    path = write("reqs.csv", "Name,Wording\nA,Do A.\n")
    assert refused(path) == (
        "reqs.csv: no 'id' column; columns found: 'Name', 'Wording' (tip: map one with columns: {id: <column>})"
    )


def test_missing_text_column() -> None:
    path = write("reqs.csv", "ID,Notes\nA-1,x\n")
    assert refused(path) == (
        "reqs.csv: no 'text' column; columns found: 'ID', 'Notes' (tip: map one with columns: {text: <column>})"
    )


def test_a_mapped_column_that_is_not_there() -> None:
    path = write("reqs.csv", "ID,Text\nA-1,Do A.\n")
    source = RequirementSource(file=path, columns={"strength": "Keyword"})
    assert refused(source) == "reqs.csv: no column 'Keyword' (mapped to strength); columns found: 'ID', 'Text'"


def test_duplicate_ids_name_both_rows() -> None:
    path = write("reqs.csv", "id,text\nA-1,Do A.\nA-2,Do B.\n A-1 ,Do C.\n")
    assert refused(path) == "reqs.csv row 4: duplicate requirement ID 'A-1' (also at reqs.csv row 2)"


def test_duplicate_ids_name_both_lines_in_markdown() -> None:
    path = write("reqs.md", "# A\nREQ-1 Do A.\n\nREQ-1 Do B.\n")
    assert refused(path) == "reqs.md:4: duplicate requirement ID 'REQ-1' (also at reqs.md:2)"


def test_empty_text() -> None:
    path = write("reqs.csv", 'id,text\nA-1,Do A.\nA-2,"  "\n')
    assert refused(path) == "reqs.csv row 3: requirement 'A-2' has empty text"


def test_empty_text_after_an_id_line() -> None:
    path = write("reqs.txt", "REQ-1 Do A.\nREQ-2\n")
    assert refused(path) == "reqs.txt:2: requirement 'REQ-2' has empty text"


def test_empty_id() -> None:
    path = write("reqs.csv", "id,text\n,Do A.\n")
    assert refused(path) == "reqs.csv row 2: empty requirement ID"


def test_no_requirements_found() -> None:
    path = write("notes.txt", "Just prose.\nNo IDs at the start of any line, e.g. REQ-1.\n")
    assert refused(path) == "notes.txt: no requirements found"
    path = write("empty.yaml", "requirements: []\n")
    assert refused(path) == "empty.yaml:1: no requirements found"


def test_unknown_format() -> None:
    path = write("reqs.docx", "x")
    line = refused(path)
    assert line.startswith("reqs.docx: unknown requirement list format '.docx'; expected one of .csv, ")
    assert line.endswith("(tip: set 'format')")


def test_missing_file() -> None:
    assert refused(Path("nowhere.csv")) == "nowhere.csv: file not found"
    assert refused(Path("nowhere.xlsx")) == "nowhere.xlsx: file not found"


def test_unknown_catalog_is_not_found() -> None:
    with pytest.raises(UnknownDocumentError) as caught:
        read_requirements(RequirementSource(catalog="etsi-en-303-646"), catalogs=CatalogLibrary())
    assert caught.value.exit_code is ExitCode.NOT_FOUND
    assert caught.value.one_line().startswith("unknown document 'etsi-en-303-646' (tip: did you mean etsi-en-303-645")


def test_yaml_record_missing_a_field_names_the_line() -> None:
    path = write("reqs.yaml", "requirements:\n  - id: A-1\n    text: Do A.\n  - id: A-2\n    title: No text\n")
    assert (
        refused(path)
        == "reqs.yaml:4: no 'text' field; fields found: 'id', 'title' (tip: map one with columns: {text: <field>})"
    )


def test_json_record_missing_a_field_names_the_path() -> None:
    path = write("reqs.json", json.dumps({"requirements": [{"id": "A-1", "text": "Do A."}, {"text": "Do B."}]}))
    assert refused(path) == (
        "reqs.json $.requirements[1]: no 'id' field; fields found: 'text' (tip: map one with columns: {id: <field>})"
    )


def test_json_record_with_an_empty_or_structured_field() -> None:
    path = write("reqs.json", json.dumps([{"id": "A-1", "text": None}]))
    assert refused(path) == "reqs.json $[0].text: empty text"
    path = write("nested.json", json.dumps([{"id": "A-1", "text": ["a", "b"]}]))
    assert refused(path) == "nested.json $[0].text: text must be text, not a list"


def test_records_path_that_leads_nowhere() -> None:
    path = write("reqs.json", json.dumps({"a": {"b": []}}))
    assert refused(RequirementSource(file=path, records="a.c")) == (
        "reqs.json $.a: no key 'c' on the records path 'a.c'"
    )
    path = write("two.json", json.dumps({"a": [], "b": []}))
    assert refused(path) == "two.json: cannot tell which list holds the requirements (tip: set 'records' to its path)"


def test_a_record_that_is_not_a_mapping() -> None:
    path = write("reqs.yaml", "- id: A-1\n  text: Do A.\n- just a string\n")
    assert refused(path) == "reqs.yaml:3: [1]: a requirement record must be a mapping"


def test_xlsx_that_openpyxl_cannot_open() -> None:
    path = write("broken.xlsx", "this is not a zip file")
    assert refused(path).startswith("broken.xlsx: cannot open as an XLSX workbook: ")


def test_xlsx_sheet_that_does_not_exist() -> None:
    workbook = Workbook()
    workbook.active.title = "R"  # type: ignore[union-attr]
    workbook.create_sheet("Other")
    workbook.save("reqs.xlsx")
    assert refused(RequirementSource(file=Path("reqs.xlsx"), sheet="Nope")) == (
        "reqs.xlsx: no sheet 'Nope'; sheets: 'R', 'Other'"
    )


def test_xlsx_problems_name_sheet_and_row() -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "R"
    for row in (["ID", "Text"], ["A-1", "Do A."], ["A-2", None], ["A-3", "Do C."]):
        sheet.append(row)
    workbook.save("reqs.xlsx")
    assert refused(Path("reqs.xlsx")) == "reqs.xlsx sheet 'R' row 3: requirement 'A-2' has empty text"
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["ID", "Text", "ID"])
    sheet.append(["A-1", "Do A.", "A-2"])
    workbook.save("twice.xlsx")
    assert refused(Path("twice.xlsx")) == "twice.xlsx sheet 'Sheet' row 1: repeated column name(s) 'ID' in the header"
    workbook = Workbook()
    workbook.save("blank.xlsx")
    assert refused(Path("blank.xlsx")) == "blank.xlsx sheet 'Sheet': the sheet is empty"


def test_invalid_syntax_is_located() -> None:
    assert refused(write("bad.json", '{"a": [1,]}')) == "bad.json:1: invalid JSON: Expecting value"
    assert refused(write("bad.yaml", "a: [1\n")).startswith("bad.yaml:2: invalid YAML")
    assert refused(write("bad.csv", 'id,text\nA-1,"Do A.\n')).startswith("bad.csv row")


def test_oscal_format_on_a_file_that_is_not_oscal() -> None:
    path = write("reqs.json", json.dumps([{"id": "A-1", "text": "Do A."}]))
    assert refused(RequirementSource(file=path, format="oscal")) == (
        "reqs.json: not an OSCAL catalog (expected a top-level 'catalog' key)"
    )


def test_file_name_without_a_usable_standard_id() -> None:
    assert refused(write("_.csv", "id,text\nA-1,Do A.\n")) == (
        "_.csv: cannot derive a standard ID from the file name (tip: set 'standard')"
    )


def test_read_all_refuses_the_same_key_from_two_sources() -> None:
    first = write("part1.csv", "id,text\nA-1,Do A.\nA-2,Do B.\n")
    second = write("part2.csv", "id,text\nA-3,Do C.\nA-2,Do B again.\n")
    sources = [RequirementSource(file=first, standard="std"), RequirementSource(file=second, standard="std")]
    with pytest.raises(RequirementsError) as caught:
        read_all(sources)
    assert caught.value.one_line() == (
        "part2.csv row 3: requirement 'A-2' of 'std' is read twice (also at part1.csv row 3)"
    )


def test_read_all_keeps_same_ids_of_different_standards_apart() -> None:
    first = write("one.csv", "id,text\nA-1,Do A.\n")
    second = write("two.csv", "id,text\nA-1,Do A too.\n")
    reqs = read_all([RequirementSource(file=first), RequirementSource(file=second)])
    assert [r.key for r in reqs] == ["one:A-1", "two:A-1"]
    assert reqs.standards == ("one", "two")
