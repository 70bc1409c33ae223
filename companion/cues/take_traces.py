"""Whole-take mode's per-frame traces of one face against its own resting face (pure numpy).

The resting face is the cue engine's baseline (`companion.cues.baseline.Baseline`), learned
from a window of the take with the configuration the engine is replayed with there
(`companion.cues.take.take_config`), so the traces and the engine's events share one rest: the
median of every measure, the mouth and cheek measures from the calmer frames (least mouth
movement), and a second baseline of the frames with closed lips.

Each trace is in units of a clear movement, 0 at rest and 1 for a clear movement, as in the
cue engine, with the engine's units (`companion.cues.scoring.Units`). "Lips pressed" is the
engine's own ``lip_press`` intensity and "off the lens" its ``look_away``. The other traces
read more than the engine does (the brow-down score, each lip corner and each eye on its
own); the units only they need are in `TraceUnits`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from companion.cues.baseline import MAD_TO_SIGMA, Baseline
from companion.cues.engine import CueConfig, in_profile, unread_samples
from companion.cues.scoring import CUES, MEASURE_FLOOR, C, Units, head_away, intensities
from companion.cues.signals import LOWER_FACE, MEASURES, M

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

_EACH_OPEN = [M["eye_open_r"], M["eye_open_l"]]
_EACH_SQUINT = [M["bs_squint_r"], M["bs_squint_l"]]
CALM = np.array([name in LOWER_FACE for name in MEASURES], dtype=bool)
"""The measures the baseline takes from the calmest frames, as the engine's baseline does."""
JITTER_SPREADS = 3.0
"""The brows and smile traces' units are at least this many resting jitters of a measure.

Not `Units.rest_spreads` times the baseline's spread: over a whole take the spread of the
values around their median holds the take's own movements (on a take that smiles for half
its length the smile score's spread exceeds `Units.smile`, so no smile could reach 1). The
jitter (`jitter`) is taken from frame-to-frame changes, which slow movements hardly move.
"""
JITTER_FLOOR = 1e-3
"""Smallest jitter a measure may have (a window too short to measure it)."""
EYES_OPEN_PERCENTILE = 75.0
"""The resting eye opening: this percentile of the window, not the baseline's median
(blinks and lowered eyes, frequent in a take read from a script, pull a median down)."""
EYES_ENGAGED_PERCENTILE = 25.0
"""The resting lower lid and eye squint: this percentile of the window, not the baseline's
median (smiles push them up, so a take with many smiles would otherwise count a smile as
rest)."""

TRACE_NAMES: tuple[str, ...] = (
    "brows_lowered",
    "lips_pressed",
    "smile",
    "eyes_narrowed",
    "eye_closure",
    "off_lens",
)
"""The traces, in the order they are plotted."""


@dataclass(frozen=True)
class TraceUnits:
    """The size of a clear movement of what the traces read and the cue engine does not."""

    brow_down_score: float = 0.2
    """MediaPipe's brow-down score, which the engine leaves out (too compressed to decide a
    cue on its own); here it is one of three parts of the brows trace."""
    eye_narrow: float = 0.15
    """Eye opening this fraction below rest: narrowed."""
    squint_score: float = 0.15
    """MediaPipe's squint score of either eye (a one-sided smile narrows one eye)."""


@dataclass(frozen=True, eq=False)
class Rest:
    """The resting face: the engine's baselines, each measure's jitter, and the eyes at rest."""

    baseline: Baseline
    closed: Baseline | None
    """Baseline of the frames with closed lips (None: too few of them)."""
    jitter: FloatArray
    """Resting frame-to-frame jitter of every measure (see `jitter`)."""
    eyes_open: float
    """Resting eye opening (`EYES_OPEN_PERCENTILE`)."""
    lower_lid: float
    """Resting lower-lid height (`EYES_ENGAGED_PERCENTILE`)."""
    each_open: FloatArray
    """Resting opening of the right and the left eye (see `resting_face`)."""
    each_squint: FloatArray
    """Resting squint score of the right and the left eye."""

    @property
    def centre(self) -> FloatArray:
        """The baseline's centre of every measure."""
        assert self.baseline.centre is not None
        return self.baseline.centre

    @property
    def spread(self) -> FloatArray:
        """The baseline's spread of every measure."""
        assert self.baseline.spread is not None
        return self.baseline.spread


