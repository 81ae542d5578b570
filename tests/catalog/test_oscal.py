"""OSCAL export and import: valid against compliance-trestle's models, and exact round trips."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from iotprofile.catalog import oscal
from iotprofile.catalog.library import CatalogLibrary
from iotprofile.catalog.model import ElementKind
from iotprofile.profiles.resolve import resolve
from iotprofile.reports.catalog_export import export_document

WITH_ELEMENTS = [
    "nist-ir-8259a", "nist-ir-8259b", "nist-ir-8425", "etsi-en-303-645", "bbf-tr-124-i8", "cablelabs-gds-bcp-1",
    "bsi-tr-03148", "imda-ts-rg-sec-1", "owasp-asvs-5.0", "owasp-masvs-2.1",
]  # fmt: skip


@pytest.mark.parametrize("doc_id", WITH_ELEMENTS)
def test_exported_catalog_imports_back_equal(catalogs: CatalogLibrary, doc_id: str) -> None:
    doc = catalogs.get(doc_id)
    text = oscal.serialize(oscal.to_oscal_catalog(doc))
    assert json.loads(text)["catalog"]["metadata"]["oscal-version"]
    assert oscal.from_oscal_catalog(oscal.parse_catalog(text)) == doc


def test_resolved_profile_round_trips(catalogs: CatalogLibrary) -> None:
    resolved = resolve(catalogs, "nist-ir-8425a")
    text = oscal.serialize(oscal.to_oscal_catalog(resolved))
    assert oscal.from_oscal_catalog(oscal.parse_catalog(text)) == resolved


def test_oscal_ids_are_tokens_and_labels_keep_the_original(catalogs: CatalogLibrary) -> None:
    catalog = json.loads(oscal.serialize(oscal.to_oscal_catalog(catalogs.get("bsi-tr-03148"))))["catalog"]
    control = catalog["controls"][0]
    assert control["id"] == "_4.1.1__7_"
    assert {"name": "label", "value": "(4.1.1)[7]"} in control["props"]
    assert oscal.oscal_id("5.1-1") == "_5.1-1"


def test_outcomes_are_controls_and_chapters_are_groups(catalogs: CatalogLibrary) -> None:
    nist = json.loads(oscal.serialize(oscal.to_oscal_catalog(catalogs.get("nist-ir-8425"))))["catalog"]
    assert [control["id"] for control in nist["controls"]][:2] == ["AI", "PC"]
    dp = next(control for control in nist["controls"] if control["id"] == "DP")
    assert [child["id"] for child in dp["controls"]] == ["DP-1", "DP-2", "DP-3"]
    asvs = json.loads(oscal.serialize(oscal.to_oscal_catalog(catalogs.get("owasp-asvs-5.0"))))["catalog"]
    assert asvs["groups"][0]["id"] == "V1" and asvs["groups"][0]["groups"][0]["id"] == "V1.1"
    assert catalogs.get("owasp-asvs-5.0").elements[0].kind is ElementKind.GROUP


def test_export_is_deterministic(catalogs: CatalogLibrary) -> None:
    first = export_document(catalogs, "nist-ir-8425", "oscal")
    second = export_document(CatalogLibrary(), "nist-ir-8425", "oscal")
    assert first.main == second.main


def test_profile_export_resolves_in_trestle(
    catalogs: CatalogLibrary, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """compliance-trestle reads the exported profile and resolves it to the same controls we resolve."""
    from trestle.core.profile_resolver import ProfileResolver
    from trestle.oscal.profile import Profile

    result = export_document(catalogs, "nist-ir-8425a", "oscal")
    # trestle resolves relative hrefs against the working directory, not the profile's: work there.
    (tmp_path / ".trestle").mkdir()
    monkeypatch.chdir(tmp_path)
    written = result.write(tmp_path / "nist-ir-8425a.oscal.json")
    assert sorted(path.name for path in written) == [
        "nist-ir-8425.oscal.json", "nist-ir-8425a-additions.oscal.json", "nist-ir-8425a.oscal.json"
    ]  # fmt: skip
    profile = Profile.oscal_read(tmp_path / "nist-ir-8425a.oscal.json")
    assert profile is not None and profile.modify is not None
    altered = {alter.control_id for alter in profile.modify.alters or []}
    assert {"DP", "SU-1", "AI-1"} <= altered
    resolved_catalog = ProfileResolver.get_resolved_profile_catalog(tmp_path, "nist-ir-8425a.oscal.json")

    def walk(controls: list | None) -> list[str]:  # type: ignore[type-arg]
        found: list[str] = []
        for control in controls or []:
            found.append(control.id)
            found.extend(walk(control.controls))
        return found

    ours = {oscal.oscal_id(element.id) for element in resolve(catalogs, "nist-ir-8425a").elements}
    assert set(walk(resolved_catalog.controls)) == ours


def test_additions_catalog_keeps_the_parent(catalogs: CatalogLibrary) -> None:
    additions = json.loads(oscal.serialize(oscal.additions_catalog(catalogs.get("nist-ir-8425a"))))["catalog"]
    su_3 = next(control for control in additions["controls"] if control["id"] == "SU-3")
    assert {"name": "parent", "value": "SU", "ns": oscal.NAMESPACE} in su_3["props"]


FOREIGN_CATALOG = {
    "catalog": {
        "uuid": "74c8ba1e-5cd4-4ad1-bbfd-d888e2f6c724",
        "metadata": {
            "title": "ACME Baseline",
            "last-modified": "2024-01-01T00:00:00+00:00",
            "version": "1.0",
            "oscal-version": "1.1.2",
        },
        "groups": [
            {
                "id": "ac",
                "title": "Access Control",
                "controls": [
                    {
                        "id": "ac-1",
                        "title": "Policy",
                        "props": [{"name": "label", "value": "AC-1"}],
                        "parts": [
                            {
                                "id": "ac-1_smt",
                                "name": "statement",
                                "prose": "The organization:",
                                "parts": [
                                    {
                                        "id": "ac-1_smt.a",
                                        "name": "item",
                                        "props": [{"name": "label", "value": "a."}],
                                        "prose": "Develops a policy.",
                                    }
                                ],
                            }
                        ],
                    }
                ],
            }
        ],
    }
}


def test_user_oscal_catalogs_load_beside_the_bundled_ones(tmp_path: Path, catalogs: CatalogLibrary) -> None:
    from typer.testing import CliRunner

    from iotprofile.cli.app import app

    runner = CliRunner()
    ours = tmp_path / "mine.oscal.json"
    ours.write_text(
        oscal.serialize(oscal.to_oscal_catalog(catalogs.get("etsi-en-303-645"))).replace(
            '"value": "etsi-en-303-645"', '"value": "my-etsi"'
        ),
        encoding="utf-8",
    )
    (tmp_path / "acme.json").write_text(json.dumps(FOREIGN_CATALOG), encoding="utf-8")
    for name in ("mine.oscal.json", "acme.json"):
        result = runner.invoke(app, ["validate", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
    shown = runner.invoke(app, ["--catalog-dir", str(tmp_path), "catalog", "show", "acme-baseline", "--format", "json"])
    assert shown.exit_code == 0, shown.output
    control = json.loads(shown.stdout)["elements"][1]
    assert (control["id"], control["parent"], control["text"]) == (
        "AC-1",
        "ac",
        "The organization:\na. Develops a policy.",
    )
    assert control["provenance"]["status"] == "user"
    mine = runner.invoke(app, ["--catalog-dir", str(tmp_path), "catalog", "show", "my-etsi", "--format", "json"])
    assert len(json.loads(mine.stdout)["elements"]) == len(catalogs.get("etsi-en-303-645").elements)


def test_invalid_oscal_catalog_is_refused_with_its_path(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from iotprofile.cli.app import app

    bad = json.loads(json.dumps(FOREIGN_CATALOG))
    bad["catalog"]["metadata"]["title"] = 5
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 3
    assert result.stderr.strip() == (
        f"error: {path} $.catalog.metadata.title: not a valid OSCAL catalog: Input should be a valid string"
    )
