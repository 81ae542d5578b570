"""``load_vulndb(DIR)``: every OSV, NVD 2.0, CISA KEV, CycloneDX VEX and OpenVEX JSON file under a directory.

Each ``*.json`` file is recognised by its content (not its name); a file that is none of these, or a record that is
malformed, is a :class:`CheckError` naming the file and the JSON path. Files and directories whose names start with
a dot (the refresh index, editor files) are not read. Nothing is ever fetched: see ``vulndb.refresh``.
"""

from __future__ import annotations

from pathlib import Path

from iotprofile.checks.vulndb.jsondoc import JsonDoc
from iotprofile.checks.vulndb.model import Advisory, VexStatement, VulnDb
from iotprofile.checks.vulndb.nvd import is_kev, is_nvd, read_kev, read_nvd
from iotprofile.checks.vulndb.osv import is_osv, read_osv
from iotprofile.checks.vulndb.vex import is_cyclonedx_vex, is_openvex, read_cyclonedx_vex, read_openvex
from iotprofile.errors import CheckError

#: Where ``--vulndb`` points by default, if (and only if) the directory exists.
DEFAULT_VULNDB = Path("~/.cache/iotprofile/vulndb")


def default_vulndb(home: Path | None = None) -> Path | None:
    """``~/.cache/iotprofile/vulndb`` if that directory exists, else ``None`` (never downloaded implicitly)."""
    path = (home / DEFAULT_VULNDB.relative_to("~")) if home is not None else DEFAULT_VULNDB.expanduser()
    return path if path.is_dir() else None


def vulndb_files(root: Path) -> list[Path]:
    """The JSON files :func:`load_vulndb` reads under ``root``, sorted (dot-names skipped)."""
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise CheckError("vulnerability database directory does not exist", where=str(root))
    return sorted(
        path
        for path in root.rglob("*.json")
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(root).parts)
    )


def load_vulndb(path: Path) -> VulnDb:
    """Load the offline vulnerability database at ``path`` (a directory, or a single JSON file)."""
    advisories: list[Advisory] = []
    known_exploited: set[str] = set()
    vex: list[VexStatement] = []
    files: list[str] = []
    for file in vulndb_files(path):
        doc = JsonDoc.read(file)
        data = doc.data
        if is_openvex(data):
            vex += read_openvex(doc)
        elif is_cyclonedx_vex(data):
            vex += read_cyclonedx_vex(doc)
        elif is_kev(data):
            known_exploited |= read_kev(doc)
        elif is_nvd(data):
            advisories += read_nvd(doc)
        elif is_osv(data):
            advisories.append(read_osv(doc, data))
        elif isinstance(data, list) and all(is_osv(item) for item in data):
            advisories += [read_osv(doc, item, f"$[{index}]") for index, item in enumerate(data)]
        else:
            raise CheckError(
                "not a vulnerability record: expected OSV, NVD CVE API 2.0, CISA KEV, CycloneDX VEX or OpenVEX JSON",
                where=f"{file} $",
            )
        files.append(str(file))
    return VulnDb.build(advisories, known_exploited=known_exploited, vex=vex, files=files)
