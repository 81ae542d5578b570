"""The product-support record: every fact the non-technical documents need, held once.

A support record (``support.yaml``, format ``iotprofile/support/v1``) sits beside the product file. It holds what
the product model does not: the support period, the update policy, contact points, disclosure timelines, where
advisories are published, what happens at the end of support, how to reprovision and dispose of the product and
delete its data. Every generated document reads these facts from here, so the security.txt, the disclosure
policy, the support statement, the PSTI statement and the Cyber Trust Mark record cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path

from pydantic import Field, ValidationError, model_validator

from iotprofile.catalog.model import Frozen
from iotprofile.catalog.source import Loc, Located, first_error, read_located
from iotprofile.documents.fields import ContactUri, Lines, WebUrl
from iotprofile.documents.trust_mark_facts import TrustMark
from iotprofile.errors import DocumentError

#: Version of the support record format; bumped when a field's meaning changes.
SUPPORT_FORMAT = "iotprofile/support/v1"
#: The file looked for beside the product file when none is named.
SUPPORT_FILE_NAME = "support.yaml"


class UpdateDelivery(StrEnum):
    """How security updates reach the product by default (NIST IR 8425 ID-1a: "mechanism(s) of application")."""

    #: Installed without the customer's action (the customer may be able to opt out: ``opt_out``).
    AUTOMATIC = "automatic"
    #: The customer is notified and installs the update.
    NOTIFIED = "notified"
    #: The customer has to look for updates and install them.
    MANUAL = "manual"


class DefaultPasswords(StrEnum):
    """How the product avoids universal default passwords (UK PSTI Regulations 2023, Schedule 1 paragraph 1)."""

    #: Each unit has its own password (e.g. on its label), not derivable from public information.
    UNIQUE_PER_DEVICE = "unique_per_device"
    #: The customer sets the password before the product can be used.
    USER_DEFINED = "user_defined"
    #: The product uses no passwords (e.g. paired keys or an account with its own authentication).
    NO_PASSWORDS = "no_passwords"


class SupportPeriod(Frozen):
    """How long security updates are provided (ETSI EN 303 645 provision 5.3-13; UK PSTI; EU CRA Art. 13(8))."""

    start: date = Field(description="First day of security support (usually the product's launch).")
    end: date | None = Field(default=None, description="Last day of security support, if a date is published.")
    minimum: str | None = Field(
        default=None, min_length=3, description="A minimum stated as a rule, e.g. 'at least 2 years after last sale'."
    )
    notice_months: int = Field(
        default=12, ge=0, description="How many months before the end the end of support is announced."
    )

    @model_validator(mode="after")
    def _bounded(self) -> SupportPeriod:
        if self.end is None and self.minimum is None:
            msg = "give an end date ('end') or a minimum ('minimum'): a support period must be stated"
            raise ValueError(msg)
        if self.end is not None and self.end < self.start:
            msg = f"end {self.end} is before start {self.start}"
            raise ValueError(msg)
        return self


class UpdatePolicy(Frozen):
    """How and how often updates are made and applied (NIST IR 8425 ID-1a, PEA-1.2)."""

    delivery: UpdateDelivery
    opt_out: bool = Field(default=False, description="For automatic updates: whether the customer may turn them off.")
    frequency: str = Field(min_length=3, description="How often updates are released, e.g. 'about every 3 months'.")
    mechanism: str = Field(min_length=3, description="How updates are delivered and applied, in the customer's words.")
    security_fix_days: int | None = Field(
        default=None, ge=1, description="Days from confirming a critical or high vulnerability to its fix."
    )
    notification: str | None = Field(default=None, description="How customers learn that an update is available.")
    release_notes: WebUrl | None = None


class Contacts(Frozen):
    """Points of contact (NIST IR 8425 IQR-1a, IQR-1b; UK PSTI Schedule 1 paragraph 2; RFC 9116 Contact)."""

    vulnerability_reports: tuple[ContactUri, ...] = Field(min_length=1, description="Where to report a vulnerability.")
    customer_queries: tuple[ContactUri, ...] = Field(
        min_length=1, description="Where customers ask security questions."
    )
    encryption: WebUrl | None = Field(
        default=None, description="The key to encrypt reports with (RFC 9116 Encryption)."
    )
    preferred_languages: tuple[str, ...] = Field(default=("en",), min_length=1, description="BCP 47 language tags.")


class Disclosure(Frozen):
    """The vulnerability disclosure policy's facts and timelines (ISO/IEC 29147, ISO/IEC 30111)."""

    policy_url: WebUrl = Field(description="Where the disclosure policy is published (RFC 9116 Policy).")
    scope: Lines = Field(min_length=1, description="What the policy covers.")
    out_of_scope: Lines = ()
    acknowledge_days: int = Field(ge=1, description="Business days to acknowledge a report.")
    triage_days: int = Field(ge=1, description="Business days to a first assessment.")
    status_update_days: int = Field(ge=1, description="Days between status updates to the reporter.")
    remediation_days: int = Field(ge=1, description="Days from confirmation to a fix for critical and high issues.")
    disclosure_days: int = Field(ge=1, description="Days after which a report is disclosed in coordination.")
    safe_harbour: bool = Field(description="Whether good-faith research under the policy is not pursued legally.")
    credit: bool = Field(default=True, description="Whether reporters are credited if they wish.")
    bug_bounty: WebUrl | None = None
    cve: str | None = Field(default=None, description="How CVE IDs are obtained (e.g. 'as a CNA', 'through MITRE').")


