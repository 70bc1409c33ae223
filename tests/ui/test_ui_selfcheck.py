"""`companion run --self-check` starts the real overlay and reports it up (used by packaging)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_self_check_brings_the_overlay_up_and_exits(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    env.pop("DISPLAY", None)
    proc = subprocess.run(
        [sys.executable, "-m", "companion", "run", "--self-check"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "self-check ok: overlay up on Qt platform offscreen" in proc.stdout
    assert not (tmp_path / "config").exists()  # nothing saved by a self-check
