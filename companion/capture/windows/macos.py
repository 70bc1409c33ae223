"""Top-level windows on macOS through Quartz window lists (pyobjc, imported lazily).

Window titles are visible to another app only once the user grants Screen Recording
permission (System Settings > Privacy & Security); without it titles are empty. The lister
checks the permission when it starts and asks for it once per process
(`ScreenCaptureAccess`); macOS applies a grant to processes started afterwards, so the
user is told to restart Companion (`TITLES_HIDDEN_NOTICE`). While titles are hidden, Zoom
and Teams windows are found by their app's name alone (`owner_only_kind`).

Written against Apple's documentation; it cannot run on the Linux machines the tests use.
The decisions are pure functions of plain values (`window_from_entry`, `owner_only_kind`,
`ScreenCaptureAccess.check`), tested there with tables.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Mapping
from typing import Any

from companion.capture.windows import WindowInfo
from companion.errors import InputError
from companion.model import Box

log = logging.getLogger(__name__)

OWNER_ONLY_KINDS: Mapping[str, str] = {
    "zoom.us": "zoom",
    "microsoft teams": "teams",
    "microsoft teams (work or school)": "teams",
    "microsoft teams classic": "teams",
    "msteams": "teams",
}
"""Meeting apps by the name macOS gives their windows' owner (lower case).

Google Meet is missing on purpose: it runs in a browser tab, and the browser's name says
nothing about which page a window shows, so Meet cannot be told from the owner alone.
"""

TITLES_HIDDEN_NOTICE = (
    "macOS hides window titles until Companion has Screen Recording permission: allow it "
    "(or the terminal you start it from) in System Settings > Privacy & Security > Screen "
    "Recording, then quit and restart Companion. Until then only Zoom and Teams are found, "
    "by app name; a Meet call in a browser cannot be."
)
"""What the log says, once a process, when titles are hidden."""

TITLES_HIDDEN_NOTE = "Window titles are hidden: allow Screen Recording, then restart Companion"
"""The same, short enough for the panel's status (`QuartzLister.notice`)."""

GRANTED = "granted"
NEWLY_REFUSED = "newly refused"
"""Refused, seen for the first time in this process: macOS was asked; tell the user."""
REFUSED = "refused"


class ScreenCaptureAccess:
    """Whether this process may read other apps' window titles; asks macOS once a process."""

    def __init__(self) -> None:
        self.asked = False

    def check(
        self,
        preflight: Callable[[], object] | None,
        request: Callable[[], object] | None,
    ) -> str:
        """`GRANTED`, `NEWLY_REFUSED` (the first refusal in this process) or `REFUSED`.

        ``preflight`` and ``request`` are CGPreflightScreenCaptureAccess and
        CGRequestScreenCaptureAccess, None where pyobjc or macOS lacks them (before
        macOS 10.15 there is no such permission: that counts as granted). The request
        shows macOS's prompt (at most once ever), so it is made only on the first refusal.
        """
        if preflight is None or bool(preflight()):
            return GRANTED
        if self.asked:
            return REFUSED
        self.asked = True
        if request is not None and bool(request()):
            return GRANTED
        return NEWLY_REFUSED


SCREEN_CAPTURE = ScreenCaptureAccess()
"""The process's one record of having asked (listers come and go; the prompt should not)."""


def owner_only_kind(title: str, owner: str) -> str | None:
    """``zoom`` or ``teams`` for an untitled window of that app (`OWNER_ONLY_KINDS`).

    For use only while macOS hides titles: a window with a title is judged by its title,
    so this says None for it.
    """
    if title.strip():
        return None
    return OWNER_ONLY_KINDS.get(owner.strip().casefold())


def window_from_entry(entry: Mapping[str, Any]) -> WindowInfo | None:
    """One CGWindowListCopyWindowInfo entry as a `WindowInfo`.

    None for windows off the normal layer (menus, the dock, status items) and for those
    smaller than 2 points. Windows off screen (minimised, on another Space) are marked
    minimised; a window of alpha 0 is see-through, so it never counts as covering.
    """
    if int(entry.get("kCGWindowLayer", 0)) != 0:
        return None
    bounds = entry.get("kCGWindowBounds") or {}
    box = Box(
        float(bounds.get("X", 0)),
        float(bounds.get("Y", 0)),
        float(bounds.get("Width", 0)),
        float(bounds.get("Height", 0)),
    )
    if box.w < 2 or box.h < 2:
        return None
    return WindowInfo(
        id=int(entry.get("kCGWindowNumber", 0)),
        title=str(entry.get("kCGWindowName") or ""),
        owner=str(entry.get("kCGWindowOwnerName") or ""),
        pid=int(entry.get("kCGWindowOwnerPID", 0)),
        box=box,
        frame=box,
        minimized=not bool(entry.get("kCGWindowIsOnscreen", False)),
        see_through=float(entry.get("kCGWindowAlpha", 1.0)) <= 0.0,
    )


class QuartzLister:
    """Lists normal-layer windows, bottom first; bounds are in points (what mss uses).

    ``titles_hidden`` is True when macOS refused Screen Recording permission when the
    lister started; ``notice`` then says what to do, in short (`TITLES_HIDDEN_NOTE`; the
    log gets `TITLES_HIDDEN_NOTICE` once a process).
    """

    def __init__(self, access: ScreenCaptureAccess = SCREEN_CAPTURE) -> None:
        try:
            quartz = importlib.import_module("Quartz")
        except ImportError as exc:
            raise InputError(
                "finding windows on macOS needs pyobjc-framework-Quartz "
                "(pip install pyobjc-framework-Quartz)"
            ) from exc
        self._quartz: Any = quartz
        state = access.check(
            getattr(quartz, "CGPreflightScreenCaptureAccess", None),
            getattr(quartz, "CGRequestScreenCaptureAccess", None),
        )
        self.titles_hidden = state != GRANTED
        self.notice: str | None = TITLES_HIDDEN_NOTE if self.titles_hidden else None
        if state == NEWLY_REFUSED:
            log.warning("%s", TITLES_HIDDEN_NOTICE)

    def windows(self) -> list[WindowInfo]:
        """Windows of the normal layer, minimised or on another Space marked as such."""
        q = self._quartz
        options = q.kCGWindowListOptionAll | q.kCGWindowListExcludeDesktopElements
        entries = q.CGWindowListCopyWindowInfo(options, q.kCGNullWindowID) or []
        found = [info for entry in entries if (info := window_from_entry(entry)) is not None]
        found.reverse()  # Quartz lists front to back
        return found

    def close(self) -> None:
        """Nothing to release."""
