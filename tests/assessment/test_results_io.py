from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from iotprofile.assessment.model import EvidenceKind, Verdict
from iotprofile.assessment.results_io import load_results
from iotprofile.errors import AssessmentError

RESULTS = """\
product: acme-router
profile: nist-ir-8425a
records:
  - cell: DP-1@router
    verdict: satisfied
    assessor: alice@example.com
    recorded_at: 2026-11-01T10:00:00Z
    evidence:
      - {kind: file, path: evidence/flash.txt, description: Flash encryption test}
      - {kind: url, url: https://example.com/report}
      - {kind: statement, text: Keys live in the secure element.}
  - cell: DOC-1g@product
    verdict: not_applicable
    justification: Covered by the group PSIRT policy.
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_yaml_results_hash_evidence_files(tmp_path: Path) -> None:
    (tmp_path / "evidence").mkdir()
    (tmp_path / "evidence" / "flash.txt").write_bytes(b"AES-XTS enabled\n")
    loaded = load_results(_write(tmp_path, "results.yaml", RESULTS), assessor="bob")
    assert (loaded.product, loaded.profile) == ("acme-router", "nist-ir-8425a")
    first, second = loaded.records
    assert (first.element, first.component, first.verdict) == ("DP-1", "router", Verdict.SATISFIED)
    digest = hashlib.sha256(b"AES-XTS enabled\n").hexdigest()
    assert [item.kind for item in first.evidence] == [EvidenceKind.FILE, EvidenceKind.URL, EvidenceKind.STATEMENT]
    assert first.evidence[0].sha256 == digest
    assert loaded.blobs == {digest: b"AES-XTS enabled\n"}
    assert (second.component, second.assessor) == (None, "bob")


def test_csv_results(tmp_path: Path) -> None:
    (tmp_path / "scan.txt").write_text("TLS 1.3 only\n", encoding="utf-8")
    path = _write(tmp_path, "results.csv", "cell,verdict,justification,evidence_file,evidence_url\n"
                  "DP-3@router,satisfied,,scan.txt,https://example.com/tls\n"
                  "DP-2@app,not_applicable,The app stores no customer data.,,\n")  # fmt: skip
    loaded = load_results(path)
    assert [record.verdict for record in loaded.records] == [Verdict.SATISFIED, Verdict.NOT_APPLICABLE]
    assert len(loaded.records[0].evidence) == 2


@pytest.mark.parametrize(
    ("name", "text", "where", "words"),
    [
        ("r.yaml", RESULTS, "r.yaml:9", "evidence file not found"),
        (
            "r.yaml",
            RESULTS.replace("    justification: Covered by the group PSIRT policy.\n", ""),
            "r.yaml:12",
            "not_applicable needs a justification",
        ),
        ("r.yaml", RESULTS.replace("verdict: satisfied", "verdict: great"), "r.yaml:5", "'great' is not one of"),
        ("r.yaml", "records: 5\n", "r.yaml:1", "'records' list"),
        ("r.csv", "cell,verdict,colour\nDP-1@router,satisfied,red\n", "r.csv row 1", "unknown column(s) colour"),
        ("r.csv", "cell,verdict\nDP-1@router,\n", "r.csv row 2", "verdict"),
        ("r.csv", "cell,verdict,evidence_file\nDP-1@router,satisfied,missing.pdf\n", "r.csv row 2", "not found"),
    ],
)
def test_bad_results_name_the_place(tmp_path: Path, name: str, text: str, where: str, words: str) -> None:
    if "not found" not in words:
        (tmp_path / "evidence").mkdir()
        (tmp_path / "evidence" / "flash.txt").write_text("x", encoding="utf-8")
    with pytest.raises(AssessmentError) as caught:
        load_results(_write(tmp_path, name, text))
    assert caught.value.where is not None and caught.value.where.startswith(str(tmp_path / where))
    assert words in caught.value.one_line()
