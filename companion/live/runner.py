"""The worker loop: `LiveRunner` grabs one fresh frame at a time, steps a `LiveSession`
and publishes the latest `LiveUpdate`; `build_runner` wires it to the real capture and models.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from companion.capture.windows.follow import CONFIRMING, WATCHING, CaptureTarget, TargetState
from companion.errors import CompanionError
from companion.live.events_log import EventsLog
from companion.live.mailbox import LiveUpdate, Mailbox
from companion.live.session import LiveResult, LiveSession, open_cues
from companion.model import Box, Frame
from companion.settings import Settings

log = logging.getLogger(__name__)


class Grabber(Protocol):
    """Captures one screen rectangle into a frame (`ScreenGrabber` in real use)."""

    def grab(self, region: Box, masks: Sequence[Box] = ()) -> Frame | None:
        """One frame of ``region`` with ``masks`` painted over; None when off-screen."""
        ...

    def close(self) -> None:
        """Release the screen handle."""
        ...


@dataclass
class RunnerConfig:
    """How the loop paces itself."""

    max_fps: float = 20.0
    poll_interval_s: float = 0.5
    confirm_poll_s: float = 0.1
    """While a found window is being confirmed (`WindowFollower.confirm_polls` polls in a
    row), poll this often: it is watched once it has stayed a moment (0.2 s), not a second."""
    idle_sleep_s: float = 0.1


@dataclass
class _Controls:
    lock: threading.Lock = field(default_factory=threading.Lock)
    masks: tuple[Box, ...] = ()
    paused: bool = False
    retarget: Callable[[], CaptureTarget] | None = None


class LiveRunner:
    """The worker loop. Build it anywhere; call `run` in the thread that should own
    capture, the window lister and the models (all are created there and used only there).
    """

    def __init__(
        self,
        open_target: Callable[[], CaptureTarget],
        open_session: Callable[[], LiveSession],
        mailbox: Mailbox | None = None,
        events: EventsLog | None = None,
        config: RunnerConfig | None = None,
        clock: Callable[[], float] = time.monotonic,
        open_grabber: Callable[[Callable[[], float]], Grabber] | None = None,
    ) -> None:
        self._open_grabber = open_grabber
        self._faults: set[tuple[str, str]] = set()
        self.failure: Exception | None = None
        """Why the loop could not start or ended, once `run` returned."""
        self._open_target = open_target
        self._open_session = open_session
        self.mailbox = mailbox or Mailbox()
        self.events = events
        self.config = config or RunnerConfig()
        self._clock = clock
        self._controls = _Controls()
        self._commands: queue.SimpleQueue[Callable[[LiveSession], None]] = queue.SimpleQueue()

    def set_paused(self, paused: bool) -> None:
        """Stop or restart capturing (thread-safe)."""
        with self._controls.lock:
            self._controls.paused = paused

    @property
    def paused(self) -> bool:
        """Whether capturing is paused by the user."""
        with self._controls.lock:
            return self._controls.paused

    def set_target(self, open_target: Callable[[], CaptureTarget]) -> None:
        """Capture somewhere else from the next frame on (thread-safe)."""
        with self._controls.lock:
            self._controls.retarget = open_target

    def set_masks(self, masks: Sequence[Box]) -> None:
        """Screen rectangles of our own overlay, painted out of every frame (thread-safe)."""
        with self._controls.lock:
            self._controls.masks = tuple(masks)

    def call(self, command: Callable[[LiveSession], None]) -> None:
        """Run ``command(session)`` in the worker thread before the next frame."""
        self._commands.put(command)

    def run(self, stop: threading.Event) -> None:
        """Loop until ``stop`` is set.

        A failure to start (no window system, no model) is published once and ends the
        loop. A failure on one frame (a stage raising, a grab failing mid-capture) is
        logged and published once per kind, and the loop carries on with the next frame.
        """
        target: CaptureTarget | None = None
        session: LiveSession | None = None
        grabber = self._make_grabber()
        state = TargetState("searching")
        try:
            target = self._open_target()
            session = self._open_session()
            while not stop.is_set():
                target = self._loop(stop, target, session, grabber, state)
        except Exception as exc:
            self.failure = exc
            log.debug("live loop failed", exc_info=True)
            message = describe(exc)
            if self.events is not None:
                self.events.note(self._clock(), "error", message=message)
            self.mailbox.put(LiveUpdate(state, error=message))
        finally:
            grabber.close()
            if session is not None:
                session.pipeline.close()
            if target is not None:
                target.close()

    def _loop(
        self,
        stop: threading.Event,
        target: CaptureTarget,
        session: LiveSession,
        grabber: Any,
        state: TargetState,
    ) -> CaptureTarget:
        """Capture until stopped or told to look elsewhere; returns the target in use."""
        interval = 1.0 / self.config.max_fps
        next_poll = 0.0
        frames = 0
        rate = _Rate()
        while not stop.is_set():
            self._run_commands(session, state)
            now = self._clock()
            if now >= next_poll:
                state = target.poll()
                confirming = state.status == CONFIRMING
                wait = self.config.confirm_poll_s if confirming else self.config.poll_interval_s
                next_poll = now + wait
                if self.events is not None:
                    self.events.target(now, state)
            with self._controls.lock:
                paused, masks = self._controls.paused, self._controls.masks
                retarget, self._controls.retarget = self._controls.retarget, None
            if retarget is not None:
                target.close()
                return retarget()
            if paused or state.status != WATCHING or state.region is None:
                self.mailbox.put(LiveUpdate(state, paused=paused, frames=frames))
                stop.wait(self.config.idle_sleep_s)
                continue
            started = self._clock()
            try:
                frame = grabber.grab(state.region, masks)
                result = session.step(frame) if frame is not None else None
            except Exception as exc:
                self._fault(exc, state)
                result = None
            if result is None:
                stop.wait(self.config.idle_sleep_s)
                continue
            frames += 1
            if self.events is not None:
                self.events.result(result)
            self.mailbox.put(self._update(state, result, frames, rate.tick(frame.t)))
            spare = interval - (self._clock() - started)
            if spare > 0:
                stop.wait(spare)
        return target

    def _make_grabber(self) -> Grabber:
        if self._open_grabber is not None:
            return self._open_grabber(self._clock)
        from companion.capture.screen import ScreenGrabber

        return ScreenGrabber(self._clock)

    def _fault(self, exc: Exception, state: TargetState) -> None:
        """One frame or command failed: say so once per kind of failure, then carry on."""
        message = describe(exc)
        key = (type(exc).__name__, str(exc))
        if key in self._faults:
            return
        self._faults.add(key)
        log.warning("a frame or command failed (%s); carrying on", message)
        log.info("frame failure details", exc_info=exc)
        if self.events is not None:
            self.events.note(self._clock(), "error", message=message, fatal=False)
        self.mailbox.put(LiveUpdate(state, error=message))

    def _run_commands(self, session: LiveSession, state: TargetState) -> None:
        while True:
            try:
                command = self._commands.get_nowait()
            except queue.Empty:
                return
            try:
                command(session)
            except Exception as exc:
                self._fault(exc, state)

    @staticmethod
    def _update(state: TargetState, result: LiveResult, frames: int, fps: float) -> LiveUpdate:
        box = None
        if result.prompt is not None:
            box = next(
                (p.box for p in result.participants if p.id == result.prompt.participant), None
            )
        return LiveUpdate(
            replace(state, region=result.region),
            participants=result.participants,
            prompt=result.prompt,
            prompt_box=box,
            frames=frames,
            analysed_fps=fps,
            tiles=result.tiles,
            me_tile=result.me_tile,
        )


def describe(exc: Exception) -> str:
    """One line for the user: our own errors as written, others with their kind."""
    if isinstance(exc, CompanionError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


class _Rate:
    """Frames per second over the last couple of seconds."""

    def __init__(self, window_s: float = 2.0) -> None:
        self._window = window_s
        self._times: list[float] = []

    def tick(self, t: float) -> float:
        self._times.append(t)
        self._times = [x for x in self._times if t - x <= self._window]
        if len(self._times) < 2:
            return 0.0
        return (len(self._times) - 1) / (self._times[-1] - self._times[0])


def build_runner(
    attach: str | None,
    region: Box | None,
    settings: Settings,
    events: EventsLog | None = None,
    mailbox: Mailbox | None = None,
) -> LiveRunner:
    """A runner that follows the window titled ``attach`` (any meeting window when None),
    or watches ``region``, with the real pipeline, cue engine and prompter.
    """
    from companion.capture.windows.follow import FixedRegion

    def open_target() -> CaptureTarget:
        if region is not None:
            return FixedRegion(region)
        return follow_window(attach)

    def open_session() -> LiveSession:
        from companion.vision.stack import open_pipeline

        engine, prompter = open_cues(settings)
        return LiveSession(open_pipeline(), engine, prompter, settings)

    return LiveRunner(open_target, open_session, mailbox, events)


def follow_window(attach: str | None) -> CaptureTarget:
    """A follower for the window whose title contains ``attach``, or any meeting window."""
    from companion.capture.windows import open_lister
    from companion.capture.windows.follow import WindowFollower
    from companion.capture.windows.matching import meeting_matcher, title_matcher

    matcher = title_matcher(attach) if attach else meeting_matcher
    return WindowFollower(open_lister(), matcher)
