"""``companion run --headless``: the loop on a worker thread, without an overlay."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from companion.live.runner import LiveRunner

HEADLESS_POLL_S = 0.2
"""How often a headless run looks at the loop's state."""


@dataclass(frozen=True)
class HeadlessOutcome:
    """How a headless run went."""

    watched: bool
    """Whether there was ever something to capture (a window was found, or a region given)."""
    frames: int
    """Frames analysed."""
    error: str | None
    """The last failure the loop reported, if any."""


def run_headless(
    runner: LiveRunner, exit_after: float | None, say: Callable[[str], None]
) -> HeadlessOutcome:
    """Run the loop on a worker thread until ``exit_after`` seconds pass (or Ctrl-C).

    ``say`` gets one line each time the capture target's state changes (looking for the
    window, watching it, paused because it is minimised ...), so a run without an overlay
    still shows what it is doing.
    """
    stop = threading.Event()
    worker = threading.Thread(target=runner.run, args=(stop,), name="companion-live")
    deadline = None if exit_after is None else time.monotonic() + exit_after
    watched = False
    error: str | None = None
    frames = 0
    shown = ""

    def take() -> None:
        nonlocal watched, error, frames, shown
        update = runner.mailbox.take()
        if update is None:
            return
        watched = watched or update.target.watching
        frames = max(frames, update.frames)  # an error update carries no count
        error = update.error or error  # each kind is also logged once, as it happens
        line = update.target.describe()
        if line != shown and runner.failure is None:
            say(line)
            shown = line

    worker.start()
    try:
        while worker.is_alive() and (deadline is None or time.monotonic() < deadline):
            worker.join(HEADLESS_POLL_S)
            take()
    finally:
        stop.set()
        worker.join()
    take()
    return HeadlessOutcome(watched, frames, error)
