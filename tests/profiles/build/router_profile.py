"""A small built profile for the writer tests: a consumer-grade router profile on NIST IR 8425.

One tailoring rule pair (as 8425A's), one added sub-outcome under Software Update, and nine trace rows from two
router standards with every strength, every decision (one row only suggested) and a formula-like text.
"""

from __future__ import annotations

from typing import Any

from iotprofile.catalog.model import Document
from iotprofile.catalog.vocabulary import Strength
from iotprofile.profiles.build.trace import Decision, TraceRow

BBF = "bbf-tr-124-i8"
CL = "cablelabs-gds-bcp-1"


def router_profile(**changes: Any) -> Document:
    """The built (unresolved) profile: tailoring rules and the added sub-outcome SU-3."""
    data: dict[str, Any] = {
        "id": "acme-router-profile",
        "kind": "profile",
        "title": "Cybersecurity Profile for Consumer-Grade Router Products",
        "publisher": "ACME Labs",
        "licence": "CC-BY-4.0",
        "based_on": "nist-ir-8425",
        "product_type": "consumer_grade_router",
        "built_from": [BBF, CL],
        "tailoring": {
            "rules": [
                {"replace": "an IoT product", "with": "a consumer-grade router product",
                 "provenance": {"status": "editorial", "source": "iotprofile"}},
                {"replace": "IoT product", "with": "consumer-grade router product",
                 "provenance": {"status": "user", "source": "profile build"}},
            ]
        },
        "provenance": {"status": "generated", "source": "iotprofile profile build"},
        "elements": [
            {"id": "SU-3", "parent": "SU", "order": 0, "kind": "sub_outcome", "label": "Software Update 3",
             "title": "Integrity preserved across updates",
             "text": "Integrity of data, including configuration, is preserved when an update is applied.",
             "provenance": {"status": "generated", "source": "iotprofile Expand",
                            "note": "Drafted from the requirements grouped under it."}},
        ],
    }  # fmt: skip
    data.update(changes)
    return Document.model_validate(data)


def row(element: str, standard: str, requirement_id: str, text: str, strength: Strength | None, decision: Decision,
        **changes: Any) -> TraceRow:  # fmt: skip
    data: dict[str, Any] = {
        "element": element,
        "requirement": f"{standard}:{requirement_id}",
        "standard": standard,
        "requirement_id": requirement_id,
        "text": text,
        "strength": strength,
        "strength_phrase": strength.value.replace("_", " ") if strength else None,
        "strength_basis": "keyword" if strength else "none",
        "decision": decision,
        "score": 0.5 if decision in {Decision.ACCEPTED, Decision.SUGGESTED} else None,
        "reviewer": "alice" if decision in {Decision.ACCEPTED, Decision.OVERRIDDEN} else None,
        "location": f"{standard}.csv row {requirement_id}",
    }
    data.update(changes)
    return TraceRow.model_validate(data)


def router_trace(*, suggested: bool = True) -> list[TraceRow]:
    """Nine rows, deliberately out of order; the last is only suggested unless ``suggested`` is False."""
    last = Decision.SUGGESTED if suggested else Decision.ACCEPTED
    return [
        row("SU-1", CL, "SU-10", "Firmware images shall be signed and the signature verified before install.",
            Strength.SHALL, Decision.ACCEPTED, score=0.91, concept_group="signed updates"),
        row("DP-1", CL, "KEY-001", "Keys should be stored in protected storage.", Strength.SHOULD, Decision.GIVEN,
            concept_group="data storage"),
        row("DP-1", BBF, "SEC.FIRMWARE.2", "The device must encrypt stored secrets <secret> & keys.",
            Strength.SHALL, Decision.ACCEPTED, score=0.82, concept_group="encryption or hashing"),
        row("SU-1", CL, "SU-2", "The device shall not accept a downgrade to an older image.", Strength.SHALL_NOT,
            Decision.OVERRIDDEN, concept_group="signed updates"),
        row("SU-3", BBF, "GEN.OPS.15", "Configuration may be kept across an update.", Strength.MAY,
            Decision.ACCEPTED, score=0.66),
        row("SU-3", BBF, "GEN.OPS.24", "=HYPERLINK(\"http://evil.example\",\"update integrity\")", None, last,
            score=0.42),
        row("IAC-1b", CL, "AC-001", "Management interfaces should not be reachable from the WAN.",
            Strength.SHOULD_NOT, Decision.GIVEN, concept_group="interface exposure"),
        row("IAC-1b", BBF, "SEC.ACCESS.3", "@admin access requires a password.", Strength.SHALL,
            Decision.OVERRIDDEN),
        row("SU-1", BBF, "GEN.OPS.22", "-Update verification is required.", Strength.SHALL, Decision.ACCEPTED,
            score=0.77, concept_group="signed updates"),
    ]  # fmt: skip