def resting_face(measures: FloatArray, config: CueConfig | None = None) -> Rest:
    """The resting face of the samples ``measures`` (n, len(MEASURES)).

    The baselines are the engine's, with ``config``: learned from the samples of a face not
    turned towards profile (`companion.cues.engine.in_profile`; all of them when there are
    none), the closed-lips one from those with closed lips (`Units.lips_closed`).
    """
    if len(measures) == 0:
        raise ValueError("a resting face needs at least one sample")
    cfg = config or CueConfig()
    upright = ~in_profile(measures, cfg)
    rows = measures[upright] if upright.any() else measures
    baseline = Baseline.from_samples(
        list(rows), MEASURE_FLOOR, cfg.baseline, M["mouth_activity"], CALM
    )
    closed_rows = rows[rows[:, M["lip_gap"]] < cfg.units.lips_closed]
    closed = (
        Baseline.from_samples(
            list(closed_rows), MEASURE_FLOOR, cfg.baseline, M["mouth_activity"], CALM
        )
        if len(closed_rows) >= cfg.min_closed_samples
        else None
    )
    eyes_open = float(np.percentile(measures[:, M["eye_open"]], EYES_OPEN_PERCENTILE))
    lid = float(np.percentile(measures[:, M["lower_lid"]], EYES_ENGAGED_PERCENTILE))
    each_open = np.maximum(
        np.percentile(measures[:, _EACH_OPEN], EYES_OPEN_PERCENTILE, axis=0), 1e-6
    )
    each_squint = np.percentile(measures[:, _EACH_SQUINT], EYES_ENGAGED_PERCENTILE, axis=0)
    return Rest(
        baseline, closed, jitter(measures), max(eyes_open, 1e-6), lid, each_open, each_squint
    )


def jitter(samples: FloatArray) -> FloatArray:
    """The frame-to-frame jitter of every measure, as a standard deviation.

    Taken from differences of consecutive samples, so slow movements during the window (a
    take is full of them) do not count as noise.
    """
    if len(samples) < 3:
        return np.full(samples.shape[1], JITTER_FLOOR)
    steps = np.diff(samples, axis=0)
    mad = np.median(np.abs(steps - np.median(steps, axis=0)), axis=0)
    return np.asarray(np.maximum(MAD_TO_SIGMA * mad / np.sqrt(2), JITTER_FLOOR))


def engine_intensities(measures: FloatArray, rest: Rest, units: Units) -> FloatArray:
    """The engine's cue intensities (n, len(CUES)) of every sample against ``rest``."""
    closed = None if rest.closed is None else rest.closed.centre
    rows = [intensities(x, rest.centre, units, closed, rest.spread) for x in measures]
    return np.asarray(rows, dtype=np.float64).reshape(len(measures), len(CUES))


def traces(
    t: FloatArray,
    measures: FloatArray,
    rest: Rest,
    config: CueConfig | None = None,
    own: TraceUnits | None = None,
) -> dict[str, FloatArray]:
    """`TRACE_NAMES` -> intensity per sample of ``measures`` (rows taken at times ``t``)
    against ``rest``, in the units of ``config`` (the engine's by default).

    Where the engine would not read the face for movements of the face (`unread_samples`:
    in profile, or the head turned or tilted away), those traces are 0 (the eye closure
    and the eye line itself are still read).
    """
    cfg = config or CueConfig()
    u = cfg.units
    o = own or TraceUnits()
    x = measures
    values = engine_intensities(x, rest, u)
    turned = unread_samples(t, x, head_away(x, rest.centre, u, rest.spread), cfg)

    def read(trace: FloatArray) -> FloatArray:
        return np.where(turned, 0.0, trace)

    def change(name: str, unit: float) -> FloatArray:
        i = M[name]
        return np.asarray((x[:, i] - rest.centre[i]) / max(unit, JITTER_SPREADS * rest.jitter[i]))

    brows = (
        -change("brow_gap", u.brow_gap)
        - change("brow_inner_h", u.brow_drop)
        + change("bs_brow_down", o.brow_down_score)
    ) / 3
    # Either side: a one-sided smile lifts one corner only and halves the averaged scores.
    smile = np.maximum.reduce(
        [
            np.minimum(
                change(f"bs_smile{side}", u.smile), change(f"corner_lift{side}", u.corner_rise)
            )
            for side in ("", "_r", "_l")
        ]
    )
    closure = 1.0 - x[:, M["eye_open"]] / rest.eyes_open
    each_closure = (1.0 - x[:, _EACH_OPEN] / rest.each_open).max(axis=1)
    each_squint = (x[:, _EACH_SQUINT] - rest.each_squint).max(axis=1)
    narrowed = np.maximum.reduce(
        [
            np.maximum(closure, each_closure) / o.eye_narrow,
            (x[:, M["lower_lid"]] - rest.lower_lid) / u.lower_lid,
            each_squint / o.squint_score,
        ]
    )
    return {
        "brows_lowered": read(brows),
        "lips_pressed": read(values[:, C["lip_press"]]),
        "smile": read(smile),
        "eyes_narrowed": read(narrowed),
        "eye_closure": closure / u.eye_closed,
        "off_lens": values[:, C["look_away"]],
    }


def window_mask(t: FloatArray, seconds: float) -> BoolArray:
    """Samples within the first ``seconds`` of ``t`` (all of them when it is shorter)."""
    if len(t) == 0:
        return np.zeros(0, dtype=bool)
    return np.asarray(t <= t[0] + seconds, dtype=bool)
