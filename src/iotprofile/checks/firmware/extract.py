"""Bounded extraction of a firmware image with unblob, and how much of the image it explained.

:func:`extract` runs unblob (as a library, in a child process: :mod:`iotprofile.checks.firmware.unblob_child`)
under the attempt's :class:`~iotprofile.checks.interface.Limits`: wall time (the child's whole session is killed),
nesting depth (unblob's own limit), total bytes and file count (watched while it runs; no single file may exceed
the byte limit), all output under ``dest``. A uImage, TRX or FIT container is parsed by
:mod:`~iotprofile.checks.firmware.headers` and its payloads are carved and extracted one by one, their headers
counted as identified. The :class:`Extraction` says what was identified (per chunk: offset, size, handler), what
stayed unknown, the depth reached, what was written and which limits were hit.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import Field

from iotprofile.catalog.model import Frozen
from iotprofile.checks.firmware.containment import NeutralisedEntry, neutralise, usage
from iotprofile.checks.firmware.headers import ContainerInfo, identify
from iotprofile.checks.firmware.native import NativeJob, extract_natively
from iotprofile.checks.firmware.tools import bin_dir, missing_tools, tool_versions
from iotprofile.checks.interface import Limits
from iotprofile.errors import CheckError

__all__ = ["Chunk", "Coverage", "Extraction", "LimitHit", "extract"]

_POLL_S = 0.1
_CARVE_BLOCK = 1 << 20
#: Set to 0 to always extract with unblob (the fast path for squashfs and gzip payloads is on by default).
NATIVE_ENV = "IOTPROFILE_FIRMWARE_FAST_PATH"
#: Payloads carved from one container at most (a FIT can declare thousands of image nodes).
_MAX_PAYLOADS = 64


class LimitHit(StrEnum):
    """A limit an extraction ran into (its output is then partial)."""

    INPUT_SIZE = "max_input_bytes"
    EXTRACTED_SIZE = "max_extracted_bytes"
    FILES = "max_files"
    DEPTH = "max_depth"
    TIMEOUT = "timeout_s"


class Chunk(Frozen):
    """A range of the image and what it was identified as (``handler`` None: unknown)."""

    offset: int = Field(ge=0)
    size: int = Field(ge=0)
    handler: str | None = Field(description="unblob handler ('squashfs_v4_le', 'padding'...) or container header.")


class Coverage(Frozen):
    """How much of the image's bytes were explained by a handler."""

    image_size: int = Field(ge=0)
    identified_bytes: int = Field(ge=0, description="Bytes in chunks some handler (or header parser) recognised.")
    padding_bytes: int = Field(ge=0, description="Bytes of one repeated value (0x00, 0xff) between chunks.")
    unknown_bytes: int = Field(ge=0)
    chunks: tuple[Chunk, ...] = Field(description="Top-level chunks, in offset order, gaps as unknown chunks.")

    @property
    def ratio(self) -> float:
        """Identified plus padding bytes over the image size (1.0 for an empty image)."""
        return 1.0 if not self.image_size else (self.identified_bytes + self.padding_bytes) / self.image_size


class Extraction(Frozen):
    """The outcome of :func:`extract`: where the files are, what was covered, what was hit."""

    image: str
    root: Path = Field(description="The extraction root (``dest``); every written path is inside it.")
    container: ContainerInfo | None = Field(default=None, description="The uImage/TRX/FIT header, if any.")
    coverage: Coverage
    depth_reached: int = Field(ge=0, description="Deepest nesting unblob descended to (0: the image itself).")
    files_written: int = Field(ge=0, description="Regular files under the root after neutralising.")
    bytes_written: int = Field(ge=0)
    limits_hit: tuple[LimitHit, ...] = ()
    neutralised: tuple[NeutralisedEntry, ...] = Field(default=(), description="Entries removed to stay contained.")
    warnings: tuple[str, ...] = ()
    errors: tuple[str, ...] = Field(default=(), description="Extractor failures unblob reported (output partial).")
    problems: tuple[str, ...] = Field(
        default=(),
        description="Entries unblob skipped or changed to keep them inside the root (path traversal, absolute "
        "paths, links pointing outside, special files): the image tried to write outside its root.",
    )
    tool_versions: dict[str, str] = Field(default_factory=dict)
    duration_s: float = Field(ge=0)

    def facts(self) -> dict[str, Any]:
        """JSON values for :attr:`Attempt.facts` (the coverage figures a report prints)."""
        return {
            "extraction": {
                "coverage": round(self.coverage.ratio, 4),
                "identified_bytes": self.coverage.identified_bytes,
                "unknown_bytes": self.coverage.unknown_bytes,
                "padding_bytes": self.coverage.padding_bytes,
                "image_size": self.coverage.image_size,
                "chunks": [chunk.model_dump(mode="json") for chunk in self.coverage.chunks],
                "container": self.container.model_dump(mode="json") if self.container else None,
                "depth_reached": self.depth_reached,
                "files_written": self.files_written,
                "bytes_written": self.bytes_written,
                "limits_hit": [str(limit) for limit in self.limits_hit],
                "neutralised": [entry.model_dump(mode="json") for entry in self.neutralised],
                "warnings": list(self.warnings),
                "errors": list(self.errors),
                "problems": list(self.problems),
                "duration_s": round(self.duration_s, 3),
            }
        }


