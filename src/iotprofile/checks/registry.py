"""Finding checks: the bundled ones by ID, third-party ones through the ``iotprofile.checks.v1`` entry-point group.

A third-party package registers a check class in its ``pyproject.toml``::

    [project.entry-points."iotprofile.checks.v1"]
    my-check = "my_package.checks:MyCheck"

The class subclasses :class:`~iotprofile.checks.interface.Check`; its ``info.id`` must equal the entry-point name.
Checks are imported only when used (unblob alone takes 1.5 s to import).
"""

from __future__ import annotations

from functools import cache
from importlib import import_module
from importlib.metadata import entry_points

from iotprofile.checks.interface import ENTRY_POINT_GROUP, Check
from iotprofile.errors import CheckError

#: Bundled checks: ID -> "module:Class".
BUNDLED: dict[str, str] = {
    "sbom": "iotprofile.checks.sbom.check:SbomCheck",
    "firmware": "iotprofile.checks.firmware.check:FirmwareCheck",
    "device": "iotprofile.checks.device.check:DeviceCheck",
}


@cache
def _plugins() -> dict[str, str]:
    found: dict[str, str] = {}
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        if entry.name in BUNDLED:
            continue  # a plugin cannot replace a bundled check
        found[entry.name] = entry.value
    return found


def available() -> dict[str, str]:
    """Every known check: ID -> where its class lives."""
    return {**BUNDLED, **_plugins()}


def load(check_id: str) -> type[Check]:
    """The check class for an ID (bundled or plugin), or for ``module:Class`` (a check under development)."""
    where = available().get(check_id) or (check_id if ":" in check_id else None)
    if where is None:
        raise CheckError(f"no check {check_id!r}; known: {', '.join(sorted(available()))}")
    module_name, _, class_name = where.partition(":")
    try:
        cls = getattr(import_module(module_name), class_name)
    except (ImportError, AttributeError) as exc:
        raise CheckError(f"check {check_id!r} cannot be loaded from {where}: {exc}") from None
    if not (isinstance(cls, type) and issubclass(cls, Check)):
        raise CheckError(f"check {check_id!r} ({where}) is not a subclass of iotprofile.checks.interface.Check")
    if cls.info.id != check_id and check_id in available():
        raise CheckError(f"check {where} says its ID is {cls.info.id!r}, registered as {check_id!r}")
    return cls
