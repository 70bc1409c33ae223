"""The Qt-free live loop: pipeline -> cue engine -> prompter -> events, on real clips."""

from __future__ import annotations

import io
import json
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from companion.capture.screen import MASK_RGB, paint_masks
from companion.capture.video import VideoFileSource
from companion.capture.windows.follow import (
    CONFIRMING,
    WATCHING,
    CaptureTarget,
    FixedRegion,
    TargetState,
)
from companion.cues.engine import CueEngine
from companion.errors import InputError
from companion.live import (
    EventsLog,
    LiveResult,
    LiveRunner,
    LiveSession,
    LiveUpdate,
    Mailbox,
    Seen,
    run_headless,
)
from companion.model import Box, Frame, Prompt
from companion.prompts.pacing import PacingConfig, Prompter
from companion.settings import Settings
from companion.vision.pipeline import PipelineConfig
from companion.vision.stack import open_pipeline

ClipPath = Callable[[str], Path]


def run_clip(path: Path, session: LiveSession, until_s: float) -> list[dict[str, object]]:
    out = io.StringIO()
    log = EventsLog(out, 0.0)
    with VideoFileSource(path) as source:
        for frame in source.frames():
            if frame.t > until_s:
                break
            log.result(session.step(frame))
    session.pipeline.close()
    return [json.loads(line) for line in out.getvalue().splitlines()]


def session_for(settings: Settings) -> LiveSession:
    prompter = Prompter(settings.context, PacingConfig(warmup_s=0.0, settle_s=0.0))
    return LiveSession(open_pipeline(PipelineConfig.offline()), CueEngine(), prompter, settings)


def test_a_clip_gives_participants_clusters_and_a_prompt(clip: ClipPath) -> None:
    # Labelled: a "masked" cluster at 3.8-5.9 s (and a tension one at 2.7-4.4 s).
    lines = run_clip(clip("liveportrait_d19.mp4"), session_for(Settings()), until_s=7.0)
    assert all(isinstance(line["t"], float | int) and "type" in line for line in lines)
    times = [float(line["t"]) for line in lines]  # type: ignore[arg-type]
    assert times == sorted(times)
    people = [line for line in lines if line["type"] == "participants"]
    assert people[-1]["count"] == 1
    assert [p["id"] for p in people[-1]["participants"]] == ["p1"]  # type: ignore[index,union-attr]
    assert len(people) <= 3, "participants lines only when the set changes"
    clusters = [line for line in lines if line["type"] == "cluster"]
    prompts = [line for line in lines if line["type"] == "prompt"]
    assert clusters, "the clip's labelled cluster moments gave no cluster at all"
    assert prompts
    for prompt in prompts:
        assert prompt["participant"] == "p1" and prompt["text"]
        same_step = [c for c in clusters if c["t"] == prompt["t"]]
        assert any(c["pattern"] == prompt["pattern"] for c in same_step)


def test_patterns_switched_off_are_reported_but_never_prompted(clip: ClipPath) -> None:
    off = replace(Settings(), patterns={"tension": False, "drop": False, "masked": False})
    lines = run_clip(clip("liveportrait_d19.mp4"), session_for(off), until_s=7.0)
    assert any(line["type"] == "cluster" for line in lines)
    assert not any(line["type"] == "prompt" for line in lines)


def test_this_is_me_keeps_a_participant_out(clip: ClipPath) -> None:
    session = LiveSession(open_pipeline(PipelineConfig.offline()))
    with VideoFileSource(clip("jctvc_FourPeople_1280x720_60.mp4")) as source:
        frames = source.frames()
        seen: LiveResult | None = None
        for frame in frames:
            seen = session.step(frame)
            if frame.t > 1.5:
                break
        assert seen is not None and len(seen.participants) >= 3
        me = seen.participants[0]
        excluded = session.mark_me(me.id)
        assert excluded is not None and excluded.contains_point(me.box.cx, me.box.cy)
        after = [session.step(f) for f, _ in zip(frames, range(30), strict=False)]
    session.pipeline.close()
    assert all(me.id not in {p.id for p in r.participants} for r in after)
    # the tile is still reported, in screen coordinates, for the overlay's "me" marker
    assert all(
        r.me_tile is not None and r.me_tile.contains_point(me.box.cx, me.box.cy) for r in after
    )
    for result in after:
        assert all(not excluded.contains_point(p.box.cx, p.box.cy) for p in result.participants)
    assert after[-1].participants, "the others are still watched"


def state(status: str = "watching") -> TargetState:
    return TargetState(status, Box(0, 0, 10, 10))


