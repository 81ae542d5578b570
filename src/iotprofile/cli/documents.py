"""``iotprofile documents PRODUCT.yaml -o DIR``: the documents the non-technical outcomes call for.

Generated from the product file, its support record, SBOMs and advisories; with ``--record`` the documents are
also stored as evidence (``not_assessed``, for the assessor to judge) on the non-technical cells they serve.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from iotprofile.cli.app import FormatOption, OutputFormat, _print_json, _run, _workspace, app

_KINDS = (
    "security-txt",
    "disclosure-policy",
    "csaf",
    "support-statement",
    "end-of-support-notice",
    "psti-statement",
    "cyber-trust-mark",
    "customer-guide",
    "documentation-package",
)


def _as_of(value: str | None) -> date:
    from iotprofile.errors import DocumentError

    if value is None:
        return date.today()  # the user's calendar day is the as-of date
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise DocumentError(f"--date {value!r} is not a date (YYYY-MM-DD)") from None


@app.command("documents")
def documents_command(
    product_file: Annotated[Path, typer.Argument(help="A product file (YAML or JSON).")],
    out: Annotated[Path, typer.Option("--output", "-o", help="Directory to write the documents to (replaced).")],
    only: Annotated[
        list[str] | None, typer.Option("--only", help=f"Only these (repeatable): {', '.join(_KINDS)}.")
    ] = None,
    support: Annotated[
        Path | None, typer.Option("--support", help="Support record (default: support.yaml beside the product).")
    ] = None,
    advisories: Annotated[
        Path | None, typer.Option("--advisories", help="Advisory files (default: advisories/ beside the product).")
    ] = None,
    results: Annotated[
        Path | None, typer.Option("--results", help="Verdicts, for the Documentation 1c part of the package.")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--date", help="Generate as of this day, YYYY-MM-DD (default: today).")
    ] = None,
    record: Annotated[
        bool, typer.Option("--record", help="Store the documents as evidence on the stored product (see --db).")
    ] = False,
    db: Annotated[str | None, typer.Option("--db", help="Database URL for --record.")] = None,
    assessor: Annotated[str | None, typer.Option("--assessor", help="Who records (default: your user name).")] = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Generate the documents the non-technical outcomes call for, and list which sub-outcomes each serves.

    security.txt, the disclosure policy and handling procedure, CSAF advisories, the support statements, the UK
    PSTI statement, the Cyber Trust Mark record, the customer guide and the documentation package.

    Exit code 3 with one line naming the file, the field and the problem when an input is invalid (an expired
    support end date, a contact that is not a URI, an advisory naming a component not in the SBOM); nothing is
    written then.
    """
    from iotprofile.cli.assess import _assessor
    from iotprofile.documents.coverage import DocumentKind
    from iotprofile.errors import DocumentError
    from iotprofile.services.documents import generate_documents, record_documents

    def action() -> tuple[Any, Any]:
        kinds: list[DocumentKind] = []
        for name in only or []:
            try:
                kinds.append(DocumentKind(name))
            except ValueError:
                raise DocumentError(f"unknown document kind {name!r}", tip=f"one of {', '.join(_KINDS)}") from None
        if record:  # refuse an unknown product before anything is written
            from iotprofile.product.io import load_product
            from iotprofile.services.products import open_repository

            with open_repository(db) as repository:
                repository.get_product(load_product(product_file).id)
        run = generate_documents(
            _workspace(),
            product_file,
            out,
            support_file=support,
            advisories_dir=advisories,
            results_file=results,
            only=kinds,
            as_of=_as_of(as_of),
        )
        recorded = None
        if record:
            from iotprofile.services.products import open_repository

            with open_repository(db) as repository:
                recorded = record_documents(repository, _workspace(), run, assessor=_assessor(assessor))
        return run, recorded

    run, recorded = _run(action)
    coverage = run.documents.coverage
    if output is OutputFormat.JSON:
        data = {"written": [str(path) for path in run.written], "coverage": coverage.to_json()}
        if recorded is not None:
            data["recorded"] = [str(item.cell) for item in recorded.recorded]
            data["left_alone"] = {cell: verdict.value for cell, verdict in recorded.decided}
        _print_json(data)
        return
    for path in run.written:
        sys.stderr.write(f"wrote {path}\n")
    out_text = [
        f"{coverage.product} against {coverage.profile}, as of {coverage.as_of}: "
        f"{len(coverage.rows) - len(coverage.lacking)} of {len(coverage.rows)} non-technical sub-outcomes "
        "have a document"
    ]
    for row in coverage.rows:
        documents = ", ".join(kind.value for kind in row.documents) or "LACKS A DOCUMENT"
        out_text.append(f"  {row.element:<8} {documents}")
    out_text += [f"missing: {line}" for line in coverage.missing]
    if recorded is not None:
        out_text.append(f"recorded {len(recorded.recorded)} evidence record(s) (not_assessed, for the assessor)")
        out_text += [f"left alone: {cell} is already {verdict.value}" for cell, verdict in recorded.decided]
        out_text += [f"unchanged: {cell} already has these documents" for cell in recorded.unchanged]
    sys.stdout.write("\n".join(out_text) + "\n")