def extract(image: Path, dest: Path, limits: Limits) -> Extraction:
    """Extract ``image`` under ``dest`` (created; must be empty) within ``limits``; never writes outside ``dest``.

    Raises :class:`CheckError` only for arguments that make the call meaningless (the image is not a readable
    file, ``dest`` is not empty); everything about the image's bytes is reported in the result.
    """
    started = time.monotonic()
    if not image.is_file():
        raise CheckError("not a readable file", where=str(image))
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise CheckError("extraction directory must be empty or absent", where=str(dest))
    dest.mkdir(parents=True, exist_ok=True)
    root = dest.resolve()
    size = image.stat().st_size
    versions = tool_versions()
    if size > limits.max_input_bytes:
        return Extraction(
            image=str(image),
            root=root,
            coverage=_coverage(size, []),
            depth_reached=0,
            files_written=0,
            bytes_written=0,
            limits_hit=(LimitHit.INPUT_SIZE,),
            warnings=(f"image is {size} bytes, over the {limits.max_input_bytes}-byte input limit: not extracted",),
            tool_versions=versions,
            duration_s=time.monotonic() - started,
        )
    container = identify(image)
    warnings = list(container.warnings) if container else []
    warnings.extend(
        f"{tool} is not installed: formats that need it are identified but not extracted" for tool in missing_tools()
    )
    if size == 0:
        warnings.append("image is empty")
    hit: set[LimitHit] = set()
    header_chunks: list[Chunk] = []
    offsets: list[int] = []
    jobs: list[tuple[str, str]] = []
    if container is not None and container.payloads:
        out = root / f"{_safe_name(image.name)}_extract"
        out.mkdir()
        header_chunks = _header_chunks(container, size)
        ranges = [
            (f"{container.kind}-{payload.name}", payload.offset, payload.length) for payload in container.payloads
        ]
        end = max(chunk.offset + chunk.size for chunk in header_chunks) if header_chunks else 0
        end = max([end, *[offset + length for _, offset, length in ranges]])
        if end < size:
            # Routers often place the root filesystem right after a uImage kernel: extract what follows too.
            ranges.append(("trailing", end, size - end))
        carved_bytes = 0
        for index, (name, offset, length) in enumerate(ranges):
            # Headers can lie: many payloads over the same bytes must not multiply the image on disk.
            if index >= _MAX_PAYLOADS or carved_bytes + length > limits.max_extracted_bytes:
                hit.add(LimitHit.EXTRACTED_SIZE if index < _MAX_PAYLOADS else LimitHit.FILES)
                warnings.append(f"{len(ranges) - index} of {len(ranges)} payloads not extracted (limits)")
                break
            carved = out / f"{index}-{name}.bin"
            _carve(image, carved, offset, length)
            carved_bytes += length
            jobs.append((str(carved), str(out)))
            offsets.append(offset)
    else:
        if container is not None:
            warnings.append(f"{container.kind} header without usable payloads: extracting the image as it is")
        jobs.append((str(image.resolve()), str(root)))
        offsets.append(0)
    remaining = limits.timeout_s - (time.monotonic() - started)
    summary: list[dict[str, Any]] = []
    sandboxed: bool | None = None
    child_errors: list[str] = []
    native = None
    if LimitHit.EXTRACTED_SIZE not in hit and os.environ.get(NATIVE_ENV, "1") != "0":
        native = extract_natively(jobs, timeout_s=remaining, max_bytes=limits.max_extracted_bytes)
    if native is not None:
        summary = _native_summary(jobs, native)
        versions = {**versions, "extractor": "iotprofile fast path (unsquashfs, zlib); unblob not needed"}
    elif LimitHit.EXTRACTED_SIZE not in hit:  # else carving alone used the byte budget: nothing left to unpack into
        child_hit: set[LimitHit] = set()
        summary, sandboxed, child_errors = _run_child(jobs, root, limits, remaining, child_hit)
        hit |= child_hit
        if child_hit:
            warnings.append(
                f"unblob was stopped at {', '.join(sorted(child_hit))}: the files written so far are kept, but its "
                "chunk report is lost, so coverage counts only what the container headers explain"
            )
    if sandboxed is False:
        warnings.append(
            "unblob's Landlock sandbox is unavailable on this kernel: containment rests on the checks after extraction"
        )
    neutralised = neutralise(root)
    entries, files, written = usage(root)
    if entries > limits.max_files:
        hit.add(LimitHit.FILES)
    chunks = list(header_chunks)
    depth = 0
    errors = list(child_errors)
    problems: list[str] = []
    for index, job in enumerate(summary):
        for task in job["tasks"]:
            depth = max(depth, int(task["depth"]))
            errors.extend(task["errors"])
            problems.extend(task["problems"])
            # unblob stops silently at its depth limit: a file it did not look into, or a directory it did not
            # walk, at that depth is what was left unextracted.
            if task["depth"] >= limits.max_depth and not task["inspected"] and (task["is_dir"] or task["size"]):
                hit.add(LimitHit.DEPTH)
            if task["depth"] == 0:
                chunks.extend(
                    Chunk(offset=offsets[index] + c["start"], size=c["end"] - c["start"], handler=c["handler"])
                    for c in task["chunks"]
                )
    for lost in sorted(root.rglob(".unblob-lost+found")):
        # unblob's cpio handler moves entries that climb out of the archive here, without a report.
        problems.extend(
            f"entry outside the archive root moved to {path.relative_to(root).as_posix()}"
            for path in sorted(lost.rglob("*"))
            if path.is_file()
        )
    # A file that reached the size cap was cut there (the child's RLIMIT_FSIZE): the extractor was stopped by
    # SIGXFSZ (subprocess restores its default action) or got EFBIG.
    killed_by_cap = f'"exit_code": -{signal.SIGXFSZ.value}'
    if written >= limits.max_extracted_bytes or any(
        killed_by_cap in error or "File too large" in error for error in errors
    ):
        hit.add(LimitHit.EXTRACTED_SIZE)
    if LimitHit.DEPTH in hit:
        warnings.append(f"nesting deeper than {limits.max_depth} was not extracted")
    return Extraction(
        image=str(image),
        root=root,
        container=container,
        coverage=_coverage(size, chunks),
        depth_reached=depth,
        files_written=files,
        bytes_written=written,
        limits_hit=tuple(sorted(hit)),
        neutralised=tuple(neutralised),
        warnings=tuple(warnings),
        errors=tuple(errors),
        problems=tuple(problems),
        tool_versions=versions,
        duration_s=time.monotonic() - started,
    )