class Advisories(Frozen):
    """Where and how security advisories are published (NIST IR 8425 ID-1d, ID-2)."""

    url: WebUrl = Field(description="Where advisories are published.")
    csaf: WebUrl | None = Field(default=None, description="CSAF provider metadata (RFC 9116 CSAF field).")
    channels: Lines = Field(default=(), description="How affected customers are told (app, e-mail, ...).")
    ecosystem: Lines = Field(default=(), description="Who else is alerted (suppliers, CNAs, certifiers: ID-2).")


class EndOfSupport(Frozen):
    """What happens at the end of support (ETSI EN 303 645 provision 5.3-13; NIST IR 8425 ID-1b, PEA-1.2)."""

    announcement: str = Field(min_length=3, description="How the end of support is announced.")
    after_end: str = Field(min_length=3, description="What the product still does, and what stops, after the end.")
    customer_actions: Lines = Field(default=(), description="What customers should do after the end of support.")


class Disposal(Frozen):
    """Secure reprovisioning, disposal and data deletion (NIST IR 8425 PEA-1.3; ETSI EN 303 645 5.11)."""

    reprovisioning: Lines = Field(min_length=1, description="Steps to hand the product over to a new owner.")
    disposal: Lines = Field(min_length=1, description="Steps before disposing of the product.")
    data_deletion: Lines = Field(min_length=1, description="How customers delete their data (device, app, cloud).")
    data_deletion_url: WebUrl | None = None


class Capability(Frozen):
    """A security capability of the product and how a customer uses it (NIST IR 8425 PEA-1.1)."""

    name: str = Field(min_length=1)
    use: str = Field(min_length=3, description="How the customer uses it, in the customer's words.")


class Guide(Frozen):
    """Facts only the customer security guide needs (NIST IR 8425 PEA-1)."""

    url: WebUrl | None = Field(default=None, description="Where the guide is published.")
    capabilities: tuple[Capability, ...] = Field(min_length=1)
    vulnerability_management: Lines = Field(min_length=1, description="Options customers have (PEA-1.4).")
    maintenance: Lines = Field(default=(), description="Maintenance operations customers should do (ID-1c).")


class Lifecycle(Frozen):
    """What Documentation 1a, 1d, 1e and 1f ask for that neither the product model nor the assessment holds."""

    assumptions: Lines = Field(default=(), description="Development assumptions and expectations (DOC-1a).")
    design_and_support: Lines = Field(default=(), description="Design and support considerations (DOC-1d).")
    maintenance_requirements: Lines = Field(default=(), description="Maintenance requirements (DOC-1e).")
    secure_lifecycle: Lines = Field(default=(), description="Secure lifecycle policies and processes (DOC-1f).")


class Signatory(Frozen):
    """Who signs a statement of compliance, and in what function."""

    name: str = Field(min_length=1)
    function: str = Field(min_length=1)


class Psti(Frozen):
    """Facts for the UK PSTI statement of compliance (Regulations 2023, Schedule 2)."""

    default_passwords: DefaultPasswords
    password_details: str | None = Field(default=None, description="How passwords are made unique or set.")
    batch: str | None = Field(default=None, description="Product batch, if the statement covers one batch.")
    signatory: Signatory
    place: str = Field(min_length=1, description="Place of issue.")
    issued: date


