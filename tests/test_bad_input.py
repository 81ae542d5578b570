"""Bad catalog and mapping files are refused through the real CLI: one line on stderr, exit 3, nothing loaded.

Each case writes a file into ``tmp_path`` and runs ``iotprofile validate FILE`` (or a command that loads a
``--catalog-dir``) through typer's CliRunner. An error must be exactly one line naming the file, the place
(line for YAML, JSON path for JSON, row for CSV) and the problem. Unknown IDs given on the command line exit 4
with a "did you mean" tip where a close match exists.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from iotprofile.cli.app import app
from iotprofile.errors import ExitCode

INVALID = int(ExitCode.INVALID_INPUT)
NOT_FOUND = int(ExitCode.NOT_FOUND)

runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_user_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No catalog directory from the user's shell."""
    monkeypatch.setenv("IOTPROFILE_CATALOG_DIR", "")


def invoke(*args: str | Path) -> Result:
    return runner.invoke(app, [str(arg) for arg in args])


def error_line(result: Result, exit_code: int = INVALID) -> str:
    """The single error line of a failed run (and check the run failed the documented way)."""
    assert result.exit_code == exit_code, (result.exit_code, result.stdout, result.stderr, result.exception)
    assert isinstance(result.exception, SystemExit), result.exception  # not an internal error with a traceback
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].strip(), result.stderr
    assert lines[0].startswith("error: "), lines[0]
    assert result.stdout == "", result.stdout
    return lines[0]


def ok_line(result: Result) -> str:
    assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr, result.exception)
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout
    assert lines[0].startswith("ok: "), lines[0]
    return lines[0]


# ------------------------------------------------------------------------------------------------- test data

#: A small valid catalog. Line numbers matter: the cases below edit single lines and expect them in messages.
GOOD_CATALOG = """\
id: my-cat
kind: standard
title: My catalog
publisher: Me
licence: user-supplied
provenance:
  status: user
elements:
- id: A
  kind: group
  title: Group A
  provenance:
    status: user
- id: A-1
  parent: A
  kind: requirement
  text: Do a thing.
  provenance:
    status: user
"""
assert GOOD_CATALOG.splitlines()[13] == "- id: A-1"  # line 14

GOOD_CSV_CATALOG = "id,parent,kind,text\nA,,group,Group A\nA-1,A,requirement,Do a thing.\n"

GOOD_CROSSWALK = """\
id: my-map
title: My mapping
origin: user
licence: user-supplied
mappings:
- source: my-cat:A-1
  target: nist-ir-8425:DP-1
  relationship: subset_of
  rationale: semantic
"""

#: Mappings between bundled elements only, so these files validate without a catalog directory.
BUNDLED_CROSSWALK = """\
id: bundled-map
title: Mapping between bundled catalogs
origin: user
licence: user-supplied
mappings:
- source: nist-ir-8425:DP-1
  target: nist-ir-8425:DP-2
  relationship: intersects_with
  rationale: semantic
- source: nist-ir-8425:DP-2
  target: nist-ir-8425:DP-3
  relationship: intersects_with
  rationale: semantic
"""
assert BUNDLED_CROSSWALK.splitlines()[10] == "  target: nist-ir-8425:DP-3"  # line 11

CSV_MAPPING_HEADER = "source,target,relationship,rationale\n"
GOOD_CSV_MAPPING = CSV_MAPPING_HEADER + "etsi-en-303-645:5.4-1,nist-ir-8425:DP-1,subset_of,semantic\n"


def edit(text: str, old: str, new: str) -> str:
    """``text`` with ``old`` (which must occur exactly once) replaced by ``new``."""
    assert text.count(old) == 1, old
    return text.replace(old, new)


def catalog_json(**element_1: Any) -> str:
    """The good catalog as JSON, with fields of its second element overridden."""
    import yaml

    data = yaml.safe_load(GOOD_CATALOG)
    data["elements"][1].update(element_1)
    return json.dumps(data, indent=2)


@dataclass(frozen=True)
class Bad:
    """A bad file, where its error must point, and words the problem must be described with."""

    name: str
    content: str | bytes
    #: Expected place, written after the file name: ``:17``, `` row 3``, `` $.elements[1].kind`` ...
    place: str
    words: tuple[str, ...]


