"""``iotprofile vulndb refresh``: fill a vulnerability database directory, or (offline) check and index it.

Online, it fetches with :mod:`urllib.request` (timeouts on every request) and writes each file atomically (a
temporary file in the same directory, then :func:`os.replace`):

- the CISA KEV catalogue -> ``kev/known_exploited_vulnerabilities.json``;
- OSV ecosystem exports (``{osv}/{ECOSYSTEM}/all.zip``) -> ``osv/{ECOSYSTEM}/*.json``, unpacked with limits on
  members and bytes and never outside that directory;
- NVD CVE API 2.0 pages for the CPE products named (``virtualMatchString``) -> ``nvd/{product}-{start}.json``.

Offline (``offline=True``) it opens no connection at all: it loads every file already there (so malformed data is
reported now, not during a check), writes ``.iotprofile-index.json`` with the counts, and returns them. Either way
the index is rebuilt from what is on disk. A mirror (``RefreshSources.mirror``) serves the same paths from one base
URL: ``{mirror}/kev/...``, ``{mirror}/osv/...``, ``{mirror}/nvd``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from iotprofile.checks.vulndb.load import load_vulndb, vulndb_files
from iotprofile.errors import CheckError

INDEX_NAME = ".iotprofile-index.json"
#: Environment variable naming a mirror to use instead of the public sources (tests point it at loopback).
MIRROR_ENV = "IOTPROFILE_VULNDB_MIRROR"
_KEV_URL = "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json"
_OSV_URL = "https://osv-vulnerabilities.storage.googleapis.com"
_NVD_URL = "https://services.nvd.nist.gov/rest/json/cves/2.0"
_MAX_DOWNLOAD = 1024 * 1024 * 1024
_MAX_ZIP_MEMBERS = 500_000
_MAX_UNZIPPED = 4 * 1024 * 1024 * 1024
_NVD_PAGE = 2000
#: The NVD asks clients without an API key to wait six seconds between requests.
_NVD_PAUSE_S = 6.0


@dataclass(frozen=True)
class RefreshSources:
    """What to fetch and from where."""

    osv_ecosystems: tuple[str, ...] = ()
    nvd_products: tuple[str, ...] = ()
    kev: bool = True
    mirror: str | None = None
    timeout_s: float = 30.0

    def urls(self) -> tuple[str, str, str]:
        """The KEV, OSV and NVD base URLs (the mirror's when one is set)."""
        if self.mirror:
            base = self.mirror.rstrip("/")
            return f"{base}/kev/known_exploited_vulnerabilities.json", f"{base}/osv", f"{base}/nvd"
        return _KEV_URL, _OSV_URL, _NVD_URL


@dataclass
class RefreshReport:
    """What a refresh did: the directory, files written (empty offline) and the counts of the loaded database."""

    directory: str
    offline: bool
    fetched: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def _fetch(url: str, timeout_s: float) -> bytes:
    if not url.startswith(("https://", "http://")):
        raise CheckError("only http(s) URLs are fetched", where=url)
    request = urllib.request.Request(url, headers={"User-Agent": "iotprofile-vulndb-refresh"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:  # noqa: S310 - scheme checked above
            data: bytes = response.read(_MAX_DOWNLOAD + 1)
    except urllib.error.HTTPError as exc:
        raise CheckError(f"download failed: HTTP {exc.code} {exc.reason}", where=url) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise CheckError(f"cannot reach the vulnerability data source: {reason}", where=url) from None
    if len(data) > _MAX_DOWNLOAD:
        raise CheckError(f"download over the {_MAX_DOWNLOAD}-byte limit", where=url)
    return data


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a reader sees the old file or the new one, never half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _unzip_osv(data: bytes, target: Path, where: str) -> int:
    """Unpack an OSV export into ``target`` (replaced whole once complete); the number of records."""
    import io

    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            if len(members) > _MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > _MAX_UNZIPPED:
                raise CheckError("OSV export over the member or size limit", where=where)
            for member in members:
                name = Path(member.filename).name  # flatten: nothing is written outside the staging directory
                if not name.endswith(".json") or name.startswith("."):
                    continue
                (staging / name).write_bytes(archive.read(member))
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    except zipfile.BadZipFile:
        raise CheckError("OSV export is not a zip archive", where=where) from None
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return sum(1 for _ in target.glob("*.json"))


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_") or "cves"


def _fetch_nvd(base: str, product: str, root: Path, sources: RefreshSources) -> list[str]:
    written: list[str] = []
    start, total = 0, 1
    while start < total:
        query = urllib.parse.urlencode(
            {"virtualMatchString": product, "resultsPerPage": _NVD_PAGE, "startIndex": start}
        )
        url = f"{base}?{query}"
        data = _fetch(url, sources.timeout_s)
        try:
            page: Any = json.loads(data)
            total = int(page["totalResults"])
        except (ValueError, KeyError, TypeError):
            raise CheckError("the NVD answered with something that is not a CVE API 2.0 page", where=url) from None
        path = root / "nvd" / f"{_slug(product)}-{start}.json"
        write_atomic(path, data)
        written.append(str(path))
        start += _NVD_PAGE
        if start < total and not sources.mirror:
            time.sleep(_NVD_PAUSE_S)
    return written


def _index(root: Path) -> dict[str, int]:
    """Load everything in ``root`` (raising on malformed data) and write the index; the counts."""
    db = load_vulndb(root)
    entries = [
        {"path": str(path.relative_to(root)), "size": path.stat().st_size, "sha256": _sha256(path)}
        for path in vulndb_files(root)
    ]
    index = {"format": "iotprofile/vulndb-index/v1", "counts": db.counts(), "files": entries}
    write_atomic(root / INDEX_NAME, (json.dumps(index, indent=2, sort_keys=True) + "\n").encode())
    return db.counts()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def refresh_vulndb(root: Path, sources: RefreshSources, *, offline: bool) -> RefreshReport:
    """Fetch ``sources`` into ``root`` (unless ``offline``), then validate and index what is there."""
    report = RefreshReport(directory=str(root), offline=offline)
    if offline:
        if not root.is_dir():
            raise CheckError(
                "vulnerability database directory does not exist (nothing to index offline)", where=str(root)
            )
        report.counts = _index(root)
        return report
    root.mkdir(parents=True, exist_ok=True)
    kev_url, osv_base, nvd_base = sources.urls()
    if sources.kev:
        path = root / "kev" / "known_exploited_vulnerabilities.json"
        write_atomic(path, _fetch(kev_url, sources.timeout_s))
        report.fetched.append(str(path))
    for ecosystem in sources.osv_ecosystems:
        url = f"{osv_base}/{urllib.parse.quote(ecosystem)}/all.zip"
        target = root / "osv" / _slug(ecosystem)
        target.parent.mkdir(parents=True, exist_ok=True)
        _unzip_osv(_fetch(url, sources.timeout_s), target, url)
        report.fetched.append(str(target))
    for product in sources.nvd_products:
        report.fetched += _fetch_nvd(nvd_base, product, root, sources)
    report.counts = _index(root)
    return report
