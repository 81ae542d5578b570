"""Built test images, shared by the extraction tests (building all six takes about 3 s)."""

from __future__ import annotations

import pytest
from tests.checks.firmware.builder import BuiltImage, ImageFormat, build_image

from iotprofile.checks.firmware.extract import Extraction, extract
from iotprofile.checks.interface import Limits


@pytest.fixture(scope="session")
def golden_images(tmp_path_factory: pytest.TempPathFactory) -> dict[ImageFormat, BuiltImage]:
    """Every format, without host binaries: the same bytes on every machine (golden listings)."""
    base = tmp_path_factory.mktemp("golden-images")
    images = {}
    for fmt in ImageFormat:
        workdir = base / fmt.value
        workdir.mkdir()
        images[fmt] = build_image(workdir, fmt, host_binaries=False)
    return images


@pytest.fixture(scope="session")
def golden_extractions(
    golden_images: dict[ImageFormat, BuiltImage], tmp_path_factory: pytest.TempPathFactory
) -> dict[ImageFormat, Extraction]:
    """Each golden image extracted once with default limits (tests only read the trees)."""
    base = tmp_path_factory.mktemp("golden-extractions")
    return {fmt: extract(built.path, base / fmt.value, Limits()) for fmt, built in golden_images.items()}


@pytest.fixture(scope="session")
def host_squashfs(tmp_path_factory: pytest.TempPathFactory) -> BuiltImage:
    """A squashfs with the host's busybox (patched version) and gcc-built programs, as the analysis sees them."""
    return build_image(tmp_path_factory.mktemp("host-image"), ImageFormat.SQUASHFS)
