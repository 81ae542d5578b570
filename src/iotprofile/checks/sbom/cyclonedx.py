"""CycloneDX 1.4-1.6 SBOMs, JSON and XML, read with cyclonedx-python-lib after validation against its bundled schema.

XML is first parsed with defusedxml (no DTDs, no entity expansion) before the library's lxml validator and
deserialiser see it. The product the SBOM describes (``metadata.component``) is its subject, not a component.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

from iotprofile.checks.interface import InventoryItem
from iotprofile.checks.sbom.limits import MAX_NESTING
from iotprofile.checks.sbom.model import SbomDocument, SbomFormat
from iotprofile.errors import CheckError

SPEC_VERSIONS = ("1.4", "1.5", "1.6")
_XML_NAMESPACE = "http://cyclonedx.org/schema/bom/"


def _schema(version: str, path: Path) -> Any:
    from cyclonedx.schema import SchemaVersion

    if version not in SPEC_VERSIONS:
        raise CheckError(
            f"CycloneDX spec version {version!r} is not supported (supported: {', '.join(SPEC_VERSIONS)})",
            where=str(path),
        )
    return SchemaVersion.from_version(version)


def _licenses(licenses: Iterable[Any]) -> tuple[str, ...]:
    names: list[str] = []
    for entry in licenses:
        value = getattr(entry, "value", None) or getattr(entry, "id", None) or getattr(entry, "name", None)
        if value:
            names.append(str(value))
    return tuple(names)


def _walk(components: Iterable[Any], depth: int = 1) -> Iterator[InventoryItem]:
    for component in components:
        supplier = component.supplier.name if component.supplier is not None else None
        yield InventoryItem(
            name=component.name,
            version=component.version,
            purl=component.purl.to_string() if component.purl is not None else None,
            cpe=component.cpe,
            supplier=supplier,
            licenses=_licenses(component.licenses),
            path=str(component.bom_ref.value) if component.bom_ref.value else None,
            how="sbom",
        )
        if depth < MAX_NESTING:
            yield from _walk(component.components, depth + 1)


def _document(path: Path, fmt: SbomFormat, version: str, bom: Any) -> SbomDocument:
    subject = bom.metadata.component
    name = None
    if subject is not None:
        name = f"{subject.name} {subject.version}" if subject.version else subject.name
    return SbomDocument(
        path=str(path), format=fmt, spec_version=version, subject=name, components=tuple(_walk(bom.components))
    )


def read_cyclonedx_json(path: Path, text: str, data: dict[str, Any]) -> SbomDocument:
    """A CycloneDX JSON SBOM: spec version checked, validated against the official schema, then deserialised."""
    from cyclonedx.validation.json import JsonStrictValidator

    version = str(data.get("specVersion", ""))
    error = JsonStrictValidator(_schema(version, path)).validate_str(text)
    if error is not None:
        detail = error.data
        at = getattr(detail, "json_path", "$")
        message = getattr(detail, "message", str(detail))
        raise CheckError(f"not a valid CycloneDX {version} document: {message}", where=f"{path} {at}")
    from cyclonedx.model.bom import Bom

    try:
        bom = Bom.from_json(data)  # type: ignore[attr-defined]
    except Exception as exc:  # noqa: BLE001 - the library raises many types for content it cannot model
        raise CheckError(f"cyclonedx-python-lib cannot read it: {exc}", where=str(path)) from None
    return _document(path, SbomFormat.CYCLONEDX_JSON, version, bom)


def _xml_depth(root: Element) -> int:
    deepest = 0
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > MAX_NESTING:
            break
        stack.extend((child, depth + 1) for child in element)
    return deepest


def read_cyclonedx_xml(path: Path, text: str, root: Element) -> SbomDocument:
    """A CycloneDX XML SBOM (``root`` already parsed safely): version from the namespace, XSD-validated, read."""
    namespace = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
    version = namespace.removeprefix(_XML_NAMESPACE)
    schema = _schema(version, path)
    if _xml_depth(root) > MAX_NESTING:
        raise CheckError(f"XML nested deeper than {MAX_NESTING} elements", where=str(path))
    from cyclonedx.validation.xml import XmlValidator

    error = XmlValidator(schema).validate_str(text)
    if error is not None:
        detail = error.data
        line = getattr(detail, "line", None)
        message = getattr(detail, "message", str(detail))
        where = f"{path}:{line}" if line else str(path)
        raise CheckError(f"not a valid CycloneDX {version} document: {message}", where=where)
    from cyclonedx.model.bom import Bom

    try:
        bom = Bom.from_xml(root)  # type: ignore[attr-defined]
    except Exception as exc:  # noqa: BLE001 - the library raises many types for content it cannot model
        raise CheckError(f"cyclonedx-python-lib cannot read it: {exc}", where=str(path)) from None
    return _document(path, SbomFormat.CYCLONEDX_XML, version, bom)
