"""The main face's movements against its own resting face: events and per-frame traces.

The cue engine is replayed on the face's stored measures (`CueEngine.update_measures`) with
its warm-up stretched over the first `BASELINE_MAX_S` seconds of the recording (or all of
it when shorter): reviewing a finished take, the whole of it shows the person's resting
face better than its first two seconds, which are often a slate or a settling breath.

Some of what the review needs is not in the engine, so it is measured here on the same
window (`companion.review.traces`) and added as events in the engine's vocabulary:

- ``blink``, from the eye opening (the engine's blink reads a blendshape that barely moves
  on many faces);
- ``look_away``: head turned or tilted, or eyes to the side, up or down, off the lens;
- ``gaze_down``: eyes lowered or closed and held there (longer than a blink);
- ``brow_lower`` as MediaPipe's brow-down score sees it too, and ``smile`` from either lip
  corner against the window's rest; where the engine has an event of the same cue at the
  same time, the two become one spanning both (a broad smile lifts the brow-down score
  too, so brows are not read during one).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from companion.cues.engine import CueConfig, CueEngine
from companion.model import CueEvent
from companion.review.collect import FaceSeries
from companion.review.detect import SpanParams, find_spans
from companion.review.traces import TRACE_NAMES, resting_face, traces, window_mask

FloatArray = npt.NDArray[np.float64]

BASELINE_MAX_S = 60.0
"""The resting face is learned from at most this many first seconds of the face."""
MIN_SAMPLES = 10
"""Fewer samples than this: nothing is scored (too little to know the resting face)."""


@dataclass(frozen=True)
class OwnEvents:
    """Thresholds of the review's own events (traces in units of a clear movement)."""

    blink: SpanParams = field(default_factory=lambda: SpanParams(on=1.0, off=0.7, max_s=0.5))
    eyes_lowered: SpanParams = field(
        default_factory=lambda: SpanParams(
            on=1.0, off=0.7, min_s=0.7, merge_s=0.2, needs_onset=False
        )
    )
    off_lens: SpanParams = field(
        default_factory=lambda: SpanParams(
            on=1.0, off=0.7, min_s=0.3, merge_s=0.3, needs_onset=False
        )
    )
    brows: SpanParams = field(
        default_factory=lambda: SpanParams(
            on=1.0, off=0.6, min_s=0.15, merge_s=0.2, needs_onset=False
        )
    )
    smile: SpanParams = field(
        default_factory=lambda: SpanParams(
            on=1.0, off=0.6, min_s=0.15, merge_s=0.2, needs_onset=False
        )
    )


@dataclass(frozen=True, eq=False)
class FaceSignals:
    """Everything the moments are found in, for one face."""

    participant: str
    t: FloatArray
    traces: dict[str, FloatArray]
    """`TRACE_NAMES` -> intensity per sample."""
    events: tuple[CueEvent, ...]
    """Engine events plus the review's own, sorted by start."""
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


def analyse_face(series: FaceSeries, own: OwnEvents | None = None) -> FaceSignals:
    """Events and traces of one face against its own resting face (see the module notes)."""
    own = own or OwnEvents()
    n = len(series)
    pid = series.participant
    if n < MIN_SAMPLES:
        empty = {name: np.zeros(n) for name in TRACE_NAMES}
        span = (float(series.t[0]), float(series.t[-1])) if n else (0.0, 0.0)
        return FaceSignals(pid, series.t, empty, (), span)
    t0 = float(series.t[0])
    window_s = min(float(series.t[-1]) - t0, BASELINE_MAX_S)
    keep = window_mask(series.t, window_s)
    rest = resting_face(series.measures[keep], series.gaze[keep], series.eyes[keep])
    found = traces(series.measures, series.gaze, series.eyes, rest)
    engine_events = replay_engine(series, window_s)
    t = series.t
    brows = np.where(found["smile"] >= own.smile.on, 0.0, found["brows_lowered"])
    extra = [
        *_events(pid, "blink", t, found["eye_closure"], own.blink),
        *_events(pid, "gaze_down", t, found["eye_closure"], own.eyes_lowered),
        *_events(pid, "look_away", t, found["off_lens"], own.off_lens),
        *_events(pid, "brow_lower", t, brows, own.brows),
        *_events(pid, "smile", t, found["smile"], own.smile),
    ]
    events = _combine(engine_events, extra)
    return FaceSignals(pid, t, found, tuple(events), (t0, t0 + window_s))


def replay_engine(series: FaceSeries, window_s: float) -> list[CueEvent]:
    """The cue engine's events for ``series``, its baseline learned over ``window_s``."""
    base = CueConfig()
    # The warm-up ends at the sample that reaches window_s; a hair less makes sure it does.
    warmup = dataclasses.replace(
        base.baseline, warmup_s=max(0.0, window_s - 1e-6), min_samples=MIN_SAMPLES
    )
    engine = CueEngine(config=dataclasses.replace(base, baseline=warmup))
    events: list[CueEvent] = []
    pid = series.participant
    for t, x in zip(series.t, series.measures, strict=True):
        events.extend(engine.update_measures(float(t), {pid: x}).events)
    events.extend(engine.finish(float(series.t[-1])).events)
    return [e for e in events if e.participant == pid]


def _events(
    pid: str, cue: str, t: FloatArray, values: FloatArray, params: SpanParams
) -> list[CueEvent]:
    return [
        CueEvent(pid, cue, s.start, s.end, s.peak_t, min(1.0, max(0.0, s.peak / 2)))
        for s in find_spans(t, values, params)
    ]


def _combine(engine: list[CueEvent], own: list[CueEvent]) -> tuple[CueEvent, ...]:
    """Engine events and the review's own; overlapping ones of one cue become their union."""
    events = list(engine)
    for event in own:
        same = [
            e
            for e in events
            if e.cue == event.cue and e.start <= event.end and e.end >= event.start
        ]
        if not same:
            events.append(event)
            continue
        group = [*same, event]
        top = max(group, key=lambda e: e.strength)
        start, end = min(e.start for e in group), max(e.end for e in group)
        events = [e for e in events if all(e is not x for x in same)]
        events.append(CueEvent(event.participant, event.cue, start, end, top.peak, top.strength))
    return tuple(sorted(events, key=lambda e: (e.start, e.cue)))
