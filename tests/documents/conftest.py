"""Fixtures of the document tests: the bundled examples, copied so a test can edit their support record."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.documents.examples import EXAMPLES, example_inputs

from iotprofile.documents.generate import Documents, generate
from iotprofile.services import Workspace


@pytest.fixture(scope="session")
def router_documents(workspace: Workspace) -> Documents:
    inputs, plan = example_inputs(workspace, "router")
    return generate(inputs, plan)


@pytest.fixture(scope="session")
def plug_documents(workspace: Workspace) -> Documents:
    inputs, plan = example_inputs(workspace, "smart-plug")
    return generate(inputs, plan)


EditSupport = Callable[[Callable[[dict[str, Any]], None]], Path]


@pytest.fixture
def router_copy(tmp_path: Path) -> Path:
    """A copy of the router example; returns its product file."""
    target = tmp_path / "router"
    shutil.copytree(EXAMPLES / "router", target)
    return target / "product.yaml"


@pytest.fixture
def edit_support(router_copy: Path) -> EditSupport:
    """Change the copied router's support record with a function of its parsed YAML; returns the record's path."""

    def edit(change: Callable[[dict[str, Any]], None]) -> Path:
        path = router_copy.parent / "support.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(yaml.safe_dump(data, sort_keys=False, width=200), encoding="utf-8")
        return path

    return edit
