"""PyQt6 only under companion/ui, MediaPipe only under companion/vision."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "companion"


def _modules() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        if parts[-1] == "__main__":
            continue
        names.append(".".join(parts))
    return names


def _loaded_after_import(module: str) -> set[str]:
    code = (
        "import sys, importlib; importlib.import_module(sys.argv[1]); "
        "print(' '.join(m for m in ('PyQt6', 'mediapipe') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, module], capture_output=True, text=True, check=True
    )
    return set(out.stdout.split())


@pytest.mark.parametrize("module", _modules())
def test_heavy_frameworks_stay_in_their_packages(module: str) -> None:
    loaded = _loaded_after_import(module)
    if not module.startswith("companion.ui"):
        assert "PyQt6" not in loaded, f"{module} loads PyQt6"
    if not module.startswith("companion.vision"):
        assert "mediapipe" not in loaded, f"{module} loads mediapipe"


def test_source_text_imports_follow_the_rule() -> None:
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(PACKAGE).as_posix()
        if not rel.startswith("ui/"):
            assert "import PyQt6" not in text and "from PyQt6" not in text, rel
        if not rel.startswith("vision/"):
            assert "import mediapipe" not in text and "from mediapipe" not in text, rel
