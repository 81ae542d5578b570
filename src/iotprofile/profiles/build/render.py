"""The Tailor step's outputs: a built profile as NIST lays out its profiles, its traceability matrix, and OSCAL.

Every writer takes the built profile (unresolved: its tailoring and added sub-outcomes), its resolved base and the
trace rows, and returns text or bytes that depend on nothing else (no clock, no environment), so the outputs can
be compared byte for byte and kept as snapshots.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path

import jinja2

from iotprofile.catalog.model import Document
from iotprofile.errors import ExportError
from iotprofile.profiles.build.render_markdown import (
    NO_REQUIREMENT,
    PROCESS_NOTE,
    STRENGTH_GROUPS_NOTE,
    decision_cell,
    draft_notice,
    render_markdown,
    strength_cell,
)
from iotprofile.profiles.build.render_tables import render_csv, render_xlsx
from iotprofile.profiles.build.render_view import ProfileView, build_view, decision_words
from iotprofile.profiles.build.trace import TraceRow
from iotprofile.profiles.resolve import resolve_profile
from iotprofile.templating import template_environment

__all__ = [
    "TRACEABILITY_CSV",
    "TRACEABILITY_XLSX",
    "oscal_names",
    "profile_html",
    "profile_markdown",
    "profile_oscal",
    "traceability_csv",
    "traceability_xlsx",
    "write_profile_outputs",
]

TEMPLATES = Path(__file__).parent / "templates"
TRACEABILITY_CSV = "traceability.csv"
TRACEABILITY_XLSX = "traceability.xlsx"


def profile_markdown(profile: Document, base: Document, trace: Sequence[TraceRow]) -> str:
    """The tailored profile in Markdown: front matter, then each outcome with the requirements behind it."""
    return render_markdown(build_view(profile, base, trace))


@cache
def _environment() -> jinja2.Environment:
    filters = {
        "strength_cell": strength_cell,
        "decision_cell": decision_cell,
        "decision_words": decision_words,
        "words": lambda text: str(text).replace("_", " "),
    }
    return template_environment(jinja2.FileSystemLoader(TEMPLATES), filters=filters)


def profile_html(profile: Document, base: Document, trace: Sequence[TraceRow]) -> str:
    """The tailored profile as one self-contained HTML page (inline CSS, no scripts), autoescaped."""
    return _render_html(build_view(profile, base, trace))


def _render_html(view: ProfileView) -> str:
    return (
        _environment()
        .get_template("profile.html.j2")
        .render(
            view=view,
            draft_notice=draft_notice(view) if view.draft else None,
            strength_groups_note=STRENGTH_GROUPS_NOTE,
            process=PROCESS_NOTE,
            no_requirement=NO_REQUIREMENT,
        )
    )


def traceability_csv(profile: Document, base: Document, trace: Sequence[TraceRow]) -> str:
    """The traceability matrix as CSV: one row per trace row, sorted by element, standard, requirement ID."""
    return render_csv(build_view(profile, base, trace))


def traceability_xlsx(profile: Document, base: Document, trace: Sequence[TraceRow]) -> bytes:
    """The traceability matrix as a workbook: a "traceability" sheet and an "elements" sheet of counts."""
    return render_xlsx(build_view(profile, base, trace))


def oscal_names(profile: Document, base: Document) -> tuple[str, str | None, str]:
    """File names of the OSCAL profile, its additions catalog (None if it adds nothing) and the base catalog."""
    additions = f"{profile.id}.additions.oscal.json" if profile.elements else None
    return f"{profile.id}.profile.oscal.json", additions, f"{base.id}.oscal.json"


def profile_oscal(profile: Document, base: Document) -> dict[str, str]:
    """The profile in OSCAL, file name -> JSON text.

    An OSCAL profile cannot add controls, so it imports the base catalog (``<base>.oscal.json``, written too) and
    a catalog of the added sub-outcomes (``<id>.additions.oscal.json``, omitted when the profile adds none), and
    alters the statements the tailoring rules reword.
    """
    from iotprofile.catalog import oscal

    profile_name, additions_name, base_name = oscal_names(profile, base)
    model = oscal.to_oscal_profile(
        profile, resolve_profile(profile, base), base_href=base_name, additions_href=additions_name
    )
    files = {profile_name: oscal.serialize(model)}
    if additions_name is not None:
        files[additions_name] = oscal.serialize(oscal.additions_catalog(profile))
    files[base_name] = oscal.serialize(oscal.to_oscal_catalog(base))
    return files


def write_profile_outputs(profile: Document, base: Document, trace: Sequence[TraceRow], out_dir: Path) -> list[Path]:
    """Write every output into ``out_dir`` (created if missing) and return the paths in this order.

    ``<id>.md``, ``<id>.html``, ``traceability.csv``, ``traceability.xlsx``, ``<id>.profile.oscal.json``,
    ``<id>.additions.oscal.json`` (if the profile adds elements) and ``<base>.oscal.json``.
    """
    view = build_view(profile, base, trace)
    outputs: list[tuple[str, str | bytes]] = [
        (f"{profile.id}.md", render_markdown(view)),
        (f"{profile.id}.html", _render_html(view)),
        (TRACEABILITY_CSV, render_csv(view)),
        (TRACEABILITY_XLSX, render_xlsx(view)),
        *profile_oscal(profile, base).items(),
    ]
    written = []
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for name, content in outputs:
            path = out_dir / name
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8", newline="\n")
            written.append(path)
    except OSError as exc:
        raise ExportError(f"cannot write: {exc.strerror}", where=str(exc.filename or out_dir)) from None
    return written
