"""Top-level windows on macOS through Quartz window lists (pyobjc, imported lazily).

Window titles are visible to another app only once the user grants Screen Recording
permission (System Settings > Privacy & Security); without it titles are empty and only
the owning app's name can match. It cannot run on the Linux machines the tests use.
"""

from __future__ import annotations

import importlib
from typing import Any

from companion.capture.windows import WindowInfo
from companion.errors import InputError
from companion.model import Box


class QuartzLister:
    """Lists normal-layer windows, bottom first; bounds are in points (what mss uses)."""

    def __init__(self) -> None:
        try:
            quartz = importlib.import_module("Quartz")
        except ImportError as exc:
            raise InputError(
                "finding windows on macOS needs pyobjc-framework-Quartz "
                "(pip install pyobjc-framework-Quartz)"
            ) from exc
        self._quartz: Any = quartz

    def windows(self) -> list[WindowInfo]:
        """Windows of the normal layer, minimised or on another Space marked as such."""
        q = self._quartz
        options = q.kCGWindowListOptionAll | q.kCGWindowListExcludeDesktopElements
        entries = q.CGWindowListCopyWindowInfo(options, q.kCGNullWindowID) or []
        found: list[WindowInfo] = []
        for entry in entries:
            if int(entry.get("kCGWindowLayer", 0)) != 0:
                continue  # menus, the dock, status items
            bounds = entry.get("kCGWindowBounds") or {}
            box = Box(
                float(bounds.get("X", 0)),
                float(bounds.get("Y", 0)),
                float(bounds.get("Width", 0)),
                float(bounds.get("Height", 0)),
            )
            if box.w < 2 or box.h < 2:
                continue
            found.append(
                WindowInfo(
                    id=int(entry.get("kCGWindowNumber", 0)),
                    title=str(entry.get("kCGWindowName") or ""),
                    owner=str(entry.get("kCGWindowOwnerName") or ""),
                    pid=int(entry.get("kCGWindowOwnerPID", 0)),
                    box=box,
                    frame=box,
                    minimized=not bool(entry.get("kCGWindowIsOnscreen", False)),
                )
            )
        found.reverse()  # Quartz lists front to back
        return found

    def close(self) -> None:
        """Nothing to release."""
