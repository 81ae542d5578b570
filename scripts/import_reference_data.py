"""One-time import of the project's reference data into the bundled catalog and crosswalk files.

Reads ``shared/reference/`` (the compiled NIST, ETSI, BBF and OWASP reference data and the seed-derived tables)
and writes ``src/iotprofile/catalog/data/*.yaml`` and the seed/derivation crosswalks in
``src/iotprofile/crosswalk/data/``. The written files are the source of truth from then on and are reviewed and
edited by hand; re-run this only to re-import, then review the diff. The project-curated ETSI, BBF and OWASP
crosswalks are reviewed data files and are not written here.

Usage: python scripts/import_reference_data.py [PATH/TO/shared/reference]
"""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
CATALOG_OUT = ROOT / "src" / "iotprofile" / "catalog" / "data"
CROSSWALK_OUT = ROOT / "src" / "iotprofile" / "crosswalk" / "data"
COMPILED = "Compiled for iotprofile from shared/reference (2026-11-22)."

ALL_KINDS = ["device", "mobile_app", "desktop_app", "web_app", "cloud_backend", "hub", "third_party_service"]
TECHNICAL_OUTCOMES = ["AI", "PC", "DP", "IAC", "SU", "CSA"]
SCOPES = {
    "each-product-component": "each_component",
    "product": "product",
    "some-product-components": "some_components",
    "product-as-a-whole": "product_as_a_whole",
}
SOURCE_OF_STATUS = {"verified": "RN-NIST-CATALOG", "recalled": None, "unknown": None}


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def clean(mapping: dict[str, Any]) -> dict[str, Any]:
    """Drop empty values so the data files stay readable."""
    return {key: value for key, value in mapping.items() if value not in (None, [], {}, ())}


def dump(path: Path, data: Any, header: str) -> None:
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=118, default_flow_style=False)
    path.write_text(f"{header.rstrip()}\n{text}", encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)}")


def provenance(status: str, source: str | None = None, note: str | None = None) -> dict[str, Any]:
    return clean({"status": status, "source": source, "note": note})


def iso_date(value: Any) -> str | None:
    match = re.match(r"\d{4}(-\d{2}(-\d{2})?)?", str(value)) if value else None
    return match.group(0) if match else None


def registry_entry(registry: dict[str, dict[str, Any]], doc_id: str) -> dict[str, Any]:
    return registry[doc_id]


# ----------------------------------------------------------------------------------------------- NIST baselines


def nist_8259a(ref: Path, registry: dict[str, dict[str, Any]]) -> dict[str, Any]:
    data = load(ref / "nist-ir-8259a.yaml")
    meta = data["meta"]
    elements: list[dict[str, Any]] = []
    for cap in data["capabilities"]:
        elements.append(
            clean(
                {
                    "id": cap["id"],
                    "kind": "outcome",
                    "title": cap["name"],
                    "text": cap["statement"],
                    "nature": "technical",
                    "applies_to": ["device"],
                    "provenance": provenance(
                        cap["statement_provenance"], SOURCE_OF_STATUS[cap["statement_provenance"]]
                    ),
                    "title_provenance": provenance("verified", "RN-NIST-CATALOG"),
                }
            )
        )
        for element in cap["elements"]:
            elements.append(
                clean(
                    {
                        "id": element["id"],
                        "parent": cap["id"],
                        "kind": "sub_outcome",
                        "text": element["text"],
                        "nature": "technical",
                        "applies_to": ["device"],
                        "provenance": provenance(element["provenance"], SOURCE_OF_STATUS[element["provenance"]]),
                    }
                )
            )
            for child in element.get("children", []):
                elements.append(
                    clean(
                        {
                            "id": child["id"],
                            "parent": element["id"],
                            "kind": "item",
                            "text": child["text"],
                            "nature": "technical",
                            "applies_to": ["device"],
                            "provenance": provenance(child["provenance"], SOURCE_OF_STATUS[child["provenance"]]),
                        }
                    )
                )
    entry = registry_entry(registry, "nist-ir-8259a")
    return document_header(
        entry,
        kind="baseline",
        short_title="NIST IR 8259A",
        date=meta["published"],
        url=meta["doi"],
        sources=meta["sources"],
        notes=[
            "Element IDs are minted by iotprofile (NIST numbers nothing in 8259A): <capability>-<n> in the order "
            "of the 'common elements' bullets of Table 1; nested bullets get letters (SU-6a).",
        ],
        known_gaps=[
            "Table 1's 'Rationale' and 'IoT Reference Examples' columns are not encoded.",
            "The Cybersecurity State Awareness capability statement is recalled, not verified.",
        ],
        elements=elements,
    )


def nist_8259b(ref: Path, registry: dict[str, dict[str, Any]]) -> dict[str, Any]:
    data = load(ref / "nist-ir-8259b.yaml")
    meta = data["meta"]
    elements: list[dict[str, Any]] = []
    common = {"nature": "non_technical", "scope": "product_as_a_whole"}
    for cap in data["capabilities"]:
        elements.append(
            clean(
                {
                    "id": cap["id"],
                    "kind": "outcome",
                    "title": cap["name"],
                    "text": cap["statement"],
                    **common,
                    "provenance": provenance(
                        cap["statement_provenance"], SOURCE_OF_STATUS[cap["statement_provenance"]]
                    ),
                    "title_provenance": provenance("verified", "RN-NIST-CATALOG"),
                }
            )
        )
        for element in cap["elements"]:
            elements.append(
                clean(
                    {
                        "id": element["id"],
                        "parent": cap["id"],
                        "kind": "sub_outcome",
                        "text": element["text"],
                        **common,
                        "provenance": provenance(element["provenance"], SOURCE_OF_STATUS[element["provenance"]]),
                    }
                )
            )
            for child in element.get("children", []):
                elements.append(
                    clean(
                        {
                            "id": child["id"],
                            "parent": element["id"],
                            "kind": "item",
                            "text": child["text"],
                            **common,
                            "provenance": provenance(child["provenance"], SOURCE_OF_STATUS[child["provenance"]]),
                        }
                    )
                )
    entry = registry_entry(registry, "nist-ir-8259b")
    return document_header(
        entry,
        kind="baseline",
        short_title="NIST IR 8259B",
        date=meta["published"],
        url=meta["doi"],
        sources=meta["sources"],
        notes=[
            "Capability prefixes (DOC, IQR, ID, EA) are minted by iotprofile; action numbers and letters are NIST's.",
        ],
        known_gaps=[
            "Table 1's 'Rationale' and 'IoT Reference Examples' columns are not encoded (the reference numbers "
            "were partly truncated in the source conversion).",
        ],
        elements=elements,
    )


