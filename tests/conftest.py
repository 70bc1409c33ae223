"""Shared fixtures: the real clips and stills live outside the repository, in shared/data."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _data_root() -> Path:
    override = os.environ.get("COMPANION_TEST_DATA")
    return Path(override) if override else REPO.parent / "shared" / "data"


def _require(path: Path) -> Path:
    if path.exists():
        return path
    message = f"real test media missing: {path} (see shared/data/README.md)"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The shared/data folder; a failure in CI when it is missing, a skip elsewhere."""
    return _require(_data_root())


@pytest.fixture(scope="session")
def clip(shared_data: Path):  # type: ignore[no-untyped-def]
    """``clip("name.mp4")`` -> path of a real clip (fails in CI when missing)."""

    def find(name: str) -> Path:
        return _require(shared_data / "clips" / name)

    return find


@pytest.fixture(scope="session")
def still(shared_data: Path):  # type: ignore[no-untyped-def]
    """``still("name.png")`` -> path of a real still image."""

    def find(name: str) -> Path:
        return _require(shared_data / "stills" / name)

    return find


@pytest.fixture
def labels_of(shared_data: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    """``labels_of("a.mp4", ...)`` -> a folder holding the shared labels of those clips
    alone (each clip must exist, as ``clip`` requires), for ``--labels``."""

    def folder(*names: str) -> Path:
        labels = tmp_path / "labels"
        labels.mkdir(exist_ok=True)
        for name in names:
            _require(shared_data / "clips" / name)
            shutil.copy(_require(shared_data / "labels" / f"{name}.json"), labels)
        return labels

    return folder
