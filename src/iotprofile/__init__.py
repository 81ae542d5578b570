"""iotprofile: NIST IoT cybersecurity catalogs, crosswalks, profiles and product assessments."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
