"""Cue intensities: how far each movement of the vocabulary is from the person's baseline.

Every cue combines one or more measures (`companion.cues.signals.MEASURES`) as deviations
from the baseline centre, each divided by a *unit*: the size of a clear movement of that
measure. An intensity of 1 is therefore "a clear movement" whatever the measure, and the
event thresholds (`companion.cues.events.EventParams`) are in the same terms for every cue.

A unit is never smaller than the person's own resting variability of that measure (the
spread of their baseline, times `Units.rest_spreads`): a face that moves a measure a lot
while at rest (an animated talker's brows, a low-resolution face's jitter) needs a bigger
change before it counts as a movement.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from companion.cues.signals import MEASURES, M

Vector = npt.NDArray[np.float64]

CUES: tuple[str, ...] = (
    "brow_lower",
    "lip_press",
    "mouth_corners_down",
    "inner_brow_raise",
    "brow_raise",
    "gaze_down",
    "head_down",
    "nose_wrinkle",
    "smile",
    "eye_smile",
    "one_sided_smile",
    "blink",
    "look_away",
)
"""The cue vocabulary of DESIGN.md, in the order of the intensity vector."""

C: dict[str, int] = {name: i for i, name in enumerate(CUES)}

CUE_MEASURES: dict[str, tuple[str, ...]] = {
    "brow_lower": ("brow_gap", "brow_inner_h", "brow_mid_h", "brow_outer_h", "bs_brow_down"),
    "lip_press": (
        "lip_red",
        "lip_gap",
        "bs_mouth_press",
        "bs_mouth_roll",
        "bs_mouth_side",
        "bs_chin_raise",
    ),
    "mouth_corners_down": ("corner_lift", "lip_gap", "bs_mouth_frown"),
    "inner_brow_raise": ("brow_inner_h", "brow_outer_h"),
    "brow_raise": ("brow_inner_h", "brow_outer_h"),
    "gaze_down": ("bs_look_down", "iris_drop", "eye_open", "bs_blink"),
    "head_down": ("pitch",),
    "nose_wrinkle": ("bs_sneer",),
    "smile": ("bs_smile", "corner_lift"),
    "eye_smile": ("lower_lid", "eye_open", "bs_blink"),
    "one_sided_smile": ("bs_smile_r", "bs_smile_l"),
    "blink": ("bs_blink", "eye_open"),
    "look_away": ("yaw", "pitch", "gaze_side", "gaze_up"),
}
"""Which measures each cue reads: those stay frozen in the baseline while its event lasts."""

MEASURE_FLOOR: Vector = np.array(
    [0.3 if name in ("pitch", "yaw") else 0.005 for name in MEASURES], dtype=np.float64
)
"""Smallest spread a baseline may report for each measure (landmark and score jitter)."""


@dataclass(frozen=True)
class Units:
    """The size of a clear movement of each measure (inter-ocular units, degrees or scores)."""

    brow_gap: float = 0.02
    """Inner brow ends drawn together."""
    brow_drop: float = 0.04
    """Brows lowered towards the eyes (inner end, middle and outer end averaged)."""
    brow_down_score: float = 0.35
    """MediaPipe's brow-down score risen this far over the person's own: a clear lowering,
    whatever the landmarks show (the score is compressed, so only a large rise counts)."""
    brow_rise: float = 0.05
    brow_tilt: float = 0.04
    lip_thin: float = 0.15
    """Fraction of the person's resting lip height."""
    lips_closed: float = 0.06
    """Lips further apart than this cannot be pressed."""
    press: float = 0.15
    press_support: float = 0.6
    """The press score adds at most this much to the lip thinning the landmarks show."""
    roll: float = 0.2
    chin_raise: float = 0.25
    chin_support: float = 0.12
    """A raised chin adds at most this much to what the lips themselves show of a press."""
    mouth_side: float = 0.3
    """Mouth pulled this far to one side (score): the lips are not read as pressed."""
    corner_drop: float = 0.026
    frown: float = 0.075
    smile: float = 0.22
    smile_asym: float = 0.25
    lower_lid: float = 0.015
    look_down: float = 0.3
    iris_drop: float = 0.02
    corner_rise: float = 0.03
    pitch_down_deg: float = 8.0
    yaw_deg: float = 20.0
    tilt_deg: float = 12.0
    """Head tilted up or down this far from rest: looking away (a nod down by
    `pitch_down_deg` is a `head_down` before it is a look away)."""
    eyes_side: float = 0.45
    """Eye-look score to either side (both eyes, -1 to 1): looking away."""
    eyes_vertical: float = 0.4
    """Eye-look score up or down (both eyes, -1 to 1): looking away."""
    sneer: float = 0.2
    blink: float = 0.45
    eye_closed: float = 0.5
    """Eye opening this fraction below rest: closed (a blink reads the blink score or this,
    whichever is clearer: the score barely moves on many faces)."""
    lids_low_blink: float = 0.25
    """Blink score this far above baseline: lids too low to read the gaze."""
    lids_low_open: float = 0.7
    """Eye opening below this fraction of baseline: lids too low to read the gaze."""
    rest_spreads: float = 1.0
    """Every unit is at least this many of the person's resting spreads of the measure."""


