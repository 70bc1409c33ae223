"""The ``xserver`` fixture: a real X server (Xvfb + openbox) for end-to-end tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from xhelpers import XServer, xserver_running


@pytest.fixture
def xserver(tmp_path: Path) -> Iterator[XServer]:
    """Xvfb on a free display number with openbox running; both stopped afterwards."""
    yield from xserver_running(tmp_path)
