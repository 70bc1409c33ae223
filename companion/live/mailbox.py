"""The one-slot box that carries the latest `LiveUpdate` from the worker to the UI."""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass

from companion.capture.windows.follow import TargetState
from companion.live.session import Seen
from companion.model import Box, Prompt


@dataclass(frozen=True)
class LiveUpdate:
    """What the overlay shows: the latest state, never a backlog."""

    target: TargetState
    paused: bool = False
    participants: tuple[Seen, ...] = ()
    prompt: Prompt | None = None
    prompt_box: Box | None = None
    """The prompted participant's face box in screen coordinates."""
    frames: int = 0
    analysed_fps: float = 0.0
    error: str | None = None
    tiles: tuple[Box, ...] = ()
    me_tile: Box | None = None
    """The user's own tile in screen coordinates (see `LiveResult.me_tile`)."""


class Mailbox:
    """A one-slot box between the worker and the UI: a new update replaces the old one.

    A prompt is the one thing not to lose: an untaken prompt stays until the UI takes
    it, even when newer updates without one replace the rest.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._update: LiveUpdate | None = None

    def put(self, update: LiveUpdate) -> None:
        """Replace the waiting update, keeping an untaken prompt."""
        with self._lock:
            old = self._update
            if old is not None and old.prompt is not None and update.prompt is None:
                update = _with_prompt(update, old.prompt, old.prompt_box)
            if old is not None and old.error is not None and update.error is None:
                update = _with_error(update, old.error)
            self._update = update

    def take(self) -> LiveUpdate | None:
        """The latest update since the last take, or None."""
        with self._lock:
            update, self._update = self._update, None
            return update


def _with_prompt(update: LiveUpdate, prompt: Prompt, box: Box | None) -> LiveUpdate:
    return dataclasses.replace(update, prompt=prompt, prompt_box=box)


def _with_error(update: LiveUpdate, error: str) -> LiveUpdate:
    return dataclasses.replace(update, error=error)
