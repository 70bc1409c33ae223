"""The live loop without Qt: capture -> Pipeline -> CueEngine -> Prompter -> events.

`LiveSession.step` is pure (time comes from the frame). `LiveRunner.run` is the loop a
worker thread runs: it asks its `CaptureTarget` where to look, grabs one fresh frame when
the previous one is done (a slow frame means fewer frames, never a queue), and publishes
only the latest `LiveUpdate` through a `Mailbox`. The Qt overlay and the headless
``companion run --headless`` share it.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any, Protocol

from companion.capture.windows.follow import WATCHING, CaptureTarget, TargetState
from companion.errors import CompanionError
from companion.model import Box, Cluster, CueEvent, Face, Frame, Participant, Prompt
from companion.pipeline import Pipeline, StepResult
from companion.prompts.session import CheckInTally
from companion.settings import Settings

log = logging.getLogger(__name__)

PACING: dict[str, tuple[int, float]] = {
    "rare": (2, 300.0),
    "often": (8, 90.0),
}
"""Cards per ten minutes and seconds between cards about one person, for each
``Settings.pacing`` choice other than ``normal`` (the prompter's defaults)."""

ME_TILE_SCALE = (2.6, 2.0)
"""A face box grown by this much (width, height) covers its tile when no tile was found."""


class CueUpdateLike(Protocol):
    """What `companion.cues.engine.CueUpdate` carries."""

    events: list[CueEvent]
    clusters: list[Cluster]
    ready: dict[str, bool]


class CueEngineLike(Protocol):
    """The seam of `companion.cues.engine.CueEngine`."""

    def update(self, t: float, faces: Mapping[str, Face]) -> Any:
        """Feed faces landmarked at ``t``; returns a CueUpdate."""
        ...

    def forget(self, participant_id: str) -> None:
        """Drop a participant's state."""
        ...


class PrompterLike(Protocol):
    """The seam of `companion.prompts.pacing.Prompter`."""

    def offer(self, cluster: Cluster, t: float) -> Prompt | None:
        """A prompt for ``cluster`` unless pacing holds it back."""
        ...

    def baselines(self, ready: Mapping[str, bool], t: float) -> None:
        """Which participants' baselines are ready."""
        ...

    def forget(self, participant_id: str) -> None:
        """A participant left."""
        ...

    def dismiss(self, t: float) -> bool:
        """The user closed the card."""
        ...

    def not_now(self, t: float) -> bool:
        """The user asked for quiet for a while."""
        ...

    def acted_on(self, t: float) -> bool:
        """The user took the card's idea up."""
        ...

    def snooze(self, minutes: float, t: float) -> bool:
        """No cards for ``minutes``."""
        ...

    def resume(self, t: float) -> None:
        """End a snooze early."""
        ...

    def end(self, t: float) -> CheckInTally:
        """The call ended: the user's own check-ins in it."""
        ...

    @property
    def tally(self) -> CheckInTally:
        """The user's own check-ins so far."""
        ...


@dataclass(frozen=True)
class Seen:
    """A participant as the overlay needs it: id and face box in screen coordinates."""

    id: str
    box: Box


@dataclass(frozen=True)
class LiveResult:
    """What one frame produced."""

    t: float
    region: Box
    participants: tuple[Seen, ...]
    events: tuple[CueEvent, ...] = ()
    clusters: tuple[Cluster, ...] = ()
    prompt: Prompt | None = None
    tiles: tuple[Box, ...] = ()
    """Gallery tiles (video rectangles) in screen coordinates, when the frame is a gallery."""


class LiveSession:
    """Runs one frame through the pipeline, the cue engine and the prompter.

    ``engine`` and ``prompter`` may be None (participants only). Settings decide which
    patterns may prompt. The user's own tile (`mark_me`) is kept out of face finding
    through ``PipelineConfig.exclude`` and out of everything reported.
    """

    def __init__(
        self,
        pipeline: Pipeline,
        engine: CueEngineLike | None = None,
        prompter: PrompterLike | None = None,
        settings: Settings | None = None,
    ) -> None:
        self.pipeline = pipeline
        self.engine = engine
        self.prompter = prompter
        self.settings = settings or Settings()
        self._boxes: dict[str, Box] = {}
        self._known: set[str] = set()
        self._last_t = -float("inf")
        self._tiles: tuple[Box, ...] = ()
        self.update_settings(self.settings)

    def step(self, frame: Frame) -> LiveResult:
        """Analyse one frame."""
        result = self.pipeline.step(frame)
        self._last_t = max(self._last_t, result.t)
        kept = result.participants
        self._boxes = {p.id: p.box for p in kept}
        self._forget_gone(set(self._boxes))
        events, clusters, prompt = self._cues(result, result.faces)
        seen = tuple(Seen(p.id, to_screen(p.box, frame)) for p in _by_id(kept))
        self._tiles = result.tiles if len(result.tiles) > 1 else ()
        tiles = tuple(to_screen(b, frame) for b in self._tiles)
        return LiveResult(result.t, frame.region, seen, events, clusters, prompt, tiles)

    def mark_me(self, participant_id: str | None) -> Box | None:
        """Exclude ``participant_id``'s tile from analysis (None clears it).

        Returns the excluded region in frame pixels, or None.
        """
        box = self._boxes.get(participant_id) if participant_id is not None else None
        if box is None:
            self.pipeline.config.exclude = ()
            return None
        found = next((b for b in self._tiles if b.contains_point(box.cx, box.cy)), None)
        if found is not None:
            self.pipeline.config.exclude = (found,)
            return found
        sw, sh = ME_TILE_SCALE
        tile = Box(
            max(0.0, box.cx - box.w * sw / 2),
            max(0.0, box.cy - box.h * sh / 2),
            box.w * sw,
            box.h * sh,
        )
        self.pipeline.config.exclude = (tile,)
        return tile

    def set_focus(self, participant_id: str | None) -> None:
        """The participant the user is talking to, sampled at full rate (None: automatic)."""
        self.pipeline.focus = participant_id

    def update_settings(self, settings: Settings) -> None:
        """Apply new settings: the CPU budget at once; a new context gets a new prompter,
        a new sensitivity a new cue engine (baselines are learned again).
        """
        old, self.settings = self.settings, settings
        scheduler = self.pipeline.config.scheduler
        if scheduler.budget_cores is not None:  # None: an offline pipeline, no limit wanted
            scheduler.budget_cores = settings.cpu_budget * (os.cpu_count() or 1)
        if settings.context != old.context and self.prompter is not None:
            self.prompter = open_prompter(settings)
        if settings.sensitivity != old.sensitivity and self.engine is not None:
            self.engine = open_engine(settings)

    def dismiss(self, t: float) -> None:
        """The user closed the prompt card at ``t`` (never earlier than the last frame)."""
        if self.prompter is not None:
            self.prompter.dismiss(max(t, self._last_t))

    def not_now(self, t: float) -> None:
        """The user pressed "not now" on the card."""
        if self.prompter is not None:
            self.prompter.not_now(max(t, self._last_t))

    def acted_on(self, t: float) -> None:
        """The user pressed "I asked" on the card."""
        if self.prompter is not None:
            self.prompter.acted_on(max(t, self._last_t))

    def snooze(self, minutes: float, t: float) -> None:
        """No check-in ideas for ``minutes`` (closes a card that is showing)."""
        if self.prompter is not None:
            self.prompter.snooze(minutes, max(t, self._last_t))

    def resume_ideas(self, t: float) -> None:
        """Check-in ideas may come again (ends a snooze)."""
        if self.prompter is not None:
            self.prompter.resume(max(t, self._last_t))

    def checkins(self) -> CheckInTally | None:
        """The user's own check-ins in this call so far (None without a prompter)."""
        return self.prompter.tally if self.prompter is not None else None

    def end_call(self, t: float) -> CheckInTally | None:
        """The call ended at ``t``: its check-ins; the next call starts a fresh prompter."""
        if self.prompter is None:
            return None
        tally = self.prompter.end(max(t, self._last_t))
        self.prompter = open_prompter(self.settings)
        return tally

    def _forget_gone(self, kept: set[str]) -> None:
        for gone in self._known - kept:
            if self.engine is not None:
                self.engine.forget(gone)
            if self.prompter is not None:
                self.prompter.forget(gone)
        self._known = set(kept)

    def _cues(
        self, result: StepResult, faces: Mapping[str, Face]
    ) -> tuple[tuple[CueEvent, ...], tuple[Cluster, ...], Prompt | None]:
        if self.engine is None:
            return (), (), None
        update: CueUpdateLike = self.engine.update(result.t, faces)
        prompt = None
        if self.prompter is not None:
            self.prompter.baselines(update.ready, result.t)
        for cluster in update.clusters:
            if prompt is None and self.prompter is not None and self._may_prompt(cluster):
                prompt = self.prompter.offer(cluster, result.t)
        return tuple(update.events), tuple(update.clusters), prompt

    def _may_prompt(self, cluster: Cluster) -> bool:
        return self.settings.pattern_enabled(cluster.pattern) and (
            cluster.participant in self._known
        )


def to_screen(box: Box, frame: Frame) -> Box:
    """A box in frame pixels as screen (capture) coordinates."""
    r = frame.region
    sx, sy = r.w / frame.width, r.h / frame.height
    return Box(r.x + box.x * sx, r.y + box.y * sy, box.w * sx, box.h * sy)


def _by_id(participants: Sequence[Participant]) -> list[Participant]:
    return sorted(participants, key=lambda p: (len(p.id), p.id))


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


class EventsLog:
    """The events JSONL of ``companion run --events-jsonl`` (see DESIGN.md).

    Each line has ``type`` and ``t`` (seconds since the run started). Boxes are in screen
    coordinates. A ``participants`` line is written whenever the set of ids changes or the
    captured region moves; a ``target`` line whenever the window state or region changes.
    """

    def __init__(self, handle: IO[str], t0: float) -> None:
        self._handle = handle
        self._t0 = t0
        self._lock = threading.Lock()
        self._last_ids: tuple[str, ...] | None = None
        self._last_region: Box | None = None
        self._last_target: tuple[str, Box | None] | None = None

    def target(self, t: float, state: TargetState) -> None:
        """Log a change of the window state or region."""
        key = (state.status, state.region)
        if key == self._last_target:
            return
        self._last_target = key
        line: dict[str, Any] = {"type": "target", "status": state.status}
        if state.region is not None:
            line["region"] = state.region.as_list(0)
        if state.window is not None:
            line["title"] = state.window.title
        self._write(t, line)

    def result(self, result: LiveResult) -> None:
        """Log participants (when changed), events, clusters and the prompt of one frame."""
        ids = tuple(p.id for p in result.participants)
        if ids != self._last_ids or result.region != self._last_region:
            self._last_ids, self._last_region = ids, result.region
            self._write(
                result.t,
                {
                    "type": "participants",
                    "count": len(ids),
                    "region": result.region.as_list(0),
                    "participants": [
                        {"id": p.id, "box": p.box.as_list()} for p in result.participants
                    ],
                },
            )
        for e in result.events:
            self._write(
                result.t,
                {
                    "type": "event",
                    "participant": e.participant,
                    "cue": e.cue,
                    "start_s": self._rel(e.start),
                    "end_s": self._rel(e.end),
                    "peak_s": self._rel(e.peak),
                    "strength": round(e.strength, 3),
                    "micro": e.micro,
                },
            )
        for c in result.clusters:
            self._write(
                result.t,
                {
                    "type": "cluster",
                    "participant": c.participant,
                    "pattern": c.pattern,
                    "cues": list(c.cues),
                    "start_s": self._rel(c.start),
                    "end_s": self._rel(c.end),
                },
            )
        if result.prompt is not None:
            p = result.prompt
            line = {"type": "prompt", "participant": p.participant, "pattern": p.pattern}
            self._write(result.t, {**line, "text": p.text, "detail": p.detail})

    def note(self, t: float, kind: str, **fields: Any) -> None:
        """Any other line (``pause``, ``error``, ...)."""
        self._write(t, {"type": kind, **fields})

    def _rel(self, t: float) -> float:
        return round(t - self._t0, 3)

    def _write(self, t: float, line: dict[str, Any]) -> None:
        line = {"type": line["type"], "t": self._rel(t), **line}
        with self._lock:  # the worker and the UI (pause, resume) both write
            self._handle.write(json.dumps(line) + "\n")
            self._handle.flush()


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
                next_poll = now + self.config.poll_interval_s
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
            TargetState(state.status, result.region, state.window),
            participants=result.participants,
            prompt=result.prompt,
            prompt_box=box,
            frames=frames,
            analysed_fps=fps,
            tiles=result.tiles,
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


def open_cues(settings: Settings) -> tuple[CueEngineLike, PrompterLike]:
    """The cue engine (packaged rules) and the prompter for ``settings``."""
    return open_engine(settings), open_prompter(settings)


def open_engine(settings: Settings) -> CueEngineLike:
    """The cue engine with the packaged rules at the chosen sensitivity."""
    from companion.cues.engine import CueConfig, CueEngine

    return CueEngine(rules=None, config=CueConfig().with_sensitivity(settings.sensitivity))


def open_prompter(settings: Settings) -> PrompterLike:
    """The prompter for ``settings``' context and pacing choice."""
    from companion.prompts.pacing import PacingConfig, Prompter

    config = PacingConfig()
    if settings.pacing in PACING:
        per_ten, cooldown = PACING[settings.pacing]
        config = replace(config, max_per_ten_minutes=per_ten, participant_cooldown_s=cooldown)
    return Prompter(context=settings.context, config=config)


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


def open_events(path: Path | None) -> IO[str] | None:
    """The events file opened for writing (line-buffered), or None."""
    if path is None:
        return None
    from companion.atomic import check_writable

    check_writable(path)
    return path.open("w", encoding="utf-8", buffering=1)
