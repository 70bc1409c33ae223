"""The live loop without Qt: capture -> Pipeline -> CueEngine -> Prompter -> events.

`LiveSession.step` is pure (time comes from the frame). `LiveRunner.run` is the loop a
worker thread runs: it asks its `CaptureTarget` where to look, grabs one fresh frame when
the previous one is done (a slow frame means fewer frames, never a queue), and publishes
only the latest `LiveUpdate` through a `Mailbox`. The Qt overlay and the headless
``companion run --headless`` share it.
"""

from companion.live.events_log import EventsLog, open_events
from companion.live.headless import HEADLESS_POLL_S, HeadlessOutcome, run_headless
from companion.live.mailbox import LiveUpdate, Mailbox
from companion.live.runner import (
    Grabber,
    LiveRunner,
    RunnerConfig,
    build_runner,
    describe,
    follow_window,
)
from companion.live.session import (
    ME_TILE_SCALE,
    PACING,
    CueEngineLike,
    CueUpdateLike,
    LiveResult,
    LiveSession,
    PrompterLike,
    Seen,
    open_cues,
    open_engine,
    open_prompter,
    to_screen,
)

__all__ = [
    "HEADLESS_POLL_S",
    "ME_TILE_SCALE",
    "PACING",
    "CueEngineLike",
    "CueUpdateLike",
    "EventsLog",
    "Grabber",
    "HeadlessOutcome",
    "LiveResult",
    "LiveRunner",
    "LiveSession",
    "LiveUpdate",
    "Mailbox",
    "PrompterLike",
    "RunnerConfig",
    "Seen",
    "build_runner",
    "describe",
    "follow_window",
    "open_cues",
    "open_engine",
    "open_events",
    "open_prompter",
    "run_headless",
    "to_screen",
]
