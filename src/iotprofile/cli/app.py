"""The ``iotprofile`` command: parses arguments, calls :mod:`iotprofile.services`, renders results.

Heavy libraries (Rich for tables, compliance-trestle for OSCAL) are imported inside the commands that use them,
so ``catalog show --format json`` starts fast. Errors the project raises on purpose are printed as one line on
stderr with a documented exit code (see :class:`iotprofile.errors.ExitCode`); anything else is a bug.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, ClassVar, TypeVar

import typer

from iotprofile import __version__
from iotprofile.catalog.vocabulary import ComponentKind
from iotprofile.errors import IotprofileError

T = TypeVar("T")

app = typer.Typer(
    name="iotprofile",
    help="NIST IoT cybersecurity catalogs, crosswalks and profiles (IR 8259A/B, 8425, 8425A) for whole products.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)
catalog_app = typer.Typer(help="List and show catalogs: baselines, profiles and standards.", no_args_is_help=True)
app.add_typer(catalog_app, name="catalog")


class OutputFormat(StrEnum):
    """How a command prints its result."""

    TEXT = "text"
    JSON = "json"


class ExportFormat(StrEnum):
    """Formats ``export`` writes."""

    OSCAL = "oscal"
    JSON = "json"
    YAML = "yaml"
    CSV = "csv"
    MARKDOWN = "markdown"


class _State:
    """Options of the top-level callback, read by the commands."""

    catalog_dirs: ClassVar[list[Path]] = []


FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]


@contextmanager
def _errors() -> Iterator[None]:
    """Turn project errors into one line on stderr and the error's exit code."""
    try:
        yield
    except IotprofileError as exc:
        sys.stderr.write(f"error: {exc.one_line()}\n")
        raise typer.Exit(int(exc.exit_code)) from None


def _workspace() -> Any:
    from iotprofile.services import Workspace

    return Workspace.open(_State.catalog_dirs)


def _print_json(value: Any) -> None:
    from iotprofile.services import to_jsonable

    sys.stdout.write(json.dumps(to_jsonable(value), indent=2, ensure_ascii=False) + "\n")


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"iotprofile {__version__}\n")
        raise typer.Exit


