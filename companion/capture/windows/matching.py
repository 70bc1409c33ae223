"""Which windows are meetings: by title, checked against the owning application."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from companion.capture.windows import WindowInfo

_ZOOM_CALL = re.compile(r"^zoom (meeting|webinar)\b", re.IGNORECASE)
_MEET_CALL = re.compile(r"^meet - |google meet", re.IGNORECASE)
_TEAMS_CALL = re.compile(
    r"^(meeting|call)\b.*microsoft teams|microsoft teams.*\b(meeting|call)\b", re.I
)
_BROWSERS = (
    "chrome",
    "chromium",
    "firefox",
    "msedge",
    "edge",
    "brave",
    "safari",
    "opera",
    "vivaldi",
    "arc",
)

WindowMatcher = Callable[[WindowInfo], bool]


def meeting_kind(title: str, owner: str) -> str | None:
    """``zoom``, ``meet`` or ``teams`` for a window showing a call; None otherwise.

    Zoom's idle home window ("Zoom Workplace", "Zoom") is not a call. Meet runs in a
    browser, so its title must come from one when the owner is known.
    """
    title = title.strip()
    owner_l = owner.lower()
    if _ZOOM_CALL.match(title):
        return "zoom"
    if _MEET_CALL.search(title) and (not owner_l or any(b in owner_l for b in _BROWSERS)):
        return "meet"
    if _TEAMS_CALL.search(title):
        return "teams"
    return None


def title_matcher(text: str) -> WindowMatcher:
    """Windows whose title contains ``text``, ignoring case."""
    wanted = text.casefold()
    return lambda w: wanted in w.title.casefold()


def meeting_matcher(window: WindowInfo) -> bool:
    """Windows that show a Zoom, Meet or Teams call."""
    return meeting_kind(window.title, window.owner) is not None


def best_match(
    windows: Sequence[WindowInfo], matcher: WindowMatcher, ignore_pids: frozenset[int]
) -> WindowInfo | None:
    """The largest matching window not owned by an ignored process (our own overlay)."""
    found = [w for w in windows if w.pid not in ignore_pids and matcher(w)]
    if not found:
        return None
    return max(found, key=lambda w: (not w.minimized, w.box.area))
