"""The CTA-2120 registry record: every field the published schema requires, and its defects handled as documented."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError
from tests.documents.conftest import EditSupport
from tests.documents.examples import AS_OF

from iotprofile.documents.cyber_trust_mark import REQUIRED_FIELDS, UNDEFINED_REQUIRED
from iotprofile.documents.generate import Documents
from iotprofile.documents.support import load_support
from iotprofile.documents.trust_mark_facts import TrustMark
from iotprofile.errors import DocumentError


def _record(documents: Documents) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(documents.files()["cyber-trust-mark.json"])
    return data


def test_record_has_every_required_field_in_order(plug_documents: Documents) -> None:
    record = _record(plug_documents)
    assert list(record)[: len(REQUIRED_FIELDS)] == list(REQUIRED_FIELDS)
    assert record["schema_version"] == "1.0.0"
    assert record["support_date"] == "2030-12-31"  # the support record's end date: held once
    assert record["security_contact"] == "https://example.com/home/security/report"
    assert record["modified"] == f"{AS_OF.isoformat()}T00:00:00Z"
    assert record["security_update_information"]["update_default"] == "Automatic - may not opt out"


def test_undefined_required_fields_get_the_documented_shapes(plug_documents: Documents) -> None:
    record = _record(plug_documents)
    assert set(UNDEFINED_REQUIRED) == {"version_and_model_numbers", "sbom_hbom_available"}
    assert record["version_and_model_numbers"][0] == {"component": "Acme SP10 Smart Plug Mini", "model": "SP10-US",
                                                      "version": "2.3.1"}  # fmt: skip
    assert record["sbom_hbom_available"] == {"sbom_available": True, "hbom_available": False}
    assert record["sbom_hbom_maintained"] == {"sbom_maintained": True, "hbom_maintained": False}


def test_qr_code_encodes_the_registry_url(plug_documents: Documents) -> None:
    import io

    import segno

    files = plug_documents.files()
    url = _record(plug_documents)["QR_code_url"]
    assert url == "https://registry.example.com/product/acme-sp10"
    expected, other = io.BytesIO(), io.BytesIO()
    segno.make(url, error="m", micro=False).save(expected, kind="svg", scale=4, border=4, xmldecl=False)
    segno.make(url + "x", error="m", micro=False).save(other, kind="svg", scale=4, border=4, xmldecl=False)
    assert files["cyber-trust-mark-qr.svg"] == expected.getvalue() != other.getvalue()
    assert files["cyber-trust-mark-qr.png"].startswith(b"\x89PNG\r\n\x1a\n")


_MARK = {
    "qr_code_url": "https://registry.example.com/p/1",
    "authorization_date": "2026-01-01",
    "authorized_by": {"name": "CLA", "contact": "https://cla.example.com"},
    "tested_by": {"name": "Lab", "contact": "lab@example.com"},
    "created": "2026-01-01T00:00:00Z",
    "access_default": "password",
    "access_options": ["password"],
    "general_user_information_url": "https://example.com/a",
    "encryption_and_key_management_url": "https://example.com/b",
    "account_deactivation_url": "https://example.com/c",
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({}, "password_type: required when access_options include 'password'"),
        ({"password_type": "factory_default"}, "user_changeable: required for a factory_default password"),
        ({"password_type": "other"}, "Input should be 'factory_default' or 'user_generated'"),
        ({"password_type": "user_generated", "update_options": ["Other"]}, "update_other: required"),
    ],
)
def test_rules_the_schema_states_but_validators_ignore_are_enforced(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        TrustMark.model_validate({**_MARK, **change})
    TrustMark.model_validate({**_MARK, "password_type": "factory_default", "user_changeable": True})


def test_record_needs_the_guide_url(edit_support: EditSupport) -> None:
    from tests.documents.examples import EXAMPLES

    plug = load_support(EXAMPLES / "smart-plug" / "support.yaml").record
    assert plug.cyber_trust_mark is not None

    def change(data: dict[str, Any]) -> None:
        data["cyber_trust_mark"] = json.loads(plug.cyber_trust_mark.model_dump_json()) if plug.cyber_trust_mark else {}
        del data["guide"]["url"]

    path = edit_support(change)
    from iotprofile.documents.cyber_trust_mark import build_record
    from iotprofile.documents.inputs import DocumentInputs
    from iotprofile.documents.sbom import Sbom
    from iotprofile.product.io import load_product

    inputs = DocumentInputs(load_product(path.parent / "product.yaml"), load_support(path), Sbom((), ()), (), AS_OF)
    with pytest.raises(DocumentError) as caught:
        build_record(inputs)
    assert caught.value.message == ("guide.url: missing: the Cyber Trust Mark record links the customer security "
                                    "guide as 'securing_this_product'")  # fmt: skip
