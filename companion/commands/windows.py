"""``companion windows``: the meeting windows companion can attach to, with their geometry."""

from __future__ import annotations

import argparse
import sys

from companion.cli import say


def handle(args: argparse.Namespace) -> int:
    """Print one line per meeting window (every window with ``--all``)."""
    from companion.capture.windows import open_lister
    from companion.capture.windows.matching import meeting_kind

    lister = open_lister()
    try:
        windows = lister.windows()
    finally:
        lister.close()
    shown = 0
    for w in reversed(windows):
        kind = meeting_kind(w.title, w.owner)
        if kind is None and not args.all:
            continue
        shown += 1
        b = w.box
        state = " (minimised)" if w.minimized else ""
        sys.stdout.write(
            f"{kind or '-':6} {b.x:.0f},{b.y:.0f},{b.w:.0f},{b.h:.0f}  "
            f"{w.title!r}  [{w.owner or '?'} pid {w.pid}]{state}\n"
        )
    if not shown:
        say(
            "companion: no meeting window found (Zoom Meeting, Zoom Webinar, Google Meet, "
            "Teams); 'companion windows --all' lists every window"
        )
    return 0
