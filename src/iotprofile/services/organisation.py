"""Use cases of a team in the web app: an organisation's products, checked against who is asking, and audited.

Every function takes the :class:`~iotprofile.services.accounts.Principal`, checks its permission, and refuses
objects of other organisations as if they did not exist (:class:`UnknownProductError`, answered 404).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from iotprofile.assessment.model import Verdict, VerdictRecord
from iotprofile.errors import AssessmentError, ExitCode, IotprofileError, PermissionDeniedError
from iotprofile.services.accounts import Permission, Principal, audit, require
from iotprofile.storage.interface import ProductSummary, UnknownProductError

if TYPE_CHECKING:
    from iotprofile.product.model import Product
    from iotprofile.product.plan import AssessmentPlan
    from iotprofile.reports.assessment.view import CellView, ReportView
    from iotprofile.services import Workspace
    from iotprofile.storage.repository import SqlRepository


class UnknownCellError(AssessmentError):
    """The product's plan has no such cell."""

    exit_code = ExitCode.NOT_FOUND


#: Products per page of the product list.
PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class ProductPage:
    """One page of an organisation's product list."""

    total: int
    offset: int
    limit: int
    items: list[ProductSummary]


def product_page(repository: SqlRepository, principal: Principal, *, search: str | None = None, offset: int = 0,
                 limit: int = PAGE_SIZE) -> ProductPage:  # fmt: skip
    """A page of the organisation's products, by ID, optionally only those matching ``search``."""
    require(principal, Permission.READ)
    search = (search or "").strip() or None
    total, items = repository.product_page(principal.organisation, search=search, limit=limit, offset=offset)
    return ProductPage(total, offset, limit, items)


def check_owned(repository: SqlRepository, principal: Principal, product_id: str) -> None:
    """Refuse (as unknown) a product that is not the principal's organisation's."""
    require(principal, Permission.READ)
    if repository.product_organisation(product_id) != principal.organisation:
        raise UnknownProductError(f"no product {product_id!r} is stored")


def get_product(repository: SqlRepository, principal: Principal, product_id: str) -> Product:
    """The organisation's product."""
    check_owned(repository, principal, product_id)
    return repository.get_product(product_id)


def save_product(repository: SqlRepository, workspace: Workspace, principal: Principal, product: Product, *,
                 ip: str | None = None, creating: bool = False) -> Product:  # fmt: skip
    """Store a new or changed product of the organisation (its plan is checked first), audited.

    ``creating`` refuses an ID that is stored already (in this organisation or another: answered 409).
    """
    from iotprofile.services.products import plan_for
    from iotprofile.storage.interface import ProductTakenError

    require(principal, Permission.EDIT_PRODUCTS)
    owner = repository.product_organisation(product.id)
    if creating and owner is not None:
        raise ProductTakenError(f"product ID {product.id!r} is already taken", tip="choose another product ID")
    if not creating and owner != principal.organisation:
        raise UnknownProductError(f"no product {product.id!r} is stored")
    plan_for(workspace, product)  # an override naming a non-existent cell is refused before anything is stored
    repository.import_product(product, organisation=principal.organisation)
    audit(repository, principal, "product.create" if creating else "product.update", object_type="product",
          object_id=product.id, ip=ip)  # fmt: skip
    return product


# ------------------------------------------------------------------------------------------------ assessments

#: A cache the caller owns: ``memo(key, compute)`` returns ``compute()``, computed once per key. Keys carry the
#: versions of what they derive from, so a stale entry is never returned.
Memo = Callable[[Hashable, Callable[[], Any]], Any]


def _no_memo(_key: Hashable, compute: Callable[[], Any]) -> Any:
    return compute()


@dataclass(frozen=True, slots=True)
class AssessmentKey:
    """What an organisation's view of one product's assessment depends on."""

    organisation: str
    product: str
    profile: str
    #: When the product definition was last stored.
    defined_at: str
    #: The newest verdict record's ID (0: none).
    newest_record: int


def assessment_key(repository: SqlRepository, principal: Principal, product_id: str) -> AssessmentKey:
    """The product's assessment version (one query after the ownership check); unknown products raise."""
    require(principal, Permission.READ)
    version = repository.assessment_version(product_id)
    if version is None or version[0] != principal.organisation:
        raise UnknownProductError(f"no product {product_id!r} is stored")
    return AssessmentKey(principal.organisation, product_id, version[1], version[2], version[3])