class Manufacturer(Frozen):
    """The manufacturer's details that documents print (the name comes from the product file)."""

    address: str = Field(min_length=3)
    website: WebUrl


class SecurityTxt(Frozen):
    """Options of the generated security.txt (RFC 9116)."""

    canonical: WebUrl | None = Field(default=None, description="Where the file is published (Canonical).")
    expires_days: int = Field(default=180, ge=1, le=365, description="Days after the as-of date it expires.")


class SupportRecord(Frozen):
    """One product's support facts; every non-technical document is generated from it and the product file."""

    format: str = Field(default=SUPPORT_FORMAT, description="Support record format version.")
    product: str = Field(min_length=1, description="ID of the product this record is for.")
    manufacturer: Manufacturer
    support_period: SupportPeriod
    update_policy: UpdatePolicy
    contacts: Contacts
    disclosure: Disclosure
    advisories: Advisories
    end_of_support: EndOfSupport
    disposal: Disposal
    guide: Guide
    incident_notification: str | None = Field(
        default=None, description="How customers are told of a breach and what to do (ID-1e; ISO/IEC 27035-1)."
    )
    documentation: Lifecycle = Lifecycle()
    security_txt: SecurityTxt = SecurityTxt()
    psti: Psti | None = None
    cyber_trust_mark: TrustMark | None = None

    @model_validator(mode="after")
    def _known_format(self) -> SupportRecord:
        if self.format != SUPPORT_FORMAT:
            msg = f"unknown format {self.format!r}; expected {SUPPORT_FORMAT!r}"
            raise ValueError(msg)
        return self


@dataclass(frozen=True)
class LoadedSupport:
    """A support record and its file, so that later checks can name the line of a field."""

    record: SupportRecord
    located: Located

    def error(self, loc: Loc, message: str, *, tip: str | None = None) -> DocumentError:
        """A :class:`DocumentError` at ``loc`` (``file:line: field: message``)."""
        error = self.located.error(DocumentError, loc, message, tip=tip)
        assert isinstance(error, DocumentError)
        return error

    def end_date(self, purpose: str) -> date:
        """The support end date, or an error naming the field and the document that needs it."""
        end = self.record.support_period.end
        if end is None:
            raise self.error(
                ("support_period", "end"),
                f"missing: {purpose} needs an end date",
                tip="add 'end: YYYY-MM-DD' under support_period",
            )
        return end


def load_support(path: Path) -> LoadedSupport:
    """Read and validate a support record; the first problem is raised with its file, line and field."""
    if path.suffix.lower() not in {".yaml", ".yml", ".json"}:
        raise DocumentError("a support record is .yaml, .yml or .json", where=str(path))
    located = read_located(path, DocumentError)
    if not isinstance(located.data, dict):
        raise DocumentError(f"a support record is a mapping (format: {SUPPORT_FORMAT})", where=located.where())
    try:
        record = SupportRecord.model_validate(located.data)
    except ValidationError as exc:
        loc, message = first_error(exc)
        raise located.error(DocumentError, loc, message) from None
    return LoadedSupport(record, located)


def check_current(loaded: LoadedSupport, *, product_id: str, as_of: date) -> None:
    """Refuse a record for another product, or whose support period has ended by ``as_of``.

    A support period that has not started yet is fine: documents are prepared before launch (packaging, registry).
    """
    record = loaded.record
    if record.product != product_id:
        raise loaded.error(("product",), f"the record is for product {record.product!r}, not {product_id!r}")
    end = record.support_period.end
    if end is not None and end < as_of:
        raise loaded.error(
            ("support_period", "end"),
            f"support ended on {end}, before {as_of}: the documents would announce an expired support period",
            tip="extend the support period, or pass --date to generate the documents as of an earlier day",
        )


def support_words(period: SupportPeriod) -> str:
    """The support period in one phrase: ``until at least 31 October 2030 (and at least ...)``."""
    from iotprofile.documents.templating import long_date

    if period.end is None:
        return f"from {long_date(period.start)}, {period.minimum}"
    words = f"from {long_date(period.start)} until at least {long_date(period.end)}"
    return f"{words} ({period.minimum})" if period.minimum else words
