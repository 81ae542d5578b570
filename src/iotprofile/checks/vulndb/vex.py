"""Vendor VEX statements: CycloneDX VEX (``vulnerabilities[].analysis``) and OpenVEX (``statements[]``).

CycloneDX analysis states map to VEX statuses: ``not_affected`` and ``false_positive`` -> not affected,
``resolved``/``resolved_with_pedigree`` -> fixed, ``exploitable`` -> affected, ``in_triage`` -> under
investigation. A product is named by purl, bom-ref or bom-link (``urn:cdx:...#bom-ref``).
"""

from __future__ import annotations

from typing import Any

from iotprofile.checks.vulndb.jsondoc import JsonDoc
from iotprofile.checks.vulndb.model import VexStatement, VexStatus

_CDX_STATE = {
    "not_affected": VexStatus.NOT_AFFECTED,
    "false_positive": VexStatus.NOT_AFFECTED,
    "resolved": VexStatus.FIXED,
    "resolved_with_pedigree": VexStatus.FIXED,
    "exploitable": VexStatus.AFFECTED,
    "in_triage": VexStatus.UNDER_INVESTIGATION,
}


def is_cyclonedx_vex(data: Any) -> bool:
    """Whether a parsed JSON document is a CycloneDX BOM carrying vulnerabilities (a VEX)."""
    return (
        isinstance(data, dict)
        and data.get("bomFormat") == "CycloneDX"
        and isinstance(data.get("vulnerabilities"), list)
    )


def is_openvex(data: Any) -> bool:
    """Whether a parsed JSON document is an OpenVEX document."""
    return isinstance(data, dict) and str(data.get("@context", "")).startswith("https://openvex.dev/ns")


def read_cyclonedx_vex(doc: JsonDoc) -> list[VexStatement]:
    """The statements of a CycloneDX VEX (vulnerabilities without an analysis state are not statements)."""
    data = doc.obj(doc.data, "$")
    statements: list[VexStatement] = []
    for index, raw in enumerate(doc.array(data.get("vulnerabilities"), "$.vulnerabilities")):
        at = f"$.vulnerabilities[{index}]"
        vulnerability = doc.obj(raw, at)
        name = doc.string(vulnerability.get("id"), f"{at}.id")
        analysis = doc.obj(vulnerability.get("analysis") or {}, f"{at}.analysis")
        state = analysis.get("state")
        if state is None:
            continue
        status = _CDX_STATE.get(str(state))
        if status is None:
            raise doc.fail(f"unknown analysis state {state!r}", f"{at}.analysis.state")
        for a_index, raw_affects in enumerate(doc.array(vulnerability.get("affects"), f"{at}.affects")):
            ref = doc.string(
                doc.obj(raw_affects, f"{at}.affects[{a_index}]").get("ref"), f"{at}.affects[{a_index}].ref"
            )
            statements.append(
                VexStatement(
                    vulnerability=name,
                    product=ref,
                    status=status,
                    source=doc.name,
                    justification=doc.optional_string(analysis.get("justification"), f"{at}.analysis.justification")
                    or ("false_positive" if state == "false_positive" else None),
                    detail=doc.optional_string(analysis.get("detail"), f"{at}.analysis.detail"),
                )
            )
    return statements


def _openvex_products(doc: JsonDoc, statement: dict[str, Any], at: str) -> list[str]:
    products: list[str] = []
    for index, raw in enumerate(doc.array(statement.get("products"), f"{at}.products")):
        where = f"{at}.products[{index}]"
        if isinstance(raw, str):  # OpenVEX 0.0.1 listed bare identifiers
            products.append(doc.string(raw, where))
            continue
        product = doc.obj(raw, where)
        identifiers = product.get("identifiers")
        purl = identifiers.get("purl") if isinstance(identifiers, dict) else None
        products.append(doc.string(purl or product.get("@id"), f"{where}.@id"))
    if not products:
        raise doc.fail("a statement names no products", f"{at}.products")
    return products


def read_openvex(doc: JsonDoc) -> list[VexStatement]:
    """The statements of an OpenVEX document, one per (vulnerability, product)."""
    data = doc.obj(doc.data, "$")
    statements: list[VexStatement] = []
    for index, raw in enumerate(doc.array(data.get("statements"), "$.statements")):
        at = f"$.statements[{index}]"
        statement = doc.obj(raw, at)
        vulnerability = statement.get("vulnerability")
        if isinstance(vulnerability, dict):
            name = doc.string(vulnerability.get("name"), f"{at}.vulnerability.name")
        else:
            name = doc.string(vulnerability, f"{at}.vulnerability")
        raw_status = doc.string(statement.get("status"), f"{at}.status")
        try:
            status = VexStatus(raw_status)
        except ValueError:
            raise doc.fail(f"unknown status {raw_status!r}", f"{at}.status") from None
        justification = doc.optional_string(statement.get("justification"), f"{at}.justification")
        detail = doc.optional_string(statement.get("impact_statement"), f"{at}.impact_statement")
        if status is VexStatus.NOT_AFFECTED and justification is None and detail is None:
            raise doc.fail("not_affected needs a justification or an impact_statement (OpenVEX spec)", at)
        statements.extend(
            VexStatement(name, product, status, doc.name, justification, detail)
            for product in _openvex_products(doc, statement, at)
        )
    return statements
