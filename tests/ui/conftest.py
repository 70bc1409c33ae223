"""Widget tests run on Qt's offscreen platform: no display needed.

Only the tests in this folder use it; the end-to-end tests start their own X server and
give their processes the xcb platform explicitly.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from companion.ui.qtenv import scrub_cv2_qt_paths

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(scope="session", autouse=True)
def _qt_without_opencv_paths() -> Iterator[None]:
    """cv2, imported by other tests, points Qt at its own Qt 5 plugins; undo that first."""
    scrub_cv2_qt_paths()
    yield
