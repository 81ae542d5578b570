"""Unit tests for iotprofile.catalog.source: reading data files and naming places in them."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict, ValidationError

from iotprofile.catalog import source
from iotprofile.catalog.source import Located, describe_loc, first_error, json_path, read_located, read_text
from iotprofile.catalog.vocabulary import ElementKind
from iotprofile.errors import CatalogError, CrosswalkError, IotprofileError


@pytest.fixture(autouse=True)
def _no_user_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IOTPROFILE_CATALOG_DIR", "")


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def refused(path: Path, error: type[IotprofileError] = CatalogError) -> IotprofileError:
    with pytest.raises(error) as info:
        read_located(path, error)
    return info.value


# ---------------------------------------------------------------------------------------------------------- YAML

YAML_TEXT = """\
id: doc
title: A document
elements:
- id: A
  kind: group
  provenance:
    status: user
- id: B
  parent: A
  text: |
    Two lines
    of text.
  provenance:
    status: user
empty:
nested:
  deeper:
    deepest: [1, 2,
      3]
"""


@pytest.fixture
def yaml_file(tmp_path: Path) -> Located:
    return read_located(write(tmp_path, "doc.yaml", YAML_TEXT), CatalogError)


@pytest.mark.parametrize(
    ("loc", "line"),
    [
        pytest.param((), 1, id="top-level"),
        pytest.param(("id",), 1, id="first-key"),
        pytest.param(("title",), 2, id="second-key"),
        pytest.param(("elements",), 4, id="sequence-starts-at-first-item"),
        pytest.param(("elements", 0), 4, id="first-item"),
        pytest.param(("elements", 0, "kind"), 5, id="field-of-first-item"),
        pytest.param(("elements", 0, "provenance", "status"), 7, id="nested-mapping"),
        pytest.param(("elements", 1), 8, id="second-item"),
        pytest.param(("elements", 1, "parent"), 9, id="field-of-second-item"),
        pytest.param(("elements", 1, "text"), 10, id="block-scalar-starts-at-indicator"),
        pytest.param(("elements", 1, "provenance", "status"), 14, id="after-block-scalar"),
        pytest.param(("empty",), 15, id="empty-value"),
        pytest.param(("nested", "deeper", "deepest"), 18, id="flow-sequence"),
        pytest.param(("nested", "deeper", "deepest", 2), 19, id="flow-item-on-next-line"),
        # A path that goes further than the file: the deepest place it reaches.
        pytest.param(("elements", 1, "kind"), 8, id="missing-key-names-its-mapping"),
        pytest.param(("elements", 5, "id"), 4, id="index-out-of-range-names-the-list"),
        pytest.param(("missing", "x"), 1, id="missing-top-level-key"),
        pytest.param(("elements", "id"), 4, id="string-into-sequence-names-the-list"),
        pytest.param(("title", 0), 2, id="index-into-scalar"),
    ],
)
def test_yaml_where_names_the_line(yaml_file: Located, loc: tuple[int | str, ...], line: int) -> None:
    assert yaml_file.where(loc) == f"{yaml_file.path}:{line}"


def test_yaml_data_is_parsed(yaml_file: Located) -> None:
    assert yaml_file.data["elements"][1]["text"] == "Two lines\nof text.\n"
    assert yaml_file.data["empty"] is None
    assert yaml_file.node is not None
    assert yaml_file.row_lines == ()


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    error = refused(write(tmp_path, "bad.yml", "a: 1\nb: c: d\n"))
    assert error.where == f"{tmp_path / 'bad.yml'}:2"
    assert error.message.startswith("invalid YAML: ")


def test_yaml_unsafe_tag_is_refused(tmp_path: Path) -> None:
    error = refused(write(tmp_path, "bad.yaml", "a: !!python/name:os.system\n"))
    assert error.where == f"{tmp_path / 'bad.yaml'}:1"
    assert "invalid YAML" in error.message


def test_yaml_second_document_is_refused(tmp_path: Path) -> None:
    error = refused(write(tmp_path, "two.yaml", "a: 1\n---\nb: 2\n"))
    assert error.where == f"{tmp_path / 'two.yaml'}:2"


def test_empty_yaml_is_refused_at_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "empty.yaml", "  \n")
    error = refused(path)
    assert error.where == str(path)
    assert "empty" in error.message


def test_upper_case_suffix_is_read(tmp_path: Path) -> None:
    located = read_located(write(tmp_path, "DOC.YAML", "a: 1\n"), CatalogError)
    assert located.data == {"a": 1}


# ---------------------------------------------------------------------------------------------------------- JSON


def test_json_where_is_a_json_path(tmp_path: Path) -> None:
    located = read_located(write(tmp_path, "doc.json", '{"a": [{"b": 1}, {"b": 2}]}'), CatalogError)
    assert located.data == {"a": [{"b": 1}, {"b": 2}]}
    assert located.node is None
    assert located.where(("a", 1, "b")) == f"{located.path} $.a[1].b"
    assert located.where(("a",)) == f"{located.path} $.a"
    assert located.where() == str(located.path)


def test_json_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.json", '{\n  "a": 1,\n  "b": ,\n}\n')
    error = refused(path)
    assert error.where == f"{path}:3"
    assert error.message.startswith("invalid JSON: ")


def test_json_with_utf8_bom_is_read(tmp_path: Path) -> None:
    located = read_located(write(tmp_path, "bom.json", '\ufeff{"a": "\u00e9"}'), CatalogError)
    assert located.data == {"a": "\u00e9"}


@pytest.mark.parametrize(
    ("loc", "path", "described"),
    [
        ((), "$", "(top level)"),
        (("id",), "$.id", "id"),
        (("elements", 3, "id"), "$.elements[3].id", "elements[3].id"),
        ((0,), "$[0]", "[0]"),
        (("a", 1, 2, "b"), "$.a[1][2].b", "a[1][2].b"),
    ],
)
def test_json_path_and_describe_loc(loc: tuple[int | str, ...], path: str, described: str) -> None:
    assert json_path(loc) == path
    assert describe_loc(loc) == described


# ----------------------------------------------------------------------------------------------------------- CSV


def test_csv_rows_count_the_header_as_row_1(tmp_path: Path) -> None:
    located = read_located(write(tmp_path, "cat.csv", "id,text\nA,first\nB,second\n"), CatalogError)
    assert located.data == [{"id": "A", "text": "first"}, {"id": "B", "text": "second"}]
    assert located.row_lines == (2, 3)
    assert located.where((0,)) == f"{located.path} row 2"
    assert located.where((1, "text")) == f"{located.path} row 3 column 'text'"


def test_csv_blank_lines_are_skipped_but_keep_their_row_numbers(tmp_path: Path) -> None:
    text = "id,text\n\nA,first\n , \n,\nB,second\n\n"
    located = read_located(write(tmp_path, "cat.csv", text), CatalogError)
    assert [row["id"] for row in located.data] == ["A", "B"]
    assert located.row_lines == (3, 6)
    assert located.where((0,)) == f"{located.path} row 3"
    assert located.where((1, "id")) == f"{located.path} row 6 column 'id'"


def test_csv_crlf_bom_and_whitespace(tmp_path: Path) -> None:
    located = read_located(write(tmp_path, "cat.csv", "\ufeff id , text \r\nA , x \r\n\r\nB,y\r\n"), CatalogError)
    assert located.data == [{"id": "A", "text": "x"}, {"id": "B", "text": "y"}]
    assert located.row_lines == (2, 4)


def test_csv_where_without_a_row_is_not_a_row(tmp_path: Path) -> None:
    located = read_located(write(tmp_path, "cat.csv", "id,text\nA,x\n"), CatalogError)
    assert located.where() == str(located.path)


def test_csv_where_past_the_last_row_counts_from_the_header(tmp_path: Path) -> None:
    located = read_located(write(tmp_path, "cat.csv", "id,text\nA,x\n"), CatalogError)
    assert located.where((3,)) == f"{located.path} row 5"


def test_csv_wrong_number_of_values_names_the_row(tmp_path: Path) -> None:
    path = write(tmp_path, "cat.csv", "id,text\nA,x\n\nB,y,z\n")
    error = refused(path)
    assert error.where == f"{path} row 4"
    assert error.message == "3 values for 2 columns"


def test_csv_unterminated_quote(tmp_path: Path) -> None:
    path = write(tmp_path, "map.csv", 'id,text\nA,"x\n')
    error = refused(path, CrosswalkError)
    assert isinstance(error, CrosswalkError)
    assert error.where is not None
    assert error.where.startswith(f"{path} row ")
    assert error.message.startswith("invalid CSV: ")


@pytest.mark.parametrize("header", ["id,text,id\n", "id,,text\n", "id, text ,text\n"])
def test_csv_header_with_empty_or_repeated_names(tmp_path: Path, header: str) -> None:
    path = write(tmp_path, "cat.csv", header + "A,x,y\n")
    error = refused(path)
    assert error.where == f"{path} row 1"
    assert "repeated" in error.message


def test_empty_csv(tmp_path: Path) -> None:
    path = write(tmp_path, "cat.csv", "")
    error = refused(path)
    assert error.where == str(path)
    assert "CSV file is empty" in error.message


def test_csv_with_only_a_header_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "cat.csv", "id,text\n")
    error = refused(path)
    assert error.where == f"{path} row 1"
    assert "no rows" in error.message


def test_csv_row_with_a_multi_line_cell_is_named_by_its_first_line(tmp_path: Path) -> None:
    located = read_located(write(tmp_path, "cat.csv", 'id,text\nA,"line 1\nline 2"\nB,x\n'), CatalogError)
    assert located.data[0]["text"] == "line 1\nline 2"
    assert located.where((0,)) == f"{located.path} row 2"


def test_csv_blank_line_before_the_header(tmp_path: Path) -> None:
    path = write(tmp_path, "cat.csv", "\nid,text\nA,x\n")
    outcome = _read_or_error(path)
    if isinstance(outcome, CatalogError):
        assert "0 columns" not in outcome.message
    else:
        assert outcome.data == [{"id": "A", "text": "x"}]


def _read_or_error(path: Path) -> Located | CatalogError:
    try:
        return read_located(path, CatalogError)
    except CatalogError as error:
        return error


# ----------------------------------------------------------------------------------------------- files and types


def test_read_text_refuses_oversized_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(source, "MAX_DATA_FILE_BYTES", 10)
    path = write(tmp_path, "big.yaml", "a: 1234567890\n")
    with pytest.raises(CatalogError) as info:
        read_text(path, CatalogError)
    assert info.value.where == str(path)
    assert "14 bytes" in info.value.message
    assert "10 bytes" in info.value.message
    # read_located goes through the same check.
    assert "larger than" in refused(path).message


def test_read_text_accepts_a_file_at_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(source, "MAX_DATA_FILE_BYTES", 5)
    assert read_text(write(tmp_path, "ok.yaml", "a: 1\n"), CatalogError) == "a: 1\n"


def test_read_text_strips_a_utf8_bom(tmp_path: Path) -> None:
    assert read_text(write(tmp_path, "bom.yaml", "\ufeffa: 1\n"), CatalogError) == "a: 1\n"


def test_read_text_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "missing.yaml"
    with pytest.raises(CrosswalkError) as info:
        read_text(path, CrosswalkError)
    assert (info.value.where, info.value.message) == (str(path), "file not found")


def test_read_text_directory(tmp_path: Path) -> None:
    path = tmp_path / "dir.yaml"
    path.mkdir()
    with pytest.raises(CatalogError) as info:
        read_text(path, CatalogError)
    assert (info.value.where, info.value.message) == (str(path), "is a directory, not a file")


def test_read_text_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes(b"a: caf\xe9\n")
    with pytest.raises(CatalogError) as info:
        read_text(path, CatalogError)
    assert (info.value.where, info.value.message) == (str(path), "not UTF-8 text (byte 6)")


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("doc.txt", "unknown file type '.txt'"),
        ("doc", "unknown file type '(none)'"),
        ("doc.yaml.bak", "unknown file type '.bak'"),
        ("doc.xlsx", "XLSX"),
        ("doc.XLSX", "XLSX"),
    ],
)
def test_unsupported_suffix_is_refused_before_reading(tmp_path: Path, name: str, words: str) -> None:
    path = tmp_path / name  # never written: the suffix alone decides
    error = refused(path)
    assert error.where == str(path)
    assert words in error.message


def test_error_type_is_the_one_asked_for(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.yaml", "a: [\n")
    with pytest.raises(CrosswalkError):
        read_located(path, CrosswalkError)


# ---------------------------------------------------------------------------------------------------- first_error


class _Probe(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: ElementKind
    count: int = 0


def _error_of(data: object) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        _Probe.model_validate(data)
    return info.value


def test_first_error_unknown_field() -> None:
    assert first_error(_error_of({"kind": "group", "cuont": 1})) == (("cuont",), "unknown field")


def test_first_error_enum_lists_the_choices() -> None:
    loc, message = first_error(_error_of({"kind": "outcomee"}))
    assert loc == ("kind",)
    assert message.startswith("'outcomee' is not one of 'group', 'outcome'")


def test_first_error_missing_field() -> None:
    assert first_error(_error_of({})) == (("kind",), "Field required")
