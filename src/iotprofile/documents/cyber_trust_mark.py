"""The US Cyber Trust Mark registry record (CTA-2120, schema v1.0.0) and the QR code for the label.

CTA publishes the registry format as a JSON Schema (``usctm-schema-1-0-0.json``). iotprofile does not ship that
file (its licence is not stated), so the record is modelled here from the published field names, and these
defects of the schema are handled on purpose (README, "Cyber Trust Mark record"):

1. ``version_and_model_numbers`` and ``sbom_hbom_available`` are *required* but never defined. Any value passes
   the schema, so we choose a shape and say so: ``version_and_model_numbers`` is a list of ``{component, model,
   version}`` (the product and each component), ``sbom_hbom_available`` mirrors the defined
   ``sbom_hbom_maintained`` as ``{sbom_available, hbom_available}``. The defined ``product_model`` and
   ``sbom_hbom_maintained`` are written too.
2. ``access_control`` puts ``$if``/``$then`` under ``properties``, so validators read them as property names and
   never apply them: "when the options include a password, say whether it is a factory default or user
   generated; a factory default must say whether the user can change it". :class:`TrustMark` enforces both and
   the record carries ``password_type`` and ``user_changeable`` directly in ``access_control``.
3. Inside that ``$then``, ``"oneOf": ["factory_default", "user_generated"]`` lists strings where schemas belong
   (malformed: a meta-schema check rejects it, and as written nothing is enforced); we enforce the intended
   enumeration (:class:`~iotprofile.documents.support.PasswordType`).
4. Lesser ones: ``password_change`` uses ``object`` as if it were a keyword, so its ``text``/``url`` are not
   checked (we write an https URL); ``saneUrl`` accepts plain ``http`` (we write https only); ``format`` (date,
   date-time, email, uri) is only an annotation in draft 2020-12 (we produce valid values from typed fields).
   The top-level ``if``/``then`` (``security_update_information_other`` when an option is ``Other``) is valid
   and enforced by :class:`TrustMark` as well.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, time
from typing import Any

from iotprofile.documents.inputs import DocumentInputs
from iotprofile.documents.support import UpdateDelivery, UpdatePolicy
from iotprofile.documents.trust_mark_facts import PasswordType, TrustMark
from iotprofile.errors import DocumentError

SCHEMA_VERSION = "1.0.0"
#: The ``required`` list of the published schema, in its order (field names only).
REQUIRED_FIELDS = (
    "schema_version",
    "QR_code_url",
    "sensor_data_collection",
    "product_name",
    "manufacturer_name",
    "authorization_date",
    "authorized_by",
    "tested_by",
    "access_control",
    "securing_this_product",
    "security_update_information",
    "support_date",
    "version_and_model_numbers",
    "delete_data",
    "account_deactivation",
    "encryption_and_key_management",
    "general_user_information",
    "security_contact",
    "created",
    "sbom_hbom_available",
    "modified",
)
#: Required by the schema but never defined in it (defect 1).
UNDEFINED_REQUIRED = ("version_and_model_numbers", "sbom_hbom_available")


def update_default(update: UpdatePolicy) -> str:
    """The CTA-2120 ``update_default`` value of an update policy."""
    match update.delivery:
        case UpdateDelivery.AUTOMATIC:
            return "Automatic - may opt out" if update.opt_out else "Automatic - may not opt out"
        case UpdateDelivery.NOTIFIED:
            return "Consent based"
        case UpdateDelivery.MANUAL:
            return "Manual"


def _security_contact(uris: tuple[str, ...]) -> str:
    """An https URL or an e-mail address (the schema's two choices); ``tel:`` has no place there."""
    for uri in uris:
        if uri.startswith("https://"):
            return uri
        if uri.startswith("mailto:"):
            return uri.removeprefix("mailto:").split("?", 1)[0]
    raise DocumentError("contacts.vulnerability_reports: the Cyber Trust Mark record needs an https or mailto contact")


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_record(inputs: DocumentInputs) -> dict[str, Any]:
    """The registry record, keys in the schema's ``required`` order, then the defined optional ones."""
    product, record, support = inputs.product, inputs.record, inputs.support
    mark = record.cyber_trust_mark
    if mark is None:
        raise support.error(
            (), "cyber_trust_mark: missing: the Cyber Trust Mark record needs a 'cyber_trust_mark' section"
        )
    end = support.end_date("the Cyber Trust Mark record (support_date)")
    if record.guide.url is None:
        raise support.error(
            ("guide", "url"),
            "missing: the Cyber Trust Mark record links the customer security guide as 'securing_this_product'",
        )
    if record.disposal.data_deletion_url is None:
        raise support.error(
            ("disposal", "data_deletion_url"), "missing: the Cyber Trust Mark record links it as 'delete_data'"
        )
    modified = datetime.combine(inputs.as_of, time(0, 0), tzinfo=UTC)
    if mark.created > modified:
        raise support.error(
            ("cyber_trust_mark", "created"), f"created {_stamp(mark.created)} is after the as-of date {inputs.as_of}"
        )
    updates: dict[str, Any] = {"update_default": update_default(record.update_policy)}
    if mark.update_options:
        updates["update_options"] = list(mark.update_options)
    data: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "QR_code_url": mark.qr_code_url,
        "sensor_data_collection": [
            {"sensing": sensor.sensing.value, "has": sensor.has, "description": sensor.description}
            for sensor in mark.sensors
        ],
        "product_name": product.name,
        "manufacturer_name": product.manufacturer,
        "authorization_date": mark.authorization_date.isoformat(),
        "authorized_by": {"name": mark.authorized_by.name, "contact": mark.authorized_by.contact},
        "tested_by": {"name": mark.tested_by.name, "contact": mark.tested_by.contact},
        "access_control": _access_control(mark),
        "securing_this_product": {"text": f"Security guide for {product.name}", "url": record.guide.url},
        "security_update_information": updates,
        "support_date": end.isoformat(),
        "version_and_model_numbers": [
            {"component": product.name, "model": product.model, "version": product.version or ""},
            *(
                {"component": component.name, "model": component.id, "version": component.version or ""}
                for component in product.components
            ),
        ],
        "delete_data": {"text": "How to delete your data", "url": record.disposal.data_deletion_url},
        "account_deactivation": {"text": "How to close your account", "url": mark.account_deactivation_url},
        "encryption_and_key_management": {
            "text": "Encryption and key management",
            "url": mark.encryption_and_key_management_url,
        },
        "general_user_information": {"text": "Product information", "url": mark.general_user_information_url},
        "security_contact": _security_contact(record.contacts.vulnerability_reports),
        "created": _stamp(mark.created),
        "sbom_hbom_available": {"sbom_available": mark.sbom_available, "hbom_available": mark.hbom_available},
        "modified": _stamp(modified),
        "product_manufacturer": product.manufacturer,
        "product_model": product.model,
        "sbom_hbom_maintained": {"sbom_maintained": mark.sbom_maintained, "hbom_maintained": mark.hbom_maintained},
    }
    if update_default(record.update_policy) == "Other" or "Other" in mark.update_options:
        data["security_update_information_other"] = mark.update_other
    return data


def _access_control(mark: TrustMark) -> dict[str, Any]:
    access: dict[str, Any] = {
        "password_factory_default": mark.access_default.value,
        "password_options": [item.value for item in mark.access_options],
    }
    if mark.password_type is not None:
        access["password_type"] = mark.password_type.value
    if mark.password_type is PasswordType.FACTORY_DEFAULT:
        access["user_changeable"] = mark.user_changeable
    if mark.password_change_url:
        access["password_change"] = {"text": "How to change the password", "url": mark.password_change_url}
    return access


def render_trust_mark(inputs: DocumentInputs) -> dict[str, bytes]:
    """``cyber-trust-mark.json`` and the label's QR code (``cyber-trust-mark-qr.svg``, ``.png``)."""
    import segno

    data = build_record(inputs)
    qr = segno.make(data["QR_code_url"], error="m", micro=False)
    svg, png = io.BytesIO(), io.BytesIO()
    qr.save(svg, kind="svg", scale=4, border=4, xmldecl=False)
    qr.save(png, kind="png", scale=8, border=4)
    return {
        "cyber-trust-mark.json": (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode(),
        "cyber-trust-mark-qr.svg": svg.getvalue(),
        "cyber-trust-mark-qr.png": png.getvalue(),
    }
