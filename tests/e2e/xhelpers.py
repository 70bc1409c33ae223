"""Helpers for end-to-end tests: Xvfb on a free display with openbox, child processes.

Processes started here get a clean environment: ``DISPLAY`` of this server, the xcb Qt
platform (the widget tests' offscreen setting is removed), and no OpenCV Qt paths.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from companion.bench.zoo.xserver import xvfb_with_wm
from companion.ui.qtenv import CV2_QT_VARIABLES

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
E2E = Path(__file__).resolve().parent
SCREEN = (1600, 900)


def _need(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        message = f"{tool} is not installed (see .ci/run for the Debian packages)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return found


@dataclass
class XServer:
    """A running Xvfb + openbox; ``env`` is what child processes should get."""

    display: str
    env: dict[str, str]
    size: tuple[int, int]

    def run(self, *args: str, timeout: float = 20) -> str:
        """Run a command against this display; its standard output."""
        done = subprocess.run(
            list(args), env=self.env, capture_output=True, text=True, timeout=timeout, check=True
        )
        return done.stdout

    def wait_for(self, what: str, check: Callable[[], bool], timeout: float = 30) -> None:
        """Poll ``check`` until it is true; fail with ``what`` after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if check():
                return
            time.sleep(0.2)
        pytest.fail(f"timed out waiting for {what}")


def child_env(display: str) -> dict[str, str]:
    """The environment for processes on ``display``."""
    env = {k: v for k, v in os.environ.items() if k not in CV2_QT_VARIABLES}
    for name in ("WAYLAND_DISPLAY", "XDG_SESSION_TYPE"):
        env.pop(name, None)
    env["DISPLAY"] = display
    env["QT_QPA_PLATFORM"] = "xcb"
    return env


def xserver_running(tmp_path: Path) -> Iterator[XServer]:
    """Xvfb on a free display number with openbox running; both stopped afterwards."""
    for tool in ("Xvfb", "openbox"):
        _need(tool)
    with xvfb_with_wm(SCREEN) as display:
        env = child_env(display.name)
        env["HOME"] = str(tmp_path)
        yield XServer(display.name, env, SCREEN)


def start_python(
    x: XServer, script: str, *args: str, log: Path | None = None
) -> subprocess.Popen[str]:
    """Run one of this folder's scripts on the test display."""
    out = log.open("w") if log is not None else subprocess.DEVNULL
    return subprocess.Popen(
        [sys.executable, str(E2E / script), *args],
        env=x.env,
        stdout=subprocess.PIPE,
        stderr=out,
        text=True,
    )