def document_header(entry: dict[str, Any], **fields: Any) -> dict[str, Any]:
    elements = fields.pop("elements")
    doc_provenance = fields.pop("provenance", provenance("verified", None, COMPILED))
    head = {
        "id": entry["id"],
        "kind": fields.pop("kind"),
        "title": fields.pop("title", entry["title"]),
        "short_title": fields.pop("short_title", None),
        "publisher": fields.pop("publisher", entry["publisher"]),
        "version": fields.pop("version", None),
        "date": iso_date(fields.pop("date", entry.get("date"))),
        "url": fields.pop("url", entry.get("url")),
        "licence": fields.pop("licence", "public-domain-us"),
        "licence_note": fields.pop("licence_note", None),
        "attribution": fields.pop("attribution", None),
        "content": fields.pop("content", "full-text"),
    }
    return clean({**head, **fields, "provenance": doc_provenance, "elements": elements})


# -------------------------------------------------------------------------------------------------- NIST 8425


def nist_8425(ref: Path, registry: dict[str, dict[str, Any]]) -> dict[str, Any]:
    data = load(ref / "nist-ir-8425.yaml")
    meta = data["meta"]
    elements: list[dict[str, Any]] = []

    def text_provenance(node: dict[str, Any]) -> dict[str, Any]:
        status = node["provenance"]
        source = node.get("source") or SOURCE_OF_STATUS.get(status)
        notes = [node[key] for key in ("provenance_note",) if node.get(key)]
        if node.get("corroborated_by"):
            notes.append("Corroborated by " + ", ".join(node["corroborated_by"]) + ".")
        return provenance(status, source, " ".join(notes) or None)

    def sub(node: dict[str, Any], kind: str) -> None:
        nature = "technical" if node["kind"] == "technical" else "non_technical"
        notes = [node[key] for key in ("derived_from_note",) if node.get(key)]
        if node.get("applies_to", {}).get("note"):
            notes.append("Scope: " + node["applies_to"]["note"])
        label = node.get("nist_label") or (
            f"Product Education and Awareness 1, minimum criterion {node['essay_label'].split()[-1]}"
            if node.get("essay_label")
            else None
        )
        elements.append(
            clean(
                {
                    "id": node["id"],
                    "parent": node["parent"],
                    "kind": kind,
                    "label": label,
                    "title": node["title"],
                    "text": node.get("text"),
                    "lead_in": node.get("lead_in"),
                    "nature": nature,
                    "scope": SCOPES[node["applies_to"]["scope"]],
                    "applies_to": ALL_KINDS if nature == "technical" else [],
                    "provenance": text_provenance(node),
                    "title_provenance": provenance("editorial", "iotprofile"),
                    "lead_in_provenance": (
                        provenance(node["lead_in_provenance"]) if node.get("lead_in_provenance") else None
                    ),
                    "notes": notes,
                }
            )
        )
        for child in node.get("children", []):
            sub(child, "item")

    for outcome in data["outcomes"]:
        nature = "technical" if outcome["kind"] == "technical" else "non_technical"
        notes = [f'The seed slides summarise this outcome as: "{outcome["slide_summary"]}".']
        notes += [outcome[key] for key in ("statement_note", "essay_note", "completeness_note") if outcome.get(key)]
        if outcome.get("aliases"):
            notes.append("Also called: " + "; ".join(outcome["aliases"]) + ".")
        elements.append(
            clean(
                {
                    "id": outcome["id"],
                    "kind": "outcome",
                    "label": outcome["name"],
                    "title": outcome["name"],
                    "text": outcome["statement"],
                    "nature": nature,
                    "scope": "product" if nature == "technical" else "product_as_a_whole",
                    "applies_to": ALL_KINDS if nature == "technical" else [],
                    "provenance": text_provenance(outcome),
                    "title_provenance": provenance("seed", "SEED-SLIDES"),
                    "notes": notes,
                }
            )
        )
        for node in outcome["sub_outcomes"]:
            sub(node, "sub_outcome")

    definitions = meta["definitions"]
    entry = registry_entry(registry, "nist-ir-8425")
    return document_header(
        entry,
        kind="profile",
        short_title="NIST IR 8425",
        date=meta["published"],
        url=meta["doi"],
        sources=meta["sources"],
        notes=[
            f'IoT product: "{definitions["iot_product"]["text"]}" (SEED-ESSAY, quoting NIST).',
            "Product components include: "
            + "; ".join(definitions["product_components_examples"]["items"])
            + " (SEED-SLIDES).",
            "NIST cites sub-outcomes as '<Outcome name> <n><letter>' (e.g. 'Documentation 1a'); the short IDs "
            "(AI-1, IAC-1a, PEA-1.1) are minted by iotprofile. The five Education and Awareness minimum criteria, "
            "which NIST numbers 1-5, are PEA-1.1 to PEA-1.5.",
            "8425 is the consumer IoT profile of the 8259A/8259B core baselines; its lineage from them is in the "
            "crosswalk nist-ir-8259-to-nist-ir-8425 (project-curated).",
            *meta["slide_errata"],
        ],
        known_gaps=[
            "The non-technical outcome statements (DOC, IQR, ID, PEA) are recalled, not verified.",
            "The stem sentences of Documentation 1, Information and Query Reception 1 and Information "
            "Dissemination 1 are unknown (text absent).",
            "Whether 8425 has Documentation items beyond 1a-1g, or a 'Documentation 2', is unknown; whether the "
            "lettered items carry 'such as' sub-lists in the PDF is unknown.",
            "Whether Information Dissemination 2 has lettered items is unknown.",
            "Interface Access Control: the IAC-1 lead-in, IAC-1a-c, IAC-2 and IAC-2a-c are recalled.",
            "Software Update (statement, SU-1, SU-2) and Cybersecurity State Awareness (statement, CSA-1) are "
            "recalled; SU-1 is corroborated by the router-tailored slide text.",
            "8425's rationale, notes and informative references are not encoded.",
            "Non-technical sub-outcome texts come from the NIST essay's quotation of 8425 (seed) and may differ "
            "from the PDF in detail.",
        ],
        elements=elements,
    )


