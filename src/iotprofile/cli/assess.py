"""``iotprofile product ...`` and ``iotprofile assess ...``: model products, plan, record verdicts, report.

``assess`` is a group whose default command is the stateless assessment: ``iotprofile assess PRODUCT.yaml
--report DIR`` runs :func:`assess_run` without naming it, for CI pipelines.
"""

from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from iotprofile.cli.app import FormatOption, OutputFormat, _errors, _print_json, _run, _workspace, app

REPORT_FORMATS = ("html", "pdf", "md", "json", "csv", "xlsx", "oscal")
_DB_HELP = (
    "Database URL (SQLite file by default; postgresql+psycopg://... for PostgreSQL). Also $IOTPROFILE_DATABASE_URL."
)
DbOption = Annotated[str | None, typer.Option("--db", help=_DB_HELP)]
ProfileOption = Annotated[
    str | None, typer.Option("--profile", "-p", help="Profile to assess against (default: the product type's).")
]


class _DefaultRunGroup(TyperGroup):
    """A group that runs ``run`` when the first argument is not one of its commands (``assess PRODUCT.yaml``)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in {"--help", "-h"}:
            args = ["run", *args]
        return super().parse_args(ctx, args)


product_app = typer.Typer(help="Model a product as components: create, validate, store and export product files.",
                          no_args_is_help=True)  # fmt: skip
assess_app = typer.Typer(
    cls=_DefaultRunGroup,
    help="Assess a product against a profile. 'iotprofile assess PRODUCT.yaml --report DIR' needs no database.",
    no_args_is_help=True,
)
app.add_typer(product_app, name="product")
app.add_typer(assess_app, name="assess")


def _assessor(value: str | None) -> str:
    if value:
        return value
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


# ---------------------------------------------------------------------------------------------------- product

_TEMPLATE = {
    "format": "iotprofile/product/v1",
    "id": "acme-smart-plug",
    "name": "ACME Smart Plug",
    "manufacturer": "ACME Inc.",
    "model": "SP-100",
    "version": "1.0.0",
    "product_type": "consumer_iot_product",
    "components": [
        {"id": "plug", "name": "Smart plug", "kind": "device", "updatable": True, "onboards": True,
         "stores_customer_data": True, "data_stored": ["Wi-Fi credentials", "schedules"],
         "interfaces": [{"name": "Wi-Fi", "kind": "network", "protocols": ["mqtt"], "exposure": ["lan"],
                         "authenticated": True}]},
        {"id": "app", "name": "Companion app", "kind": "mobile_app", "updatable": True, "onboards": True},
        {"id": "cloud", "name": "Cloud backend", "kind": "cloud_backend", "updatable": True,
         "stores_customer_data": True},
    ],
    "connections": [
        {"source": "app", "target": "cloud", "protocols": ["https"], "encrypted": True},
        {"source": "cloud", "target": "plug", "protocols": ["mqtt"], "encrypted": True},
    ],
}  # fmt: skip


@product_app.command("init")
def product_init(
    out: Annotated[Path, typer.Argument(help="Where to write the new product file.")] = Path("product.yaml"),
    router: Annotated[bool, typer.Option("--router", help="Start from a consumer-grade router.")] = False,
) -> None:
    """Write a starting product file to edit (a smart plug with app and cloud, or a router)."""
    from iotprofile.product.io import product_to_yaml
    from iotprofile.product.model import Product

    data: dict[str, Any] = json.loads(json.dumps(_TEMPLATE))
    if router:
        data.update(id="acme-router", name="ACME Router", model="AX-1", product_type="consumer_grade_router")
        data["components"][0].update(id="router", name="Router")
        data["connections"][1]["target"] = "router"

    def action() -> None:
        if out.exists():
            from iotprofile.errors import ProductError

            raise ProductError("file exists; not overwriting it", where=str(out))
        out.write_text(product_to_yaml(Product.model_validate(data)), encoding="utf-8")

    _run(action)
    sys.stderr.write(f"wrote {out}; edit it, then: iotprofile product validate {out}\n")


def _examples_dir() -> Path:
    """The bundled examples: inside an installed package, or at the top of a source checkout."""
    packaged = Path(__file__).resolve().parent.parent / "examples"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parents[3] / "examples"


@product_app.command("example")
def product_example(
    name: Annotated[str, typer.Argument(help="router or smart-plug.")],
    out: Annotated[Path, typer.Argument(help="Directory to copy the example into (must not exist).")],
) -> None:
    """Copy a bundled example product (product.yaml, results.yaml, evidence/) to start from."""
    import shutil

    from iotprofile.errors import ProductError

    def action() -> None:
        source = _examples_dir() / name
        if name.startswith((".", "/")) or not (source / "product.yaml").is_file():
            known = sorted(path.name for path in _examples_dir().iterdir() if (path / "product.yaml").is_file())
            raise ProductError(f"no example {name!r}", tip=f"one of {', '.join(known)}")
        if out.exists():
            raise ProductError("exists; not overwriting it", where=str(out))
        shutil.copytree(source, out)

    _run(action)
    sys.stderr.write(f"copied {name} to {out}; try: iotprofile assess {out}/product.yaml --results "
                     f"{out}/results.yaml --report {out}/reports\n")  # fmt: skip


@product_app.command("validate")
def product_validate(
    file: Annotated[Path, typer.Argument(help="A product file (YAML or JSON).")],
    profile: ProfileOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Check a product file and its applicability overrides against its profile."""
    from iotprofile.product.io import load_product
    from iotprofile.services.products import plan_for

    def action() -> tuple[Any, Any]:
        product = load_product(file)
        return product, plan_for(_workspace(), product, profile, requirements=False)

    product, plan = _run(action)
    applicable = len(plan.applicable())
    if output is OutputFormat.JSON:
        _print_json({"valid": True, "product": product.id, "profile": plan.profile.id, "cells": len(plan.cells),
                     "applicable": applicable})  # fmt: skip
        return
    sys.stdout.write(f"ok: {file}: {product.id}, {len(product.components)} components, {applicable} of "
                     f"{len(plan.cells)} cells apply against {plan.profile.id}\n")  # fmt: skip


