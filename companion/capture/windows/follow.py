"""Attach to a meeting window, follow it, pause while it is hidden, let go when it closes.

Pure logic over a `WindowLister`, so tests drive it with tables of window lists.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, cast

import numpy as np

from companion.capture.windows import WindowInfo, WindowLister
from companion.capture.windows.macos import owner_only_kind
from companion.capture.windows.matching import WindowMatcher, best_match, meeting_matcher
from companion.model import Box

SEARCHING = "searching"
CONFIRMING = "confirming"
WATCHING = "watching"
MINIMIZED = "minimized"
COVERED = "covered"
CLOSED = "closed"


@dataclass(frozen=True)
class TargetState:
    """Where to capture now, or why not.

    ``region`` is set only while ``status`` is `WATCHING`.
    """

    status: str
    region: Box | None = None
    window: WindowInfo | None = None
    note: str | None = None
    """What the user should know meanwhile (macOS hiding window titles), or None."""

    @property
    def watching(self) -> bool:
        """Whether frames should be captured now."""
        return self.status == WATCHING and self.region is not None

    def describe(self) -> str:
        """One short line for the status display, and the note on a second line."""
        name = "the meeting window"
        if self.window is not None and self.window.title:
            name = f'"{self.window.title}"'
        elif self.window is not None and self.window.owner:
            name = f"the {self.window.owner} window"  # macOS without titles
        line = {
            SEARCHING: "Looking for a meeting window",
            CONFIRMING: f"Found {name}, checking it stays",
            WATCHING: f"Watching {name}" if self.window else "Watching the chosen region",
            MINIMIZED: f"Paused: {name} is minimised",
            COVERED: f"Paused: {name} is covered by another window",
            CLOSED: f"{name} closed; looking for a meeting window",
        }.get(self.status, self.status)
        return f"{line}\n{self.note}" if self.note else line


class CaptureTarget(Protocol):
    """Something that says, each time it is asked, which screen rectangle to capture."""

    def poll(self) -> TargetState:
        """The state now."""
        ...

    def close(self) -> None:
        """Release window-system resources."""
        ...


class FixedRegion:
    """A rectangle the user chose; always watched."""

    def __init__(self, region: Box) -> None:
        if region.w < 1 or region.h < 1:
            raise ValueError(f"capture region is empty: {region}")
        self.region = region

    def poll(self) -> TargetState:
        """Always `WATCHING` this rectangle."""
        return TargetState(WATCHING, self.region)

    def close(self) -> None:
        """Nothing to release."""


class WindowFollower:
    """Finds the meeting window and tracks it across polls.

    A window must match on ``confirm_polls`` polls in a row before it is attached, so a
    window that flashes past (a notification, a menu) is not picked. Once attached it is
    followed by its id: moves and resizes update the region; minimised or mostly covered
    (more than ``covered_limit`` of its area under other windows) pauses; gone detaches and
    the search starts again. Windows of ``ignore_pids`` (our own overlay) never match and
    never count as covering, nor do see-through windows (`WindowInfo.see_through`).

    A lister that says ``titles_hidden`` (macOS without Screen Recording permission) makes
    meeting matching fall back on the owner (`matcher_for`), and its ``notice`` goes with
    every state.
    """

    def __init__(
        self,
        lister: WindowLister,
        matcher: WindowMatcher,
        confirm_polls: int = 3,
        covered_limit: float = 0.5,
        ignore_pids: frozenset[int] | None = None,
    ) -> None:
        self._lister = lister
        self._matcher = matcher_for(matcher, bool(getattr(lister, "titles_hidden", False)))
        self.note = cast("str | None", getattr(lister, "notice", None))
        self.confirm_polls = max(1, confirm_polls)
        self.covered_limit = covered_limit
        self.ignore_pids = ignore_pids if ignore_pids is not None else frozenset({os.getpid()})
        self._attached: int | None = None
        self._candidate: int | None = None
        self._seen = 0

    @property
    def attached(self) -> int | None:
        """The id of the window being followed, if any."""
        return self._attached

    def poll(self) -> TargetState:
        """Ask the window system once and return the new state."""
        windows = self._lister.windows()
        if self._attached is not None:
            return self._follow(windows, self._attached)
        return self._search(windows)

    def close(self) -> None:
        """Close the lister."""
        self._lister.close()

    def _search(self, windows: Sequence[WindowInfo]) -> TargetState:
        found = best_match(windows, self._matcher, self.ignore_pids)
        if found is None:
            self._candidate, self._seen = None, 0
            return self._state(SEARCHING)
        if found.id == self._candidate:
            self._seen += 1
        else:
            self._candidate, self._seen = found.id, 1
        if self._seen < self.confirm_polls:
            return self._state(CONFIRMING, window=found)
        self._attached = found.id
        return self._follow(windows, found.id)

    def _follow(self, windows: Sequence[WindowInfo], wid: int) -> TargetState:
        index = next((i for i, w in enumerate(windows) if w.id == wid), None)
        if index is None:
            self._attached, self._candidate, self._seen = None, None, 0
            return self._state(CLOSED)
        window = windows[index]
        if window.minimized:
            return self._state(MINIMIZED, window=window)
        above = [
            w.frame
            for w in windows[index + 1 :]
            if w.pid not in self.ignore_pids and not w.minimized and not w.see_through
        ]
        if covered_fraction(window.box, above) > self.covered_limit:
            return self._state(COVERED, window=window)
        return self._state(WATCHING, window.box, window)

    def _state(
        self, status: str, region: Box | None = None, window: WindowInfo | None = None
    ) -> TargetState:
        return TargetState(status, region, window, self.note)


def matcher_for(matcher: WindowMatcher, titles_hidden: bool) -> WindowMatcher:
    """The matcher to use: ``matcher``, or meeting matching by owner while titles are hidden.

    Only `meeting_matcher` falls back (`with_owner_fallback`): a title the user asked
    for (``--attach``) cannot be checked without titles, so nothing matches it then.
    """
    if titles_hidden and matcher is meeting_matcher:
        return with_owner_fallback(matcher)
    return matcher


def with_owner_fallback(matcher: WindowMatcher) -> WindowMatcher:
    """``matcher``, and untitled windows of Zoom or Teams by their owner (`owner_only_kind`)."""

    def match(window: WindowInfo) -> bool:
        return matcher(window) or owner_only_kind(window.title, window.owner) is not None

    return match


def covered_fraction(box: Box, covers: Sequence[Box], cell: float = 8.0) -> float:
    """Fraction of ``box`` under the union of ``covers`` (on a grid of ``cell`` pixels)."""
    if box.area <= 0:
        return 0.0
    cols = max(1, int(np.ceil(box.w / cell)))
    rows = max(1, int(np.ceil(box.h / cell)))
    mask = np.zeros((rows, cols), dtype=bool)
    sx, sy = cols / box.w, rows / box.h
    for c in covers:
        x0 = int(np.floor((c.x - box.x) * sx))
        x1 = int(np.ceil((c.x + c.w - box.x) * sx))
        y0 = int(np.floor((c.y - box.y) * sy))
        y1 = int(np.ceil((c.y + c.h - box.y) * sy))
        x0, x1 = max(0, x0), min(cols, x1)
        y0, y1 = max(0, y0), min(rows, y1)
        if x0 < x1 and y0 < y1:
            mask[y0:y1, x0:x1] = True
    return float(mask.mean())
