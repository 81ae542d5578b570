"""CSAF 2.0 advisories: valid against the official OASIS schema, linked to SBOM components, and bad input."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from iotprofile.documents.csaf import SCHEMA_DIR, product_id_problems, validation_errors
from iotprofile.documents.generate import Documents

#: The official OASIS CSAF 2.0 schema (same bytes as in the PyPI packages csaf 2026.10.25 and csaf-lib 0.1.0b12).
OFFICIAL_SHA256 = "29c114b35b0a30831f1674f2ab8b3ed9b2890cfeaa63b924ac6ed9d70ef44262"


def _official_validator() -> jsonschema.Draft202012Validator:
    """A validator built here from the shipped files, independently of the module under test."""
    schema = json.loads((SCHEMA_DIR / "csaf_json_schema.json").read_text(encoding="utf-8"))
    registry: Registry[Any] = Registry().with_resources(
        (f"https://www.first.org/cvss/{name}", DRAFT202012.create_resource(json.loads((SCHEMA_DIR / name).read_text())))
        for name in ("cvss-v2.0.json", "cvss-v3.0.json", "cvss-v3.1.json")
    )
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, registry=registry)


def test_shipped_schema_is_the_official_one() -> None:
    content = (SCHEMA_DIR / "csaf_json_schema.json").read_bytes()
    assert hashlib.sha256(content).hexdigest() == OFFICIAL_SHA256
    assert json.loads(content)["$id"] == "https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json"


def _advisories(documents: Documents) -> dict[str, dict[str, Any]]:
    return {name: json.loads(data) for name, data in documents.files().items() if name.startswith("csaf/")}


def test_every_advisory_is_valid(router_documents: Documents, plug_documents: Documents) -> None:
    validator = _official_validator()
    found = {**_advisories(router_documents), **_advisories(plug_documents)}
    assert sorted(found) == ["csaf/acme-home-vex-2026-002.json", "csaf/acme-sa-2026-003.json",
                             "csaf/acme-vex-2026-001.json"]  # fmt: skip
    for name, document in found.items():
        errors = sorted(error.message for error in validator.iter_errors(document))
        assert errors == [], name


def test_the_validator_rejects_what_the_schema_forbids(router_documents: Documents) -> None:
    document = _advisories(router_documents)["csaf/acme-sa-2026-003.json"]
    broken = copy.deepcopy(document)
    broken["vulnerabilities"][0]["scores"][0]["cvss_v3"]["baseScore"] = 11  # checked by the referenced CVSS schema
    del broken["document"]["tracking"]["id"]
    problems = validation_errors(broken)
    assert any(problem.startswith("$.document.tracking: 'id' is a required property") for problem in problems)
    assert any(problem.startswith("$.vulnerabilities[0].scores[0].cvss_v3:") for problem in problems)


def test_mandatory_product_id_tests(router_documents: Documents, plug_documents: Documents) -> None:
    found = {**_advisories(router_documents), **_advisories(plug_documents)}
    assert all(product_id_problems(document) == [] for document in found.values())
    broken = copy.deepcopy(found["csaf/acme-sa-2026-003.json"])
    status = broken["vulnerabilities"][0]["product_status"]
    (affected,) = status["known_affected"]
    status["known_not_affected"] = [affected]
    broken["vulnerabilities"][0]["remediations"][0]["product_ids"].append("nowhere")
    broken["product_tree"]["full_product_names"].append(broken["product_tree"]["full_product_names"][0])
    problems = product_id_problems(broken)
    assert [problem.split(":")[0] for problem in problems] == ["6.1.2", "6.1.6", "6.1.1"]
    assert "'nowhere' is referenced but not defined" in problems[2]


def test_advisory_links_components_by_purl_and_states_their_status(router_documents: Documents) -> None:
    advisory = _advisories(router_documents)["csaf/acme-sa-2026-003.json"]
    assert advisory["document"]["category"] == "csaf_security_advisory"
    (component,) = advisory["product_tree"]["full_product_names"]
    assert component["product_identification_helper"] == {"purl": "pkg:generic/dropbear@2022.83"}
    (relation,) = advisory["product_tree"]["relationships"]
    assert relation["category"] == "default_component_of"
    assert relation["product_reference"] == component["product_id"]
    vulnerability = advisory["vulnerabilities"][0]
    assert vulnerability["cve"] == "CVE-2023-48795"
    assert vulnerability["product_status"] == {"known_affected": [relation["full_product_name"]["product_id"]]}
    assert [item["category"] for item in vulnerability["remediations"]] == ["vendor_fix", "workaround"]
    assert vulnerability["scores"][0]["cvss_v3"]["baseSeverity"] == "MEDIUM"


def test_vex_gives_the_justification_as_a_flag(router_documents: Documents) -> None:
    vex = _advisories(router_documents)["csaf/acme-vex-2026-001.json"]
    assert vex["document"]["category"] == "csaf_vex"
    vulnerability = vex["vulnerabilities"][0]
    (not_affected,) = vulnerability["product_status"]["known_not_affected"]
    assert vulnerability["flags"] == [{"label": "vulnerable_code_not_in_execute_path", "product_ids": [not_affected]}]


def _write_advisory(product_file: Path, text: str) -> Path:
    path = product_file.parent / "advisories" / "new.yaml"
    path.write_text(text, encoding="utf-8")
    return path


_ADVISORY = """format: iotprofile/advisory/v1
id: ACME-SA-2026-009
title: Something in a component
profile: vex
cve: CVE-2026-0001
summary: A summary.
revisions:
  - date: 2026-03-01T00:00:00Z
    summary: Initial release.
components:
  - component: {component}
    status: {status}
"""


@pytest.mark.parametrize(
    ("component", "status", "line", "message"),
    [
        ("pkg:generic/libfoo@1.0", "under_investigation", 11,
         "components[0].component: 'pkg:generic/libfoo@1.0' is not in the product's SBOM"),
        ("pkg:generic/openssl@3.0.15", "known_not_affected", 11,
         "components[0]: known_not_affected needs a 'justification' (CSAF VEX profile)"),
        ("pkg:generic/openssl@3.0.15", "known_affected", 1,
         "remediations: a known_affected component needs at least one remediation (CSAF VEX profile)"),
    ],
)  # fmt: skip
def test_bad_advisories_are_refused_at_their_line(
    router_copy: Path, workspace: Any, component: str, status: str, line: int, message: str
) -> None:
    from tests.documents.examples import AS_OF

    from iotprofile.errors import DocumentError
    from iotprofile.services.documents import load_inputs

    path = _write_advisory(router_copy, _ADVISORY.format(component=component, status=status))
    with pytest.raises(DocumentError) as caught:
        load_inputs(workspace, router_copy, support_file=None, advisories_dir=None, results_file=None, as_of=AS_OF)
    assert caught.value.where == f"{path}:{line}"
    assert caught.value.message.startswith(message)
