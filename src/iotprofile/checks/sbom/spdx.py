"""SPDX 2.2/2.3 SBOMs (JSON, YAML, tag-value, RDF/XML) read with spdx-tools.

The parser is chosen from the detected content, not the file suffix (spdx-tools' ``parse_file`` goes by suffix,
so an SPDX tag-value file named ``firmware.sbom`` would be refused). Every package is a component; its purl and CPE
come from its external references of type ``purl`` and ``cpe23Type``, its path is its SPDXID.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Any

from iotprofile.checks.interface import InventoryItem
from iotprofile.checks.sbom.model import SbomDocument, SbomFormat
from iotprofile.errors import CheckError

SPEC_VERSIONS = ("SPDX-2.2", "SPDX-2.3")


def _parse(path: Path, fmt: SbomFormat) -> Any:
    from spdx_tools.spdx.parser.error import SPDXParsingError

    if fmt is SbomFormat.SPDX_JSON:
        from spdx_tools.spdx.parser.json import json_parser as parser
    elif fmt is SbomFormat.SPDX_YAML:
        from spdx_tools.spdx.parser.yaml import yaml_parser as parser  # type: ignore[no-redef]
    elif fmt is SbomFormat.SPDX_RDF:
        from spdx_tools.spdx.parser.rdf import rdf_parser as parser  # type: ignore[no-redef]
    else:
        from spdx_tools.spdx.parser.tagvalue import tagvalue_parser as parser  # type: ignore[no-redef]
    try:
        # ply (the tag-value parser) logs table generation to stderr: the library must not print.
        with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
            return parser.parse_from_file(str(path))
    except SPDXParsingError as exc:
        messages = exc.get_messages()  # type: ignore[no-untyped-call]
        first = messages[0] if messages else "unknown error"
        more = f" (and {len(messages) - 1} more)" if len(messages) > 1 else ""
        raise CheckError(f"not a valid SPDX document: {first}{more}", where=str(path)) from None
    except RecursionError:
        raise CheckError("SPDX document nested too deeply", where=str(path)) from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CheckError(f"spdx-tools cannot read it: {exc}", where=str(path)) from None


def _text(value: Any) -> str | None:
    """An SPDX value as text; NOASSERTION and NONE count as absent."""
    if value is None:
        return None
    text = str(value)
    return None if text in {"NOASSERTION", "NONE"} else text


def read_spdx(path: Path, fmt: SbomFormat) -> SbomDocument:
    """An SPDX SBOM as a :class:`SbomDocument`."""
    document = _parse(path, fmt)
    version = str(document.creation_info.spdx_version)
    if version not in SPEC_VERSIONS:
        raise CheckError(
            f"SPDX version {version!r} is not supported (supported: {', '.join(SPEC_VERSIONS)})", where=str(path)
        )
    items: list[InventoryItem] = []
    for package in document.packages:
        refs = {ref.reference_type: ref.locator for ref in package.external_references}
        supplier = getattr(package.supplier, "name", None)
        licenses = tuple(
            text for text in (_text(package.license_declared), _text(package.license_concluded)) if text is not None
        )
        items.append(
            InventoryItem(
                name=package.name,
                version=package.version,
                purl=refs.get("purl"),
                cpe=refs.get("cpe23Type"),
                supplier=supplier,
                licenses=tuple(dict.fromkeys(licenses)),
                path=package.spdx_id,
                how="sbom",
            )
        )
    return SbomDocument(
        path=str(path), format=fmt, spec_version=version, subject=document.creation_info.name, components=tuple(items)
    )
