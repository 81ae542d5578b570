"""Fixtures of the report tests: the router assessment of :mod:`tests.reports.router_assessment`."""

from __future__ import annotations

import pytest
from tests.reports.router_assessment import router_product, router_records, with_requirements

from iotprofile.assessment.model import AssessmentLog
from iotprofile.assessment.rollup import AssessmentResult, evaluate
from iotprofile.product.plan import plan
from iotprofile.services import Workspace, show_document


@pytest.fixture(scope="session")
def router_result(workspace: Workspace) -> AssessmentResult:
    product = router_product()
    profile = show_document(workspace, product.profile_id)
    assessment_plan = with_requirements(plan(product, profile, None))
    log = AssessmentLog(product=product.id, profile=profile.id, records=tuple(router_records()))
    return evaluate(assessment_plan, log)
