"""``companion run --headless``: the loop on a worker thread, without an overlay."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from companion.live.mailbox import LiveUpdate
from companion.live.runner import LiveRunner

HEADLESS_POLL_S = 0.2
"""How often a headless run looks at the loop's state."""


@dataclass(frozen=True)
class HeadlessOutcome:
    """How a headless run went."""

    last: LiveUpdate | None
    """The last update the loop published."""
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
    last: LiveUpdate | None = None
    watched = False
    error: str | None = None
    frames = 0
    shown = ""
    worker.start()
    try:
        while worker.is_alive() and (deadline is None or time.monotonic() < deadline):
            worker.join(HEADLESS_POLL_S)
            update = runner.mailbox.take()
            if update is None:
                continue
            last = update
            watched = watched or update.target.watching
            error = update.error or error
            frames = max(frames, update.frames)  # an error update carries no count
            line = update.target.describe()
            if line != shown and runner.failure is None:
                say(line)
                shown = line
    finally:
        stop.set()
        worker.join()
    final = runner.mailbox.take()
    if final is not None:
        last, frames, error = final, max(frames, final.frames), final.error or error
    return HeadlessOutcome(last, watched, frames, error)
