"""The child process that runs unblob (``python -m iotprofile.checks.firmware.unblob_child JOB.json``).

unblob runs in its own process so that the parent can kill it (and every extractor it started: the child leads
its own session) when the wall time, size or file-count limits are hit. The child caps the size of any one file
it or its extractors write (``RLIMIT_FSIZE``: a gzip bomb stops at the limit), enters unblob's
Landlock sandbox (writes only under the extraction root), and writes a JSON summary of unblob's reports (chunks,
tasks, errors) to the path the job names. It is not a public interface.
"""

from __future__ import annotations

import json
import resource
import signal
import sys
from pathlib import Path
from typing import Any


def main(job_path: str) -> int:
    """Run the jobs described in ``job_path`` and write the summary; the exit code is 0 unless unblob crashed."""
    job = json.loads(Path(job_path).read_text(encoding="utf-8"))
    limit = int(job["max_file_bytes"])
    # Our own writes (unblob carving chunks) past the limit fail with EFBIG instead of killing this process; the
    # extractors unblob starts get SIGXFSZ's default back (Python's subprocess restores it) and are killed there.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    from unblob.logging import configure_logger
    from unblob.processing import ExtractionConfig, process_file
    from unblob.sandbox import Sandbox

    log_path = Path(job["log"])
    summary: list[dict[str, Any]] = []
    for input_path, root in job["jobs"]:
        extract_root = Path(root)
        extract_root.mkdir(parents=True, exist_ok=True)
        configure_logger(0, extract_root, log_path)
        config = ExtractionConfig(
            extract_root=extract_root,
            max_depth=int(job["max_depth"]),
            randomness_depth=0,
            process_num=int(job["process_num"]),
            verbose=0,
        )
        result = Sandbox(config, log_path, None).run(process_file, config, Path(input_path))
        summary.append({"input": input_path, "root": str(extract_root), "tasks": _tasks(result)})
    Path(job["out"]).write_text(json.dumps({"sandbox": _sandbox_available(), "jobs": summary}), encoding="utf-8")
    return 0


def _sandbox_available() -> bool:
    """Whether unblob's Landlock sandbox can be entered here (it runs unconfined, with a log line, where not)."""
    import threading

    from unblob.sandbox import AccessFS, SandboxError, restrict_access

    available: list[bool] = []

    def probe() -> None:  # restricts only this throwaway thread
        try:
            restrict_access(AccessFS.read("/"))
            available.append(True)
        except SandboxError:
            available.append(False)

    thread = threading.Thread(target=probe)
    thread.start()
    thread.join()
    return bool(available and available[0])


def _tasks(result: Any) -> list[dict[str, Any]]:
    from unblob.report import (
        ChunkReport,
        ErrorReport,
        ExtractionProblem,
        FileMagicReport,
        MaliciousSymlinkRemoved,
        StatReport,
        UnknownChunkReport,
    )

    def sort(report: Any, errors: list[str], problems: list[str]) -> None:
        if isinstance(report, ExtractionProblem):
            problems.append(f"{report.problem} {report.resolution}: {report.path}")
        elif isinstance(report, MaliciousSymlinkRemoved):
            problems.append(f"symlink {report.link} -> {report.target} removed (points outside the root)")
        elif isinstance(report, ErrorReport):
            errors.append(_describe(report))

    tasks = []
    for task_result in result.results:
        chunks: list[dict[str, Any]] = []
        errors: list[str] = []
        problems: list[str] = []
        stat = None
        inspected = False
        for report in task_result.reports:
            if isinstance(report, StatReport):
                stat = report
            elif isinstance(report, FileMagicReport):
                inspected = True
            elif isinstance(report, ChunkReport):
                chunks.append({"start": report.start_offset, "end": report.end_offset, "handler": report.handler_name})
                for sub in report.extraction_reports:
                    sort(sub, errors, problems)
            elif isinstance(report, UnknownChunkReport):
                chunks.append({"start": report.start_offset, "end": report.end_offset, "handler": None})
            else:
                sort(report, errors, problems)
        tasks.append(
            {
                "path": str(task_result.task.path),
                "depth": task_result.task.depth,
                "is_file": bool(stat and stat.is_file),
                "is_dir": bool(stat and stat.is_dir),
                "size": stat.size if stat else 0,
                "inspected": inspected,
                "chunks": chunks,
                "errors": errors,
                "problems": problems,
            }
        )
    return tasks


def _describe(report: Any) -> str:
    fields = report.model_dump(mode="json", exclude={"severity"})
    for key in ("stdout", "stderr"):
        if key in fields:
            fields[key] = str(fields[key])[-300:]
    return f"{type(report).__name__}: {json.dumps(fields, default=str)[:600]}"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