@product_app.command("schema")
def product_schema() -> None:
    """Print the JSON Schema of product files."""
    from iotprofile.product.model import product_json_schema

    _print_json(product_json_schema())


@product_app.command("import")
def product_import(
    file: Annotated[Path, typer.Argument(help="A product file (YAML or JSON).")],
    db: DbOption = None,
    org: Annotated[
        str | None, typer.Option("--org", help="Organisation of the web app that owns it (default: 'default').")
    ] = None,
) -> None:
    """Store a product (or replace its stored definition) in one transaction."""
    from iotprofile.services.products import import_product, open_repository

    def action() -> str:
        with open_repository(db) as repository:
            return import_product(repository, _workspace(), file, organisation=org).id

    product_id = _run(action)
    sys.stdout.write(f"imported {product_id}\n")


@product_app.command("export")
def product_export(
    product_id: Annotated[str, typer.Argument(help="Stored product ID.")],
    out: Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of YAML.")] = False,
    db: DbOption = None,
) -> None:
    """Write a stored product back out as a product file (YAML, or JSON)."""
    from iotprofile.product.io import product_to_json, product_to_yaml
    from iotprofile.services.products import open_repository

    def action() -> str:
        with open_repository(db) as repository:
            product = repository.get_product(product_id)
        return product_to_json(product) if as_json else product_to_yaml(product)

    text = _run(action)
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")


@product_app.command("list")
def product_list(db: DbOption = None, output: FormatOption = OutputFormat.TEXT) -> None:
    """List stored products."""
    from iotprofile.services.products import open_repository

    def action() -> list[Any]:
        with open_repository(db) as repository:
            return repository.list_products()

    products = _run(action)
    if output is OutputFormat.JSON:
        _print_json(products)
        return
    from iotprofile.cli.render import render_products

    render_products(products)


# ----------------------------------------------------------------------------------------------------- assess


def _load_product(product: str, db: str | None) -> Any:
    """A product from a file path (stateless) or by stored product ID."""
    from iotprofile.product.io import load_product

    path = Path(product)
    if path.suffix.lower() in {".yaml", ".yml", ".json"}:
        return load_product(path)
    from iotprofile.services.products import open_repository

    with open_repository(db) as repository:
        return repository.get_product(product)