# ------------------------------------------------------------------------------------------------- NIST 8425A


def nist_8425a(ref: Path, registry: dict[str, dict[str, Any]]) -> dict[str, Any]:
    data = load(ref / "nist-ir-8425a.yaml")
    meta = data["meta"]
    tailoring = data["tailoring"]
    elements = []
    for node in data["added_sub_outcomes"]:
        note = node["applies_to"].get("note")
        scope = (
            "each_component" if node["applies_to"]["scope"] == "unspecified" else SCOPES[node["applies_to"]["scope"]]
        )
        elements.append(
            clean(
                {
                    "id": node["id"],
                    "parent": node["parent"],
                    "kind": "sub_outcome",
                    "label": node["nist_label"],
                    "title": node["title"],
                    "text": node["text"],
                    "nature": "technical",
                    "scope": scope,
                    "applies_to": ALL_KINDS,
                    "provenance": provenance(
                        "seed",
                        node["source"],
                        f"Slide heading: '{node['slide_heading']}'. From the Dec 2023 preliminary draft; the final "
                        "wording and numbering are unknown.",
                    ),
                    "title_provenance": provenance("editorial", "iotprofile"),
                    "notes": [f"Scope is iotprofile's reading: {note}; applied to each component that takes updates."]
                    if note
                    else [],
                }
            )
        )
    texts = {entry["target"].split(":")[1]: entry["tailored"] for entry in tailoring["examples_in_seeds"]}
    scope = data["scope"]
    findings = data["findings"]
    entry = registry_entry(registry, "nist-ir-8425a")
    standards = [standard["standard_id"] for standard in data["standards"]["device_standards"]]
    return document_header(
        entry,
        kind="profile",
        short_title="NIST IR 8425A",
        date=meta["published"],
        url=meta["doi"],
        based_on="nist-ir-8425",
        product_type="consumer-grade router",
        tailoring={
            "rules": [
                {
                    "replace": "an IoT product",
                    "with": "a consumer-grade router product",
                    "provenance": provenance("editorial", "iotprofile", "Article agreement for the rule below."),
                },
                {
                    "replace": "IoT product",
                    "with": "consumer-grade router product",
                    "provenance": provenance("seed", "SEED-SLIDES", tailoring["rule"]["basis"]),
                },
            ],
            "texts": texts,
            "texts_provenance": provenance(
                "seed",
                "SEED-SLIDES",
                "Tailored statements shown on the slides 'Cybersecurity Outcomes Tailored for "
                "Consumer-Grade Routers' and 'Software Update 1'.",
            ),
        },
        built_from=standards,
        sources=meta["sources"],
        notes=[
            f'Consumer-grade routers: "{scope["definition"]["text"]}" (SEED-SLIDES).',
            "Router functions: traffic processing (routing between LAN and Internet, port and address translation); "
            "auxiliary functions (DHCP, DNS, network time); control and configuration, which the slides mark as the "
            "focal point for cybersecurity and which may use app-based or cloud-based management tools.",
            "Additional router product components named on the slides: "
            + ", ".join(scope["additional_component_kinds"]["items"])
            + ".",
            "Analysis process (SEED-SLIDES): Group requirements under the 8425 outcomes; Define SHALLs and SHOULDs "
            "from the sources' designations; Consolidate (complementary vs contradictory); Expand with new "
            "sub-outcomes (Software Update 3, Cybersecurity State Awareness 2); Tailor the outcome wording.",
            "Findings (SEED-SLIDES): " + " ".join(f"{item}." for item in findings["technical_device"]),
            "Router devices could meet the technical outcomes using all four standards; additional components and "
            "the non-technical outcomes need additional guidance (SEED-SLIDES, 'How the Outcomes are Defined in "
            "Full': device technical outcomes in sections 3.1.1-3.1.7, non-technical 3.1.8 + TBD; additional "
            "components TBD).",
            "Tailoring: statements the seeds show tailored carry NIST's wording (status seed). For every other "
            "statement iotprofile applies the tailoring rule to the 8425 text and marks the result 'generated': a "
            "candidate, not NIST's text.",
        ],
        known_gaps=[
            "The seeds reflect the December 2023 preliminary draft; the final NIST IR 8425A (2024-09-10) may differ.",
            "The final 8425A outcome and sub-outcome texts are not available beyond the two tailored statements on "
            "the slides; SHALL/SHOULD requirement statements of the profile are not available.",
            "Final wording and numbering of Software Update 3 and Cybersecurity State Awareness 2, and any other "
            "sub-outcomes added in the final 8425A, are unknown.",
            "NIST's crosswalk is available only for Data Protection 1, Software Update 1 and 3 and Cybersecurity "
            "State Awareness 2; SU-3 and CSA-2 list no BSI or IMDA IDs on the slides, which does not prove none exist.",
            "The CableLabs, BSI and IMDA requirement texts are not available; the meaning of BSI citations such as "
            "(4.2)[3] is inferred, and the BSI and IMDA versions NIST used are not stated.",
            "The profile's non-technical content and its content for additional components are TBD in the seeds.",
        ],
        elements=elements,
    )


