"""The set of catalogs iotprofile knows: the bundled ones plus those in the user's catalog directories.

Bundled catalogs are one YAML file per document, named ``<document-id>.yaml``, so a command that needs one
document reads one file. The registry file holds documents without elements (standards named by crosswalks).
User directories may hold catalogs and crosswalks in YAML, JSON or CSV; they are read once, on first use.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from iotprofile.catalog.loader import documents_from, is_catalog_file
from iotprofile.catalog.model import DOCUMENT_ID_PATTERN, Document
from iotprofile.catalog.rendered import rendered_path
from iotprofile.catalog.source import Located, read_located
from iotprofile.errors import CatalogError, UnknownDocumentError, UnknownElementError

BUNDLED_CATALOG_DIR = Path(__file__).resolve().parent / "data"
REGISTRY_FILE = "standards-registry.yaml"
#: Environment variable naming extra catalog directories, separated like PATH.
CATALOG_DIR_ENV = "IOTPROFILE_CATALOG_DIR"
DATA_SUFFIXES = (".yaml", ".yml", ".json", ".csv")
_DOCUMENT_ID = re.compile(DOCUMENT_ID_PATTERN)


def catalog_dirs_from_env() -> list[Path]:
    """Catalog directories named by ``IOTPROFILE_CATALOG_DIR`` (empty entries ignored)."""
    value = os.environ.get(CATALOG_DIR_ENV, "")
    return [Path(part) for part in value.split(os.pathsep) if part.strip()]


def data_files(directories: Iterable[Path]) -> list[Path]:
    """Every data file directly inside the given directories, sorted for a deterministic load order."""
    files: list[Path] = []
    for directory in directories:
        if not directory.is_dir():
            raise CatalogError(
                "catalog directory not found", where=str(directory), tip=f"check --catalog-dir or ${CATALOG_DIR_ENV}"
            )
        files.extend(sorted(p for p in directory.iterdir() if p.suffix.lower() in DATA_SUFFIXES and p.is_file()))
    return files


class CatalogLibrary:
    """Looks up documents by ID; loads each bundled file on first use and caches it."""

    def __init__(
        self, user_dirs: Sequence[Path] = (), *, bundled_dir: Path = BUNDLED_CATALOG_DIR, prefer_rendered: bool = True
    ) -> None:
        self._bundled_dir = bundled_dir
        self._prefer_rendered = prefer_rendered
        self._user_dirs = tuple(user_dirs)
        self._cache: dict[str, Document] = {}
        self._element_ids: dict[str, list[str]] = {}
        self._registry: dict[str, Document] | None = None
        self._user: dict[str, Document] | None = None
        self._user_other: list[Located] = []

    # -- discovery ---------------------------------------------------------------------------------------------

    def _bundled_ids(self) -> list[str]:
        return sorted(p.stem for p in self._bundled_dir.glob("*.yaml") if p.name != REGISTRY_FILE)

    def _load_registry(self) -> dict[str, Document]:
        if self._registry is None:
            path = self._bundled_dir / REGISTRY_FILE
            docs = documents_from(read_located(path, CatalogError)) if path.exists() else []
            self._registry = {doc.id: doc for doc in docs}
        return self._registry

    def _load_user(self) -> dict[str, Document]:
        """Parse every user data file once; catalogs are kept here, the rest handed to the crosswalk library."""
        if self._user is None:
            user: dict[str, Document] = {}
            where: dict[str, str] = {}
            for path in data_files(self._user_dirs):
                located = read_located(path, CatalogError)
                if not is_catalog_file(located):
                    self._user_other.append(located)
                    continue
                for doc in documents_from(located):
                    if self.is_bundled(doc.id):
                        raise CatalogError(
                            f"document ID {doc.id!r} is already a bundled catalog",
                            where=str(path),
                            tip="give your catalog its own ID",
                        )
                    if doc.id in user:
                        raise CatalogError(
                            f"document ID {doc.id!r} is also defined in {where[doc.id]}", where=str(path)
                        )
                    user[doc.id] = doc
                    where[doc.id] = str(path)
            self._user = user
        return self._user

    @property
    def user_dirs(self) -> tuple[Path, ...]:
        """The user's catalog directories, in the order given."""
        return self._user_dirs

    def is_bundled(self, doc_id: str) -> bool:
        """Whether the ID belongs to a bundled catalog or registry entry (user catalogs may not reuse it)."""
        return doc_id in self._bundled_ids() or doc_id in self._load_registry()

    def user_crosswalk_files(self) -> list[Located]:
        """Parsed user files that are not catalogs (crosswalks, for the crosswalk library)."""
        self._load_user()
        return list(self._user_other)

    # -- lookup ------------------------------------------------------------------------------------------------

    def ids(self) -> list[str]:
        """Every known document ID: bundled catalogs, registry entries and user catalogs."""
        return sorted(set(self._bundled_ids()) | set(self._load_registry()) | set(self._load_user()))

    def __contains__(self, doc_id: object) -> bool:
        return isinstance(doc_id, str) and doc_id in self.ids()

    def get(self, doc_id: str) -> Document:
        """The document with this ID, as stored (a profile is not resolved here)."""
        if doc_id in self._cache:
            return self._cache[doc_id]
        path = self._bundled_dir / f"{doc_id}.yaml"
        valid_id = _DOCUMENT_ID.fullmatch(doc_id) is not None  # never let an ID become a path ("../x")
        if valid_id and doc_id != REGISTRY_FILE.removesuffix(".yaml") and path.is_file():
            doc = self._load_bundled(doc_id, path)
        elif valid_id and doc_id in self._load_registry():
            doc = self._load_registry()[doc_id]
        elif valid_id and self._user_dirs and doc_id in self._load_user():
            doc = self._load_user()[doc_id]
        else:
            close = difflib.get_close_matches(doc_id.lower(), self.ids(), n=3)
            raise UnknownDocumentError(
                f"unknown document {doc_id!r}",
                tip=f"did you mean {', '.join(close)}?" if close else "'iotprofile catalog list' shows the documents",
            )
        self._cache[doc_id] = doc
        return doc

    def _load_bundled(self, doc_id: str, path: Path) -> Document:
        """A bundled catalog, from its pre-rendered JSON or its YAML.

        The JSON is used when it is the stored document (not a resolved profile): it validates about ten times
        faster than the YAML parses. ``tests/test_rendered.py`` checks the two agree, reading the YAML
        (``prefer_rendered=False``), as does ``scripts/render_bundled.py``.
        """
        if self._prefer_rendered and self._bundled_dir == BUNDLED_CATALOG_DIR:
            rendered = rendered_path(doc_id)
            if rendered is not None and rendered.is_file():
                doc = Document.model_validate_json(rendered.read_bytes())
                if doc.based_on is None:
                    return doc
        docs = documents_from(read_located(path, CatalogError))
        if len(docs) != 1 or docs[0].id != doc_id:
            raise CatalogError(f"bundled file must hold exactly the document {doc_id!r}", where=str(path))
        return docs[0]

    def all(self) -> list[Document]:
        """Every known document, loaded (used by validation and the integrity test)."""
        return [self.get(doc_id) for doc_id in self.ids()]

    def element_ids(self, doc_id: str) -> list[str]:
        """IDs a document offers, in order: a profile offers its base's elements (less removals) plus its own."""
        if doc_id not in self._element_ids:
            doc = self.get(doc_id)
            own = [element.id for element in doc.elements]
            if doc.based_on is not None:
                removed = set(doc.tailoring.removed) if doc.tailoring else set()
                inherited = [element_id for element_id in self.element_ids(doc.based_on) if element_id not in removed]
                own = inherited + [element_id for element_id in own if element_id not in inherited]
            self._element_ids[doc_id] = own
        return list(self._element_ids[doc_id])

    def require_element(self, doc_id: str, element_id: str) -> None:
        """Raise :class:`UnknownElementError` (with close matches) unless the document offers the element."""
        ids = self.element_ids(doc_id)
        if element_id not in ids:
            close = difflib.get_close_matches(element_id, ids, n=3) or [
                known for known in ids if known.lower() == element_id.lower()
            ]
            tip = f"did you mean {', '.join(close)}?" if close else f"'iotprofile catalog show {doc_id}' lists them"
            raise UnknownElementError(f"document {doc_id!r} has no element {element_id!r}", tip=tip)
