"""Per-frame movement traces of one face against its own resting face (pure numpy).

The resting face is learned from a window of the recording: the median of every measure,
with the mouth and cheek measures taken from the calmer half of the frames (least mouth
movement), so talking or a long smile does not become "rest". Each trace is in units of a
clear movement: 0 is rest, 1 a clear movement, as in the cue engine.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from companion.cues.signals import LOWER_FACE, MEASURES, M

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

MAD_TO_SIGMA = 1.4826
NOISE_Z = 3.0
"""A change must also exceed this many resting spreads to count as one unit."""
EYES_OPEN_PERCENTILE = 75.0
"""The resting eye opening: this percentile of the window (blinks and lowered eyes pull a
median down)."""
EYES_ENGAGED_PERCENTILE = 25.0
"""The resting lower lid and eye squint: this percentile of the window (smiles push them up,
so a take with many smiles would otherwise count a smile as rest)."""
LIPS_CLOSED = 0.04
"""Lip gap (inter-ocular units) under which the lips count as closed."""

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
    """The size of a clear movement for each trace's ingredients."""

    brow_gap: float = 0.02
    brow_drop: float = 0.04
    brow_down_score: float = 0.2
    lip_thin: float = 0.15
    """Fraction of the resting lip height."""
    press_score: float = 0.15
    roll_score: float = 0.2
    smile_score: float = 0.3
    corner_rise: float = 0.04
    eye_narrow: float = 0.15
    """Fraction of the resting eye opening."""
    lower_lid: float = 0.02
    squint_score: float = 0.15
    eye_closed: float = 0.5
    """Fraction of the resting eye opening: at this much lower the eyes count as closed."""
    yaw_deg: float = 15.0
    pitch_deg: float = 12.0
    eyes_side: float = 0.45
    eyes_vertical: float = 0.4
    eyes_open_for_gaze: float = 0.6
    """Eyes must be at least this open (fraction of rest) for their up/down to count."""


@dataclass(frozen=True, eq=False)
class Rest:
    """The resting face: centre and spread of every measure, plus the eye line at rest."""

    centre: FloatArray
    spread: FloatArray
    closed_centre: FloatArray
    """Centre of the frames with closed lips (the overall centre when there are too few)."""
    eyes_open: float
    lower_lid: float
    each_open: FloatArray
    """Resting opening of the right and the left eye (see `FaceSeries.eyes`)."""
    each_squint: FloatArray
    gaze: FloatArray
    """Resting eye-look scores (sideways, vertical)."""


