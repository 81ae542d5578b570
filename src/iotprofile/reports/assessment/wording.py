"""How the reports say things: verdicts, component kinds, product types, evidence and elements in words."""

from __future__ import annotations

from urllib.parse import urlsplit

from iotprofile.assessment.model import Evidence, EvidenceKind, Verdict
from iotprofile.catalog.model import ComponentKind, Element
from iotprofile.product.model import ProductType

#: URL schemes an evidence link may have; anything else (``javascript:``) is shown as text, not linked.
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "ftp", "ftps"})


def verdict_word(verdict: Verdict) -> str:
    """The verdict as people read it in a matrix: ``satisfied``, ``partially satisfied``, ``n/a`` ..."""
    match verdict:
        case Verdict.SATISFIED:
            return "satisfied"
        case Verdict.PARTIALLY_SATISFIED:
            return "partially satisfied"
        case Verdict.NOT_SATISFIED:
            return "not satisfied"
        case Verdict.NOT_APPLICABLE:
            return "n/a"
        case Verdict.NOT_ASSESSED:
            return "not assessed"
        case Verdict.ERROR:
            return "error"


def verdict_meaning(verdict: Verdict) -> str:
    """One sentence per verdict, for legends."""
    match verdict:
        case Verdict.SATISFIED:
            return "The evidence shows the outcome is met."
        case Verdict.PARTIALLY_SATISFIED:
            return "The outcome is met in part; the justification says what is missing."
        case Verdict.NOT_SATISFIED:
            return "The evidence shows the outcome is not met."
        case Verdict.NOT_APPLICABLE:
            return "Does not apply: by an applicability rule, an override in the product file, or a justified verdict."
        case Verdict.NOT_ASSESSED:
            return "No verdict recorded yet: missing evidence, never a failure."
        case Verdict.ERROR:
            return "An automated check failed to run; says nothing about the product."


def kind_words(kind: ComponentKind) -> str:
    """A component kind in words (``mobile app``)."""
    return kind.value.replace("_", " ")


def product_type_words(product_type: ProductType) -> str:
    """A product type in words."""
    match product_type:
        case ProductType.CONSUMER_IOT_PRODUCT:
            return "consumer IoT product"
        case ProductType.CONSUMER_GRADE_ROUTER:
            return "consumer-grade router"


def evidence_summary(evidence: Evidence) -> str:
    """One line per piece of evidence, for prose and tables."""
    match evidence.kind:
        case EvidenceKind.FILE:
            text = f"file {evidence.path or 'unnamed'} (SHA-256 {evidence.sha256})"
        case EvidenceKind.URL:
            text = f"page {evidence.url}"
        case EvidenceKind.STATEMENT:
            text = f"statement \u201c{evidence.text}\u201d"
        case EvidenceKind.CHECK:
            text = f"check {evidence.check}"
    return f"{text}: {evidence.description}" if evidence.description else text


def evidence_short(evidence: Evidence) -> str:
    """A piece of evidence in a few words (histories): the file's name, the URL, the check, or "statement"."""
    match evidence.kind:
        case EvidenceKind.FILE:
            return f"file {evidence.path or evidence.sha256}"
        case EvidenceKind.URL:
            return f"page {evidence.url}"
        case EvidenceKind.STATEMENT:
            return "statement"
        case EvidenceKind.CHECK:
            return f"check {evidence.check}"


def element_heading(element: Element) -> str:
    """``DP-1 Stored data protected on each component`` (ID, then title or label)."""
    name = element.title or element.label
    return f"{element.id} {name}" if name else element.id


def safe_link(url: str | None) -> str | None:
    """``url`` if it is absolute with a harmless scheme, else None (show it as text)."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme.lower() in SAFE_SCHEMES and (parts.netloc or parts.scheme == "mailto") else None
