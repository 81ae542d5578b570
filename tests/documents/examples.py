"""The bundled examples as document inputs, on a fixed as-of date."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from iotprofile.documents.inputs import DocumentInputs
from iotprofile.product.plan import AssessmentPlan
from iotprofile.services import Workspace
from iotprofile.services.documents import load_inputs

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
#: Every generator is deterministic for a given as-of date; the snapshots are made on this one.
AS_OF = date(2026, 11, 22)


def example_inputs(workspace: Workspace, name: str, *, results: bool = True) -> tuple[DocumentInputs, AssessmentPlan]:
    """The inputs of a bundled example (with its assessment, for the DOC-1c part of the package)."""
    directory = EXAMPLES / name
    return load_inputs(workspace, directory / "product.yaml", support_file=None, advisories_dir=None,
                       results_file=directory / "results.yaml" if results else None, as_of=AS_OF)  # fmt: skip