BAD_FILES = {
    # ---- YAML catalogs
    "yaml-syntax-error": Bad(
        "cat.yaml", edit(GOOD_CATALOG, "  text: Do a thing.", "  text: Do: a thing."), ":17", ("invalid YAML",)
    ),
    "yaml-bad-indentation": Bad(
        "cat.yaml", edit(GOOD_CATALOG, "  kind: requirement", "   kind: requirement"), ":16", ("invalid YAML",)
    ),
    "yaml-tab-indentation": Bad(
        "cat.yaml", edit(GOOD_CATALOG, "  kind: requirement", "\tkind: requirement"), ":16", ("invalid YAML", "tab")
    ),
    "yaml-two-documents": Bad("cat.yaml", GOOD_CATALOG + "---\nid: other\n", ":20", ("invalid YAML",)),
    "yaml-python-tag": Bad("cat.yaml", "!!python/object:os.system x\n", ":1", ("invalid YAML",)),
    "duplicate-element-id": Bad(
        "cat.yaml",
        GOOD_CATALOG + "- id: A\n  kind: group\n  provenance:\n    status: user\n",
        ":20: elements[2]",
        ("duplicate", "'A'"),
    ),
    "unknown-parent": Bad(
        "cat.yaml", edit(GOOD_CATALOG, "parent: A", "parent: Z"), ":14: elements[1]", ("unknown parent", "'Z'")
    ),
    "parent-is-self": Bad(
        "cat.yaml", edit(GOOD_CATALOG, "parent: A", "parent: A-1"), ":14: elements[1]", ("itself", "'A-1'")
    ),
    "unknown-field-typo": Bad(
        "cat.yaml", edit(GOOD_CATALOG, "  text: Do", "  txet: Do"), ":17: elements[1].txet", ("unknown field",)
    ),
    "unknown-top-level-field": Bad(
        "cat.yaml",
        edit(GOOD_CATALOG, "publisher: Me", "publisher: Me\npublsher: Me"),
        ":5: publsher",
        ("unknown field",),
    ),
    "invalid-element-kind": Bad(
        "cat.yaml",
        edit(GOOD_CATALOG, "kind: requirement", "kind: outcomee"),
        ":16: elements[1].kind",
        ("'outcomee'", "not one of", "'outcome'"),
    ),
    "invalid-document-kind": Bad(
        "cat.yaml", edit(GOOD_CATALOG, "kind: standard", "kind: standardd"), ":2: kind", ("'standardd'", "not one of")
    ),
    "invalid-nested-enum": Bad(
        "cat.yaml",
        edit(GOOD_CATALOG, "- id: A-1\n  parent: A", "- id: A-1\n  nature: technicall\n  parent: A"),
        ":15: elements[1].nature",
        ("'technicall'", "not one of"),
    ),
    "invalid-provenance-status": Bad(
        "cat.yaml",
        edit(GOOD_CATALOG, "provenance:\n  status: user", "provenance:\n  status: usr"),
        ":7: provenance.status",
        ("'usr'", "not one of"),
    ),
    "missing-required-field": Bad(
        "cat.yaml", edit(GOOD_CATALOG, "publisher: Me\n", ""), ":1: publisher", ("required",)
    ),
    "missing-required-element-field": Bad(
        "cat.yaml", edit(GOOD_CATALOG, "  kind: requirement\n", ""), ":14: elements[1].kind", ("required",)
    ),
    "wrong-type-list-for-string": Bad(
        "cat.yaml", edit(GOOD_CATALOG, "title: My catalog", "title: [a, b]"), ":3: title", ("string",)
    ),
    "wrong-type-elements-not-a-list": Bad(
        "cat.yaml", GOOD_CATALOG.split("elements:", maxsplit=1)[0] + "elements: none here\n", ":8: elements", ("valid",)
    ),
    "wrong-type-element-not-a-mapping": Bad(
        "cat.yaml", edit(GOOD_CATALOG, "elements:\n", "elements:\n- 5\n"), ":9: elements[0]", ("dictionary",)
    ),
    "invalid-document-id": Bad(
        "cat.yaml", edit(GOOD_CATALOG, "id: my-cat", "id: My Cat"), ":1: id", ("not a valid ID",)
    ),
    "invalid-date": Bad(
        "cat.yaml", edit(GOOD_CATALOG, "licence:", "date: 22 May 2024\nlicence:"), ":5: date", ("YYYY",)
    ),
    "top-level-list": Bad("cat.yaml", "- a\n- b\n", ":1", ("not a catalog or a crosswalk",)),
    # ---- JSON catalogs: places are JSON paths
    "json-bad-enum": Bad("cat.json", catalog_json(kind=5), " $.elements[1].kind", ("not one of",)),
    "json-wrong-type": Bad("cat.json", catalog_json(applies_to="device"), " $.elements[1].applies_to", ("valid",)),
    "json-unknown-field": Bad("cat.json", catalog_json(txet="Do a thing."), " $.elements[1].txet", ("unknown field",)),
    "json-unknown-parent": Bad("cat.json", catalog_json(parent="Z"), " $.elements[1]", ("unknown parent", "'Z'")),
    "json-syntax-error": Bad("cat.json", '{"id": "my-cat",\n "kind": }\n', ":2", ("invalid JSON",)),
    # ---- CSV catalogs: places are rows, the header is row 1
    "csv-too-few-values": Bad(
        "cat.csv", GOOD_CSV_CATALOG + "A-2,A,requirement\n", " row 4", ("3 values for 4 columns",)
    ),
    "csv-too-many-values": Bad(
        "cat.csv", GOOD_CSV_CATALOG + "A-2,A,requirement,x,y\n", " row 4", ("5 values for 4 columns",)
    ),
    "csv-blank-lines-count-as-rows": Bad(
        "cat.csv", "id,parent,kind,text\n\nA,,group,Group A\n\nA-1,A\n", " row 5", ("2 values for 4 columns",)
    ),
    "csv-unknown-column": Bad("cat.csv", "id,parent,kind,txt\nA,,group,Group A\n", " row 1", ("unknown column", "txt")),
    "csv-repeated-column": Bad("cat.csv", "id,text,text\nA,x,y\n", " row 1", ("repeated",)),
    "csv-no-text-column": Bad("cat.csv", "id,kind\nA,group\n", " row 1", ("'text'",)),
    "csv-duplicate-id": Bad("cat.csv", GOOD_CSV_CATALOG + "A,,group,again\n", " row 4", ("duplicate", "'A'")),
    "csv-unknown-parent": Bad(
        "cat.csv", GOOD_CSV_CATALOG + "A-2,Q,requirement,x\n", " row 4", ("unknown parent", "'Q'")
    ),
    "csv-invalid-kind": Bad(
        "cat.csv", GOOD_CSV_CATALOG + "A-2,A,reqq,x\n", " row 4 column 'kind'", ("'reqq'", "not one of")
    ),
    "csv-unterminated-quote": Bad("cat.csv", GOOD_CSV_CATALOG + 'A-2,A,requirement,"x\n', " row 4", ("invalid CSV",)),
    "csv-invalid-document-id-from-file-name": Bad(
        "My Catalog.csv", GOOD_CSV_CATALOG, ": document ID 'My Catalog'", ("invalid",)
    ),
    # ---- YAML crosswalks
    "mapping-to-missing-element": Bad(
        "map.yaml",
        edit(BUNDLED_CROSSWALK, "target: nist-ir-8425:DP-3", "target: nist-ir-8425:XX-9"),
        ":11: mappings[1].target",
        ("'XX-9'", "'nist-ir-8425'"),
    ),
    "mapping-to-unknown-document": Bad(
        "map.yaml",
        edit(BUNDLED_CROSSWALK, "target: nist-ir-8425:DP-3", "target: no-such-doc:X-1"),
        ":11: mappings[1].target",
        ("unknown document", "'no-such-doc'"),
    ),
    "mapping-unknown-relationship": Bad(
        "map.yaml",
        edit(
            BUNDLED_CROSSWALK,
            "relationship: intersects_with\n  rationale: semantic\n-",
            "relationship: sameish\n  rationale: semantic\n-",
        ),
        ":8: mappings[0].relationship",
        ("'sameish'", "not one of"),
    ),
    "mapping-missing-rationale": Bad(
        "map.yaml",
        edit(BUNDLED_CROSSWALK, "  rationale: semantic\n-", "-"),
        ":6: mappings[0].rationale",
        ("required",),
    ),
    "mapping-malformed-reference": Bad(
        "map.yaml",
        edit(BUNDLED_CROSSWALK, "source: nist-ir-8425:DP-1", "source: NIST IR 8425 DP-1"),
        ":6: mappings[0].source",
        ("not a valid ID",),
    ),
    "mapping-duplicate": Bad(
        "map.yaml",
        BUNDLED_CROSSWALK + "- source: nist-ir-8425:DP-1\n  target: nist-ir-8425:DP-2\n"
        "  relationship: equal\n  rationale: semantic\n",
        ":14: mappings[2]",
        ("duplicate mapping",),
    ),
    # ---- CSV crosswalks
    "csv-mapping-unknown-relationship": Bad(
        "map.csv",
        GOOD_CSV_MAPPING + "nist-ir-8425:DP-1,nist-ir-8425:DP-2,subsett,semantic\n",
        " row 3 column 'relationship'",
        ("'subsett'", "not one of"),
    ),
    "csv-mapping-missing-column": Bad(
        "map.csv",
        "source,target,relationship\nnist-ir-8425:DP-1,nist-ir-8425:DP-2,subset_of\n",
        " row 1",
        ("missing column", "rationale"),
    ),
    "csv-mapping-unknown-column": Bad(
        "map.csv",
        "source,target,relationship,rationale,comment\nnist-ir-8425:DP-1,nist-ir-8425:DP-2,subset_of,semantic,x\n",
        " row 1",
        ("unknown column", "comment"),
    ),
    "csv-mapping-to-missing-element": Bad(
        "map.csv",
        GOOD_CSV_MAPPING + "nist-ir-8425:DP-1,nist-ir-8425:XX-9,subset_of,semantic\n",
        " row 3 column 'target'",
        ("'XX-9'",),
    ),
    "csv-mapping-empty-required-value": Bad(
        "map.csv",
        CSV_MAPPING_HEADER + ",nist-ir-8425:DP-2,subset_of,semantic\n",
        " row 2 column 'source'",
        ("required",),
    ),
    "csv-mapping-bad-strength": Bad(
        "map.csv",
        "source,target,relationship,rationale,strength\nnist-ir-8425:DP-1,nist-ir-8425:DP-2,subset_of,semantic,eleven\n",
        " row 2 column 'strength'",
        ("integer",),
    ),
    "csv-mapping-to-itself": Bad(
        "map.csv", CSV_MAPPING_HEADER + "nist-ir-8425:DP-1,nist-ir-8425:DP-1,equal,semantic\n", " row 2", ("itself",)
    ),
    "csv-mapping-duplicate-row": Bad(
        "map.csv", GOOD_CSV_MAPPING + GOOD_CSV_MAPPING.splitlines()[1] + "\n", " row 3", ("duplicate mapping",)
    ),
    # ---- files that cannot be read as data at all
    "unsupported-suffix": Bad("cat.txt", GOOD_CATALOG, ": unknown file type '.txt'", (".yaml",)),
    "no-suffix": Bad("catalog", GOOD_CATALOG, ": unknown file type", ("(none)",)),
    "xlsx": Bad("cat.xlsx", b"PK\x03\x04", ": XLSX", ("CSV",)),
    "non-utf8": Bad("cat.yaml", "title: caf\xe9\n".encode("latin-1"), ": not UTF-8", ("byte 10",)),
    "empty-yaml": Bad("cat.yaml", "", ": the file is empty", ()),
    "empty-json": Bad("cat.json", "", ":1: invalid JSON", ()),
    "empty-csv": Bad("cat.csv", "", ": the CSV file is empty", ("header",)),
}


