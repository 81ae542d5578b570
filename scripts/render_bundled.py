"""Write src/iotprofile/catalog/rendered/<id>.json for every bundled catalog (run after editing the data).

Usage: python scripts/render_bundled.py   (or: make render)
"""

from __future__ import annotations

from iotprofile.catalog.library import BUNDLED_CATALOG_DIR, REGISTRY_FILE, CatalogLibrary
from iotprofile.catalog.rendered import RENDERED_DIR
from iotprofile.crosswalk.library import CrosswalkLibrary
from iotprofile.services import Workspace, render_document_json, show_document


def main() -> None:
    # Read the YAML sources, never the rendered files being rewritten.
    catalogs = CatalogLibrary(prefer_rendered=False)
    workspace = Workspace(catalogs, CrosswalkLibrary(catalogs))
    RENDERED_DIR.mkdir(exist_ok=True)
    wanted = {path.stem for path in BUNDLED_CATALOG_DIR.glob("*.yaml") if path.name != REGISTRY_FILE}
    for stale in RENDERED_DIR.glob("*.json"):
        if stale.stem not in wanted:
            stale.unlink()
    for doc_id in sorted(wanted):
        (RENDERED_DIR / f"{doc_id}.json").write_text(
            render_document_json(show_document(workspace, doc_id)), encoding="utf-8"
        )
        print(f"rendered {doc_id}")


if __name__ == "__main__":
    main()
