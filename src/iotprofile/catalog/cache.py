"""A cache of rendered JSON for bundled documents, so ``catalog show DOC --format json`` starts fast.

Importing pydantic and building the models costs more than the whole command may take (see benchmarks/), and
bundled data only changes with the package. The first run renders the document and stores the JSON text; later
runs print it without importing pydantic. The key covers the iotprofile version and the bytes of every bundled
catalog file, so an edited or upgraded data file is never served stale. This module must not import pydantic.

The cache lives in ``$IOTPROFILE_CACHE_DIR``, else ``$XDG_CACHE_HOME/iotprofile``, else ``~/.cache/iotprofile``;
set ``IOTPROFILE_CACHE_DIR`` to an empty string to turn it off. A cache that cannot be read or written is
silently skipped: it only ever saves time.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

from iotprofile import __version__

BUNDLED_DATA_DIR = Path(__file__).resolve().parent / "data"
CACHE_ENV = "IOTPROFILE_CACHE_DIR"


def cache_dir() -> Path | None:
    """Where rendered documents are cached, or None when caching is turned off."""
    configured = os.environ.get(CACHE_ENV)
    if configured is not None:
        return Path(configured) if configured.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "iotprofile"


def _key(doc_id: str, variant: str) -> str:
    digest = hashlib.sha256(f"{__version__}\0{doc_id}\0{variant}".encode())
    for path in sorted(BUNDLED_DATA_DIR.glob("*.yaml")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def _entry(doc_id: str, variant: str) -> Path | None:
    directory = cache_dir()
    if directory is None or not re.fullmatch(r"[a-z0-9][a-z0-9.\-]*[a-z0-9]", doc_id):
        return None
    if not (BUNDLED_DATA_DIR / f"{doc_id}.yaml").is_file() or doc_id == "standards-registry":
        return None
    return directory / f"{doc_id}.{variant}.{_key(doc_id, variant)}"


def load(doc_id: str, variant: str) -> str | None:
    """The cached rendering of a bundled document, or None (not bundled, not cached, or unreadable)."""
    try:
        entry = _entry(doc_id, variant)
        return entry.read_text(encoding="utf-8") if entry is not None and entry.is_file() else None
    except OSError:
        return None


def store(doc_id: str, variant: str, text: str) -> None:
    """Cache a rendering of a bundled document (atomically; errors are ignored)."""
    try:
        entry = _entry(doc_id, variant)
        if entry is None:
            return
        entry.parent.mkdir(parents=True, exist_ok=True)
        for stale in entry.parent.glob(f"{doc_id}.{variant}.*"):
            stale.unlink(missing_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=entry.parent, delete=False) as handle:
            handle.write(text)
        Path(handle.name).replace(entry)
    except OSError:
        return