def _native_summary(jobs: list[tuple[str, str]], native: list[NativeJob]) -> list[dict[str, Any]]:
    """The fast path's result in the shape of the unblob child's summary."""
    summary = []
    for (source, root), job in zip(jobs, native, strict=True):
        chunks = [{"start": chunk.start, "end": chunk.end, "handler": chunk.handler} for chunk in job.chunks]
        base = {"errors": [], "problems": [], "inspected": True, "is_dir": False, "size": 0}
        tasks = [{**base, "depth": 0, "chunks": chunks}, {**base, "depth": job.depth, "is_dir": True, "chunks": []}]
        summary.append({"input": source, "root": root, "tasks": tasks})
    return summary


def _run_child(
    jobs: list[tuple[str, str]], root: Path, limits: Limits, timeout_s: float, hit: set[LimitHit]
) -> tuple[list[dict[str, Any]], bool | None, list[str]]:
    """Run unblob on ``jobs`` in a child session, killing it at a limit; (summary per job, sandboxed, errors)."""
    with tempfile.TemporaryDirectory(prefix="iotprofile-unblob-") as work:
        job_file = Path(work) / "job.json"
        out_file = Path(work) / "summary.json"
        job_file.write_text(
            json.dumps(
                {
                    "jobs": jobs,
                    "max_depth": limits.max_depth,
                    "max_file_bytes": limits.max_extracted_bytes,
                    # One unblob process per image: images are the unit of parallelism (the runner, Dask); unblob's
                    # own pool only adds start-up (measured: -p 1 is faster than -p 2 even for a 32 MB image).
                    "process_num": 1,
                    "log": str(Path(work) / "unblob.log"),
                    "out": str(out_file),
                }
            ),
            encoding="utf-8",
        )
        env = dict(os.environ)
        env["PATH"] = f"{bin_dir()}{os.pathsep}{env.get('PATH', os.defpath)}"
        stderr_path = Path(work) / "stderr"
        with stderr_path.open("wb") as stderr:
            child = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
                [sys.executable, "-m", "iotprofile.checks.firmware.unblob_child", str(job_file)],
                stdin=subprocess.DEVNULL,
                stdout=stderr,
                stderr=stderr,
                env=env,
                cwd=work,
                start_new_session=True,
            )
            _watch(child, root, limits, max(timeout_s, 0.1), hit)
        errors = []
        if child.returncode != 0 and not hit:
            tail = stderr_path.read_text(encoding="utf-8", errors="replace")[-800:]
            errors.append(f"unblob child exited with {child.returncode}: {tail}")
        if not out_file.exists():
            return [], None, errors
        summary = json.loads(out_file.read_text(encoding="utf-8"))
        return summary["jobs"], bool(summary["sandbox"]), errors