def assessment_view(repository: SqlRepository, workspace: Workspace, key: AssessmentKey, *,
                    memo: Memo = _no_memo) -> ReportView:  # fmt: skip
    """The product's assessment as the reports see it: every cell with its requirements, verdict and history.

    The plan (with crosswalk requirements: the costly part) is memoised per product definition, the view per
    assessment version.
    """
    from iotprofile.assessment.rollup import evaluate
    from iotprofile.reports.assessment.view import build_view
    from iotprofile.services.products import plan_for

    def plan() -> AssessmentPlan:
        return plan_for(workspace, repository.get_product(key.product), key.profile)

    def view() -> ReportView:
        assessment_plan = memo(("plan", key.product, key.profile, key.defined_at), plan)
        return build_view(evaluate(assessment_plan, repository.log(key.product, key.profile)))

    result: ReportView = memo(("view", key), view)
    return result


def find_cell(view: ReportView, cell: str) -> CellView:
    """The cell ``DP-1@router`` (or ``DOC-1a@product``) of the view; unknown cells raise (answered 404)."""
    from iotprofile.assessment.model import CellRef

    ref = CellRef.parse(cell)
    for candidate in view.cells:
        status = candidate.status.cell
        if status.element.id == ref.element and (status.component.id if status.component else None) == ref.component:
            return candidate
    raise UnknownCellError(
        f"{view.product.id} has no cell {cell!r} in {view.profile.id}",
        tip="cells are ELEMENT@COMPONENT, or ELEMENT@product for the product as a whole",
    )


def record_cell_verdict(repository: SqlRepository, workspace: Workspace, principal: Principal, product_id: str, *,
                        cell: str, verdict: Verdict | None, justification: str | None = None,
                        statements: Sequence[str] = (), urls: Sequence[str] = (),
                        files: Sequence[tuple[str, bytes]] = (), ip: str | None = None,
                        current: Verdict | None = None) -> VerdictRecord:  # fmt: skip
    """Record a verdict (assessors and admins) or add evidence to an undecided cell (editors too), audited.

    ``verdict`` None adds evidence only: allowed while the cell is undecided (``current`` not_assessed or None),
    recorded as ``not_assessed`` with the evidence, as ``scan --product`` does; a decided cell's verdict is the
    assessor's to change.
    """
    from iotprofile.services.products import evidence_upload, record_cell

    if verdict is None:
        require(principal, Permission.ADD_EVIDENCE)
        if current not in {None, Verdict.NOT_ASSESSED}:
            raise PermissionDeniedError(
                f"cell {cell} is decided ({current.value if current else ''}); only an assessor can add a record",
                tip="ask an assessor, who records a verdict with the evidence",
            )
        if not (statements or urls or files):
            raise AssessmentError("give evidence (a file, a URL or a statement) or a verdict", where=f"cell {cell}")
    else:
        require(principal, Permission.RECORD_VERDICTS)
    check_owned(repository, principal, product_id)
    for url in urls:
        if not url.lower().startswith(("https://", "http://")):
            raise AssessmentError(f"evidence URL {url!r} is not an http(s) URL", where=f"cell {cell}")
    uploads = [evidence_upload(name, content) for name, content in files]
    record = record_cell(
        repository,
        workspace,
        product_id,
        cell,
        verdict or Verdict.NOT_ASSESSED,
        assessor=principal.actor,
        source="iotprofile web" if principal.token_id is None else "iotprofile API",
        justification=justification or None,
        files=uploads,
        evidence_urls=urls,
        statements=statements,
    )
    audit(repository, principal, "verdict.record" if verdict else "evidence.add", object_type="cell",
          object_id=f"{product_id}/{cell}", ip=ip,
          detail={"verdict": record.verdict.value, "evidence": len(record.evidence)})  # fmt: skip
    return record


def import_results_file(repository: SqlRepository, workspace: Workspace, principal: Principal, product_id: str,
                        content: bytes, *, filename: str, ip: str | None = None) -> list[VerdictRecord]:  # fmt: skip
    """Import a results file (as ``iotprofile assess import``) uploaded by CI: all records or none, audited."""
    import tempfile
    from pathlib import Path

    from iotprofile.services.products import import_results

    require(principal, Permission.RECORD_VERDICTS)
    check_owned(repository, principal, product_id)
    suffix = Path(filename).suffix.lower() if Path(filename).suffix.lower() in {".yaml", ".yml", ".json"} else ".yaml"
    with tempfile.TemporaryDirectory(prefix="iotprofile-results-") as directory:
        path = Path(directory) / f"results{suffix}"
        path.write_bytes(content)
        try:
            records = import_results(repository, workspace, product_id, path, assessor=principal.actor)
        except AssessmentError as exc:
            # Name the uploaded file, not the temporary copy.
            raise AssessmentError(exc.message, where=(exc.where or "").replace(str(path), filename) or filename,
                                  tip=exc.tip) from None  # fmt: skip
        except IotprofileError as exc:
            raise type(exc)(exc.message, where=(exc.where or "").replace(str(path), filename) or filename,
                            tip=exc.tip) from None  # fmt: skip
    audit(repository, principal, "results.import", object_type="product", object_id=product_id, ip=ip,
          detail={"records": len(records), "file": filename})  # fmt: skip
    return records