def test_mailbox_keeps_only_the_latest_but_never_loses_a_prompt() -> None:
    box = Mailbox()
    assert box.take() is None
    prompt = Prompt("p2", "tension", 3.0, "Good moment to ask: 'How does that land?'")
    box.put(LiveUpdate(state(), frames=1, prompt=prompt, prompt_box=Box(1, 2, 3, 4)))
    box.put(LiveUpdate(state(), frames=2))
    box.put(LiveUpdate(state(), frames=3, error="capture failed"))
    box.put(LiveUpdate(state(), frames=4))
    latest = box.take()
    assert latest is not None
    assert latest.frames == 4
    assert latest.prompt == prompt and latest.prompt_box == Box(1, 2, 3, 4)
    assert latest.error == "capture failed"
    assert box.take() is None


def test_events_log_writes_participants_on_change_or_move_and_targets_once() -> None:
    out = io.StringIO()
    log = EventsLog(out, 100.0)
    region = Box(10, 10, 640, 360)
    one = (Seen("p1", Box(20, 20, 50, 60)),)
    log.target(100.5, state())
    log.target(100.6, state())
    log.result(LiveResult(101.0, region, one))
    log.result(LiveResult(101.1, region, (Seen("p1", Box(22, 21, 50, 60)),)))  # a sway
    log.result(LiveResult(101.2, Box(50, 10, 640, 360), one))
    log.result(LiveResult(101.3, Box(50, 10, 640, 360), (Seen("p1", Box(400, 20, 50, 60)),)))
    lines = [json.loads(x) for x in out.getvalue().splitlines()]
    assert [x["type"] for x in lines] == ["target", "participants", "participants", "participants"]
    assert lines[1] == {
        "type": "participants",
        "t": 1.0,
        "count": 1,
        "region": [10.0, 10.0, 640.0, 360.0],
        "participants": [{"id": "p1", "box": [20.0, 20.0, 50.0, 60.0]}],
    }
    assert lines[2]["region"] == [50.0, 10.0, 640.0, 360.0]
    # The same person in another tile (the gallery reflowed): where they are now.
    assert lines[3]["participants"] == [{"id": "p1", "box": [400.0, 20.0, 50.0, 60.0]}]


def test_runner_reports_a_failure_once_and_stops() -> None:
    def no_window() -> CaptureTarget:
        raise InputError("cannot open the X display")

    out = io.StringIO()
    runner = LiveRunner(no_window, lambda: LiveSession(open_pipeline()), events=EventsLog(out, 0.0))
    finished = threading.Event()
    thread = threading.Thread(target=lambda: (runner.run(threading.Event()), finished.set()))
    thread.start()
    thread.join(timeout=60)
    assert finished.is_set()
    update = runner.mailbox.take()
    assert update is not None and update.error == "cannot open the X display"
    assert [json.loads(x)["type"] for x in out.getvalue().splitlines()] == ["error"]


def test_runner_while_paused_captures_nothing_but_obeys_commands() -> None:
    stop = threading.Event()
    calls: list[str] = []
    runner = LiveRunner(
        lambda: FixedRegion(Box(0, 0, 64, 64)), lambda: LiveSession(open_pipeline())
    )
    runner.set_paused(True)
    runner.call(lambda s: calls.append("ran"))
    runner.call(lambda s: stop.set())
    thread = threading.Thread(target=runner.run, args=(stop,))
    thread.start()
    thread.join(timeout=60)
    assert calls == ["ran"]
    update = runner.mailbox.take()
    assert update is None or (update.paused and update.frames == 0)


def test_masks_paint_over_our_own_pixels() -> None:
    pixels = np.full((100, 200, 3), 200, np.uint8)
    region = Box(1000, 500, 200, 100)
    paint_masks(pixels, region, [Box(1150, 450, 100, 80), Box(0, 0, 10, 10)])
    assert (pixels[0:30, 150:200] == MASK_RGB).all()
    assert (pixels[30:, :] == 200).all() and (pixels[:, :150] == 200).all()
    retina = np.full((200, 400, 3), 200, np.uint8)
    paint_masks(retina, region, [Box(1000, 500, 50, 50)])
    assert (retina[:100, :100] == MASK_RGB).all() and (retina[100:, :] == 200).all()


