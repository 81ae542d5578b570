"""What a web server is configured with."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

#: Largest request body accepted (an SBOM, a firmware image, an evidence file): 64 MiB.
DEFAULT_MAX_UPLOAD = 64 * 1024 * 1024


@dataclass(frozen=True)
class WebSettings:
    """Settings of one web app instance; ``iotprofile serve`` fills them from its options."""

    #: SQLAlchemy URL; None: ``$IOTPROFILE_DATABASE_URL`` or the default SQLite file.
    database_url: str | None = None
    #: Extra catalog directories (as ``--catalog-dir``).
    catalog_dirs: tuple[Path, ...] = ()
    #: Where check runs and profile builds keep their working files; None: beside the SQLite file, or a temporary
    #: directory for PostgreSQL.
    data_dir: Path | None = None
    #: Secure cookies: True always, False never, None when the request came over HTTPS (loopback HTTP for tests
    #: and local use; put a TLS proxy in front with ``--proxy-headers`` for anything else).
    secure_cookies: bool | None = None
    #: Largest request body, in bytes.
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD
    #: Check runs executed at once in the background.
    check_workers: int = 1
    #: Offline vulnerability database (OSV / NVD / KEV / VEX directory, as ``scan sbom --vulndb``) the SBOM check
    #: matches components against; None: no vulnerability matching (the check still inventories the SBOM).
    vulndb: Path | None = None
    #: Trusted hosts for the Host header; empty: any.
    allowed_hosts: tuple[str, ...] = field(default=())