def resting_face(measures: FloatArray, gaze: FloatArray, eyes: FloatArray) -> Rest:
    """The resting face of the samples ``measures`` (n, len(MEASURES)), ``gaze`` (n, 2) and
    ``eyes`` (n, 4), laid out as in `companion.review.collect.FaceSeries`."""
    if len(measures) == 0:
        raise ValueError("a resting face needs at least one sample")
    centre, spread = _median_spread(measures)
    calm_rows = np.argsort(measures[:, M["mouth_activity"]], kind="stable")
    calm_centre = np.median(measures[calm_rows[: max(1, len(measures) // 2)]], axis=0)
    lower = np.array([name in LOWER_FACE for name in MEASURES], dtype=bool)
    centre = np.where(lower, calm_centre, centre)
    closed = measures[measures[:, M["lip_gap"]] < LIPS_CLOSED]
    closed_centre = _median_spread(closed)[0] if len(closed) >= 5 else centre
    eyes_open = float(np.percentile(measures[:, M["eye_open"]], EYES_OPEN_PERCENTILE))
    lid = float(np.percentile(measures[:, M["lower_lid"]], EYES_ENGAGED_PERCENTILE))
    each_open = np.maximum(np.percentile(eyes[:, :2], EYES_OPEN_PERCENTILE, axis=0), 1e-6)
    each_squint = np.percentile(eyes[:, 2:], EYES_ENGAGED_PERCENTILE, axis=0)
    return Rest(
        centre,
        spread,
        closed_centre,
        max(eyes_open, 1e-6),
        lid,
        each_open,
        each_squint,
        np.median(gaze, axis=0),
    )


def _median_spread(samples: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Median, and the frame-to-frame jitter as a standard deviation.

    The jitter comes from differences of consecutive samples, so slow movements during the
    window (a take is full of them) do not count as noise.
    """
    centre = np.median(samples, axis=0)
    if len(samples) < 3:
        return centre, np.full(samples.shape[1], 1e-3)
    steps = np.diff(samples, axis=0)
    mad = np.median(np.abs(steps - np.median(steps, axis=0)), axis=0)
    return centre, np.maximum(MAD_TO_SIGMA * mad / np.sqrt(2), 1e-3)


def traces(
    measures: FloatArray,
    gaze: FloatArray,
    eyes: FloatArray,
    rest: Rest,
    units: TraceUnits | None = None,
) -> dict[str, FloatArray]:
    """`TRACE_NAMES` -> intensity per sample against ``rest`` (arrays as in `resting_face`)."""
    u = units or TraceUnits()
    x = measures

    def change(name: str, unit: float, centre: FloatArray = rest.centre) -> FloatArray:
        i = M[name]
        return np.asarray((x[:, i] - centre[i]) / max(unit, NOISE_Z * rest.spread[i]))

    brows = (
        -change("brow_gap", u.brow_gap)
        - change("brow_inner_h", u.brow_drop)
        + change("bs_brow_down", u.brow_down_score)
    ) / 3
    closed = x[:, M["lip_gap"]] < LIPS_CLOSED
    lip_unit = u.lip_thin * max(float(rest.closed_centre[M["lip_red"]]), 1e-6)
    press = np.maximum.reduce(
        [
            -change("lip_red", lip_unit, rest.closed_centre),
            change("bs_mouth_press", u.press_score, rest.closed_centre),
            change("bs_mouth_roll", u.roll_score, rest.closed_centre),
        ]
    )
    # Either side: a one-sided smile lifts one corner only and halves the averaged scores.
    smile = np.maximum.reduce(
        [
            np.minimum(
                change(f"bs_smile{side}", u.smile_score),
                change(f"corner_lift{side}", u.corner_rise),
            )
            for side in ("", "_r", "_l")
        ]
    )
    closure = 1.0 - x[:, M["eye_open"]] / rest.eyes_open
    each_closure = (1.0 - eyes[:, :2] / rest.each_open).max(axis=1)
    each_squint = (eyes[:, 2:] - rest.each_squint).max(axis=1)
    narrowed = np.maximum.reduce(
        [
            np.maximum(closure, each_closure) / u.eye_narrow,
            (x[:, M["lower_lid"]] - rest.lower_lid) / u.lower_lid,
            each_squint / u.squint_score,
        ]
    )
    return {
        "brows_lowered": brows,
        "lips_pressed": np.where(closed, press, 0.0),
        "smile": smile,
        "eyes_narrowed": narrowed,
        "eye_closure": closure / u.eye_closed,
        "off_lens": off_lens(x, gaze, rest, closure, u),
    }


def off_lens(
    measures: FloatArray, gaze: FloatArray, rest: Rest, closure: FloatArray, u: TraceUnits
) -> FloatArray:
    """How far the eye line left the lens: head turned or tilted, eyes to the side, up or down.

    Taken as the largest of the four, each against rest; the eyes' up and down count only
    while they are open enough to read (lowered lids look like a downward gaze).
    """
    yaw = np.abs(measures[:, M["yaw"]] - rest.centre[M["yaw"]]) / u.yaw_deg
    pitch = np.abs(measures[:, M["pitch"]] - rest.centre[M["pitch"]]) / u.pitch_deg
    side = np.abs(gaze[:, 0] - rest.gaze[0]) / u.eyes_side
    readable = closure <= 1.0 - u.eyes_open_for_gaze
    vertical = np.where(readable, np.abs(gaze[:, 1] - rest.gaze[1]) / u.eyes_vertical, 0.0)
    return np.asarray(np.maximum.reduce([yaw, pitch, side, vertical]), dtype=np.float64)


def window_mask(t: FloatArray, seconds: float) -> BoolArray:
    """Samples within the first ``seconds`` of ``t`` (all of them when it is shorter)."""
    if len(t) == 0:
        return np.zeros(0, dtype=bool)
    return np.asarray(t <= t[0] + seconds, dtype=bool)
