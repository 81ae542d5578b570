from __future__ import annotations

import pytest
from pydantic import ValidationError
from tests.factories import record, router_product

from iotprofile.assessment.model import AssessmentLog, Verdict
from iotprofile.assessment.rollup import combine, evaluate
from iotprofile.errors import AssessmentError
from iotprofile.product.plan import AssessmentPlan, plan
from iotprofile.services import Workspace, show_document


@pytest.fixture(scope="module")
def router_plan(workspace: Workspace) -> AssessmentPlan:
    product = router_product()
    return plan(product, show_document(workspace, product.profile_id), None)


def _log(*records: object) -> AssessmentLog:
    return AssessmentLog(product="acme-router", profile="nist-ir-8425a", records=records)


@pytest.mark.parametrize(
    ("verdicts", "expected"),
    [
        ([], Verdict.NOT_APPLICABLE),
        ([Verdict.NOT_APPLICABLE], Verdict.NOT_APPLICABLE),
        ([Verdict.SATISFIED, Verdict.SATISFIED], Verdict.SATISFIED),
        ([Verdict.SATISFIED, Verdict.NOT_APPLICABLE], Verdict.SATISFIED),
        ([Verdict.SATISFIED, Verdict.PARTIALLY_SATISFIED], Verdict.PARTIALLY_SATISFIED),
        ([Verdict.SATISFIED, Verdict.NOT_ASSESSED], Verdict.NOT_ASSESSED),
        ([Verdict.NOT_ASSESSED, Verdict.NOT_SATISFIED], Verdict.NOT_SATISFIED),
        ([Verdict.NOT_SATISFIED, Verdict.ERROR], Verdict.ERROR),
    ],
)
def test_combine(verdicts: list[Verdict], expected: Verdict) -> None:
    assert combine(verdicts) is expected


def test_product_outcome_is_satisfied_only_when_every_component_is(router_plan: AssessmentPlan) -> None:
    two = evaluate(router_plan, _log(record("DP-1@router", "satisfied"), record("DP-1@app", "satisfied")))
    assert two.elements["DP-1"].verdict is Verdict.NOT_ASSESSED  # the cloud has no evidence yet: not a failure
    three = evaluate(router_plan, _log(record("DP-1@router", "satisfied"), record("DP-1@app", "satisfied"),
                                       record("DP-1@cloud", "satisfied")))  # fmt: skip
    assert three.elements["DP-1"].verdict is Verdict.SATISFIED
    assert three.elements["DP"].verdict is Verdict.NOT_ASSESSED  # DP-2 and DP-3 still open
    failed = evaluate(router_plan, _log(record("DP-1@router", "not_satisfied", justification="plain text keys")))
    assert failed.elements["DP-1"].verdict is Verdict.NOT_SATISFIED
    assert failed.product_verdict() is Verdict.NOT_SATISFIED


def test_missing_evidence_is_not_assessed(router_plan: AssessmentPlan) -> None:
    result = evaluate(router_plan, _log())
    assert result.product_verdict() is Verdict.NOT_ASSESSED
    assert set(result.counts()) == {Verdict.NOT_ASSESSED}


def test_latest_record_wins_and_history_is_kept(router_plan: AssessmentPlan) -> None:
    result = evaluate(router_plan, _log(record("SU-1@router", "satisfied", minute=5),
                                        record("SU-1@router", "partially_satisfied", minute=1)))  # fmt: skip
    (status,) = [item for item in result.cells if item.cell.key == "SU-1@router"]
    assert status.verdict is Verdict.SATISFIED
    assert [item.verdict for item in status.history] == [Verdict.PARTIALLY_SATISFIED, Verdict.SATISFIED]


def test_not_applicable_needs_a_justification() -> None:
    with pytest.raises(ValidationError, match="justification"):
        record("DP-2@app", "not_applicable")
    assert record("DP-2@app", "not_applicable", justification="The app stores nothing.").justification


def test_records_for_unknown_cells_are_refused(router_plan: AssessmentPlan) -> None:
    with pytest.raises(AssessmentError, match="no such component"):
        evaluate(router_plan, _log(record("DP-1@toaster", "satisfied")))
    with pytest.raises(AssessmentError, match="no such cell"):
        evaluate(router_plan, _log(record("DOC-1c@router", "satisfied")))
