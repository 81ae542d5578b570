"""The support record: the bundled ones load; bad ones are refused naming the file, the line and the field."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from tests.documents.conftest import EditSupport
from tests.documents.examples import AS_OF, EXAMPLES

from iotprofile.documents.support import LoadedSupport, SupportRecord, check_current, load_support
from iotprofile.errors import DocumentError, ExitCode


@pytest.mark.parametrize("example", ["router", "smart-plug"])
def test_bundled_records_load(example: str) -> None:
    loaded = load_support(EXAMPLES / example / "support.yaml")
    assert isinstance(loaded.record, SupportRecord)
    assert loaded.record.contacts.vulnerability_reports


def _line_of(path: Path, text: str) -> int:
    return next(number for number, line in enumerate(path.read_text().splitlines(), start=1) if text in line)


def test_contact_that_is_not_a_uri(edit_support: EditSupport) -> None:
    def change(data: dict[str, Any]) -> None:
        data["contacts"]["vulnerability_reports"][1] = "psirt at example dot com"

    path = edit_support(change)
    with pytest.raises(DocumentError) as caught:
        load_support(path)
    assert caught.value.where == f"{path}:{_line_of(path, 'psirt at example dot com')}"
    assert caught.value.message.startswith("contacts.vulnerability_reports[1]: 'psirt at example dot com' is not a "
                                           "contact URI")  # fmt: skip
    assert caught.value.exit_code is ExitCode.INVALID_INPUT


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (("disclosure", "policy_url"), "http://example.com/vdp", "disclosure.policy_url: 'http://example.com/vdp' "
                                                                 "is not an https URL"),
        (("update_policy", "delivery"), "sometimes", "update_policy.delivery: 'sometimes' is not one of"),
        (("disclosure", "acknowledge_days"), 0, "disclosure.acknowledge_days: Input should be greater than or equal"),
    ],
)  # fmt: skip
def test_other_bad_fields(edit_support: EditSupport, field: tuple[str, str], value: object, message: str) -> None:
    def change(data: dict[str, Any]) -> None:
        data[field[0]][field[1]] = value

    path = edit_support(change)
    with pytest.raises(DocumentError) as caught:
        load_support(path)
    assert caught.value.message.startswith(message)
    assert caught.value.where is not None and caught.value.where.startswith(f"{path}:")


def test_expired_support_end_date_names_the_field(edit_support: EditSupport) -> None:
    def change(data: dict[str, Any]) -> None:
        data["support_period"]["end"] = "2026-06-30"

    path = edit_support(change)
    loaded = load_support(path)
    with pytest.raises(DocumentError) as caught:
        check_current(loaded, product_id="acme-router-ax3000", as_of=AS_OF)
    assert caught.value.where == f"{path}:{_line_of(path, '2026-06-30')}"
    assert caught.value.message.startswith("support_period.end: support ended on 2026-06-30, before 2026-11-22")
    check_current(loaded, product_id="acme-router-ax3000", as_of=date(2026, 6, 30))  # the last day still counts


def test_a_support_period_needs_an_end_or_a_minimum(edit_support: EditSupport) -> None:
    def change(data: dict[str, Any]) -> None:
        del data["support_period"]["end"]
        del data["support_period"]["minimum"]

    path = edit_support(change)
    with pytest.raises(DocumentError, match="support_period: give an end date"):
        load_support(path)


def test_missing_end_date_is_refused_by_the_documents_that_need_one(edit_support: EditSupport) -> None:
    def change(data: dict[str, Any]) -> None:
        del data["support_period"]["end"]

    loaded = load_support(edit_support(change))
    with pytest.raises(DocumentError) as caught:
        loaded.end_date("the end-of-support notice")
    assert caught.value.message.startswith("support_period.end: missing: the end-of-support notice needs an end date")


def test_record_for_another_product(edit_support: EditSupport) -> None:
    def change(data: dict[str, Any]) -> None:
        data["product"] = "acme-other"

    loaded: LoadedSupport = load_support(edit_support(change))
    with pytest.raises(DocumentError, match="the record is for product 'acme-other', not 'acme-router-ax3000'"):
        check_current(loaded, product_id="acme-router-ax3000", as_of=AS_OF)
