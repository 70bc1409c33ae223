"""Finding meeting windows on the desktop, one small interface per operating system.

`open_lister()` returns the lister for this platform (X11 through python-xlib, Windows
through user32, macOS through Quartz). Listers are plain objects: no Qt here, and each
must be created and used in one thread (X11 connections and Quartz calls are not shared).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Protocol

from companion.errors import InputError
from companion.model import Box


@dataclass(frozen=True)
class WindowInfo:
    """One top-level window as the window system reports it.

    ``box`` is the client area (what the meeting app draws) in screen capture coordinates:
    physical pixels on X11 and Windows, points on macOS. ``frame`` adds the decorations.
    """

    id: int
    title: str
    owner: str
    """Application name or class (WM_CLASS on X11, the process name elsewhere)."""
    pid: int
    box: Box
    frame: Box
    minimized: bool = False
    see_through: bool = False
    """Shows what is under it (click-through, fully transparent, a tool palette or a window
    that never takes focus, such as a game overlay): it never counts as covering another."""


class WindowLister(Protocol):
    """Lists top-level windows, bottom of the stacking order first."""

    def windows(self) -> list[WindowInfo]:
        """Visible top-level windows now, bottom first (the last one is on top)."""
        ...

    def close(self) -> None:
        """Release the connection to the window system. Safe to call twice."""
        ...


WAYLAND_MESSAGE = (
    "This is a Wayland session: Wayland does not let one app find or capture another "
    "app's window. What works instead: log out and choose an 'Xorg' or 'X11' session on the "
    "login screen (GNOME: the gear button; KDE: the session menu), then run companion again; "
    "or review a recording with 'companion analyze VIDEO'."
)


def display_server() -> str:
    """``x11``, ``wayland``, ``windows``, ``macos`` or ``none`` (no display at all)."""
    if sys.platform == "win32":
        return "windows"
    if sys.platform == "darwin":
        return "macos"
    if os.environ.get("XDG_SESSION_TYPE", "").lower() == "wayland" or os.environ.get(
        "WAYLAND_DISPLAY"
    ):
        return "wayland"
    return "x11" if os.environ.get("DISPLAY") else "none"


def open_lister() -> WindowLister:
    """The window lister for this platform; `InputError` with advice where there is none."""
    server = display_server()
    if server == "wayland":
        raise InputError(WAYLAND_MESSAGE)
    if server == "none":
        raise InputError("no display: DISPLAY is not set, so there are no windows to find")
    if server == "windows":
        from companion.capture.windows.win32 import Win32Lister

        return Win32Lister()
    if server == "macos":
        from companion.capture.windows.macos import QuartzLister

        return QuartzLister()
    from companion.capture.windows.x11 import X11Lister

    return X11Lister()


__all__ = [
    "WAYLAND_MESSAGE",
    "WindowInfo",
    "WindowLister",
    "display_server",
    "open_lister",
]
