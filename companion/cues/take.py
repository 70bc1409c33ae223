"""Whole-take mode: one face of a finished recording read against its own resting face.

Live, a face's neutral is learned in its first seconds and followed as it goes. A finished
take (a self-tape, a practice answer) is known whole, so here the cue engine is replayed
on the face's measures (`CueEngine.update_measures`) with its warm-up stretched over the
first `BASELINE_MAX_S` seconds of the take (or all of it when shorter): the whole stretch
shows the person's resting face better than its first two seconds, which are often a
slate or a settling breath. The per-frame traces (`companion.cues.take_traces`) are
measured against the same resting face, learned with the same configuration
(`take_config`).

Every cue of a take is the engine's. One reading is added that the live engine does not
make, under a name of its own (`EYES_HELD`, not a cue of the vocabulary): the eyes lowered
or closed and held there for longer than a blink, from the eye-closure trace with the
engine's event logic (`companion.cues.events.find_spans`, thresholds in `TakeEvents`).
The engine's ``gaze_down`` is a flick of the eyes and is not read while the lids are low,
since lowered lids look like a downward gaze; eyes held down over a script are what a
take needs to see.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

from companion.cues.baseline import BaselineConfig
from companion.cues.engine import CueConfig, CueEngine
from companion.cues.events import EventParams, find_spans
from companion.cues.scoring import CUES
from companion.cues.take_traces import TRACE_NAMES, resting_face, traces, window_mask
from companion.model import CueEvent

FloatArray = npt.NDArray[np.float64]

EYES_HELD = "eyes_held"
"""The name of a take's own reading: eyes lowered or closed and held (see the module notes)."""
BASELINE_MAX_S = 60.0
"""The resting face is learned from at most this many first seconds of the face."""
CALM_FRACTION = 0.5
"""The resting mouth and cheeks come from this calmest fraction of the window's frames.

Not the engine's `BaselineConfig.calm_fraction`, which is for two seconds of warm-up: a whole
take talks and smiles for more of its length, and a short take that smiles for most of it
(a smile through three quarters of a clip, tried) had its smile taken as the rest."""


def take_config(window_s: float) -> CueConfig:
    """The engine's configuration for a take: its warm-up stretched over ``window_s``
    seconds and its calm frames the calmer `CALM_FRACTION` (see the module notes).

    The engine is replayed with it and the traces' resting face is learned with it, so the
    two share one resting face. Its events need no onset (`_as_recorded`).
    """
    base = CueConfig()
    # The warm-up ends at the sample that reaches window_s; a hair less makes sure it does.
    warmup = replace(base.baseline, warmup_s=max(0.0, window_s - 1e-6), calm_fraction=CALM_FRACTION)
    per_cue = {cue: _as_recorded(cue) for cue in CUES}
    return replace(base, baseline=warmup, per_cue=per_cue)


def _as_recorded(cue: str) -> EventParams:
    """The engine's event thresholds of ``cue``, for a finished recording (no onset needed)."""
    return replace(CueConfig().params(cue), needs_onset=False)


@dataclass(frozen=True)
class TakeEvents:
    """Thresholds of the reading only a take makes (traces in units of a clear movement):
    ``eyes_lowered`` reads the eye closure held longer than a blink, which is no engine
    cue's intensity, so its thresholds are the take's own."""

    eyes_lowered: EventParams = field(
        default_factory=lambda: EventParams(
            on=1.0, off=0.7, min_duration_s=0.7, merge_gap_s=0.2, needs_onset=False
        )
    )
    """Eyes closed or lowered for longer than a blink."""


@dataclass(frozen=True, eq=False)
class TakeReading:
    """One face of a take against its resting face: what its moments are found in."""

    participant: str
    t: FloatArray
    """Video time of each sample, seconds."""
    traces: dict[str, FloatArray]
    """`TRACE_NAMES` -> intensity per sample."""
    events: tuple[CueEvent, ...]
    """The engine's events plus the take's own `EYES_HELD` spans, sorted by start."""
    baseline_span: tuple[float, float]
    """Video times the resting face was learned from."""

    @property
    def seen_s(self) -> float:
        """Seconds from the first to the last sample of the face."""
        return float(self.t[-1] - self.t[0]) if len(self.t) else 0.0

    def trace_at(self, name: str, start: float, end: float) -> FloatArray:
        """The samples of trace ``name`` from ``start`` to ``end`` (inclusive)."""
        keep = (self.t >= start) & (self.t <= end)
        return self.traces[name][keep]


def read_take(
    participant: str,
    t: FloatArray,
    measures: FloatArray,
    thresholds: TakeEvents | None = None,
) -> TakeReading:
    """Events and traces of one face sampled at times ``t`` (rows of ``measures``, the
    `companion.cues.signals.MEASURES` vector of each sample); see the module notes.

    A face with fewer samples than a baseline needs (`BaselineConfig.min_samples`) has no
    resting face to be read against: its traces are 0 and it has no events.
    """
    own = thresholds or TakeEvents()
    n = len(t)
    if n < BaselineConfig().min_samples:
        empty = {name: np.zeros(n) for name in TRACE_NAMES}
        span = (float(t[0]), float(t[-1])) if n else (0.0, 0.0)
        return TakeReading(participant, t, empty, (), span)
    t0 = float(t[0])
    window_s = min(float(t[-1]) - t0, BASELINE_MAX_S)
    config = take_config(window_s)
    keep = window_mask(t, window_s)
    rest = resting_face(measures[keep], config)
    found = traces(t, measures, rest, config)
    held = _events(participant, EYES_HELD, t, found["eye_closure"], own.eyes_lowered)
    events = [*replay_engine(participant, t, measures, config), *held]
    ordered = tuple(sorted(events, key=lambda e: (e.start, e.cue)))
    return TakeReading(participant, t, found, ordered, (t0, t0 + window_s))


def replay_engine(
    participant: str, t: FloatArray, measures: FloatArray, config: CueConfig
) -> list[CueEvent]:
    """The cue engine's events for one face's samples with ``config`` (see `take_config`)."""
    engine = CueEngine(config=config)
    events: list[CueEvent] = []
    for ti, x in zip(t, measures, strict=True):
        events.extend(engine.update_measures(float(ti), {participant: x}).events)
    events.extend(engine.finish(float(t[-1])).events)
    return [e for e in events if e.participant == participant]


def _events(
    pid: str, cue: str, t: FloatArray, values: FloatArray, params: EventParams
) -> list[CueEvent]:
    full = CueConfig().strength_full
    return [
        CueEvent(pid, cue, s.start, s.end, s.peak_t, min(1.0, max(0.0, s.peak / full)))
        for s in find_spans(t, values, params)
    ]