@pytest.mark.parametrize("case", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_bad_file_is_refused_with_one_located_line(tmp_path: Path, case: Bad) -> None:
    path = tmp_path / case.name
    if isinstance(case.content, bytes):
        path.write_bytes(case.content)
    else:
        path.write_text(case.content, encoding="utf-8")

    line = error_line(invoke("validate", path))

    assert f"error: {path}{case.place}" in line
    for word in case.words:
        assert word in line


def test_mapping_to_missing_element_suggests_nothing_silly(tmp_path: Path) -> None:
    # No element of nist-ir-8425 is close to XX-9: the tip points at the listing rather than guessing.
    path = tmp_path / "map.yaml"
    path.write_text(edit(BUNDLED_CROSSWALK, "target: nist-ir-8425:DP-3", "target: nist-ir-8425:XX-9"))

    line = error_line(invoke("validate", path))

    assert "did you mean" not in line
    assert "catalog show nist-ir-8425" in line


def test_mapping_to_misspelt_document_suggests_the_close_one(tmp_path: Path) -> None:
    path = tmp_path / "map.yaml"
    path.write_text(edit(BUNDLED_CROSSWALK, "target: nist-ir-8425:DP-3", "target: nist-ir-842:DP-3"))

    line = error_line(invoke("validate", path))

    assert f"{path}:11: mappings[1].target: unknown document 'nist-ir-842'" in line
    assert "did you mean nist-ir-8425" in line


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nothing-here.yaml"
    assert error_line(invoke("validate", path)) == f"error: {path}: file not found"


def test_directory_passed_as_file(tmp_path: Path) -> None:
    path = tmp_path / "looks-like-a-file.yaml"
    path.mkdir()
    assert error_line(invoke("validate", path)) == f"error: {path}: is a directory, not a file"


def test_error_output_is_one_line_even_when_the_problem_text_has_newlines(tmp_path: Path) -> None:
    # A field name with a line break in it ends up in the message; the CLI still prints a single line.
    path = tmp_path / "cat.yaml"
    path.write_text(edit(GOOD_CATALOG, "publisher: Me", 'publisher: Me\n"pub\\nlisher": Me'))
    line = error_line(invoke("validate", path))
    assert f"{path}:5: pub lisher: unknown field" in line


# ------------------------------------------------------------------------------------------------ valid files


def test_valid_yaml_catalog(tmp_path: Path) -> None:
    path = tmp_path / "my-cat.yaml"
    path.write_text(GOOD_CATALOG)
    assert ok_line(invoke("validate", path)) == f"ok: {path}: catalog my-cat (2 elements)"


def test_valid_json_catalog(tmp_path: Path) -> None:
    path = tmp_path / "my-cat.json"
    path.write_text(catalog_json())
    assert ok_line(invoke("validate", path)) == f"ok: {path}: catalog my-cat (2 elements)"


def test_valid_csv_catalog(tmp_path: Path) -> None:
    path = tmp_path / "my-csv-cat.csv"
    path.write_text(GOOD_CSV_CATALOG)
    assert ok_line(invoke("validate", path)) == f"ok: {path}: catalog my-csv-cat (2 elements)"


def test_valid_csv_catalog_with_bom_crlf_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_text("\ufeff" + GOOD_CSV_CATALOG.replace("\n", "\r\n") + "\r\n,,,\r\n", newline="")
    assert ok_line(invoke("validate", path)) == f"ok: {path}: catalog excel (2 elements)"


def test_valid_yaml_crosswalk_to_a_user_catalog(tmp_path: Path) -> None:
    catalog_dir = tmp_path / "catalogs"
    catalog_dir.mkdir()
    (catalog_dir / "my-cat.yaml").write_text(GOOD_CATALOG)
    path = tmp_path / "my-map.yaml"
    path.write_text(GOOD_CROSSWALK)

    line = ok_line(invoke("--catalog-dir", catalog_dir, "validate", path))

    assert line == f"ok: {path}: crosswalk my-map (1 mappings, every end resolves)"


def test_crosswalk_to_a_user_catalog_without_the_catalog_dir_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "my-map.yaml"
    path.write_text(GOOD_CROSSWALK)
    line = error_line(invoke("validate", path))
    assert f"{path}:6: mappings[0].source: unknown document 'my-cat'" in line


def test_valid_csv_crosswalk(tmp_path: Path) -> None:
    path = tmp_path / "my-map.csv"
    path.write_text(GOOD_CSV_MAPPING)
    assert ok_line(invoke("validate", path)) == f"ok: {path}: crosswalk my-map (1 mappings, every end resolves)"


def test_validate_json_output(tmp_path: Path) -> None:
    path = tmp_path / "my-cat.yaml"
    path.write_text(GOOD_CATALOG)
    result = invoke("validate", path, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {
        "valid": True,
        "path": str(path),
        "kind": "catalog",
        "ids": ["my-cat"],
        "elements": 2,
        "mappings": 0,
    }


# ---------------------------------------------------------------------------------------------- --catalog-dir


@pytest.fixture
def catalog_dir(tmp_path: Path) -> Path:
    """A catalog directory with one good user catalog and one good crosswalk to NIST IR 8425."""
    directory = tmp_path / "catalogs"
    directory.mkdir()
    (directory / "my-cat.yaml").write_text(GOOD_CATALOG)
    (directory / "my-map.yaml").write_text(GOOD_CROSSWALK)
    return directory


def test_user_catalog_is_shown(catalog_dir: Path) -> None:
    result = invoke("--catalog-dir", catalog_dir, "catalog", "show", "my-cat", "--format", "json")
    assert result.exit_code == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["id"] == "my-cat"
    assert [element["id"] for element in shown["elements"]] == ["A", "A-1"]
    assert shown["elements"][1]["parent"] == "A"


def test_user_catalog_from_the_environment_variable(catalog_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IOTPROFILE_CATALOG_DIR", str(catalog_dir))
    result = invoke("catalog", "show", "my-cat", "A-1", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["ancestors"] == ["A"]


def test_user_mapping_is_in_the_crosswalk(catalog_dir: Path) -> None:
    result = invoke("--catalog-dir", catalog_dir, "crosswalk", "nist-ir-8425:DP-1", "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)["rows"]
    mine = [row for row in rows if row["crosswalk"] == "my-map"]
    assert len(mine) == 1
    assert mine[0]["other"] == "my-cat:A-1"
    assert mine[0]["direction"] == "informed_by"
    assert mine[0]["origin"] == "user"
    # The bundled crosswalks are still there beside it.
    assert any(row["crosswalk"] != "my-map" for row in rows)


def test_user_mapping_is_found_from_the_user_side(catalog_dir: Path) -> None:
    result = invoke("--catalog-dir", catalog_dir, "crosswalk", "my-cat:A-1", "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)["rows"]
    assert [(row["other"], row["relationship"]) for row in rows] == [("nist-ir-8425:DP-1", "subset_of")]


BAD_USER_FILES = {
    "yaml-syntax": Bad("aa-broken.yaml", "id: [my-other\n", ":2", ("invalid YAML",)),
    "catalog-duplicate-id": Bad(
        "other-cat.yaml",
        edit(GOOD_CATALOG, "id: my-cat", "id: other-cat") + "- id: A\n  kind: group\n  provenance:\n    status: user\n",
        ":20",
        ("duplicate",),
    ),
    "csv-mapping-relationship": Bad(
        "zz-map.csv",
        CSV_MAPPING_HEADER + "my-cat:A-1,nist-ir-8425:DP-2,subsett,semantic\n",
        " row 2 column 'relationship'",
        ("'subsett'",),
    ),
    "mapping-to-missing-element": Bad(
        "zz-map.yaml",
        edit(GOOD_CROSSWALK, "id: my-map", "id: zz-map").replace("my-cat:A-1", "my-cat:A-9"),
        ":6: mappings[0].source",
        ("'A-9'",),
    ),
    "csv-bad-row": Bad("bb.csv", "id,text\nA,x,extra\n", " row 2", ("3 values for 2 columns",)),
    "non-utf8": Bad("cc.json", b"\xff\xfe{}", ": not UTF-8", ()),
    "neither-catalog-nor-crosswalk": Bad("dd.yaml", "hello: world\n", ":1", ("not a catalog or a crosswalk",)),
    "crosswalk-id-reused": Bad(
        "zz-map.yaml", GOOD_CROSSWALK.replace("A-1", "A"), ": crosswalk ID 'my-map' is also used by", ("my-map.yaml",)
    ),
    "catalog-id-reused": Bad(
        "zz-cat.yaml", GOOD_CATALOG, ": document ID 'my-cat' is also defined in", ("my-cat.yaml",)
    ),
}


@pytest.mark.parametrize("case", BAD_USER_FILES.values(), ids=BAD_USER_FILES.keys())
def test_bad_user_file_fails_the_crosswalk_command(catalog_dir: Path, case: Bad) -> None:
    path = catalog_dir / case.name
    if isinstance(case.content, bytes):
        path.write_bytes(case.content)
    else:
        path.write_text(case.content)

    line = error_line(invoke("--catalog-dir", catalog_dir, "crosswalk", "nist-ir-8425:DP-1", "--format", "json"))

    assert f"error: {path}{case.place}" in line
    for word in case.words:
        assert word in line


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(("aa-broken.yaml", "id: [my-other\n"), id="yaml-syntax"),
        pytest.param(("bb.csv", "id,text\nA,x,extra\n"), id="csv-bad-row"),
        pytest.param(("other-cat.yaml", edit(GOOD_CATALOG, "parent: A", "parent: Z")), id="catalog-unknown-parent"),
    ],
)
@pytest.mark.parametrize(
    "command",
    [
        pytest.param(("catalog", "show", "my-cat", "--format", "json"), id="catalog-show"),
        pytest.param(("catalog", "list", "--format", "json"), id="catalog-list"),
    ],
)
def test_bad_user_catalog_fails_catalog_commands(
    catalog_dir: Path, bad: tuple[str, str], command: tuple[str, ...]
) -> None:
    (catalog_dir / bad[0]).write_text(bad[1])
    line = error_line(invoke("--catalog-dir", catalog_dir, *command))
    assert f"error: {catalog_dir / bad[0]}" in line


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(("catalog", "show", "my-cat", "--format", "json"), id="catalog-show"),
        pytest.param(("catalog", "list", "--format", "json"), id="catalog-list"),
    ],
)
def test_bad_user_mapping_fails_catalog_commands(catalog_dir: Path, command: tuple[str, ...]) -> None:
    bad = catalog_dir / "zz-map.csv"
    bad.write_text(CSV_MAPPING_HEADER + "my-cat:A-1,nist-ir-8425:DP-2,subsett,semantic\n")
    line = error_line(invoke("--catalog-dir", catalog_dir, *command))
    assert f"error: {bad} row 2" in line


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(("crosswalk", "nist-ir-8425:DP-1", "--format", "json"), id="crosswalk"),
        pytest.param(("catalog", "list", "--format", "json"), id="catalog-list"),
        pytest.param(("catalog", "show", "my-cat", "--format", "json"), id="catalog-show"),
    ],
)
def test_user_catalog_reusing_a_bundled_id_is_refused(catalog_dir: Path, command: tuple[str, ...]) -> None:
    impostor = catalog_dir / "impostor.yaml"
    impostor.write_text(edit(GOOD_CATALOG, "id: my-cat", "id: nist-ir-8425"))
    line = error_line(invoke("--catalog-dir", catalog_dir, *command))
    assert f"error: {impostor}: document ID 'nist-ir-8425' is already a bundled catalog" in line