# ------------------------------------------------------------------------------------------------ ETSI and BBF

STATUS_STRENGTH = {"M": "shall", "M C": "shall", "R": "should", "R C": "should"}


def etsi(ref: Path, registry: dict[str, dict[str, Any]]) -> dict[str, Any]:
    data = load(ref / "etsi-en-303-645-index.yaml")
    conditions = {item["id"]: item["text"] for item in data["conditions"]}
    elements: list[dict[str, Any]] = []
    by_clause: dict[str, list[dict[str, Any]]] = {}
    for provision in data["provisions"]:
        by_clause.setdefault(provision["clause"], []).append(provision)
    for clause in data["clauses"]:
        elements.append(
            clean(
                {
                    "id": clause["id"],
                    "kind": "group",
                    "title": clause["title"],
                    "provenance": provenance(
                        "verified", "DATA-ETSI-STATUS", "Clause title from a transcription of Annex B."
                    ),
                    "notes": [clause["title_note"]] if clause.get("title_note") else [],
                }
            )
        )
        for provision in by_clause[clause["id"]]:
            status = provision["status"]
            elements.append(
                clean(
                    {
                        "id": provision["id"],
                        "parent": clause["id"],
                        "kind": "requirement",
                        "summary": provision["summary"],
                        "strength": STATUS_STRENGTH.get(status) if status else "shall",
                        "strength_source": provision["annex_b_status"]
                        or "shall (provision wording; not in the Annex B copy used)",
                        "conditions": [f"({number}) {conditions[number]}" for number in provision["conditions"]],
                        "applies_to": ["device", "hub"],
                        "provenance": provenance(
                            "editorial",
                            "iotprofile",
                            "One-line summary in iotprofile's own words; ETSI's provision text is copyrighted and "
                            "not shipped.",
                        ),
                        "notes": [provision["status_note"]] if provision.get("status_note") else [],
                    }
                )
            )
    entry = registry_entry(registry, "etsi-en-303-645")
    return document_header(
        entry,
        kind="standard",
        short_title="ETSI EN 303 645",
        version="V2.1.1",
        date="2020-06",
        licence="ETSI-copyright",
        licence_note=(
            "ETSI text is copyrighted and not shipped. This catalog holds provision IDs, clause titles and the "
            "Annex B (Implementation Conformance Statement) status and condition texts, which ETSI lets users "
            "reproduce as a pro forma, plus one-line summaries written by iotprofile. Import the provision texts "
            "from your own licensed copy."
        ),
        content="ids+status",
        component_kinds=["device", "hub"],
        sources=data["meta"]["sources"],
        notes=[
            "Annex B status: M mandatory, R recommendation, M C / R C conditional on the numbered conditions; "
            "iotprofile reads M as SHALL and R as SHOULD.",
        ],
        known_gaps=[
            "Provision 4-1's wording and Annex B status are unverified (it is not in the Annex B copy used).",
            "The status of 5.3-10 was corrected from 'M (11, 12)' to 'M C (11, 12)' while compiling the data.",
            "Two clause titles differ between sources; the plural forms of the Annex B copy are used.",
            "V3.1.3 (2024-09), which splits some IDs and adds 5.0-1, is not encoded.",
        ],
        elements=elements,
    )


KEYWORD_STRENGTH = {
    "MUST": "shall",
    "MUST NOT": "shall_not",
    "SHALL": "shall",
    "SHALL NOT": "shall_not",
    "SHOULD": "should",
    "SHOULD NOT": "should_not",
    "MAY": "may",
}