def intensities(
    x: Vector,
    rest: Vector,
    units: Units,
    closed: Vector | None = None,
    spread: Vector | None = None,
) -> Vector:
    """The intensity of every cue (in `CUES` order) for measures ``x``.

    ``rest`` is the centre of the person's baseline; ``closed`` the centre of their frames
    with closed lips, which `lip_press` and `mouth_corners_down` are compared with (a
    talker's overall baseline has the mouth half open); None uses ``rest``. ``spread`` is
    the baseline's spread of each measure, the least a unit can be (see the module notes);
    None leaves the units as they are.
    """
    u = units
    out = np.zeros(len(CUES), dtype=np.float64)
    d = x - rest

    def rise(name: str, unit: float, ref: Vector = rest) -> float:
        i = M[name]
        if spread is not None:
            unit = max(unit, u.rest_spreads * float(spread[i]))
        return float((x[i] - ref[i]) / unit)

    def fall(name: str, unit: float, ref: Vector = rest) -> float:
        return -rise(name, unit, ref)

    # AU4 draws the brows together and lowers them along their whole length; the height is
    # averaged over inner end, middle and outer end so that no one landmark pair decides.
    heights = ("brow_inner_h", "brow_mid_h", "brow_outer_h")
    drop = sum(fall(name, u.brow_drop) for name in heights) / len(heights)
    drawn = (fall("brow_gap", u.brow_gap) + drop) / 2
    # The landmark network moves the brows of faces it does not know less than they move:
    # a clear frown can read under a unit there while MediaPipe's brow-down score, which
    # barely moves for most lowerings, jumps several times its resting value.
    out[C["brow_lower"]] = max(drawn, rise("bs_brow_down", u.brow_down_score))

    if x[M["lip_gap"]] < u.lips_closed:
        # Pressed lips and pulled-down corners are judged on a closed mouth, against the
        # person's closed mouth: opening the jaw thins the lips and moves the corners anyway.
        # A raised chin (AU17) often comes with a press but is not one: it pushes the lower
        # lip up, and MediaPipe's score for it jumps on some faces whenever the lips simply
        # close after speech. It only tops up what the lips themselves show. The press score
        # alone jumps the same way when lips close after a wide-open mouth (a yawn), so it
        # too only tops up the thinning; lips rolled in hide the red and count in full.
        lips = rest if closed is None else closed
        resting_red = max(float(lips[M["lip_red"]]), 1e-6)
        thin = fall("lip_red", u.lip_thin * resting_red, lips)
        own = max(
            thin,
            min(rise("bs_mouth_press", u.press, lips), thin + u.press_support),
            rise("bs_mouth_roll", u.roll, lips),
        )
        chin = rise("bs_chin_raise", u.chin_raise, lips)
        # The lip heights are measured at the midline: a mouth pulled to one side (a smirk,
        # lips pushed sideways) stretches the lips there, which is not a press.
        sideways = rise("bs_mouth_side", u.mouth_side, lips) >= 1.0
        out[C["lip_press"]] = 0.0 if sideways else max(own, min(chin, own + u.chin_support))
        out[C["mouth_corners_down"]] = max(
            fall("corner_lift", u.corner_drop, lips), rise("bs_mouth_frown", u.frown, lips)
        )
    # Inner brow ends lifted relative to the outer ends: AU1 without AU2 tilts the brows.
    # A whole-brow raise (AU1+AU2, `brow_raise`) lifts the inner ends further than the outer
    # ones too; what the outer ends rise is taken off, so only the tilt beyond it counts.
    tilt = (d[M["brow_inner_h"]] - d[M["brow_outer_h"]]) / u.brow_tilt
    out[C["inner_brow_raise"]] = tilt - max(0.0, rise("brow_outer_h", u.brow_rise))
    out[C["brow_raise"]] = min(rise("brow_inner_h", u.brow_rise), rise("brow_outer_h", u.brow_rise))
    # MediaPipe's look-down score also rises when the lids droop or close: no gaze reading
    # while they are lower than usual.
    lids_low = (
        d[M["bs_blink"]] > u.lids_low_blink
        or x[M["eye_open"]] < u.lids_low_open * rest[M["eye_open"]]
    )
    gaze = min(rise("bs_look_down", u.look_down), rise("iris_drop", u.iris_drop))
    out[C["gaze_down"]] = 0.0 if lids_low else gaze
    out[C["head_down"]] = rise("pitch", u.pitch_down_deg)  # positive pitch: forehead forward
    out[C["nose_wrinkle"]] = rise("bs_sneer", u.sneer)
    # The smile score alone also rises on a crying grimace: the corners must go up as well.
    out[C["smile"]] = min(rise("bs_smile", u.smile), rise("corner_lift", u.corner_rise))
    # MediaPipe's cheek-squint score barely moves; the lower lid pushed up by the cheek does.
    out[C["eye_smile"]] = 0.0 if lids_low else rise("lower_lid", u.lower_lid)
    if out[C["smile"]] >= 1.0:
        # A broad smile's cheek raise pulls the brows down and together in the landmarks.
        out[C["brow_lower"]] = min(out[C["brow_lower"]], 0.0)
    asym = abs(d[M["bs_smile_r"]] - d[M["bs_smile_l"]]) / u.smile_asym
    out[C["one_sided_smile"]] = min(asym, out[C["smile"]])
    closure = 1.0 - x[M["eye_open"]] / max(float(rest[M["eye_open"]]), 1e-6)
    out[C["blink"]] = max(rise("bs_blink", u.blink), closure / u.eye_closed)
    # Gaze off the camera: the head turned or tilted, or the eyes to the side, up or down
    # (up and down only while the lids are not low: lowered lids look like a downward gaze).
    eyes_side = abs(rise("gaze_side", u.eyes_side))
    eyes_vertical = 0.0 if lids_low else abs(rise("gaze_up", u.eyes_vertical))
    out[C["look_away"]] = max(float(head_away(x, rest, u, spread).max()), eyes_side, eyes_vertical)
    return out


def head_away(x: Vector, rest: Vector, units: Units, spread: Vector | None = None) -> Vector:
    """How far the head is turned (`Units.yaw_deg`) and tilted up or down
    (`Units.tilt_deg`) from ``rest``, in units of a look away: the last axis holds the turn
    and the tilt. ``x`` is one `MEASURES` vector or one per row, ``spread`` as in
    `intensities`.

    The head's part of `look_away`, and what stops the engine reading a face
    (`companion.cues.engine.unread`): eyes that look away leave the face as it is.
    """
    i, j = M["yaw"], M["pitch"]
    turn, tilt = units.yaw_deg, units.tilt_deg
    if spread is not None:
        turn = max(turn, units.rest_spreads * float(spread[i]))
        tilt = max(tilt, units.rest_spreads * float(spread[j]))
    return np.stack([np.abs(x[..., i] - rest[i]) / turn, np.abs(x[..., j] - rest[j]) / tilt], -1)


def frozen_measures(active: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """Mask of the measures read by any cue whose event is under way (``active`` per cue)."""
    mask = np.zeros(len(MEASURES), dtype=bool)
    for cue, on in zip(CUES, active, strict=True):
        if on:
            for name in CUE_MEASURES[cue]:
                mask[M[name]] = True
    return mask
