"""The main face's movements against its own resting face, as the review shows them.

What moved and when is read by the cue engine's whole-take mode (`companion.cues.take`):
the engine replayed over the take with its resting face learned over the whole of it, plus
the take's own blinks, eye line, brows and smiles. The review only keeps that reading
beside the face's sample times, to find moments in and plot.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from companion.cues.take import read_take
from companion.model import CueEvent
from companion.offline.recording import FaceSeries

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class FaceSignals:
    """Everything the moments are found in, for one face."""

    participant: str
    t: FloatArray
    traces: dict[str, FloatArray]
    """`companion.cues.take_traces.TRACE_NAMES` -> intensity per sample."""
    events: tuple[CueEvent, ...]
    """Engine events plus the take's own, sorted by start."""
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


def analyse_face(series: FaceSeries) -> FaceSignals:
    """Events and traces of one face against its own resting face (`read_take`)."""
    reading = read_take(series.participant, series.t, series.measures, series.gaze, series.eyes)
    return FaceSignals(
        series.participant, series.t, reading.traces, reading.events, reading.baseline_span
    )
