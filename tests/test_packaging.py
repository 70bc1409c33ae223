"""The wheel and sdist carry the model and every data file, and nothing stray."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "companion"


def _source_data_files() -> set[str]:
    """Every non-Python file git tracks (or would) inside the package, as archive paths."""
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "companion"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return {name for name in out.stdout.split() if not name.endswith(".py")}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", str(out), str(REPO)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return out


def test_wheel_has_model_and_data_files_and_nothing_else(built: Path) -> None:
    (wheel,) = built.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert "companion/models/face_landmarker.task" in names
    assert "companion/schemas/analysis-1.schema.json" in names
    missing = _source_data_files() - names
    assert not missing, f"data files left out of the wheel: {sorted(missing)}"
    dist_info = {n for n in names if ".dist-info/" in n}
    assert any(n.endswith("licenses/LICENSE") for n in dist_info)
    assert any(n.endswith("licenses/NOTICE") for n in dist_info)
    stray = {
        n
        for n in names - dist_info
        if not n.startswith("companion/") or "__pycache__" in n or n.endswith(".pyc")
    }
    assert not stray, f"unexpected files in the wheel: {sorted(stray)}"


def test_sdist_has_sources_and_no_build_or_ci_leftovers(built: Path) -> None:
    (sdist,) = built.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {n.split("/", 1)[1] for n in archive.getnames() if "/" in n}
    required = (
        "pyproject.toml",
        "README.md",
        "LICENSE",
        "NOTICE",
        "companion/models/face_landmarker.task",
    )
    for name in required:
        assert name in names
    for prefix in (".ci/", ".git/", "build/", "dist/", "packaging/"):
        assert not any(n.startswith(prefix) for n in names), prefix
