"""The live device check (opt-in): one named host, the named ports, rate-limited, logins bounded.

Public: :class:`DeviceCheck` (the plugin), :func:`plan_device_target` (validates a host and options into a
:class:`~iotprofile.checks.interface.CheckTarget`, raising :class:`~iotprofile.errors.CheckError` for a range or a
network), :class:`DeviceOptions` and :class:`Side` (the options a device target takes).
"""

from __future__ import annotations

from iotprofile.checks.device.check import DeviceCheck
from iotprofile.checks.device.target import DeviceOptions, Side, plan_device_target

__all__ = ["DeviceCheck", "DeviceOptions", "Side", "plan_device_target"]