@app.callback()
def main(
    catalog_dir: Annotated[
        list[Path] | None,
        typer.Option(
            "--catalog-dir",
            help="Directory of your own catalogs and mappings (YAML, JSON, CSV), loaded beside the bundled ones. "
            "Repeatable; also read from $IOTPROFILE_CATALOG_DIR.",
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """NIST IoT cybersecurity catalogs, crosswalks and profiles."""
    del version  # handled eagerly by its callback
    _State.catalog_dirs = list(catalog_dir or [])


def _run(action: Callable[[], T]) -> T:
    with _errors():
        return action()


@catalog_app.command("list")
def catalog_list(output: FormatOption = OutputFormat.TEXT) -> None:
    """List every known document: bundled catalogs, your own, and registry entries.

    Registry entries are standards that crosswalks name, shipped without elements.
    """
    from iotprofile.services import list_documents

    documents = _run(lambda: list_documents(_workspace()))
    if output is OutputFormat.JSON:
        _print_json(documents)
        return
    from iotprofile.cli.render import render_document_list

    render_document_list(documents)


@catalog_app.command("show")
def catalog_show(
    document: Annotated[str, typer.Argument(help="Document ID, e.g. nist-ir-8425 or nist-ir-8425a.")],
    element: Annotated[str | None, typer.Argument(help="Element ID, e.g. SU-3 or DOC-1c.")] = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Show a document with every element and its text (a profile with its base resolved in), or one element."""
    if element is None and output is OutputFormat.JSON:
        from iotprofile.catalog.rendered import rendered_json

        # Bundled documents ship pre-rendered (see catalog/rendered.py): no pydantic import, fast start-up.
        rendered = rendered_json(document)
        if rendered is None:
            from iotprofile.services import render_document_json, show_document

            rendered = render_document_json(_run(lambda: show_document(_workspace(), document)))
        sys.stdout.write(rendered)
        return
    from iotprofile.services import show_document, show_element

    if element is None:
        doc = _run(lambda: show_document(_workspace(), document))
        from iotprofile.cli.render import render_document

        render_document(doc)
        return
    view = _run(lambda: show_element(_workspace(), document, element))
    if output is OutputFormat.JSON:
        _print_json(
            {
                "document": _document_head(view.document),
                "element": view.element,
                "ancestors": [item.id for item in view.ancestors],
                "children": view.children,
            }
        )
        return
    from iotprofile.cli.render import render_element

    render_element(view)


def _document_head(doc: Any) -> dict[str, Any]:
    data: dict[str, Any] = doc.model_dump(mode="json", exclude={"elements"})
    return data


@app.command("crosswalk")
def crosswalk_command(
    ref: Annotated[str, typer.Argument(help="DOC:ELEMENT, e.g. nist-ir-8425a:DP-1 or etsi-en-303-645:5.1-1.")],
    component_kind: Annotated[
        ComponentKind | None,
        typer.Option("--component-kind", "-k", help="Only mappings that hold for this kind of product component."),
    ] = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """What informs an element and what it serves, across every crosswalk, in both directions."""
    from iotprofile.services import crosswalk

    answer = _run(lambda: crosswalk(_workspace(), ref, component_kind=component_kind))
    if output is OutputFormat.JSON:
        _print_json(answer)
        return
    from iotprofile.cli.render import render_crosswalk

    render_crosswalk(answer)


@app.command("export")
def export_command(
    document: Annotated[str, typer.Argument(help="Document ID, e.g. nist-ir-8425.")],
    export_format: Annotated[ExportFormat, typer.Option("--format", "-f", help="Output format.")],
    out: Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of standard output.")] = None,
    resolved: Annotated[
        bool,
        typer.Option(
            "--resolved/--as-stored",
            help="For a profile: export it resolved against its base (the default for csv and markdown), or as "
            "stored (the default for json, yaml and oscal, where oscal writes an OSCAL profile).",
        ),
    ] = False,
) -> None:
    """Export a document as OSCAL (catalog, or profile for a profile), JSON, YAML, CSV or Markdown."""
    from iotprofile.reports.catalog_export import export_document

    def action() -> None:
        result = export_document(_workspace().catalogs, document, export_format.value, resolved=resolved)
        if out is None:
            sys.stdout.write(result.main)
            if result.companions:
                sys.stderr.write(
                    "note: the OSCAL profile imports companion catalogs; use -o FILE to write them beside it\n"
                )
            return
        written = result.write(out)
        for path in written:
            sys.stderr.write(f"wrote {path}\n")

    _run(action)


@app.command("validate")
def validate_command(
    file: Annotated[Path, typer.Argument(help="A catalog or mapping file (YAML, JSON or CSV).")],
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Check your own catalog or mapping file: structure, unique IDs, parents, and that every mapping end exists.

    Exit code 0 when valid; 3 with one line naming the file, the place and the problem when not.
    """
    from iotprofile.services import validate_file

    report = _run(lambda: validate_file(_workspace(), file))
    if output is OutputFormat.JSON:
        _print_json({"valid": True, **vars(report)})
        return
    what = (
        f"{report.elements} elements" if report.kind == "catalog" else f"{report.mappings} mappings, every end resolves"
    )
    sys.stdout.write(f"ok: {report.path}: {report.kind} {', '.join(report.ids)} ({what})\n")


def run() -> None:
    """Console-script entry point."""
    app()


# The product, assessment and documents commands live in their own modules; importing them registers them.
from iotprofile.cli import assess as _assess  # noqa: E402, F401
from iotprofile.cli import documents as _documents  # noqa: E402, F401
from iotprofile.cli import profile as _profile  # noqa: E402, F401
from iotprofile.cli import scan as _scan  # noqa: E402, F401
from iotprofile.cli import vulndb as _vulndb  # noqa: E402, F401
from iotprofile.cli import web as _web  # noqa: E402, F401
