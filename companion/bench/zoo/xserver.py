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

from companion.errors import InputError

WM_WAIT_S = 20.0


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
    with _xvfb(size) as display:
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
def _xvfb(size: tuple[int, int]) -> Iterator[Display]:
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
        wm = subprocess.Popen(
            [openbox], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + WM_WAIT_S
        while not has_window_manager(name):
            if time.monotonic() > deadline:
                raise InputError("openbox did not start on the Xvfb display")
            time.sleep(0.2)
        yield Display(name, size, started=True)
    finally:
        for proc in (wm, server):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        home.cleanup()


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