def bbf(ref: Path, registry: dict[str, dict[str, Any]]) -> dict[str, Any]:
    data = load(ref / "bbf-tr-124-security-index.yaml")
    summary_note = "One-line summary in iotprofile's own words; Broadband Forum text is not shipped."
    elements: list[dict[str, Any]] = []
    known: set[str] = set()
    for requirement in data["requirements"]:
        keywords = requirement.get("keywords") or []
        notes = []
        if requirement["status"] != "active":
            notes.append(f"Status in Issue 8: {requirement['status']}.")
        for key in ("strength_note", "issue9_change", "note"):
            if requirement.get(key):
                notes.append(str(requirement[key]))
        if requirement.get("cited_in_nist_crosswalk"):
            notes.append(
                "Cited in NIST's router crosswalk for " + ", ".join(requirement["cited_in_nist_crosswalk"]) + "."
            )
        principal = keywords[0] if keywords else None
        strength = None
        if requirement.get("strength"):
            strength = (
                KEYWORD_STRENGTH[principal]
                if principal and KEYWORD_STRENGTH[principal].startswith(KEYWORD_STRENGTH[requirement["strength"]])
                else KEYWORD_STRENGTH[requirement["strength"]]
            )
        elements.append(
            clean(
                {
                    "id": requirement["id"],
                    "kind": "requirement",
                    "summary": requirement.get("summary"),
                    "strength": strength,
                    "strength_source": ", ".join(keywords) or None,
                    "applies_to": ["device"],
                    "provenance": provenance("editorial", "iotprofile", summary_note),
                    "notes": notes,
                }
            )
        )
        known.add(requirement["id"])
    with (ref / "crosswalk-candidates" / "bbf-tr-124-i8-to-nist-ir-8425a.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["requirement_id"] in known:
                continue
            marker = re.match(r"\[([A-Z ]+)\]", row["notes"])
            keyword = marker.group(1).strip() if marker else None
            elements.append(
                clean(
                    {
                        "id": row["requirement_id"],
                        "kind": "requirement",
                        "summary": row["summary"],
                        "strength": KEYWORD_STRENGTH.get(keyword or ""),
                        "strength_source": keyword,
                        "applies_to": ["device"],
                        "provenance": provenance(
                            "editorial",
                            "iotprofile crosswalk candidates",
                            summary_note + " Outside the SEC/GEN.OPS security index; indexed because the "
                            "project's TR-124 crosswalk uses it.",
                        ),
                    }
                )
            )
            known.add(row["requirement_id"])
    entry = registry_entry(registry, "bbf-tr-124-i8")
    return document_header(
        entry,
        kind="standard",
        short_title="BBF TR-124 Issue 8",
        version="Issue 8",
        licence="BBF-copyright",
        licence_note=(
            "Requirement text is (c) Broadband Forum, whose terms forbid modification and derivative works: only "
            "IDs, the upper-case normative keywords and one-line summaries in iotprofile's own words are shipped."
        ),
        content="ids+summaries",
        component_kinds=["device"],
        sources={"BBF-REPO": data["meta"]["source"]},
        notes=[
            "Strength is the requirement's principal keyword: MUST/MUST NOT -> SHALL/SHALL NOT, SHOULD/SHOULD NOT, MAY.",
            "Covers the SEC.* and GEN.OPS.* modules in full and the other IDs the project's crosswalk uses.",
        ],
        known_gaps=[
            "Only the security-relevant subset of TR-124's 1,084 requirements is indexed.",
            "SEC.GEN.2 and SEC.GEN.3 moved to SEC.USERINTERFACE (section 4.6.2); the IDs that replaced them are "
            "not stated.",
            "Issue 9 changes are noted but not indexed (e.g. the new SEC.GEN.12).",
        ],
        elements=elements,
    )


def ids_only(registry: dict[str, dict[str, Any]], doc_id: str, ids: list[str], short: str) -> dict[str, Any]:
    entry = registry_entry(registry, doc_id)
    seen: list[str] = []
    for requirement in ids:
        if requirement not in seen:
            seen.append(requirement)
    elements = [
        {
            "id": requirement,
            "kind": "requirement",
            "applies_to": ["device"],
            "provenance": provenance(
                "seed",
                "SEED-SLIDES",
                "ID as printed in NIST's router crosswalk; the requirement text is not available to the project.",
            ),
        }
        for requirement in seen
    ]
    return document_header(
        entry,
        kind="standard",
        short_title=short,
        version=str(entry["version"]) if entry.get("version") else None,
        licence="proprietary",
        licence_note=f"{entry['licence']}. Only requirement IDs are shipped; import your own copy for texts.",
        content="ids-only",
        component_kinds=["device"],
        known_gaps=[
            "Only the requirement IDs that NIST's router crosswalk cites on the seed slides are listed; the "
            "standard has more requirements, and their texts are not available to the project.",
        ],
        elements=elements,
    )


# ------------------------------------------------------------------------------------------------------ OWASP


def asvs(ref: Path, registry: dict[str, dict[str, Any]]) -> dict[str, Any]:
    data = json.loads(
        (
            ref / "third-party" / "owasp-asvs-5.0" / "OWASP_Application_Security_Verification_Standard_5.0.0_en.json"
        ).read_text(encoding="utf-8")
    )
    upstream = provenance("upstream", "OWASP/ASVS 5.0/docs_en @fe04986")
    elements: list[dict[str, Any]] = []
    for chapter in data["Requirements"]:
        elements.append(
            clean(
                {
                    "id": chapter["Shortcode"],
                    "kind": "group",
                    "title": chapter["Name"],
                    "label": chapter["ShortName"],
                    "provenance": upstream,
                }
            )
        )
        for section in chapter["Items"]:
            elements.append(
                {
                    "id": section["Shortcode"],
                    "parent": chapter["Shortcode"],
                    "kind": "group",
                    "title": section["Name"],
                    "provenance": upstream,
                }
            )
            for requirement in section["Items"]:
                elements.append(
                    {
                        "id": requirement["Shortcode"],
                        "parent": section["Shortcode"],
                        "kind": "requirement",
                        "text": requirement["Description"],
                        "strength": "shall",
                        "strength_source": f"Verify that ... (L{requirement['L']})",
                        "level": f"L{requirement['L']}",
                        "applies_to": ["web_app", "cloud_backend"],
                        "provenance": upstream,
                    }
                )
    entry = registry_entry(registry, "owasp-asvs-5.0")
    return document_header(
        entry,
        kind="standard",
        short_title="OWASP ASVS 5.0",
        version="5.0.0",
        date="2025-05",
        licence="CC-BY-SA-4.0",
        licence_note="Shipped whole under CC BY-SA 4.0; share-alike applies to data derived from it.",
        attribution=(
            "OWASP Application Security Verification Standard 5.0.0, by the OWASP Foundation, licensed CC BY-SA 4.0 "
            "(https://github.com/OWASP/ASVS, commit fe04986146b0db0a54d3eb2b9c755c78874ce910)."
        ),
        component_kinds=["web_app", "cloud_backend"],
        provenance=provenance(
            "upstream", "OWASP/ASVS 5.0/docs_en @fe04986", "Imported from OWASP's official JSON export."
        ),
        notes=[
            "Every requirement reads 'Verify that ...' and is required at its level and above: iotprofile records "
            "strength SHALL with the level (L1 lowest) at which it first applies.",
        ],
        elements=elements,
    )


def masvs(ref: Path, registry: dict[str, dict[str, Any]]) -> dict[str, Any]:
    data = load(ref / "third-party" / "owasp-masvs-2.1" / "OWASP_MASVS_v2.1.0.yaml")
    upstream = provenance("upstream", "OWASP/owasp-masvs v2.1.0 @8e133d0")
    elements: list[dict[str, Any]] = []
    for group in data["groups"]:
        elements.append(
            {
                "id": group["id"],
                "kind": "group",
                "title": group["title"],
                "guidance": group["description"],
                "provenance": upstream,
            }
        )
        for control in group["controls"]:
            elements.append(
                {
                    "id": control["id"],
                    "parent": group["id"],
                    "kind": "requirement",
                    "text": control["statement"],
                    "guidance": control["description"],
                    "applies_to": ["mobile_app"],
                    "provenance": upstream,
                }
            )
    entry = registry_entry(registry, "owasp-masvs-2.1")
    return document_header(
        entry,
        kind="standard",
        short_title="OWASP MASVS 2.1",
        version="2.1.0",
        date="2024-01",
        licence="CC-BY-SA-4.0",
        licence_note="Shipped whole under CC BY-SA 4.0; share-alike applies to data derived from it.",
        attribution=(
            "OWASP Mobile Application Security Verification Standard 2.1.0, by the OWASP MAS project, licensed "
            "CC BY-SA 4.0 (https://github.com/OWASP/owasp-masvs, tag v2.1.0)."
        ),
        component_kinds=["mobile_app"],
        provenance=provenance("upstream", "OWASP/owasp-masvs v2.1.0 @8e133d0", "Regenerated from the tagged Markdown."),
        notes=[
            "MASVS 2 controls are outcome statements without levels or normative keywords: no strength is recorded."
        ],
        elements=elements,
    )


# ----------------------------------------------------------------------------------------------------- registry

SHIPPED = {
    "nist-ir-8259a",
    "nist-ir-8259b",
    "nist-ir-8425",
    "nist-ir-8425a",
    "etsi-en-303-645",
    "bbf-tr-124-i8",
    "cablelabs-gds-bcp-1",
    "bsi-tr-03148",
    "imda-ts-rg-sec-1",
    "owasp-asvs-5.0",
    "owasp-masvs-2.1",
}
CATEGORY_KIND = {"nist-iot-baseline": "baseline", "nist-iot-profile": "profile"}


def registry_file(raw: list[dict[str, Any]]) -> dict[str, Any]:
    documents = []
    for entry in raw:
        if entry["id"] in SHIPPED:
            continue
        details = str(entry.get("details_provenance", ""))
        status = "recalled" if "recalled" in details else "seed" if details.startswith("seed") else "verified"
        date = iso_date(entry.get("date"))
        notes = [str(entry["notes"])] if entry.get("notes") else []
        if entry.get("date") and str(entry["date"]) != date:
            notes.append(f"Date as recorded: {entry['date']}.")
        if entry.get("url_source") and "recalled" in str(entry["url_source"]):
            notes.append("URL recalled, not checked.")
        documents.append(
            clean(
                {
                    "id": entry["id"],
                    "kind": CATEGORY_KIND.get(entry["category"], "standard"),
                    "title": entry["title"],
                    "publisher": entry.get("publisher") or "(none: a concept or practice)",
                    "version": str(entry["version"]) if entry.get("version") else None,
                    "date": date,
                    "url": entry.get("url"),
                    "licence": str(entry.get("licence") or "unknown"),
                    "licence_note": f"May ship: {entry['may_ship']}." if entry.get("may_ship") else None,
                    "content": "registry-entry",
                    "provenance": provenance(status, ", ".join(entry.get("named_in", [])) or None, details or None),
                    "notes": notes,
                }
            )
        )
    return {"documents": documents}


# ---------------------------------------------------------------------------------------------------- crosswalks

ESSAY_KINDS = {
    "iot-device": ["device"],
    "software-component": ["mobile_app", "desktop_app", "web_app", "cloud_backend"],
    "hardware-and-software-component": ["hub"],
    "platform": ["cloud_backend"],
}
ESSAY_CAVEAT = (
    "NIST names it as a potential reference and says it has not evaluated whether the standard satisfies the "
    "outcome; iotprofile records the weakest set relationship, intersects_with."
)


def essay_crosswalk(ref: Path) -> dict[str, Any]:
    data = load(ref / "essay-standards-map.yaml")
    mappings: list[dict[str, Any]] = []
    for block in data["technical"]["component_kinds"]:
        for reference in block["references"]:
            for outcome in TECHNICAL_OUTCOMES:
                mappings.append(
                    clean(
                        {
                            "source": reference["standard"],
                            "target": f"nist-ir-8425:{outcome}",
                            "relationship": "intersects_with",
                            "rationale": "semantic",
                            "explanation": f"The essay lists it for the technical outcomes of {block['label']}. "
                            + ESSAY_CAVEAT,
                            "component_kinds": ESSAY_KINDS[block["kind"]],
                            "note": f'As printed: "{reference["as_printed"]}"'
                            + (f"; {reference['role']}" if reference.get("role") else "")
                            + (f"; {reference['version_note']}" if reference.get("version_note") else ""),
                        }
                    )
                )
    gaps = []
    for entry in data["non_technical"]["entries"]:
        if not entry["references"]:
            gaps.append(
                clean(
                    {
                        "target": f"nist-ir-8425:{entry['sub_outcome']}",
                        "status": entry["status"],
                        "as_printed": entry.get("as_printed"),
                        "note": entry.get("essay_note"),
                    }
                )
            )
            continue
        for reference in entry["references"]:
            source = reference["standard"] + (f":{reference['provision']}" if reference.get("provision") else "")
            note = f'As printed: "{reference["as_printed"]}"'
            if entry.get("qualifier"):
                note += f"; the essay heads the cell '{entry['qualifier']}'"
            if entry.get("parse_note"):
                note += "; " + " ".join(entry["parse_note"].split())
            if entry.get("essay_note"):
                note += "; " + entry["essay_note"]
            mappings.append(
                clean(
                    {
                        "source": source,
                        "target": f"nist-ir-8425:{entry['sub_outcome']}",
                        "relationship": "intersects_with",
                        "rationale": "semantic",
                        "explanation": "The essay pairs it with this sub-outcome as a potential reference. "
                        + ESSAY_CAVEAT,
                        "note": note,
                    }
                )
            )
    return {
        "id": "nist-essay-2023-standards-to-nist-ir-8425",
        "title": "Standards NIST's 2023 essay pairs with the NIST IR 8425 outcomes",
        "description": (
            "The pairings of 'Identifying Standards and Guidance for a Consumer IoT Product Development Handbook' "
            "(NIST, for the 7 Dec 2023 forum): technical outcomes per kind of product component, and every "
            "non-technical sub-outcome with its ISO/IEC and NIST references, or 'none identified' where the essay "
            "says so."
        ),
        "origin": "seed",
        "origin_source": "SEED-ESSAY",
        "licence": "public-domain-us",
        "notes": [
            "Technical outcomes are paired per kind of component, not per sub-outcome: each mapping targets an "
            "outcome and holds for the component kinds it names (IoT devices; software components such as mobile "
            "apps; hardware+software components such as networking equipment; platforms such as cloud backends).",
            "Essay component kinds mapped to iotprofile's: IoT devices -> device; software-based components -> "
            "mobile_app, desktop_app, web_app, cloud_backend; components with hardware -> hub; platform -> "
            "cloud_backend.",
            "The hardware+software row also recommends 'applicable protocol and cybersecurity standards for the "
            "interfaces and protocols that new hardware introduces'; the essay names none.",
            "The essay names OWASP ASVS without a version (4.0.3 was current in 2023); it is mapped to the "
            "version iotprofile ships, 5.0.",
            "The Documentation 1b cell can also be read as three items (SBOM; HBOM; an unidentified 'Framework "
            "for Supply Chain Risk Management'); the two-item reading is used.",
            "The essay pairs Education and Awareness standards with the outcome's one sub-outcome as a whole, not "
            "with the individual minimum criteria: they are mapped to PEA-1.",
        ],
        "mappings": mappings,
        "gaps": gaps,
    }


CITATION_DOC = {"BBF": "bbf-tr-124-i8", "CL": "cablelabs-gds-bcp-1", "BSI": "bsi-tr-03148", "IMDA": "imda-ts-rg-sec-1"}


def router_crosswalk(ref: Path) -> tuple[dict[str, Any], dict[str, list[str]]]:
    data = load(ref / "nist-ir-8425a.yaml")
    mappings: list[dict[str, Any]] = []
    ids: dict[str, list[str]] = {}
    for standard in CITATION_DOC.values():
        for outcome in TECHNICAL_OUTCOMES:
            mappings.append(
                {
                    "source": standard,
                    "target": f"nist-ir-8425a:{outcome}",
                    "relationship": "intersects_with",
                    "rationale": "semantic",
                    "explanation": "One of the four standards NIST built the router profile from; the slides say "
                    "router devices could meet the technical outcomes using all four.",
                    "component_kinds": ["device"],
                    "origin_source": "SEED-SLIDES",
                }
            )
    for entry in data["crosswalk"]["entries"]:
        for key, requirement_ids in entry["requirements"].items():
            doc = CITATION_DOC[key]
            ids.setdefault(doc, []).extend(requirement_ids)
            counts: dict[str, int] = {}
            for requirement in requirement_ids:
                counts[requirement] = counts.get(requirement, 0) + 1
            for requirement, count in counts.items():
                note = f"Listed under the slide's '{key}' key."
                if count > 1:
                    note += f" Printed {count} times in this row on the slide (kept once; possibly a slide typo)."
                mappings.append(
                    {
                        "source": f"{doc}:{requirement}",
                        "target": f"nist-ir-8425a:{entry['sub_outcome']}",
                        "relationship": "intersects_with",
                        "rationale": "semantic",
                        "explanation": "NIST grouped this requirement under the sub-outcome; the slides state no "
                        "IR 8477 relationship, so iotprofile records the weakest set relationship.",
                        "component_kinds": ["device"],
                        "note": note,
                    }
                )
    dp1 = data["crosswalk"]["entries"][0]
    su1 = data["crosswalk"]["entries"][1]
    crosswalk = {
        "id": "nist-ir-8425a-router-crosswalk",
        "title": "NIST's consumer-grade router crosswalk, as the seed slides give it",
        "description": (
            "The requirement IDs of the four router standards (Broadband Forum TR-124 Issue 8, CableLabs GDS BCP, "
            "BSI TR-03148, IMDA TS RG-SEC) that NIST grouped under Data Protection 1, Software Update 1 and 3 and "
            "Cybersecurity State Awareness 2, exactly as printed on the 7 Dec 2023 forum slides."
        ),
        "origin": "seed",
        "origin_source": "SEED-SLIDES",
        "licence": "public-domain-us",
        "notes": [
            "Data Protection 1 comes from NIST's crosswalk white paper of 25 Oct 2023 as reproduced on the slides "
            f"(label there: '{dp1['crosswalk_label']}'). Concept groups found: "
            + "; ".join(dp1["concept_groups"]["items"])
            + ". "
            + dp1["consolidation_result"]
            + ".",
            "Software Update 1 annotations: " + " ".join(su1["slide_annotations"]["items"]),
            "Software Update 3 and Cybersecurity State Awareness 2 list no BSI or IMDA IDs on the slides; that does "
            "not establish that those standards have none.",
            "Rows for every other sub-outcome are not in the seeds; the project-curated crosswalk "
            "bbf-tr-124-i8-to-nist-ir-8425a extends the Broadband Forum side to every router sub-outcome.",
        ],
        "mappings": mappings,
    }
    return crosswalk, ids


# 8259A/B -> 8425 lineage: (relationship, rationale) per pair where it is not the default intersects_with/semantic.
LINEAGE = {
    ("DI-1", "AI-1"): ("subset_of", "semantic"),
    ("DI-2", "AI-1"): ("subset_of", "semantic"),
    ("DC-1", "PC-1"): ("subset_of", "semantic"),
    ("DC-2", "PC-1"): ("subset_of", "semantic"),
    ("LA-1", "IAC-1a"): ("subset_of", "semantic"),
    ("LA-2", "IAC-1b"): ("subset_of", "semantic"),
    ("SU-1", "SU-1"): ("subset_of", "semantic"),
    ("SU-2", "SU-1"): ("subset_of", "semantic"),
    ("DOC-1", "DOC-1a"): ("subset_of", "syntactic"),
    ("DOC-3", "DOC-1d"): ("subset_of", "syntactic"),
    ("DOC-4", "DOC-1e"): ("subset_of", "syntactic"),
    ("ID-1b", "ID-1a"): ("subset_of", "syntactic"),
    ("ID-1c", "ID-1b"): ("subset_of", "syntactic"),
    ("ID-1d", "ID-1c"): ("equal", "syntactic"),
    ("ID-2a", "ID-1d"): ("subset_of", "syntactic"),
    ("EA-1", "PEA-1.1"): ("subset_of", "syntactic"),
    ("EA-2", "PEA-1.3"): ("subset_of", "syntactic"),
    ("EA-6", "PEA-1.4"): ("subset_of", "syntactic"),
}
LINEAGE_WHY = {
    "subset_of": "The 8259 element asks for part of what the 8425 element asks for: 8425 widens it from the IoT "
    "device to the IoT product and its components.",
    "equal": "The two say the same thing in the same words.",
    "intersects_with": "8425 reworks the 8259 element: they overlap, and each covers something the other does not.",
}


def lineage_crosswalk(ref: Path) -> dict[str, Any]:
    data = load(ref / "nist-ir-8425.yaml")
    mappings: list[dict[str, Any]] = []

    def visit(node: dict[str, Any]) -> None:
        for source in node.get("derived_from", []):
            element = source.split(":")[1]
            relationship, rationale = LINEAGE.get((element, node["id"]), ("intersects_with", "semantic"))
            mappings.append(
                {
                    "source": source,
                    "target": f"nist-ir-8425:{node['id']}",
                    "relationship": relationship,
                    "rationale": rationale,
                    "explanation": LINEAGE_WHY[relationship],
                }
            )
        for child in node.get("children", []):
            visit(child)

    for outcome in data["outcomes"]:
        mappings.append(
            {
                "source": outcome["derived_from_capability"],
                "target": f"nist-ir-8425:{outcome['id']}",
                "relationship": "subset_of",
                "rationale": "semantic",
                "explanation": "8425 builds this outcome from the core-baseline capability and expands it from the "
                "IoT device to the IoT product (seed slides: 'Build from IR 8259A / 8259B Core Baselines', "
                "'Expanded baseline applicability to IoT Products').",
            }
        )
        for node in outcome["sub_outcomes"]:
            visit(node)
    return {
        "id": "nist-ir-8259-to-nist-ir-8425",
        "title": "NIST IR 8259A/8259B core baselines to the NIST IR 8425 consumer profile",
        "description": (
            "Which core-baseline capability and element each 8425 outcome and sub-outcome derives from. NIST "
            "publishes no element-level mapping; this is iotprofile's judgement of clear lineage from wording and "
            "topic. 8425 elements with no clear predecessor have no row."
        ),
        "origin": "project_curated",
        "origin_source": "iotprofile review of NIST IR 8259A, 8259B and 8425 texts",
        "licence": "Apache-2.0",
        "mappings": mappings,
    }


def main() -> None:
    ref = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "reference"
    registry_raw = load(ref / "standards.yaml")["standards"]
    registry = {entry["id"]: entry for entry in registry_raw}
    CATALOG_OUT.mkdir(parents=True, exist_ok=True)
    CROSSWALK_OUT.mkdir(parents=True, exist_ok=True)
    header = "# Generated once by scripts/import_reference_data.py from shared/reference; reviewed and kept by hand.\n"
    nist = "# NIST text is a US-government work, public domain in the US (17 U.S.C. 105). Not an official NIST file.\n"
    dump(CATALOG_OUT / "nist-ir-8259a.yaml", nist_8259a(ref, registry), header + nist)
    dump(CATALOG_OUT / "nist-ir-8259b.yaml", nist_8259b(ref, registry), header + nist)
    dump(CATALOG_OUT / "nist-ir-8425.yaml", nist_8425(ref, registry), header + nist)
    dump(CATALOG_OUT / "nist-ir-8425a.yaml", nist_8425a(ref, registry), header + nist)
    dump(
        CATALOG_OUT / "etsi-en-303-645.yaml",
        etsi(ref, registry),
        header + "# ETSI text is copyrighted: IDs, Annex B status/conditions and our own summaries only.\n",
    )
    dump(
        CATALOG_OUT / "bbf-tr-124-i8.yaml",
        bbf(ref, registry),
        header + "# Broadband Forum text is copyrighted: IDs, keywords and our own summaries only.\n",
    )
    router, cited = router_crosswalk(ref)
    dump(
        CATALOG_OUT / "cablelabs-gds-bcp-1.yaml",
        ids_only(registry, "cablelabs-gds-bcp-1", cited["cablelabs-gds-bcp-1"], "CableLabs GDS BCP"),
        header,
    )
    dump(
        CATALOG_OUT / "bsi-tr-03148.yaml",
        ids_only(registry, "bsi-tr-03148", cited["bsi-tr-03148"], "BSI TR-03148"),
        header,
    )
    dump(
        CATALOG_OUT / "imda-ts-rg-sec-1.yaml",
        ids_only(registry, "imda-ts-rg-sec-1", cited["imda-ts-rg-sec-1"], "IMDA TS RG-SEC"),
        header,
    )
    owasp = "# OWASP content, CC BY-SA 4.0: see the document's attribution field.\n"
    dump(CATALOG_OUT / "owasp-asvs-5.0.yaml", asvs(ref, registry), header + owasp)
    dump(CATALOG_OUT / "owasp-masvs-2.1.yaml", masvs(ref, registry), header + owasp)
    dump(
        CATALOG_OUT / "standards-registry.yaml",
        registry_file(registry_raw),
        header + "# Every other standard or guidance document the catalogs and crosswalks name (no elements).\n",
    )
    dump(CROSSWALK_OUT / "nist-essay-2023-standards-to-nist-ir-8425.yaml", essay_crosswalk(ref), header + nist)
    dump(CROSSWALK_OUT / "nist-ir-8425a-router-crosswalk.yaml", router, header + nist)
    dump(CROSSWALK_OUT / "nist-ir-8259-to-nist-ir-8425.yaml", lineage_crosswalk(ref), header)


if __name__ == "__main__":
    main()