@assess_app.command("plan")
def assess_plan(
    product: Annotated[str, typer.Argument(help="A product file or a stored product ID.")],
    profile: ProfileOption = None,
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """The cells to assess, why each applies, and the requirements that inform it.

    Each technical sub-outcome x each component it applies to; each non-technical sub-outcome x the product.
    """
    from iotprofile.services.products import plan_for

    def action() -> Any:
        return plan_for(_workspace(), _load_product(product, db), profile)

    plan = _run(action)
    if output is OutputFormat.JSON:
        _print_json({
            "product": plan.product.id,
            "profile": plan.profile.id,
            "cells": [
                {"cell": cell.key, "element": cell.element.id, "component": cell.component.id if cell.component
                 else None, "applies": cell.applies, "reason": cell.reason, "overridden": cell.overridden,
                 "requirements": [vars(requirement) for requirement in cell.requirements]}
                for cell in plan.cells
            ],
        })  # fmt: skip
        return
    from iotprofile.cli.render import render_plan

    render_plan(plan)


@assess_app.command("set")
def assess_set(
    product: Annotated[str, typer.Argument(help="Stored product ID.")],
    cell: Annotated[str, typer.Argument(help="ELEMENT@COMPONENT, or ELEMENT@product for non-technical ones.")],
    verdict: Annotated[
        str,
        typer.Argument(help="satisfied, partially_satisfied, not_satisfied, not_applicable, not_assessed or error."),
    ],
    justification: Annotated[
        str | None, typer.Option("--justification", "-j", help="Why (needed for not_applicable).")
    ] = None,
    evidence_file: Annotated[
        list[Path] | None, typer.Option("--evidence-file", "-e", help="Stored by SHA-256.")
    ] = None,
    evidence_url: Annotated[list[str] | None, typer.Option("--evidence-url")] = None,
    statement: Annotated[list[str] | None, typer.Option("--statement")] = None,
    assessor: Annotated[str | None, typer.Option("--assessor", help="Who (default: your user name).")] = None,
    profile: ProfileOption = None,
    db: DbOption = None,
) -> None:
    """Record a verdict with evidence for one cell (kept in the append-only history)."""
    from iotprofile.assessment.model import Verdict
    from iotprofile.errors import AssessmentError
    from iotprofile.services.products import open_repository, record_verdict

    def action() -> Any:
        try:
            chosen = Verdict(verdict)
        except ValueError:
            raise AssessmentError(
                f"unknown verdict {verdict!r}", tip=f"one of {', '.join(item.value for item in Verdict)}"
            ) from None
        with open_repository(db) as repository:
            return record_verdict(
                repository,
                _workspace(),
                product,
                cell,
                chosen,
                assessor=_assessor(assessor),
                justification=justification,
                evidence_files=evidence_file or [],
                evidence_urls=evidence_url or [],
                statements=statement or [],
                profile=profile,
            )

    record = _run(action)
    sys.stdout.write(f"recorded {record.cell} {record.verdict.value} ({len(record.evidence)} evidence)\n")


@assess_app.command("import")
def assess_import(
    file: Annotated[Path, typer.Argument(help="Verdicts in YAML or CSV (see README).")],
    product: Annotated[str, typer.Option("--product", help="Stored product ID.")],
    assessor: Annotated[str | None, typer.Option("--assessor", help="For records that name nobody.")] = None,
    profile: ProfileOption = None,
    db: DbOption = None,
) -> None:
    """Import verdicts with evidence from a file: all of them in one transaction, or none."""
    from iotprofile.services.products import import_results, open_repository

    def action() -> int:
        with open_repository(db) as repository:
            return len(import_results(repository, _workspace(), product, file, assessor=_assessor(assessor),
                                      profile=profile))  # fmt: skip

    count = _run(action)
    sys.stdout.write(f"imported {count} records into {product}\n")


@assess_app.command("status")
def assess_status(
    product: Annotated[str, typer.Argument(help="Stored product ID (or a product file, with --results).")],
    results: Annotated[Path | None, typer.Option("--results", help="With a product file: verdicts.")] = None,
    profile: ProfileOption = None,
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Where the assessment stands: the product verdict, counts, and each outcome rolled up over components."""
    from iotprofile.services.products import assess_files, open_repository, stored_result

    def action() -> Any:
        if Path(product).suffix.lower() in {".yaml", ".yml", ".json"}:
            return assess_files(_workspace(), Path(product), profile=profile, results_file=results, report_dir=None,
                                formats=()).result  # fmt: skip
        with open_repository(db) as repository:
            return stored_result(repository, _workspace(), product, profile, requirements=False)

    result = _run(action)
    if output is OutputFormat.JSON:
        _print_json(_status_json(result))
        return
    from iotprofile.cli.render import render_status

    render_status(result)


def _status_json(result: Any) -> dict[str, Any]:
    return {
        "product": result.plan.product.id,
        "profile": result.plan.profile.id,
        "verdict": result.product_verdict().value,
        "counts": {verdict.value: count for verdict, count in sorted(result.counts().items())},
        "elements": {element_id: status.verdict.value for element_id, status in result.elements.items()},
        "cells": {status.cell.key: status.verdict.value for status in result.cells},
    }


@assess_app.command("run")
def assess_run(
    product_file: Annotated[Path, typer.Argument(help="A product file (YAML or JSON).")],
    profile: ProfileOption = None,
    results: Annotated[Path | None, typer.Option("--results", help="Verdicts with evidence (YAML or CSV).")] = None,
    report: Annotated[Path | None, typer.Option("--report", help="Directory to write the reports to.")] = None,
    report_format: Annotated[
        str, typer.Option("--format", "-f", help=f"Comma-separated: {','.join(REPORT_FORMATS)}.")
    ] = "html,md,json",
    documents: Annotated[
        Path | None,
        typer.Option("--documents", help="Output of 'iotprofile documents': show which sub-outcomes lack a document."),
    ] = None,
) -> None:
    """Assess a product file statelessly (no database): plan, apply the results, write reports. For CI."""
    from iotprofile.errors import ReportError
    from iotprofile.services.products import assess_files

    formats = [item.strip() for item in report_format.split(",") if item.strip()]

    def action() -> Any:
        unknown = [item for item in formats if item not in REPORT_FORMATS]
        if unknown:
            raise ReportError(f"unknown report format {unknown[0]!r}", tip=f"choose from {','.join(REPORT_FORMATS)}")
        return assess_files(_workspace(), product_file, profile=profile, results_file=results, report_dir=report,
                            formats=formats, documents_dir=documents)  # fmt: skip

    with _errors():
        outcome = action()
    from iotprofile.cli.render import render_status

    render_status(outcome.result)
    for path in outcome.reports:
        sys.stderr.write(f"wrote {path}\n")
