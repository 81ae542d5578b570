"""``python -m iotprofile``."""

from __future__ import annotations

from iotprofile.cli.app import run

run()
