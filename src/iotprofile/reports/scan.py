"""Writing check attempts: JSON (the attempts as they are) and SARIF 2.1.0 (for code-scanning dashboards).

SARIF: one run per attempt. The tool is iotprofile with one rule per finding kind (``rule``); each result carries
the IR 8425 elements, ETSI provisions and proposed verdict as properties, the input file (with its SHA-256) as the
artifact, the byte offset as a region where one is known, and the path inside a firmware image or the network
endpoint as a logical location. An attempt that failed to run is an invocation with ``executionSuccessful: false``
and the reason as a notification, never a result.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from iotprofile import __version__
from iotprofile.checks.interface import Attempt, AttemptStatus, Finding, Severity

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
#: GitHub code scanning reads this property to rank results (0.0-10.0).
_SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "2.0",
    Severity.INFO: "0.0",
}


def attempts_json(attempts: Sequence[Attempt]) -> str:
    """The attempts as JSON (a list), stable key order."""
    return json.dumps([attempt.model_dump(mode="json") for attempt in attempts], indent=2, ensure_ascii=False) + "\n"


def _rule(finding: Finding) -> dict[str, Any]:
    return {
        "id": finding.rule,
        "shortDescription": {"text": finding.title},
        "defaultConfiguration": {"level": _LEVEL[finding.severity]},
        "properties": {
            "tags": ["security", *(f"nist-ir-8425:{element}" for element in finding.elements)],
            "security-severity": _SECURITY_SEVERITY[finding.severity],
        },
    }


def _result(finding: Finding, rule_index: int) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"index": 0}}
    location = finding.location
    if location is not None and location.offset is not None:
        physical["region"] = {"byteOffset": location.offset, "byteLength": 1}
    elif location is not None and location.line is not None:
        physical["region"] = {"startLine": location.line}
    entry: dict[str, Any] = {"physicalLocation": physical}
    if location is not None and (location.path or location.endpoint):
        entry["logicalLocations"] = [
            {"fullyQualifiedName": location.path or location.endpoint, "kind": "resource"},
        ]
    properties: dict[str, Any] = {
        "severity": finding.severity.value,
        "nist-ir-8425": list(finding.elements),
        "etsi-en-303-645": list(finding.etsi),
        "proposes": finding.proposes.value if finding.proposes else None,
    }
    if finding.data:
        properties["data"] = finding.data
    return {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": _LEVEL[finding.severity],
        "message": {"text": finding.observed},
        "locations": [entry],
        "properties": properties,
    }


def _run(attempt: Attempt) -> dict[str, Any]:
    rules: dict[str, int] = {}
    rule_list: list[dict[str, Any]] = []
    for finding in attempt.findings:
        if finding.rule not in rules:
            rules[finding.rule] = len(rule_list)
            rule_list.append(_rule(finding))
    artifact: dict[str, Any] = {"location": {"uri": _uri(attempt.input.name)}, "roles": ["analysisTarget"]}
    if attempt.input.sha256:
        artifact["hashes"] = {"sha-256": attempt.input.sha256}
    if attempt.input.size is not None:
        artifact["length"] = attempt.input.size
    invocation: dict[str, Any] = {
        "executionSuccessful": attempt.status is AttemptStatus.COMPLETED,
        "startTimeUtc": attempt.started_at.isoformat().replace("+00:00", "Z"),
        "endTimeUtc": attempt.finished_at.isoformat().replace("+00:00", "Z"),
    }
    if attempt.reason:
        invocation["toolExecutionNotifications"] = [
            {"level": "error" if attempt.status is AttemptStatus.ERROR else "note", "message": {"text": attempt.reason}}
        ]
    return {
        "tool": {
            "driver": {
                "name": "iotprofile",
                "version": __version__,
                "informationUri": "https://github.com/iotprofile/iotprofile",
                "rules": rule_list,
                "properties": {"check": attempt.check, "checkVersion": attempt.check_version},
            }
        },
        "invocations": [invocation],
        "artifacts": [artifact],
        "results": [_result(finding, rules[finding.rule]) for finding in attempt.findings],
        "properties": {"toolVersions": attempt.tool_versions, "inventoryCount": len(attempt.inventory)},
    }


def _uri(name: str) -> str:
    if "://" in name:
        return name
    from urllib.parse import quote

    return quote(name.replace("\\", "/"))


def attempts_sarif(attempts: Sequence[Attempt]) -> str:
    """The attempts as one SARIF 2.1.0 log."""
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [_run(attempt) for attempt in attempts]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def attempts_cyclonedx(attempts: Sequence[Attempt]) -> str:
    """The components every attempt found, as one CycloneDX 1.6 JSON SBOM, validated against the official schema.

    Deterministic: the serial number derives from the inputs' hashes and the timestamp is the latest attempt's end.
    Each component records, as properties, which check found it, in which input and how.
    """
    import uuid

    from cyclonedx.model import Property
    from cyclonedx.model.bom import Bom
    from cyclonedx.model.component import Component, ComponentType
    from cyclonedx.output import make_outputter
    from cyclonedx.schema import OutputFormat, SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator
    from packageurl import PackageURL

    from iotprofile.errors import ExportError

    bom = Bom()
    seed = "|".join(attempt.input.sha256 or attempt.input.name for attempt in attempts)
    bom.serial_number = uuid.uuid5(uuid.NAMESPACE_URL, f"iotprofile:{seed}")
    if attempts:
        bom.metadata.timestamp = max(attempt.finished_at for attempt in attempts)
    seen: set[str] = set()
    for attempt in attempts:
        for item in attempt.inventory:
            ref = f"{item.name}@{item.version or ''}:{item.path or attempt.input.name}"
            if ref in seen:
                continue
            seen.add(ref)
            try:
                purl = PackageURL.from_string(item.purl) if item.purl else None
            except ValueError:
                purl = None
            bom.components.add(
                Component(
                    name=item.name,
                    version=item.version,
                    type=ComponentType.OPERATING_SYSTEM if item.name == "linux" else ComponentType.APPLICATION,
                    purl=purl,
                    cpe=item.cpe,
                    bom_ref=ref,
                    properties=[
                        Property(name="iotprofile:check", value=attempt.check),
                        Property(name="iotprofile:input", value=attempt.input.name),
                        Property(name="iotprofile:how", value=item.how),
                        *([Property(name="iotprofile:path", value=item.path)] if item.path else []),
                    ],
                )
            )
    text = make_outputter(bom, OutputFormat.JSON, SchemaVersion.V1_6).output_as_string(indent=2)
    problem = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    if problem is not None:
        raise ExportError(f"the CycloneDX output does not validate: {problem}")
    return text + "\n"
