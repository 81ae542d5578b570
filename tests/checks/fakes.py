"""Checks for testing the runner: they behave in the ways real checks must be contained in."""

from __future__ import annotations

import os
import time

from iotprofile.checks.interface import (
    Attempt,
    AttemptStatus,
    Check,
    CheckInfo,
    CheckTarget,
    InputKind,
    InputRef,
    Limits,
    utc_now,
)


def _attempt(info: CheckInfo, target: CheckTarget, facts: dict[str, object]) -> Attempt:
    now = utc_now()
    return Attempt(
        check=info.id,
        check_version=info.version,
        status=AttemptStatus.COMPLETED,
        input=InputRef(kind=target.kind, name=str(target.path or target.host)),
        started_at=now,
        finished_at=now,
        facts=facts,
    )


class EchoCheck(Check):
    """Completes at once and says which process ran it."""

    info = CheckInfo(id="echo", title="Echo", version="1", inputs=(InputKind.SBOM,), elements=())

    def run(self, target: CheckTarget, limits: Limits) -> Attempt:
        return _attempt(self.info, target, {"pid": os.getpid(), "name": str(target.path)})


class SleepyCheck(Check):
    """Sleeps for ``options['seconds']`` (a stand-in for work that takes time, or hangs)."""

    info = CheckInfo(id="sleepy", title="Sleepy", version="1", inputs=(InputKind.FIRMWARE,), elements=())

    def run(self, target: CheckTarget, limits: Limits) -> Attempt:
        time.sleep(float(target.options.get("seconds", 0.5)))
        return _attempt(self.info, target, {"pid": os.getpid()})


class CrashingCheck(Check):
    """Raises, as a buggy plugin would."""

    info = CheckInfo(id="crashing", title="Crashing", version="1", inputs=(InputKind.SBOM,), elements=())

    def run(self, target: CheckTarget, limits: Limits) -> Attempt:
        msg = "plugin bug"
        raise RuntimeError(msg)


class DyingCheck(Check):
    """Kills its own process, as a segfaulting parser would."""

    info = CheckInfo(id="dying", title="Dying", version="1", inputs=(InputKind.SBOM,), elements=())

    def run(self, target: CheckTarget, limits: Limits) -> Attempt:
        os._exit(3)
