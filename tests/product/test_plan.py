from __future__ import annotations

import pytest
from tests.factories import router_product

from iotprofile.errors import ProductError
from iotprofile.product.plan import plan
from iotprofile.services import Workspace, show_document


def _plan(workspace: Workspace, **changes: object):  # type: ignore[no-untyped-def]
    product = router_product(**changes)
    return plan(product, show_document(workspace, product.profile_id), workspace.crosswalks)


def test_cells_cover_technical_leaves_per_component_and_non_technical_per_product(workspace: Workspace) -> None:
    result = _plan(workspace)
    keys = {cell.key for cell in result.cells}
    assert {"DP-1@router", "DP-1@app", "DP-1@cloud", "SU-3@router", "CSA-2@cloud"} <= keys
    assert {"IAC-1a@router", "IAC-1b@app"} <= keys
    assert "IAC-1@router" not in keys  # assessed through its items
    assert {"DOC-1c@product", "PEA-1.5@product", "ID-2@product"} <= keys
    assert not any(key.startswith("DOC-1c@") and key != "DOC-1c@product" for key in keys)


def test_stated_rules_decide_applicability(workspace: Workspace) -> None:
    components = [
        {"id": "router", "name": "Router", "kind": "device", "updatable": True, "onboards": True},
        {"id": "voice", "name": "Voice", "kind": "third_party_service", "updatable": False},
    ]
    result = _plan(workspace, components=components, connections=[])
    su_1 = result.cell("SU-1", "voice")
    assert su_1 is not None and not su_1.applies
    assert "software can be updated" in su_1.reason
    iac_2c = result.cell("IAC-2c", "router")
    assert iac_2c is not None and iac_2c.applies
    iac_2a = result.cell("IAC-2a", "router")
    assert iac_2a is not None and not iac_2a.applies  # no connections


def test_overrides_win_and_carry_their_reason(workspace: Workspace) -> None:
    result = _plan(workspace, applicability=[
        {"element": "DP-2", "component": "router", "applies": False, "reason": "Stores no customer data."},
        {"element": "ID-2", "applies": False, "reason": "Handled by the parent company's PSIRT."},
    ])  # fmt: skip
    dp_2 = result.cell("DP-2", "router")
    assert dp_2 is not None and not dp_2.applies and dp_2.overridden and dp_2.reason == "Stores no customer data."
    id_2 = result.cell("ID-2", None)
    assert id_2 is not None and not id_2.applies


def test_override_naming_no_cell_is_refused(workspace: Workspace) -> None:
    with pytest.raises(ProductError, match="names no cell"):
        _plan(workspace, applicability=[{"element": "DOC-1c", "component": "router", "applies": False,
                                         "reason": "wrong scope"}])  # fmt: skip
    with pytest.raises(ProductError, match="XX-1"):
        _plan(workspace, applicability=[{"element": "XX-1", "applies": False, "reason": "no such element"}])


def test_cells_list_the_requirements_for_their_component_kind(workspace: Workspace) -> None:
    result = _plan(workspace)
    router = result.cell("DP-1", "router")
    app = result.cell("DP-1", "app")
    assert router is not None and app is not None
    router_refs = {requirement.ref for requirement in router.requirements}
    app_refs = {requirement.ref for requirement in app.requirements}
    assert {"bbf-tr-124-i8:SEC.FIRMWARE.2", "cablelabs-gds-bcp-1:DRP-001"} <= router_refs  # router standards
    assert "owasp-masvs-2.1:MASVS-STORAGE-1" in app_refs  # MASVS for the mobile app
    assert not any(ref.startswith("owasp-masvs") for ref in router_refs)
    doc_1g = result.cell("DOC-1g", None)
    assert doc_1g is not None
    assert {"iso-iec-29147", "iso-iec-30111"} <= {requirement.ref for requirement in doc_1g.requirements}


def test_plan_without_crosswalks_has_no_requirements(workspace: Workspace) -> None:
    product = router_product()
    result = plan(product, show_document(workspace, product.profile_id), None)
    assert all(cell.requirements == () for cell in result.cells)