def test_user_catalog_reusing_a_registry_id_is_refused(catalog_dir: Path) -> None:
    impostor = catalog_dir / "impostor.yaml"
    impostor.write_text(edit(GOOD_CATALOG, "id: my-cat", "id: nist-ir-8477"))
    line = error_line(invoke("--catalog-dir", catalog_dir, "catalog", "list"))
    assert f"error: {impostor}: document ID 'nist-ir-8477'" in line


def test_validate_refuses_a_catalog_reusing_a_bundled_id(tmp_path: Path) -> None:
    path = tmp_path / "impostor.yaml"
    path.write_text(edit(GOOD_CATALOG, "id: my-cat", "id: nist-ir-8425"))
    line = error_line(invoke("validate", path))
    assert "nist-ir-8425" in line


def test_missing_catalog_dir(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-dir"
    line = error_line(invoke("--catalog-dir", missing, "catalog", "list"))
    assert f"error: {missing}: catalog directory not found" in line


# ------------------------------------------------------------------------------ unknown IDs on the command line


def test_unknown_document_suggests_the_close_one() -> None:
    line = error_line(invoke("catalog", "show", "nist-ir-842"), NOT_FOUND)
    assert "unknown document 'nist-ir-842'" in line
    assert "did you mean" in line
    assert "nist-ir-8425" in line


def test_unknown_document_suggests_the_close_one_with_json_output() -> None:
    # `catalog show DOC --format json` looks for pre-rendered JSON first.
    line = error_line(invoke("catalog", "show", "nist-ir-842", "--format", "json"), NOT_FOUND)
    assert "did you mean" in line
    assert "nist-ir-8425" in line


def test_unknown_document_without_a_close_match_points_at_the_list() -> None:
    line = error_line(invoke("catalog", "show", "zzzzzzzz"), NOT_FOUND)
    assert "did you mean" not in line
    assert "catalog list" in line


@pytest.mark.parametrize("output", ["text", "json"])
def test_unknown_element_suggests_close_ones(output: str) -> None:
    line = error_line(invoke("catalog", "show", "nist-ir-8425", "DP-9", "--format", output), NOT_FOUND)
    assert "document 'nist-ir-8425' has no element 'DP-9'" in line
    assert "did you mean" in line
    assert "DP-1" in line


def test_unknown_element_of_a_user_catalog(catalog_dir: Path) -> None:
    line = error_line(invoke("--catalog-dir", catalog_dir, "catalog", "show", "my-cat", "A-2"), NOT_FOUND)
    assert "document 'my-cat' has no element 'A-2'" in line
    assert "did you mean" in line


@pytest.mark.parametrize("ref", ["notaref:", "NOT A REF", ":DP-1"])
def test_malformed_crosswalk_reference(ref: str) -> None:
    result = invoke("crosswalk", ref)
    assert result.exit_code in {INVALID, NOT_FOUND}
    line = error_line(result, result.exit_code)
    assert repr(ref) in line
    assert "DOC:ELEMENT" in line


def test_crosswalk_unknown_document_suggests_the_close_one() -> None:
    line = error_line(invoke("crosswalk", "nist-ir-842:DP-1"), NOT_FOUND)
    assert "unknown document 'nist-ir-842'" in line
    assert "nist-ir-8425" in line


def test_crosswalk_unknown_element() -> None:
    line = error_line(invoke("crosswalk", "nist-ir-8425:DP-9"), NOT_FOUND)
    assert "no element 'DP-9'" in line
    assert "did you mean" in line


@pytest.mark.parametrize("doc_id", ["../data/nist-ir-8425", "../../crosswalk/data/etsi-en-303-645-to-nist-ir-8425"])
def test_document_id_that_is_a_path_is_unknown(doc_id: str) -> None:
    line = error_line(invoke("catalog", "show", doc_id), NOT_FOUND)
    assert "unknown document" in line


def test_unknown_document_in_upper_case_suggests_the_lower_case_one() -> None:
    line = error_line(invoke("catalog", "show", "NIST-IR-8425"), NOT_FOUND)
    assert "nist-ir-8425" in line


# ---------------------------------------------------------------------------------- known bugs (see reasons)


@pytest.mark.parametrize(
    ("csv_text", "column"),
    [
        pytest.param("id,kind,text,provenance\nA,group,Group A,bogus\n", "provenance", id="provenance"),
        pytest.param("id,kind,text,applies_to\nA,group,Group A,device;toaster\n", "applies_to", id="applies_to"),
    ],
)
def test_csv_catalog_nested_error_names_the_row(tmp_path: Path, csv_text: str, column: str) -> None:
    path = tmp_path / "cat.csv"
    path.write_text(csv_text)
    line = error_line(invoke("validate", path))
    assert f"{path} row 2 column {column!r}" in line
    assert "$." not in line


def test_csv_mapping_file_name_that_is_not_an_id(tmp_path: Path) -> None:
    path = tmp_path / "My Mapping.csv"
    path.write_text(GOOD_CSV_MAPPING)
    line = error_line(invoke("validate", path))
    assert "$." not in line
    assert "file name" in line


def test_csv_with_a_blank_line_before_the_header(tmp_path: Path) -> None:
    path = tmp_path / "cat.csv"
    path.write_text("\n" + GOOD_CSV_CATALOG)
    result = invoke("validate", path)
    assert "0 columns" not in result.stderr


@pytest.mark.parametrize("header", ["id,text\n", CSV_MAPPING_HEADER])
def test_csv_with_only_a_header(tmp_path: Path, header: str) -> None:
    path = tmp_path / "cat.csv"
    path.write_text(header)
    result = invoke("validate", path)
    assert "'elements'" not in result.stderr


def test_repeated_yaml_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cat.yaml"
    path.write_text(edit(GOOD_CATALOG, "- id: A-1\n", "- id: A-1\n  id: A-2\n"))
    line = error_line(invoke("validate", path))
    assert f"{path}:15" in line


def test_parent_cycle_names_the_element(tmp_path: Path) -> None:
    path = tmp_path / "cat.yaml"
    path.write_text(edit(GOOD_CATALOG, "  kind: group\n", "  kind: group\n  parent: A-1\n"))
    line = error_line(invoke("validate", path))
    assert "loops" in line
    assert f"{path}:9: elements[0]" in line
