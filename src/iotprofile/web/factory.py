"""Building the app in each of several server processes (``iotprofile serve --workers N``)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from iotprofile.web.settings import WebSettings

if TYPE_CHECKING:
    from fastapi import FastAPI

SETTINGS_ENV = "IOTPROFILE_WEB_SETTINGS"


def settings_to_env(settings: WebSettings) -> str:
    """The settings as JSON, for the worker processes' environment."""
    return json.dumps(
        {
            "database_url": settings.database_url,
            "catalog_dirs": [str(path) for path in settings.catalog_dirs],
            "data_dir": str(settings.data_dir) if settings.data_dir else None,
            "secure_cookies": settings.secure_cookies,
            "max_upload_bytes": settings.max_upload_bytes,
            "vulndb": str(settings.vulndb) if settings.vulndb else None,
        }
    )


def app_from_env() -> FastAPI:
    """The app with the settings ``iotprofile serve`` put in the environment."""
    from iotprofile.web.app import create_app

    raw = json.loads(os.environ.get(SETTINGS_ENV, "{}"))
    settings = WebSettings(
        database_url=raw.get("database_url"),
        catalog_dirs=tuple(Path(path) for path in raw.get("catalog_dirs", [])),
        data_dir=Path(raw["data_dir"]) if raw.get("data_dir") else None,
        secure_cookies=raw.get("secure_cookies"),
        max_upload_bytes=int(raw.get("max_upload_bytes", WebSettings.max_upload_bytes)),
        vulndb=Path(raw["vulndb"]) if raw.get("vulndb") else None,
    )
    return create_app(settings)
