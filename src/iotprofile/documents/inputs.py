"""What every generator reads: the product, its support record, SBOM, advisories, the as-of date, the assessment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from iotprofile.documents.advisory import LoadedAdvisory
from iotprofile.documents.sbom import Sbom
from iotprofile.documents.support import LoadedSupport, SupportRecord
from iotprofile.product.model import Product

if TYPE_CHECKING:
    from iotprofile.assessment.rollup import AssessmentResult


@dataclass(frozen=True)
class DocumentInputs:
    """The one source of truth the documents are generated from.

    ``as_of`` replaces the clock: the same inputs and the same date give the same bytes.
    """

    product: Product
    support: LoadedSupport
    sbom: Sbom
    advisories: tuple[LoadedAdvisory, ...]
    as_of: date
    #: The assessment (plan and verdicts), when one was given; the documentation package uses it for DOC-1c.
    assessment: AssessmentResult | None = None

    @property
    def record(self) -> SupportRecord:
        """The support record."""
        return self.support.record
