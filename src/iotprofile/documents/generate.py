"""Run the generators: each asked-for document from the same inputs, then the coverage and the package.

Every generator returns its files in memory; nothing is written here (the service writes them all at once, so a
failure leaves nothing behind).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from iotprofile.documents.coverage import Coverage, DocumentKind, Generated, coverage
from iotprofile.documents.inputs import DocumentInputs
from iotprofile.product.plan import AssessmentPlan

_PEA = ("PEA-1.1", "PEA-1.2", "PEA-1.3", "PEA-1.4", "PEA-1.5")


@dataclass(frozen=True)
class Documents:
    """What one run generated, and the coverage of the non-technical sub-outcomes."""

    generated: list[Generated]
    coverage: Coverage

    def files(self) -> dict[str, bytes]:
        """Every file, by relative path."""
        return {name: content for item in self.generated for name, content in item.files.items()}


def _security_txt(inputs: DocumentInputs) -> Generated:
    from iotprofile.documents.security_txt import render_security_txt

    return Generated(DocumentKind.SECURITY_TXT, render_security_txt(inputs), ("IQR-1a",))


def _disclosure(inputs: DocumentInputs) -> Generated:
    from iotprofile.documents.policies import render_disclosure_policy

    serves: tuple[str, ...] = ("IQR-1a", "IQR-1b", "DOC-1g", "ID-2")
    missing: tuple[str, ...] = ()
    if inputs.record.incident_notification:
        serves += ("ID-1e",)
    else:
        missing = (
            f"ID-1e: how customers are told of a breach ({inputs.support.located.path.name}: incident_notification)",
        )
    return Generated(DocumentKind.DISCLOSURE_POLICY, render_disclosure_policy(inputs), serves, missing)


def _csaf(inputs: DocumentInputs) -> Generated:
    from iotprofile.documents.csaf import render_csaf

    files = render_csaf(inputs)
    return Generated(DocumentKind.CSAF, files, ("ID-1d", "ID-2") if files else ())


def _support_statement(inputs: DocumentInputs) -> Generated:
    from iotprofile.documents.support_statements import render_support_statement

    return Generated(DocumentKind.SUPPORT_STATEMENT, render_support_statement(inputs), ("ID-1a", "PEA-1.5"))


def _end_of_support(inputs: DocumentInputs) -> Generated:
    from iotprofile.documents.support_statements import render_end_of_support_notice

    return Generated(DocumentKind.END_OF_SUPPORT_NOTICE, render_end_of_support_notice(inputs), ("ID-1b",))


def _psti(inputs: DocumentInputs) -> Generated:
    from iotprofile.documents.psti import render_psti_statement

    # A regulatory statement: it restates facts other documents are evidence for, and serves no IR 8425 item.
    return Generated(DocumentKind.PSTI_STATEMENT, render_psti_statement(inputs), ())


def _trust_mark(inputs: DocumentInputs) -> Generated:
    from iotprofile.documents.cyber_trust_mark import render_trust_mark

    return Generated(DocumentKind.CYBER_TRUST_MARK, render_trust_mark(inputs), ("PEA-1.5",))


def _guide(inputs: DocumentInputs) -> Generated:
    from iotprofile.documents.guide import render_guide

    serves = _PEA + (("ID-1c",) if inputs.record.guide.maintenance else ())
    return Generated(DocumentKind.CUSTOMER_GUIDE, render_guide(inputs), serves)


_GENERATORS: dict[DocumentKind, Callable[[DocumentInputs], Generated]] = {
    DocumentKind.SECURITY_TXT: _security_txt,
    DocumentKind.DISCLOSURE_POLICY: _disclosure,
    DocumentKind.CSAF: _csaf,
    DocumentKind.SUPPORT_STATEMENT: _support_statement,
    DocumentKind.END_OF_SUPPORT_NOTICE: _end_of_support,
    DocumentKind.PSTI_STATEMENT: _psti,
    DocumentKind.CYBER_TRUST_MARK: _trust_mark,
    DocumentKind.CUSTOMER_GUIDE: _guide,
}
#: Documents that need an optional section of the support record: skipped (and said so) unless asked for.
_OPTIONAL = {DocumentKind.PSTI_STATEMENT: "psti", DocumentKind.CYBER_TRUST_MARK: "cyber_trust_mark"}


def generate(inputs: DocumentInputs, plan: AssessmentPlan, only: Sequence[DocumentKind] = ()) -> Documents:
    """Generate ``only`` these documents (all when empty), then the coverage and, if asked, the package."""
    wanted = list(only) or list(DocumentKind)
    generated: list[Generated] = []
    skipped: list[str] = []
    for kind in DocumentKind:
        if kind not in wanted or kind is DocumentKind.DOCUMENTATION_PACKAGE:
            continue
        section = _OPTIONAL.get(kind)
        if section and not only and getattr(inputs.record, section) is None:
            skipped.append(f"{kind.value}: not generated ({inputs.support.located.path.name} has no '{section}')")
            continue
        item = _GENERATORS[kind](inputs)
        if item.files:
            generated.append(item)
    if DocumentKind.DOCUMENTATION_PACKAGE in wanted:
        from iotprofile.documents.package import package_gaps, render_package

        serves, missing = package_gaps(inputs)
        # The package shows the coverage, including its own: work it out from the package's sections first.
        placeholder = Generated(DocumentKind.DOCUMENTATION_PACKAGE, {}, serves, missing)
        result = coverage(plan, [*generated, placeholder], inputs.as_of, skipped=skipped)
        files = render_package(inputs, generated, result)
        generated.append(Generated(DocumentKind.DOCUMENTATION_PACKAGE, files, serves, missing))
    return Documents(generated, coverage(plan, generated, inputs.as_of, skipped=skipped))
