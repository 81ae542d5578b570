"""Bundled catalogs pre-rendered as JSON, so ``catalog show DOC --format json`` starts fast.

Importing pydantic and building the models costs more than the whole command may take (see benchmarks/), and a
bundled document renders the same until its data changes. ``scripts/render_bundled.py`` (``make render``) writes
``rendered/<document-id>.json`` from the YAML data, and ``tests/test_rendered.py`` fails when a rendered file no
longer matches a fresh rendering, so the two cannot drift apart. This module must not import pydantic.
"""

from __future__ import annotations

import re
from pathlib import Path

RENDERED_DIR = Path(__file__).resolve().parent / "rendered"
_DOCUMENT_ID = re.compile(r"[a-z0-9][a-z0-9.\-]*[a-z0-9]")


def rendered_path(doc_id: str) -> Path | None:
    """Where the pre-rendered JSON of a bundled document is, or None for an ID that is not one."""
    if not _DOCUMENT_ID.fullmatch(doc_id):
        return None
    return RENDERED_DIR / f"{doc_id}.json"


def rendered_json(doc_id: str) -> str | None:
    """The pre-rendered ``catalog show DOC --format json`` output of a bundled document, or None."""
    path = rendered_path(doc_id)
    if path is None or not path.is_file():
        return None
    return path.read_text(encoding="utf-8")
