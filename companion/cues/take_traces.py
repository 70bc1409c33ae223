"""Whole-take mode's per-frame traces of one face against its own resting face (pure numpy).

The resting face is the cue engine's baseline (`companion.cues.baseline.Baseline`), learned
from a window of the take with the configuration the engine is replayed with there
(`companion.cues.take.take_config`), so the traces and the engine's events share one rest: the
median of every measure, the mouth and cheek measures from the calmer frames (least mouth
movement), and a second baseline of the frames with closed lips.

Each trace is in units of a clear movement, 0 at rest and 1 for a clear movement, as in the
cue engine, with the engine's units (`companion.cues.scoring.Units`). "Brows lowered",
"lips pressed", "smile" and "off the lens" are the engine's own ``brow_lower``,
``lip_press``, ``smile`` and ``look_away`` intensities. The eye traces read what no cue
does (how open each eye is against a take's open eyes, the squint scores: whether the eyes
join a smile, and how far they close); the units only they need are in `TraceUnits`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from companion.cues.baseline import Baseline
from companion.cues.engine import CueConfig, in_profile, unread_samples
from companion.cues.scoring import CUES, MEASURE_FLOOR, C, Units, head_away, intensities
from companion.cues.signals import LOWER_FACE, MEASURES, M

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

_EACH_OPEN = [M["eye_open_r"], M["eye_open_l"]]
_EACH_SQUINT = [M["bs_squint_r"], M["bs_squint_l"]]
CALM = np.array([name in LOWER_FACE for name in MEASURES], dtype=bool)
"""The measures the baseline takes from the calmest frames, as the engine's baseline does."""
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

    eye_narrow: float = 0.15
    """Eye opening this fraction below rest: narrowed."""
    squint_score: float = 0.15
    """MediaPipe's squint score of either eye (a one-sided smile narrows one eye)."""


@dataclass(frozen=True, eq=False)
class Rest:
    """The resting face: the engine's baselines and the eyes at rest."""

    baseline: Baseline
    closed: Baseline | None
    """Baseline of the frames with closed lips (None: too few of them)."""
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
    return Rest(baseline, closed, max(eyes_open, 1e-6), lid, each_open, each_squint)


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
        "brows_lowered": read(values[:, C["brow_lower"]]),
        "lips_pressed": read(values[:, C["lip_press"]]),
        "smile": read(values[:, C["smile"]]),
        "eyes_narrowed": read(narrowed),
        "eye_closure": closure / u.eye_closed,
        "off_lens": values[:, C["look_away"]],
    }


def window_mask(t: FloatArray, seconds: float) -> BoolArray:
    """Samples within the first ``seconds`` of ``t`` (all of them when it is shorter)."""
    if len(t) == 0:
        return np.zeros(0, dtype=bool)
    return np.asarray(t <= t[0] + seconds, dtype=bool)
