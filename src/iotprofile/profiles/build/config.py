"""The build configuration: which standards to ingest, the target baseline, the product type and thresholds.

A build file (format ``iotprofile/build/v1``) looks like::

    format: iotprofile/build/v1
    profile:
      id: acme-camera-profile            # the document ID of the profile to build
      title: Cybersecurity profile for consumer IP cameras
      product_type: consumer IP camera   # what the profile is for
      product_term: consumer IP camera product   # replaces "IoT product" in the base's statements
    target: nist-ir-8425                 # a catalog or profile: the outcomes requirements are grouped under
    standards:                           # requirement lists (see profiles.build.ingest for every field)
    - file: requirements/vendor-a.csv    # paths are relative to this file
      standard: vendor-a-camera-2026
      columns: {id: Req ID, text: Requirement}
    - catalog: etsi-en-303-645           # a bundled or user catalog, taken whole
    top: 3                               # suggestions kept per requirement
    threshold: 0.05                      # Group abstains below this score
    learn_from: [../other-build/decisions.yaml]   # more reviewed decisions for Group to learn from
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, ValidationError, field_validator

from iotprofile.catalog.model import DOCUMENT_ID_PATTERN, Frozen
from iotprofile.catalog.source import first_error, read_located
from iotprofile.errors import PipelineError
from iotprofile.profiles.build.ingest import RequirementSource

BUILD_FORMAT = "iotprofile/build/v1"


class ProfileSpec(Frozen):
    """The profile to build."""

    id: str = Field(pattern=DOCUMENT_ID_PATTERN, description="Document ID of the built profile.")
    title: str = Field(min_length=1)
    short_title: str | None = None
    publisher: str = Field(default="iotprofile user", description="Who publishes the profile.")
    product_type: str = Field(min_length=1, description="The product type, e.g. 'consumer-grade router'.")
    product_term: str | None = Field(
        default=None,
        description="What replaces 'IoT product' in the base's statements; default: '<product_type> product'.",
    )
    replace: str = Field(default="IoT product", description="The base's term for the product.")

    @property
    def term(self) -> str:
        """The wording that replaces :attr:`replace`."""
        return self.product_term or f"{self.product_type} product"


class BuildConfig(Frozen):
    """A profile build."""

    format: str = Field(default=BUILD_FORMAT)
    profile: ProfileSpec
    target: str = Field(pattern=DOCUMENT_ID_PATTERN, description="Catalog or profile to group requirements under.")
    standards: tuple[RequirementSource, ...] = Field(min_length=1)
    top: int = Field(default=3, ge=1, le=20)
    threshold: float | None = Field(default=None, ge=0.0, le=1.0, description="Group's abstention threshold.")
    learn_from: tuple[Path, ...] = Field(default=(), description="Decision files of other builds to learn from.")

    @field_validator("format")
    @classmethod
    def _known(cls, value: str) -> str:
        if value != BUILD_FORMAT:
            msg = f"format {value!r} is not {BUILD_FORMAT!r}"
            raise ValueError(msg)
        return value


def load_config(path: Path) -> BuildConfig:
    """Read a build file; relative paths in it are taken from the file's folder."""
    located = read_located(path, PipelineError)
    data = located.data
    if not isinstance(data, dict):
        raise located.error(PipelineError, (), "a build file is a mapping (format, profile, target, standards)")
    try:
        config = BuildConfig.model_validate(data)
    except ValidationError as exc:
        loc, message = first_error(exc)
        raise located.error(PipelineError, loc, message) from None
    base = path.parent
    standards = tuple(
        source.model_copy(update={"file": base / source.file})
        if source.file is not None and not source.file.is_absolute()
        else source
        for source in config.standards
    )
    learn_from = tuple(item if item.is_absolute() else base / item for item in config.learn_from)
    return config.model_copy(update={"standards": standards, "learn_from": learn_from})
