"""What every automated check declares and produces (the contract between checks, the runner and the assessment).

A check is a plugin: a class with a :class:`CheckInfo` (what it evidences, what it reads, which external tools it
needs, its limits) and one method, :meth:`Check.run`, that turns one :class:`CheckTarget` into one
:class:`Attempt`. The attempt wraps everything observed: typed :class:`Finding` objects (what was seen, where,
which sub-outcomes it bears on, and the verdict it proves, if any), the component inventory it found, the input's
hash, the tools' versions and the time. A check that fails returns an ``error`` attempt with a reason; it never
raises out of the runner, and it never says anything about the product it could not observe.

Checks propose verdicts conservatively (ARCHITECTURE.md, firm): ``not_satisfied`` only where a finding proves a
failure (a hard-coded password, telnet enabled by default), ``satisfied`` only where the check proves the whole
sub-outcome for that component, and otherwise ``None``: evidence for the assessor, who decides.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, ClassVar

from pydantic import AwareDatetime, Field

from iotprofile.assessment.model import Verdict
from iotprofile.catalog.model import Frozen

#: The entry-point group third-party checks register in (versioned: a breaking change to this module bumps it).
ENTRY_POINT_GROUP = "iotprofile.checks.v1"


class InputKind(StrEnum):
    """What a check reads."""

    SBOM = "sbom"
    FIRMWARE = "firmware"
    DEVICE = "device"


class Severity(StrEnum):
    """How serious a finding is (SARIF levels derive from it: critical/high = error, medium = warning, else note)."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"


class AttemptStatus(StrEnum):
    """Whether a check ran."""

    COMPLETED = "completed"
    #: The check could not run or crashed; says nothing about the product.
    ERROR = "error"
    #: The check does not apply to this input (a firmware check given a text file); with a reason.
    SKIPPED = "skipped"


