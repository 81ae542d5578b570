"""The Cyber Trust Mark facts of a support record (its ``cyber_trust_mark`` section, CTA-2120 v1.0.0 values).

The rules CTA-2120's schema states but validators ignore (``$if``/``$then``, a malformed ``oneOf``) are enforced
here; :mod:`iotprofile.documents.cyber_trust_mark` lists each defect of the schema and how it is handled.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import AwareDatetime, Field, model_validator

from iotprofile.catalog.model import Frozen
from iotprofile.documents.fields import WebUrl


class Sensing(StrEnum):
    """Sensors the Cyber Trust Mark label shows (CTA-2120 ``sensor_data_collection.sensing``)."""

    AUDIO = "audio"
    IMAGES = "images"
    POSITION = "position"


class Sensor(Frozen):
    """Whether the product has one kind of sensor, and what it collects."""

    sensing: Sensing
    has: bool
    description: str = Field(min_length=1, max_length=2048)


class AccessMethod(StrEnum):
    """CTA-2120 access-control values (``password_factory_default`` and ``password_options``)."""

    PASSWORD = "password"  # noqa: S105 - a CTA-2120 access-control value, not a secret
    BIOMETRIC = "biometric"
    PASSKEY = "passkey"
    MFA = "MFA"
    NO_CONTROL = "no_control"
    MULTI_ACCOUNT = "multi_account"
    SINGLE_ACCOUNT = "single_account"
    OPTIONAL_ACCOUNT = "optional_account"
    NO_ACCOUNT = "no_account"
    NOT_DISCLOSED = "not_disclosed"


class PasswordType(StrEnum):
    """Where the password comes from (CTA-2120's intended ``password_type``, see cyber_trust_mark.py)."""

    FACTORY_DEFAULT = "factory_default"
    USER_GENERATED = "user_generated"


class Party(Frozen):
    """An organisation with a contact (the lab that tested, the administrator that authorised)."""

    name: str = Field(min_length=1, max_length=2048)
    contact: str = Field(min_length=1, max_length=2048)


#: CTA-2120's update values (``security_update_information``).
UpdateOption = Literal[
    "Automatic - may opt out",
    "Automatic - may not opt out",
    "Manual",
    "Consent based",
    "No updates",
    "Not disclosed",
    "Other",
]


class TrustMark(Frozen):
    """Facts only the Cyber Trust Mark registry record needs (CTA-2120 v1.0.0)."""

    qr_code_url: WebUrl = Field(
        min_length=15, max_length=2048, description="The registry URL the label's QR code encodes (CTA-2120 saneUrl)."
    )
    authorization_date: date
    authorized_by: Party = Field(description="The Cybersecurity Label Administrator.")
    tested_by: Party = Field(description="The CyberLAB that tested the product.")
    created: AwareDatetime = Field(description="When the registry entry was first created.")
    sensors: tuple[Sensor, ...] = ()
    access_default: AccessMethod = Field(description="Access control as shipped.")
    access_options: tuple[AccessMethod, ...] = Field(min_length=1, description="Access controls offered.")
    password_type: PasswordType | None = Field(default=None, description="Required when the options offer passwords.")
    user_changeable: bool | None = Field(default=None, description="For a factory-default password.")
    password_change_url: WebUrl | None = None
    update_options: tuple[UpdateOption, ...] = Field(default=(), description="Further update options, e.g. 'Manual'.")
    update_other: str | None = Field(default=None, description="Required when an update option is 'Other'.")
    general_user_information_url: WebUrl
    encryption_and_key_management_url: WebUrl
    account_deactivation_url: WebUrl
    sbom_available: bool = False
    hbom_available: bool = False
    sbom_maintained: bool = False
    hbom_maintained: bool = False

    @model_validator(mode="after")
    def _intended_rules(self) -> TrustMark:
        # The schema's own conditionals for these are ignored by validators ($if/$then, a malformed oneOf):
        # enforced here instead (see cyber_trust_mark.py).
        if AccessMethod.PASSWORD in self.access_options and self.password_type is None:
            msg = "password_type: required when access_options include 'password' (factory_default or user_generated)"
            raise ValueError(msg)
        if self.password_type is PasswordType.FACTORY_DEFAULT and self.user_changeable is None:
            msg = "user_changeable: required for a factory_default password"
            raise ValueError(msg)
        if "Other" in self.update_options and not self.update_other:
            msg = "update_other: required when update_options include 'Other'"
            raise ValueError(msg)
        return self
