"""CSAF 2.0 advisories (security advisory and VEX profiles), validated against the official OASIS schema.

Each advisory file gives one document. The product tree names the product (vendor > product name > version) and
every SBOM component the advisory concerns, identified by its purl or CPE (``product_identification_helper``),
joined to the product by a ``default_component_of`` relationship; the vulnerability's product status, flags
(the VEX justification of ``known_not_affected``) and remediations refer to those relationships.

Validation: the official CSAF 2.0 JSON schema with the FIRST CVSS schemas it references, shipped unmodified in
``schemas/csaf-2.0`` and resolved locally (nothing is fetched), plus mandatory tests 6.1.1, 6.1.2 and 6.1.6
(:func:`product_id_problems`). The schema does not check the profiles' own rules (CSAF 2.0 section 4) or the other
mandatory tests of section 6.1; the advisory model enforces the VEX profile's rules (a justification for every
``known_not_affected``, a remediation for every ``known_affected``).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from iotprofile.documents.advisory import AdvisoryProfile, LoadedAdvisory, ProductStatus
from iotprofile.documents.inputs import DocumentInputs
from iotprofile.errors import DocumentError

SCHEMA_DIR = Path(__file__).parent / "schemas" / "csaf-2.0"
_CATEGORY = {AdvisoryProfile.SECURITY_ADVISORY: "csaf_security_advisory", AdvisoryProfile.VEX: "csaf_vex"}
#: The IDs the CSAF schema refers to, and the shipped file for each.
_REFERENCED = {
    "https://www.first.org/cvss/cvss-v2.0.json": "cvss-v2.0.json",
    "https://www.first.org/cvss/cvss-v3.0.json": "cvss-v3.0.json",
    "https://www.first.org/cvss/cvss-v3.1.json": "cvss-v3.1.json",
}


def csaf_schema() -> dict[str, Any]:
    """The official CSAF 2.0 JSON schema."""
    schema: dict[str, Any] = json.loads((SCHEMA_DIR / "csaf_json_schema.json").read_text(encoding="utf-8"))
    return schema


@cache
def _validator() -> Any:
    import jsonschema
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012

    resources = []
    for uri, name in _REFERENCED.items():
        contents = json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))
        resources.append((uri, DRAFT202012.create_resource(contents)))
    registry: Registry[Any] = Registry().with_resources(resources)
    return jsonschema.Draft202012Validator(
        csaf_schema(), registry=registry, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def validation_errors(document: dict[str, Any]) -> list[str]:
    """Every schema violation of ``document``, as ``$.path: message``, in a stable order."""
    found = []
    for error in _validator().iter_errors(document):
        path = "$" + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in error.absolute_path)
        found.append(f"{path}: {error.message}")
    return sorted(found)


def product_id_problems(document: dict[str, Any]) -> list[str]:
    """Problems found by three of CSAF 2.0's mandatory tests that the schema cannot express.

    6.1.1 (every product ID referenced is defined), 6.1.2 (no product ID is defined twice) and 6.1.6 (no product
    is in contradicting status groups: affected, not affected, fixed, under investigation).
    """
    tree = document.get("product_tree", {})
    defined: list[str] = []

    def walk(branches: list[dict[str, Any]]) -> None:
        for branch in branches:
            if "product" in branch:
                defined.append(branch["product"]["product_id"])
            walk(branch.get("branches", []))

    walk(tree.get("branches", []))
    defined += [item["product_id"] for item in tree.get("full_product_names", [])]
    defined += [item["full_product_name"]["product_id"] for item in tree.get("relationships", [])]
    problems = [f"6.1.2: product ID {item!r} is defined twice" for item in sorted(set(defined))
                if defined.count(item) > 1]  # fmt: skip
    referenced: list[str] = []
    for item in tree.get("relationships", []):
        referenced += [item["product_reference"], item["relates_to_product_reference"]]
    for vulnerability in document.get("vulnerabilities", []):
        groups = vulnerability.get("product_status", {})
        referenced += [product for ids in groups.values() for product in ids]
        for key in ("flags", "remediations", "scores"):
            for entry in vulnerability.get(key, []):
                referenced += entry.get("product_ids", []) + entry.get("products", [])
        status_of: dict[str, set[str]] = {}
        for group, ids in groups.items():
            kind = {"first_affected": "known_affected", "last_affected": "known_affected",
                    "first_fixed": "fixed", "recommended": "fixed"}.get(group, group)  # fmt: skip
            for product in ids:
                status_of.setdefault(product, set()).add(kind)
        problems += [f"6.1.6: product {product!r} has contradicting statuses {sorted(kinds)}"
                     for product, kinds in sorted(status_of.items()) if len(kinds) > 1]  # fmt: skip
    problems += [f"6.1.1: product ID {item!r} is referenced but not defined" for item in sorted(set(referenced))
                 if item not in defined]  # fmt: skip
    return problems


def _id(text: str) -> str:
    """A product ID from a component label (CSAF allows any non-blank string; keep them readable)."""
    return "".join(char if char.isalnum() or char in ".-_" else "-" for char in text).strip("-")


def build_csaf(inputs: DocumentInputs, loaded: LoadedAdvisory) -> dict[str, Any]:
    """The CSAF 2.0 document of one advisory (a plain dict in CSAF's key order)."""
    product, record, advisory = inputs.product, inputs.record, loaded.advisory
    product_version = product.version or "all"
    product_id = _id(f"{product.id}-{product_version}")
    product_name = f"{product.name} {product.version}" if product.version else product.name
    components: list[dict[str, Any]] = []
    relationships: list[dict[str, Any]] = []
    relation_ids: list[str] = []
    for component in loaded.matched:
        component_id = _id(f"{component.owner}-{component.name}-{component.version or 'any'}")
        helper = {"purl": component.purl} if component.purl else {"cpe": component.cpe}
        if component_id not in {item["product_id"] for item in components}:
            components.append(
                {"name": component.label, "product_id": component_id, "product_identification_helper": helper}
            )
        relation_id = f"{product_id}:{component_id}"
        relation_ids.append(relation_id)
        if relation_id not in {item["full_product_name"]["product_id"] for item in relationships}:
            relationships.append(
                {
                    "category": "default_component_of",
                    "full_product_name": {"name": f"{component.label} in {product_name}", "product_id": relation_id},
                    "product_reference": component_id,
                    "relates_to_product_reference": product_id,
                }
            )
    status: dict[str, list[str]] = {}
    flags: dict[str, list[str]] = {}
    for item, relation_id in zip(advisory.components, relation_ids, strict=True):
        status.setdefault(item.status.value, [])
        if relation_id not in status[item.status.value]:
            status[item.status.value].append(relation_id)
        if item.status is ProductStatus.KNOWN_NOT_AFFECTED and item.justification is not None:
            flags.setdefault(item.justification.value, []).append(relation_id)
    affected = status.get(ProductStatus.KNOWN_AFFECTED.value, []) + status.get(ProductStatus.FIXED.value, [])
    vulnerability: dict[str, Any] = {}
    if advisory.cve:
        vulnerability["cve"] = advisory.cve
    if advisory.cwe:
        vulnerability["cwe"] = {"id": advisory.cwe, "name": advisory.cwe_name or advisory.cwe}
    if advisory.acknowledgments:
        vulnerability["acknowledgments"] = [{"names": list(advisory.acknowledgments)}]
    if flags:
        vulnerability["flags"] = [{"label": label, "product_ids": ids} for label, ids in sorted(flags.items())]
    if not advisory.cve:
        vulnerability["ids"] = [{"system_name": product.manufacturer, "text": advisory.id}]
    vulnerability["notes"] = [{"category": "description", "text": advisory.summary, "title": "Vulnerability summary"}]
    vulnerability["product_status"] = status
    if advisory.remediations:
        vulnerability["remediations"] = [
            {
                "category": item.category.value,
                "details": item.details,
                "product_ids": affected or relation_ids,
                **({"url": item.url} if item.url else {}),
            }
            for item in advisory.remediations
        ]
    if advisory.cvss_v3 is not None and affected:
        cvss = advisory.cvss_v3
        vulnerability["scores"] = [
            {
                "cvss_v3": {
                    "version": "3.1",
                    "vectorString": cvss.vector,
                    "baseScore": cvss.base_score,
                    "baseSeverity": cvss.severity,
                },
                "products": affected,
            }
        ]
    vulnerability["title"] = advisory.title
    self_url = f"{record.advisories.url.rstrip('/')}/{advisory.id.lower()}.json"
    return {
        "document": {
            "category": _CATEGORY[advisory.profile],
            "csaf_version": "2.0",
            "lang": record.contacts.preferred_languages[0],
            "notes": [{"category": "summary", "text": advisory.summary, "title": "Summary"}],
            "publisher": {
                "category": "vendor",
                "contact_details": ", ".join(record.contacts.vulnerability_reports),
                "name": product.manufacturer,
                "namespace": record.manufacturer.website,
            },
            "references": [
                {"category": "self", "summary": "This advisory (CSAF)", "url": self_url},
                {
                    "category": "external",
                    "summary": "Vulnerability disclosure policy",
                    "url": record.disclosure.policy_url,
                },
            ],
            "title": advisory.title,
            "tracking": {
                "current_release_date": advisory.current.isoformat().replace("+00:00", "Z"),
                "generator": {"engine": {"name": "iotprofile"}},
                "id": advisory.id,
                "initial_release_date": advisory.released.isoformat().replace("+00:00", "Z"),
                "revision_history": [
                    {
                        "date": item.date.isoformat().replace("+00:00", "Z"),
                        "number": str(index),
                        "summary": item.summary,
                    }
                    for index, item in enumerate(advisory.revisions, start=1)
                ],
                "status": advisory.status,
                "version": str(len(advisory.revisions)),
            },
        },
        "product_tree": {
            "branches": [
                {
                    "category": "vendor",
                    "name": product.manufacturer,
                    "branches": [
                        {
                            "category": "product_name",
                            "name": product.name,
                            "branches": [
                                {
                                    "category": "product_version",
                                    "name": product_version,
                                    "product": {"name": product_name, "product_id": product_id},
                                }
                            ],
                        }
                    ],
                }
            ],
            "full_product_names": components,
            "relationships": relationships,
        },
        "vulnerabilities": [vulnerability],
    }


def csaf_file_name(loaded: LoadedAdvisory) -> str:
    """``csaf/<id>.json`` (CSAF 2.0 section 5.1: the lower-cased tracking ID, other characters as ``_``)."""
    name = "".join(char if char.isalnum() or char in "+-" else "_" for char in loaded.advisory.id.lower())
    return f"csaf/{name}.json"


def render_csaf(inputs: DocumentInputs) -> dict[str, bytes]:
    """One validated CSAF JSON file per advisory; a schema violation is an error naming the advisory file."""
    files: dict[str, bytes] = {}
    for loaded in inputs.advisories:
        document = build_csaf(inputs, loaded)
        problems = validation_errors(document) or product_id_problems(document)
        if problems:
            raise DocumentError(
                f"the CSAF document is not valid against the CSAF 2.0 schema: {problems[0]}", where=str(loaded.path)
            )
        files[csaf_file_name(loaded)] = (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode()
    return files
