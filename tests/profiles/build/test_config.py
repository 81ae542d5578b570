"""The build file: paths relative to it, and every bad field refused with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from iotprofile.errors import PipelineError
from iotprofile.profiles.build.config import load_config

GOOD = """\
format: iotprofile/build/v1
profile:
  id: t-router-profile
  title: Test router profile
  product_type: test router
target: nist-ir-8425a
standards:
- file: reqs/vendor.csv
  standard: t-std
  columns: {id: Req ID, text: Requirement}
- catalog: etsi-en-303-645
top: 5
threshold: 0.1
learn_from: [../other/decisions.yaml]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "build.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_paths_are_taken_from_the_build_file_folder(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, GOOD))
    assert config.standards[0].file == tmp_path / "reqs" / "vendor.csv"
    assert config.standards[1].catalog == "etsi-en-303-645" and config.standards[1].file is None
    assert config.learn_from == (tmp_path / ".." / "other" / "decisions.yaml",)
    assert (config.target, config.top, config.threshold) == ("nist-ir-8425a", 5, 0.1)
    assert config.profile.term == "test router product"


@pytest.mark.parametrize(
    ("old", "new", "line", "words"),
    [
        ("top: 5", "top: 99", 12, "top"),
        ("threshold: 0.1", "threshold: 2", 13, "threshold"),
        ("  product_type: test router", "  product_type: test router\n  colour: blue", 6, "colour"),
        # A misspelt field: the one missing is named, at the mapping that lacks it.
        ("  product_type: test router", "  product_typo: test router", 3, "product_type: Field required"),
        ("target: nist-ir-8425a", "target: NIST IR 8425A", 6, "target"),
        ("format: iotprofile/build/v1", "format: iotprofile/build/v9", 1, "format"),
        ("  columns: {id: Req ID, text: Requirement}", "  columns: {ident: Req ID}", 10, "ident"),
    ],
)
def test_a_bad_field_names_its_line(tmp_path: Path, old: str, new: str, line: int, words: str) -> None:
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(PipelineError) as caught:
        load_config(path)
    assert caught.value.where == f"{path}:{line}"
    assert words in caught.value.one_line()


def test_no_standards(tmp_path: Path) -> None:
    text = GOOD.split("standards:", maxsplit=1)[0] + "standards: []\n"
    with pytest.raises(PipelineError, match="standards"):
        load_config(write(tmp_path, text))


def test_not_a_mapping(tmp_path: Path) -> None:
    with pytest.raises(PipelineError, match="a build file is a mapping"):
        load_config(write(tmp_path, "- just a list\n"))