def _watch(child: subprocess.Popen[bytes], root: Path, limits: Limits, timeout_s: float, hit: set[LimitHit]) -> None:
    """Wait for ``child``, measuring ``root`` as it grows (less often when measuring is slow); kill at a limit."""
    deadline = time.monotonic() + timeout_s
    next_measure = 0.0
    while child.poll() is None:
        now = time.monotonic()
        if now >= deadline:
            hit.add(LimitHit.TIMEOUT)
        elif now >= next_measure:
            entries, _, written = usage(root)
            cost = time.monotonic() - now
            next_measure = time.monotonic() + max(_POLL_S, 10 * cost)
            if written > limits.max_extracted_bytes:
                hit.add(LimitHit.EXTRACTED_SIZE)
            if entries > limits.max_files:
                hit.add(LimitHit.FILES)
        if hit:
            _kill(child)
            return
        try:
            child.wait(timeout=min(_POLL_S, max(0.0, deadline - time.monotonic())) or _POLL_S)
        except subprocess.TimeoutExpired:
            continue


def _kill(child: subprocess.Popen[bytes]) -> None:
    """Kill the child's whole session (unblob's workers and the extractors they started)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, signal.SIGKILL)
    child.wait()


def _carve(image: Path, target: Path, offset: int, length: int) -> None:
    with image.open("rb") as source, target.open("wb") as sink:
        source.seek(offset)
        remaining = length
        while remaining > 0:
            block = source.read(min(_CARVE_BLOCK, remaining))
            if not block:
                break
            sink.write(block)
            remaining -= len(block)


def _header_chunks(container: ContainerInfo, size: int) -> list[Chunk]:
    """The container's own bytes (everything before, between and around payloads, up to its end) as identified."""
    covered = sorted((payload.offset, payload.offset + payload.length) for payload in container.payloads)
    end = min(size, max([container.header_length, *[stop for _, stop in covered]]))
    chunks = []
    position = container.offset
    for start, stop in covered:
        if start > position:
            chunks.append(Chunk(offset=position, size=start - position, handler=str(container.kind)))
        position = max(position, stop)
    if end > position:
        chunks.append(Chunk(offset=position, size=end - position, handler=str(container.kind)))
    return chunks


def _coverage(size: int, chunks: list[Chunk]) -> Coverage:
    """Fill the gaps between known chunks with unknown ones and add up the bytes."""
    known = sorted((chunk for chunk in chunks if chunk.handler is not None and chunk.size), key=lambda c: c.offset)
    merged: list[Chunk] = []
    position = 0
    for chunk in known:
        start = max(chunk.offset, position)
        stop = min(chunk.offset + chunk.size, size)
        if stop <= start:
            continue
        if start > position:
            merged.append(Chunk(offset=position, size=start - position, handler=None))
        merged.append(Chunk(offset=start, size=stop - start, handler=chunk.handler))
        position = stop
    if position < size:
        merged.append(Chunk(offset=position, size=size - position, handler=None))
    padding = sum(chunk.size for chunk in merged if chunk.handler == "padding")
    unknown = sum(chunk.size for chunk in merged if chunk.handler is None)
    return Coverage(
        image_size=size,
        identified_bytes=size - padding - unknown,
        padding_bytes=padding,
        unknown_bytes=unknown,
        chunks=tuple(merged),
    )


def _safe_name(name: str) -> str:
    cleaned = "".join(char if char.isalnum() or char in "-_." else "_" for char in name).lstrip(".")
    return cleaned or "image"
