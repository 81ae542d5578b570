"""The software components a product ships, read from the CycloneDX JSON SBOMs its product file names.

Only what advisories need is read (name, version, purl, CPE, bom-ref), with plain :mod:`json`: the full CycloneDX
model (cyclonedx-python-lib) would cost start-up time for five fields.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from iotprofile.catalog.source import read_text
from iotprofile.errors import DocumentError
from iotprofile.product.model import Product


@dataclass(frozen=True)
class SbomComponent:
    """One software component of one product component's SBOM."""

    #: The product component whose SBOM lists it (e.g. ``router``).
    owner: str
    name: str
    version: str | None
    purl: str | None
    cpe: str | None
    bom_ref: str | None

    @property
    def label(self) -> str:
        """``openssl 3.0.15``."""
        return f"{self.name} {self.version}" if self.version else self.name


@dataclass(frozen=True)
class Sbom:
    """Every SBOM component of a product, found by purl or CPE."""

    components: tuple[SbomComponent, ...]
    files: tuple[Path, ...]

    def find(self, identifier: str) -> SbomComponent | None:
        """The component whose purl or CPE is ``identifier`` (purls compared without qualifiers)."""
        wanted = _purl_key(identifier) if identifier.startswith("pkg:") else identifier
        for component in self.components:
            if identifier.startswith("pkg:") and component.purl and _purl_key(component.purl) == wanted:
                return component
            if component.cpe and component.cpe == wanted:
                return component
        return None


def _purl_key(purl: str) -> str:
    """A purl without qualifiers and subpath (``pkg:type/ns/name@version``), for matching."""
    return purl.split("?", 1)[0].split("#", 1)[0]


def _walk(items: Any, path: Path, owner: str) -> Iterator[SbomComponent]:
    if not isinstance(items, list):
        raise DocumentError("'components' is not a list", where=str(path))
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise DocumentError(f"components[{index}] has no name", where=f"{path} $.components[{index}]")
        yield SbomComponent(
            owner=owner,
            name=item["name"],
            version=item.get("version"),
            purl=item.get("purl"),
            cpe=item.get("cpe"),
            bom_ref=item.get("bom-ref"),
        )
        yield from _walk(item.get("components", []), path, owner)


def read_sbom(path: Path, owner: str) -> list[SbomComponent]:
    """The components of one CycloneDX JSON SBOM (nested components included)."""
    text = read_text(path, DocumentError)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DocumentError(f"invalid JSON: {exc.msg}", where=f"{path}:{exc.lineno}") from None
    if not isinstance(data, dict) or data.get("bomFormat") != "CycloneDX":
        raise DocumentError("not a CycloneDX JSON SBOM (bomFormat is not 'CycloneDX')", where=str(path))
    return list(_walk(data.get("components", []), path, owner))


def product_sbom(product: Product, product_dir: Path) -> Sbom:
    """The SBOMs of every product component that names a local one (URLs are not fetched: offline)."""
    components: list[SbomComponent] = []
    files: list[Path] = []
    for component in product.components:
        if not component.sbom or "://" in component.sbom:
            continue
        path = product_dir / component.sbom
        files.append(path)
        components.extend(read_sbom(path, component.id))
    return Sbom(tuple(components), tuple(files))
