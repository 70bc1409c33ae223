"""An X display for the zoo: the current one, or Xvfb + openbox started for one page."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from companion.errors import InputError

WM_WAIT_S = 20.0
"""How long one start of openbox may take to show on the display."""
WM_TRIES = 3
"""openbox has, rarely, not come up at all on a fresh Xvfb (once in CI, once in a bench
run); a fresh start is cheap, so it gets this many."""


@dataclass(frozen=True)
class Display:
    """An X display to run the browser and the companion on."""

    name: str
    size: tuple[int, int]
    started: bool
    """Whether the zoo started it (Xvfb) rather than found it in ``$DISPLAY``."""


@contextlib.contextmanager
def display_for(size: tuple[int, int]) -> Iterator[Display]:
    """``$DISPLAY`` when set (it must have a window manager), else Xvfb + openbox at ``size``."""
    current = os.environ.get("DISPLAY")
    if current:
        yield Display(current, screen_size(current), started=False)
        return
    with xvfb_with_wm(size) as display:
        yield display


def screen_size(name: str) -> tuple[int, int]:
    """The size of the first screen of display ``name``."""
    from Xlib import display as xdisplay
    from Xlib import error

    try:
        conn = xdisplay.Display(name)
    except (error.DisplayError, error.ConnectionClosedError) as exc:
        raise InputError(f"cannot open the X display {name}: {exc}") from exc
    try:
        screen = conn.screen()
        return int(screen.width_in_pixels), int(screen.height_in_pixels)
    finally:
        conn.close()


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise InputError(f"{name} is not installed (Debian: apt-get install xvfb openbox)")
    return found


@contextlib.contextmanager
def xvfb_with_wm(size: tuple[int, int]) -> Iterator[Display]:
    """Xvfb on a free display number at ``size``, with openbox running on it; both are
    stopped afterwards. `InputError` when either is missing or does not start."""
    xvfb, openbox = _tool("Xvfb"), _tool("openbox")
    read_fd, write_fd = os.pipe()
    screen = f"{size[0]}x{size[1]}x24"
    server = subprocess.Popen(
        [
            xvfb,
            "-displayfd",
            str(write_fd),
            "-screen",
            "0",
            screen,
            "-nolisten",
            "tcp",
        ],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    wm: subprocess.Popen[bytes] | None = None
    home = tempfile.TemporaryDirectory(prefix="companion-zoo-wm-")
    try:
        with os.fdopen(read_fd) as pipe:
            number = pipe.readline().strip()
        if not number:
            raise InputError("Xvfb did not start")
        name = f":{number}"
        env = {**os.environ, "DISPLAY": name, "HOME": home.name}
        for _ in range(WM_TRIES):
            wm = subprocess.Popen(
                [openbox], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            if _wait_for_wm(name, wm):
                break
            stop_process(wm)
        else:
            raise InputError(f"openbox did not start on the Xvfb display in {WM_TRIES} tries")
        yield Display(name, size, started=True)
    finally:
        for proc in (wm, server):
            if proc is not None:
                stop_process(proc)
        home.cleanup()


def _wait_for_wm(name: str, wm: subprocess.Popen[bytes]) -> bool:
    """Whether a window manager shows on display ``name`` before ``wm`` exits or
    `WM_WAIT_S` passes."""
    deadline = time.monotonic() + WM_WAIT_S
    while time.monotonic() < deadline and wm.poll() is None:
        if has_window_manager(name):
            return True
        time.sleep(0.2)
    return has_window_manager(name)


def stop_process(proc: subprocess.Popen[Any]) -> None:
    """End a child process: terminate, then kill it if it is still there after 10 s."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def has_window_manager(name: str) -> bool:
    """Whether an EWMH window manager runs on display ``name``."""
    from Xlib import display as xdisplay

    try:
        conn = xdisplay.Display(name)
    except Exception:
        return False
    try:
        atom = conn.intern_atom("_NET_SUPPORTING_WM_CHECK")
        return conn.screen().root.get_full_property(atom, 0) is not None
    finally:
        conn.close()
