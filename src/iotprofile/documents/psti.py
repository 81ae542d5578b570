"""The UK PSTI statement of compliance (S.I. 2023/1007, Schedule 2).

Schedule 1 sets three requirements: no universal default passwords, a published way to report security issues
(with when reporters hear back), and a published minimum security update period. The statement declares all
three from the support record, so it says what the disclosure policy and the support statement say; it needs the
record's ``psti`` section and a support end date.
"""

from __future__ import annotations

from iotprofile.documents.inputs import DocumentInputs
from iotprofile.documents.support import DefaultPasswords, support_words
from iotprofile.documents.templating import render_markdown
from iotprofile.reports.assessment.wording import product_type_words


def password_words(kind: DefaultPasswords) -> str:
    """How the product meets Schedule 1, paragraph 1, in one sentence."""
    match kind:
        case DefaultPasswords.UNIQUE_PER_DEVICE:
            return "every unit has its own password, unique to that unit and not derived from public information."
        case DefaultPasswords.USER_DEFINED:
            return "the product has no default password; the user sets one before the product can be used."
        case DefaultPasswords.NO_PASSWORDS:
            return "the product uses no passwords."


def render_psti_statement(inputs: DocumentInputs) -> dict[str, bytes]:
    """``psti-statement-of-compliance.md``."""
    record = inputs.record
    if record.psti is None:
        raise inputs.support.error(
            (),
            "psti: missing: the UK PSTI statement of compliance needs a 'psti' section",
            tip="add psti: {default_passwords, signatory, place, issued}",
        )
    end = inputs.support.end_date("the UK PSTI statement of compliance")
    text = render_markdown(
        "psti-statement-of-compliance.md.j2",
        product=inputs.product,
        product_type=product_type_words(inputs.product.product_type),
        manufacturer=record.manufacturer,
        psti=record.psti,
        contacts=record.contacts,
        disclosure=record.disclosure,
        support_words=support_words(record.support_period),
        end=end,
        password_words=password_words(record.psti.default_passwords),
        report_to=" or ".join(f"<{uri}>" for uri in record.contacts.vulnerability_reports),
    )
    return {"psti-statement-of-compliance.md": text.encode()}
