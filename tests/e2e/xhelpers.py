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
    xvfb = _need("Xvfb")
    openbox = _need("openbox")
    read_fd, write_fd = os.pipe()
    size = f"{SCREEN[0]}x{SCREEN[1]}x24"
    server = subprocess.Popen(
        [xvfb, "-displayfd", str(write_fd), "-screen", "0", size, "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    wm: subprocess.Popen[bytes] | None = None
    try:
        with os.fdopen(read_fd) as pipe:
            number = pipe.readline().strip()
        if not number:
            pytest.fail("Xvfb did not start")
        display = f":{number}"
        env = child_env(display)
        env["HOME"] = str(tmp_path)
        x = XServer(display, env, SCREEN)
        # openbox once failed to come up within 20 s in CI; a fresh start is cheap.
        for _ in range(3):
            wm = subprocess.Popen(
                [openbox], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and wm.poll() is None:
                if _has_window_manager(display):
                    break
                time.sleep(0.2)
            if _has_window_manager(display):
                break
            wm.terminate()
            wm.wait(timeout=10)
        else:
            pytest.fail("openbox did not start in three tries")
        yield x
    finally:
        for proc in (wm, server):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()


def _has_window_manager(display: str) -> bool:
    from Xlib import display as xdisplay

    try:
        conn = xdisplay.Display(display)
    except Exception:
        return False
    try:
        atom = conn.intern_atom("_NET_SUPPORTING_WM_CHECK")
        return conn.screen().root.get_full_property(atom, 0) is not None
    finally:
        conn.close()


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


def stop(proc: subprocess.Popen[str]) -> None:
    """End a child process started by a test."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
