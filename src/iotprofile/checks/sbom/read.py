"""``read_sbom(PATH)``: any supported SBOM, its format detected from the content, bounded, validated.

Raises :class:`CheckError` naming the file (and the JSON path or line) for anything it cannot accept: too large,
not UTF-8, not JSON/XML/SPDX text, nested too deeply, XML with a DTD or entities, an unsupported spec version, or a
document the official schema rejects.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from iotprofile.checks.sbom.limits import MAX_NESTING, MAX_SBOM_BYTES, json_depth
from iotprofile.checks.sbom.model import SbomDocument, SbomFormat
from iotprofile.errors import CheckError

_TAG_VALUE = re.compile(r"^SPDXVersion:", re.MULTILINE)
_YAML = re.compile(r"^spdxVersion:", re.MULTILINE)
_RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}RDF"
_NOT_SBOM = "not an SBOM: neither CycloneDX (JSON, XML) nor SPDX (JSON, YAML, tag-value, RDF/XML)"


def _read_text(path: Path, max_bytes: int) -> str:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise CheckError(f"cannot read the SBOM: {exc.strerror}", where=str(path)) from None
    if size > max_bytes:
        raise CheckError(f"SBOM of {size} bytes is over the {max_bytes}-byte limit", where=str(path))
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CheckError(f"{_NOT_SBOM}: not UTF-8 text", where=str(path)) from None


def _read_json(path: Path, text: str) -> SbomDocument:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CheckError(f"not JSON: {exc.msg}", where=f"{path}:{exc.lineno}:{exc.colno}") from None
    except RecursionError:
        raise CheckError(f"JSON nested deeper than {MAX_NESTING} levels", where=str(path)) from None
    if json_depth(data) > MAX_NESTING:
        raise CheckError(f"JSON nested deeper than {MAX_NESTING} levels", where=str(path))
    if isinstance(data, dict) and data.get("bomFormat") == "CycloneDX":
        from iotprofile.checks.sbom.cyclonedx import read_cyclonedx_json

        return read_cyclonedx_json(path, text, data)
    if isinstance(data, dict) and "spdxVersion" in data:
        from iotprofile.checks.sbom.spdx import read_spdx

        return read_spdx(path, SbomFormat.SPDX_JSON)
    raise CheckError(f"{_NOT_SBOM}: JSON without 'bomFormat' or 'spdxVersion'", where=f"{path} $")


def _read_xml(path: Path, text: str) -> SbomDocument:
    from xml.etree.ElementTree import ParseError

    import defusedxml.ElementTree as SafeElementTree
    from defusedxml import DefusedXmlException

    try:
        root = SafeElementTree.fromstring(text.encode("utf-8"), forbid_dtd=True)
    except DefusedXmlException as exc:
        raise CheckError(f"XML with a DTD or entities is refused: {exc}", where=str(path)) from None
    except ParseError as exc:
        line = exc.position[0] if exc.position else None
        raise CheckError(f"not well-formed XML: {exc}", where=f"{path}:{line}" if line else str(path)) from None
    if root.tag.startswith("{http://cyclonedx.org/schema/bom/") and root.tag.endswith("}bom"):
        from iotprofile.checks.sbom.cyclonedx import read_cyclonedx_xml

        return read_cyclonedx_xml(path, text, root)
    if root.tag == _RDF:
        from iotprofile.checks.sbom.spdx import read_spdx

        return read_spdx(path, SbomFormat.SPDX_RDF)
    raise CheckError(f"{_NOT_SBOM}: XML root element {root.tag!r}", where=str(path))


def detect_format(text: str) -> SbomFormat | None:
    """The SBOM format ``text`` looks like, from its first characters and keys (``None``: none known)."""
    head = text.lstrip()
    if head.startswith("{"):
        if '"bomFormat"' in head:
            return SbomFormat.CYCLONEDX_JSON
        return SbomFormat.SPDX_JSON if '"spdxVersion"' in head else None
    if head.startswith("<"):
        return SbomFormat.CYCLONEDX_XML if "cyclonedx.org/schema/bom" in head[:4096] else SbomFormat.SPDX_RDF
    if _TAG_VALUE.search(text):
        return SbomFormat.SPDX_TAG_VALUE
    if _YAML.search(text):
        return SbomFormat.SPDX_YAML
    return None


def read_sbom(path: Path, *, max_bytes: int = MAX_SBOM_BYTES) -> SbomDocument:
    """Read and validate the SBOM at ``path`` (CycloneDX 1.4-1.6 JSON/XML, SPDX 2.2/2.3)."""
    text = _read_text(path, max_bytes)
    head = text.lstrip()
    if head.startswith(("{", "[")):
        return _read_json(path, text)
    if head.startswith("<"):
        return _read_xml(path, text)
    fmt = detect_format(text)
    if fmt in {SbomFormat.SPDX_TAG_VALUE, SbomFormat.SPDX_YAML}:
        from iotprofile.checks.sbom.spdx import read_spdx

        return read_spdx(path, fmt)
    raise CheckError(_NOT_SBOM, where=str(path))