class _StillGrabber:
    """A screen that always shows the same dark frame (no display needed)."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock

    def grab(self, region: Box, masks: object = ()) -> Frame:
        pixels = np.zeros((int(region.h), int(region.w), 3), np.uint8)
        return Frame(pixels, self.clock(), region)

    def close(self) -> None:
        pass


class _FlakySession:
    """Stands in for LiveSession: frames 2-4 raise, frame 5 takes two seconds."""

    def __init__(self, stop: threading.Event) -> None:
        self.stop = stop
        self.calls = 0
        self.pipeline = SimpleNamespace(close=lambda: None)

    def step(self, frame: Frame) -> LiveResult:
        self.calls += 1
        if self.calls in (2, 3, 4):
            raise RuntimeError("stage failed")
        if self.calls == 5:
            time.sleep(2.0)
        if self.calls >= 8:
            self.stop.set()
        return LiveResult(frame.t, frame.region, (), (), (), None, ())


def test_a_failing_or_slow_frame_is_reported_once_and_the_loop_carries_on() -> None:
    stop = threading.Event()
    session = _FlakySession(stop)
    out = io.StringIO()
    runner = LiveRunner(
        lambda: FixedRegion(Box(0, 0, 64, 48)),
        lambda: session,  # type: ignore[arg-type,return-value]
        events=EventsLog(out, 0.0),
        open_grabber=_StillGrabber,
    )
    thread = threading.Thread(target=runner.run, args=(stop,))
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive()
    assert session.calls == 8  # every frame after the failures and the slow one still ran
    errors = [json.loads(x) for x in out.getvalue().splitlines() if '"error"' in x]
    assert len(errors) == 1 and errors[0]["fatal"] is False
    assert errors[0]["message"] == "RuntimeError: stage failed"
    update = runner.mailbox.take()
    assert update is not None and update.error == "RuntimeError: stage failed"
    assert update.frames == 5


class _NoWindowYet:
    """A meeting window that never appears."""

    def poll(self) -> TargetState:
        return TargetState("searching")

    def close(self) -> None:
        pass


class _EmptyRoomSession:
    """Stands in for LiveSession: every frame shows nobody."""

    pipeline = SimpleNamespace(close=lambda: None)

    def step(self, frame: Frame) -> LiveResult:
        return LiveResult(frame.t, frame.region, (), (), (), None, ())


def _idle_session() -> LiveSession:
    return _EmptyRoomSession()  # type: ignore[return-value]


def test_a_headless_run_says_what_it_waits_for_and_that_nothing_was_watched() -> None:
    lines: list[str] = []
    runner = LiveRunner(_NoWindowYet, _idle_session, open_grabber=_StillGrabber)
    outcome = run_headless(runner, 0.6, lines.append)
    assert not outcome.watched
    assert lines == ["Looking for a meeting window"]  # once, not every poll


class _FoundAfterThreeLooks:
    """A meeting window that is there from the start; the follower confirms it on its third
    poll in a row (`WindowFollower.confirm_polls`)."""

    def __init__(self) -> None:
        self.polls = 0

    def poll(self) -> TargetState:
        self.polls += 1
        if self.polls < 3:
            return TargetState(CONFIRMING)
        return TargetState(WATCHING, Box(0, 0, 64, 48))

    def close(self) -> None:
        pass


def test_a_window_being_confirmed_is_looked_at_often_so_watching_starts_soon() -> None:
    # At the half-second poll of a watched window, three polls take a second: no frame in
    # this run. While confirming, the runner polls every 0.1 s.
    runner = LiveRunner(_FoundAfterThreeLooks, _idle_session, open_grabber=_StillGrabber)
    outcome = run_headless(runner, 0.8, lambda _: None)
    assert outcome.watched and outcome.frames > 0


def test_a_headless_run_on_a_region_watches_it() -> None:
    lines: list[str] = []
    runner = LiveRunner(
        lambda: FixedRegion(Box(0, 0, 64, 48)), _idle_session, open_grabber=_StillGrabber
    )
    outcome = run_headless(runner, 0.6, lines.append)
    assert outcome.watched and lines == ["Watching the chosen region"]
    assert outcome.frames > 0 and outcome.error is None


class _NoScreen:
    """A screen that cannot be captured (no display)."""

    def __init__(self, clock: Callable[[], float]) -> None:
        pass

    def grab(self, region: Box, masks: object = ()) -> Frame:
        raise InputError("cannot capture the screen: no display")

    def close(self) -> None:
        pass


def test_a_headless_run_that_cannot_capture_reports_why() -> None:
    lines: list[str] = []
    runner = LiveRunner(
        lambda: FixedRegion(Box(0, 0, 64, 48)), _idle_session, open_grabber=_NoScreen
    )
    outcome = run_headless(runner, 0.6, lines.append)
    assert outcome.watched and outcome.frames == 0
    assert outcome.error == "cannot capture the screen: no display"


def test_a_failing_command_is_reported_and_the_next_one_still_runs() -> None:
    stop = threading.Event()
    out = io.StringIO()
    runner = LiveRunner(
        lambda: FixedRegion(Box(0, 0, 64, 48)), _idle_session, events=EventsLog(out, 0.0)
    )
    runner.set_paused(True)

    def broken(session: LiveSession) -> None:
        raise ValueError("time went backwards")

    runner.call(broken)
    runner.call(lambda session: stop.set())
    thread = threading.Thread(target=runner.run, args=(stop,))
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive() and runner.failure is None
    (error,) = [json.loads(x) for x in out.getvalue().splitlines() if '"error"' in x]
    assert error["message"] == "ValueError: time went backwards" and error["fatal"] is False


def test_sensitivity_scales_every_event_threshold_and_reaches_the_live_engine() -> None:
    from companion.cues.engine import CueConfig

    base = CueConfig()
    for level, k in (("low", 1.25), ("medium", 1.0), ("high", 0.8)):
        scaled = base.with_sensitivity(level)
        for cue in ("brow_lower", "lip_press", "smile"):
            assert scaled.params(cue).on == base.params(cue).on * k
            assert scaled.params(cue).off == base.params(cue).off * k
    with pytest.raises(ValueError, match="sensitivity"):
        base.with_sensitivity("extreme")
    session = LiveSession(open_pipeline(PipelineConfig.offline()), CueEngine(), None, Settings())
    try:
        session.update_settings(replace(Settings(), sensitivity="high"))
        assert isinstance(session.engine, CueEngine)
        assert session.engine.config.params("lip_press").on == base.params("lip_press").on * 0.8
    finally:
        session.pipeline.close()


def test_new_settings_reach_the_prompter_without_losing_its_state() -> None:
    prompter = Prompter("meeting", PacingConfig())
    session = LiveSession(open_pipeline(PipelineConfig.offline()), None, prompter)
    session.snooze(30, 100.0)
    session.update_settings(replace(Settings(), context="candidate", pacing="rare"))
    session.pipeline.close()
    assert session.prompter is prompter  # the snooze, quiet spells and tally carry on
    assert prompter.context == "candidate"
    assert prompter.config.max_per_ten_minutes < PacingConfig().max_per_ten_minutes
    assert prompter.tally.snoozes == 1


def test_the_target_s_note_reaches_the_ui_while_watching() -> None:
    from companion.capture.windows import WindowInfo
    from companion.capture.windows.follow import WATCHING

    region = Box(0, 0, 64, 48)
    window = WindowInfo(1, "", "zoom.us", 5, region, region)
    note = "Window titles are hidden: allow Screen Recording, then restart Companion"
    stop = threading.Event()

    class Target:
        def poll(self) -> TargetState:
            return TargetState(WATCHING, region, window, note)

        def close(self) -> None:
            pass

    class OneFrame:
        pipeline = SimpleNamespace(close=lambda: None)

        def step(self, frame: Frame) -> LiveResult:
            stop.set()
            return LiveResult(frame.t, frame.region, (), (), (), None, ())

    runner = LiveRunner(Target, OneFrame, open_grabber=_StillGrabber)  # type: ignore[arg-type]
    runner.run(stop)
    update = runner.mailbox.take()
    assert update is not None and update.frames == 1
    assert update.target == TargetState(WATCHING, region, window, note)
    assert note in update.target.describe()


def test_someone_back_under_their_id_keeps_their_neutral_until_the_tracker_forgets_them(
    clip: ClipPath,
) -> None:
    config = PipelineConfig.offline()
    config.tracker.reid_memory_s = 6.0
    engine = CueEngine()
    session = LiveSession(open_pipeline(config), engine)
    with VideoFileSource(clip("grid_bbaf2n.mpg")) as source:
        frames = [f for f in source.frames() if f.t < 2.6]
    blank = np.zeros_like(frames[0].pixels)

    def play(start: float) -> list[str]:
        ids: list[str] = []
        for f in frames:
            ids = [p.id for p in session.step(replace(f, t=start + f.t)).participants]
        return ids

    def away(start: float, seconds: float) -> float:
        t, left = start, ()
        while t < start + seconds:
            left = session.step(replace(frames[0], pixels=blank, t=t)).participants
            t += 0.04
        assert left == ()  # gone from the participants by now
        return t

    assert play(0.0) == ["p1"]
    assert engine.ready() == {"p1": True}
    t = away(2.6, 3.0)  # gone, though not yet from the tracker's memory
    assert engine.ready() == {"p1": True}
    for f in frames:
        back = [p.id for p in session.step(replace(f, t=t + f.t)).participants]
        if back:
            break
    assert back == ["p1"]  # re-identified, within a second ...
    assert f.t < 1.0
    assert engine.reading("p1") is not None  # ... and read at once, against the neutral kept
    t = away(t + f.t + 0.04, 9.0)  # longer than the tracker remembers anyone departed
    assert "p1" not in engine.ready()
    session.pipeline.close()
