"""The inventory of a firmware image as a CycloneDX 1.6 JSON SBOM (cyclonedx-python-lib).

Validated before it is returned, and deterministic: the serial number derives from the image's SHA-256 and the
timestamp is an argument.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from iotprofile.checks.interface import InventoryItem

#: Namespace of the UUIDv5 serial numbers (``urn:uuid:...``) derived from image hashes.
SERIAL_NAMESPACE = uuid.UUID("5b0b1f6e-3c1a-5f0e-9d55-1f2c6a7e0c11")


class SbomValidationError(ValueError):
    """The SBOM the library wrote does not validate against the CycloneDX 1.6 schema (a bug, never user input)."""


def to_cyclonedx(items: Iterable[InventoryItem], *, image_name: str, image_sha256: str, timestamp: datetime) -> str:
    """A CycloneDX 1.6 JSON document.

    The image is the metadata component (firmware, with its hash); each inventory item is a component with purl,
    CPE, and where it was found and how (properties).
    """
    from cyclonedx.model import HashAlgorithm, HashType, Property
    from cyclonedx.model.bom import Bom, BomMetaData
    from cyclonedx.model.bom_ref import BomRef
    from cyclonedx.model.component import Component, ComponentType
    from cyclonedx.output import make_outputter
    from cyclonedx.schema import OutputFormat, SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator
    from packageurl import PackageURL

    image = Component(
        name=image_name,
        type=ComponentType.FIRMWARE,
        bom_ref=BomRef(f"image:{image_sha256}"),
        hashes=[HashType(alg=HashAlgorithm.SHA_256, content=image_sha256)],
    )
    bom = Bom(
        serial_number=uuid.uuid5(SERIAL_NAMESPACE, image_sha256),
        metadata=BomMetaData(timestamp=timestamp, component=image),
    )
    components = []
    ordered = sorted(items, key=lambda i: (i.name, i.version or "", i.path or "", i.how))
    seen: set[str] = set()
    for index, item in enumerate(ordered):
        ref = f"{item.purl or item.name}#{index}"
        if ref in seen:  # pragma: no cover - the index makes refs unique
            continue
        seen.add(ref)
        kind = ComponentType.OPERATING_SYSTEM if item.name == "linux" else ComponentType.LIBRARY
        if item.how == "version-string" and item.name not in (
            "linux",
            "openssl",
            "wolfssl",
            "mbedtls",
            "glibc",
            "uclibc",
        ):
            kind = ComponentType.APPLICATION
        properties = [Property(name="iotprofile:how", value=item.how)]
        if item.path:
            properties.append(Property(name="iotprofile:path", value=item.path))
        components.append(
            Component(
                name=item.name,
                version=item.version,
                type=kind,
                bom_ref=BomRef(ref),
                purl=PackageURL.from_string(item.purl) if item.purl else None,
                cpe=item.cpe,
                properties=properties,
            )
        )
    bom.components.update(components)
    bom.register_dependency(image, components)
    text: str = make_outputter(bom, OutputFormat.JSON, SchemaVersion.V1_6).output_as_string(indent=2)
    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    if error is not None:
        raise SbomValidationError(f"CycloneDX 1.6 validation failed: {error}")
    return text
