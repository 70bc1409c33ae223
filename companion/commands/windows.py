"""``companion windows``: the meeting windows companion can attach to, with their geometry."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from companion.cli import say

if TYPE_CHECKING:
    from companion.capture.windows import WindowInfo, WindowLister

NOTHING_FOUND = (
    "companion: no meeting window found (Zoom: the call window, titled in any of Zoom's "
    'languages; Meet: a browser window whose tab is "Meet - <code or name>"; Teams: '
    '"<subject or name> | Microsoft Teams", not its own pages); '
    "'companion windows --all' lists every window"
)
"""What `handle` says when no window is a call (user-guide.md's table has the details)."""


def handle(args: argparse.Namespace) -> int:
    """Print one line per meeting window (every window with ``--all``)."""
    from companion.capture.windows import open_lister

    lister = open_lister()
    try:
        windows = lister.windows()
    finally:
        lister.close()
    notice = getattr(lister, "notice", None)
    if notice:
        say(f"companion: {notice}")
    rows = listed(windows, lister, show_all=args.all)
    for kind, w in rows:
        b = w.box
        state = " (minimised)" if w.minimized else ""
        sys.stdout.write(
            f"{kind or '-':6} {b.x:.0f},{b.y:.0f},{b.w:.0f},{b.h:.0f}  "
            f"{w.title!r}  [{w.owner or '?'} pid {w.pid}]{state}\n"
        )
    if not rows:
        say(NOTHING_FOUND)
    return 0


def listed(
    windows: Sequence[WindowInfo], lister: WindowLister, show_all: bool = False
) -> list[tuple[str | None, WindowInfo]]:
    """The windows to print, top of the stacking order first, each with its meeting kind.

    A window is a meeting as the follower judges it (`matcher_for`): while the lister says
    ``titles_hidden`` (macOS without Screen Recording permission) an untitled Zoom or Teams
    window counts by its owner. ``show_all`` keeps the rest too, with kind None.
    """
    from companion.capture.windows.follow import matcher_for
    from companion.capture.windows.macos import owner_only_kind
    from companion.capture.windows.matching import meeting_kind, meeting_matcher

    hidden = bool(getattr(lister, "titles_hidden", False))
    matcher = matcher_for(meeting_matcher, hidden)
    rows: list[tuple[str | None, WindowInfo]] = []
    for w in reversed(windows):
        kind = None
        if matcher(w):
            kind = meeting_kind(w.title, w.owner) or owner_only_kind(w.title, w.owner)
        if kind is not None or show_all:
            rows.append((kind, w))
    return rows