class CheckInfo(Frozen):
    """A check's metadata: the reference documentation of each check is generated from it."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_.-]*$", description="Stable check ID, e.g. 'sbom', 'firmware'.")
    title: str
    version: str = Field(description="The check's own version; recorded in every attempt.")
    inputs: tuple[InputKind, ...]
    elements: tuple[str, ...] = Field(description="IR 8425/8425A sub-outcomes it can evidence, e.g. ('AI-2',).")
    etsi: tuple[str, ...] = Field(default=(), description="ETSI EN 303 645 provisions it can evidence.")
    tools: tuple[str, ...] = Field(default=(), description="External programs it needs (e.g. 'unsquashfs').")
    limits: str = Field(default="", description="What it bounds (sizes, depth, time, attempts), in words.")
    network: bool = Field(default=False, description="Whether it sends traffic (device checks: opt-in only).")


class Location(Frozen):
    """Where something was observed: a file (and offset or line), or a network exchange."""

    path: str | None = Field(default=None, description="Path inside the input (extracted firmware path, SBOM ref).")
    offset: int | None = Field(default=None, ge=0, description="Byte offset in the input or the file.")
    line: int | None = Field(default=None, ge=1)
    endpoint: str | None = Field(default=None, description="host:port for a network observation.")
    request: str | None = Field(default=None, description="What was sent (credentials redacted).")
    response: str | None = Field(default=None, description="What came back (truncated).")


class Finding(Frozen):
    """One observation a check makes, mapped to the outcomes it bears on."""

    rule: str = Field(description="Stable ID of the kind of finding, e.g. 'firmware.credentials.empty-password'.")
    title: str
    severity: Severity
    observed: str = Field(description="What was observed, in a sentence a report can print.")
    elements: tuple[str, ...] = Field(description="IR 8425/8425A sub-outcomes it bears on, e.g. ('IAC-1b',).")
    etsi: tuple[str, ...] = Field(default=(), description="ETSI EN 303 645 provisions it bears on.")
    proposes: Verdict | None = Field(
        default=None,
        description="not_satisfied where the finding proves a failure; satisfied only where it proves the whole "
        "sub-outcome for the component; None: evidence only, the assessor decides.",
    )
    location: Location | None = None
    data: dict[str, Any] = Field(default_factory=dict, description="Structured details (JSON values only).")


class InventoryItem(Frozen):
    """A software component found in the input (from an SBOM, or by a version signature in firmware)."""

    name: str
    version: str | None = None
    purl: str | None = None
    cpe: str | None = None
    supplier: str | None = None
    licenses: tuple[str, ...] = ()
    path: str | None = Field(default=None, description="Where it was found (firmware path, SBOM bom-ref).")
    how: str = Field(default="sbom", description="How it was identified: 'sbom', 'version-string', 'package-db'...")


class InputRef(Frozen):
    """What a check ran on: a file (with its hash) or a network target."""

    kind: InputKind
    name: str = Field(description="File path as given, or host.")
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    size: int | None = Field(default=None, ge=0)


class Attempt(Frozen):
    """One run of one check on one input: status, findings, inventory, and everything needed to reproduce it."""

    check: str
    check_version: str
    status: AttemptStatus
    reason: str | None = Field(default=None, description="For error and skipped: why.")
    input: InputRef
    started_at: AwareDatetime
    finished_at: AwareDatetime
    tool_versions: dict[str, str] = Field(default_factory=dict)
    findings: tuple[Finding, ...] = ()
    inventory: tuple[InventoryItem, ...] = ()
    #: Check-specific facts about the run (firmware: extraction coverage; device: ports probed).
    facts: dict[str, Any] = Field(default_factory=dict)


class CheckTarget(Frozen):
    """One unit of work: an input and the options the user gave for it."""

    kind: InputKind
    path: Path | None = Field(default=None, description="For sbom and firmware: the file.")
    host: str | None = Field(default=None, description="For device: the host the user named (never a range).")
    options: dict[str, Any] = Field(
        default_factory=dict,
        description="Check options: 'vulndb' (directory of OSV/NVD/KEV/VEX data), 'ports', 'credentials', ...",
    )


class Limits(Frozen):
    """Bounds the runner sets for one attempt (checks must respect them and report when they hit one)."""

    timeout_s: float = Field(default=300.0, gt=0, description="Wall time for the whole attempt.")
    max_input_bytes: int = Field(default=512 * 1024 * 1024, gt=0)
    max_extracted_bytes: int = Field(default=2 * 1024 * 1024 * 1024, gt=0)
    max_files: int = Field(default=200_000, gt=0)
    max_depth: int = Field(default=8, gt=0, description="Nesting of archives inside archives.")
    #: Device checks: requests per second and login attempts per service.
    rate_per_s: float = Field(default=10.0, gt=0)
    max_login_attempts: int = Field(default=3, ge=0)


class Check(ABC):
    """A check plugin: metadata plus one method."""

    info: ClassVar[CheckInfo]

    @abstractmethod
    def run(self, target: CheckTarget, limits: Limits) -> Attempt:
        """Observe ``target`` within ``limits``; never raise for bad input (return an error attempt)."""

    def attempt(self, ref: InputRef, started: datetime, **fields: Any) -> Attempt:
        """A completed attempt of this check on ``ref``, finished now (``fields``: findings, inventory, facts...)."""
        return Attempt(
            check=self.info.id,
            check_version=self.info.version,
            status=fields.pop("status", AttemptStatus.COMPLETED),
            input=ref,
            started_at=started,
            finished_at=utc_now(),
            **fields,
        )

    def failed(self, ref: InputRef, started: datetime, reason: str, **fields: Any) -> Attempt:
        """An ``error`` attempt of this check on ``ref``: it could not observe, and says why."""
        return self.attempt(ref, started, status=AttemptStatus.ERROR, reason=reason, **fields)


def file_ref(kind: InputKind, path: Path) -> InputRef:
    """An :class:`InputRef` for a file, with its SHA-256 and size (read in chunks)."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return InputRef(kind=kind, name=str(path), sha256=digest.hexdigest(), size=path.stat().st_size)


def utc_now() -> datetime:
    """Now, with a zone (attempt times)."""
    from datetime import UTC

    return datetime.now(UTC)
