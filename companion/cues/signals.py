"""Per-frame measurements of one face: landmark geometry corrected for head pose, plus blendshapes.

Geometry is measured on a *frontalised* face: the landmarks are rotated back by the head pose
(so a nod does not move the brows towards the eyes) and scaled so that the distance between
the eye centres is 1. Every geometric measure is therefore in inter-ocular units and does not
depend on the face's size in the frame. Blendshape scores are kept as MediaPipe gives them;
the cue scoring (`companion.cues.scoring`) compares both against the person's own baseline.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from companion import facemesh as fm
from companion.model import BLENDSHAPE_INDEX, BLENDSHAPE_NAMES, Face, HeadPose

Vector = npt.NDArray[np.float64]

MEASURES: tuple[str, ...] = (
    # geometry, inter-ocular units
    "brow_gap",  # distance between the inner brow ends (falls when brows draw together)
    "brow_inner_h",  # inner brow ends above the inner eye corners
    "brow_mid_h",  # middle of the brows above the eye-corner line
    "brow_outer_h",  # outer brow ends above the outer eye corners
    "eye_open",  # upper to lower eyelid, both eyes averaged
    "eye_open_r",  # the person's right eye alone (the self-tape review reads each eye)
    "eye_open_l",  # the person's left eye alone
    "lower_lid",  # lower eyelid above the eye-corner line (rises when the cheeks push it up)
    "iris_drop",  # iris centre below the eye-corner line (rises when looking down)
    "lip_red",  # visible red of both lips (falls when lips press or roll in)
    "lip_gap",  # opening between the lips
    "corner_lift",  # mouth corners above the middle of the lips (falls when pulled down)
    "corner_lift_r",  # the person's right corner alone (the self-tape review reads each side)
    "corner_lift_l",  # the person's left corner alone
    # head pose, degrees
    "pitch",
    "yaw",
    # MediaPipe blendshapes (left and right averaged where paired)
    "bs_mouth_press",
    "bs_mouth_roll",
    "bs_mouth_side",  # mouthLeft or mouthRight, whichever is larger
    "bs_chin_raise",  # mouthShrugLower
    "bs_mouth_frown",
    "bs_smile",
    "bs_smile_r",
    "bs_smile_l",
    "bs_blink",
    "bs_look_down",
    "bs_sneer",
    "bs_brow_down",  # compressed: only a large rise counts towards brow_lower
    "bs_squint_r",  # eyeSquintRight (a one-sided smile narrows one eye)
    "bs_squint_l",  # eyeSquintLeft
    "gaze_side",  # eye-look scores, sideways: towards the person's left positive, -1 to 1
    "gaze_up",  # eye-look scores, vertical: up positive, -1 to 1
    "mouth_activity",  # sum of the mouth, jaw and cheek blendshapes
)
"""Names of the entries of the vector `measure` returns, in order."""

M: dict[str, int] = {name: i for i, name in enumerate(MEASURES)}
"""Index of each measure in the vector."""


def _mean(*names: str) -> dict[str, float]:
    return {name: 1.0 / len(names) for name in names}


_BLENDSHAPE_MEASURES: dict[str, dict[str, float]] = {
    "bs_mouth_press": _mean("mouthPressLeft", "mouthPressRight"),
    "bs_mouth_roll": _mean("mouthRollLower", "mouthRollUpper"),
    "bs_chin_raise": _mean("mouthShrugLower"),
    "bs_mouth_frown": _mean("mouthFrownLeft", "mouthFrownRight"),
    "bs_smile": _mean("mouthSmileLeft", "mouthSmileRight"),
    "bs_smile_r": _mean("mouthSmileRight"),
    "bs_smile_l": _mean("mouthSmileLeft"),
    "bs_blink": _mean("eyeBlinkLeft", "eyeBlinkRight"),
    "bs_look_down": _mean("eyeLookDownLeft", "eyeLookDownRight"),
    "bs_sneer": _mean("noseSneerLeft", "noseSneerRight"),
    "bs_brow_down": _mean("browDownLeft", "browDownRight"),
    "bs_squint_r": _mean("eyeSquintRight"),
    "bs_squint_l": _mean("eyeSquintLeft"),
    # Where both eyes look: towards the person's left their left eye looks out and the
    # right one in; up, both look up.
    "gaze_side": {
        "eyeLookOutLeft": 0.5,
        "eyeLookInRight": 0.5,
        "eyeLookInLeft": -0.5,
        "eyeLookOutRight": -0.5,
    },
    "gaze_up": {
        "eyeLookUpLeft": 0.5,
        "eyeLookUpRight": 0.5,
        "eyeLookDownLeft": -0.5,
        "eyeLookDownRight": -0.5,
    },
}
"""Each measure read from the blendshape scores, as a weighted sum of them."""
_MOUTH_LEFT, _MOUTH_RIGHT = BLENDSHAPE_INDEX["mouthLeft"], BLENDSHAPE_INDEX["mouthRight"]
_MOUTH_ACTIVITY_COLUMNS: tuple[int, ...] = tuple(
    i for i, name in enumerate(BLENDSHAPE_NAMES) if name.startswith(("mouth", "jaw", "cheek"))
)
LOWER_FACE: tuple[str, ...] = (
    "lower_lid",
    "lip_red",
    "lip_gap",
    "corner_lift",
    "corner_lift_r",
    "corner_lift_l",
    *(name for name in MEASURES if name.startswith(("bs_mouth", "bs_chin", "bs_smile"))),
)
"""The measures of the mouth and cheeks (speech and smiles move them, and a smile's cheeks
push the lower lids up)."""
_BS_COLUMNS = np.array([M[name] for name in _BLENDSHAPE_MEASURES], dtype=np.intp)
"""Where each blendshape measure goes in the measure vector ..."""
_BS_WEIGHTS = np.zeros((len(_BLENDSHAPE_MEASURES), len(BLENDSHAPE_NAMES)))
"""... and the weights that make it from the 52 scores (one product per face)."""
for _row, _weights in enumerate(_BLENDSHAPE_MEASURES.values()):
    for _name, _weight in _weights.items():
        _BS_WEIGHTS[_row, BLENDSHAPE_INDEX[_name]] = _weight
_MOUTH_ACTIVITY = np.array(_MOUTH_ACTIVITY_COLUMNS, dtype=np.intp)


def rotation(pose: HeadPose) -> Vector:
    """The face-to-camera rotation R = Rz(roll) Ry(yaw) Rx(pitch) (see `companion.vision.pose`)."""
    y, p, r = (math.radians(v) for v in (pose.yaw, pose.pitch, pose.roll))
    rx = np.array([[1, 0, 0], [0, math.cos(p), -math.sin(p)], [0, math.sin(p), math.cos(p)]])
    ry = np.array([[math.cos(y), 0, math.sin(y)], [0, 1, 0], [-math.sin(y), 0, math.cos(y)]])
    rz = np.array([[math.cos(r), -math.sin(r), 0], [math.sin(r), math.cos(r), 0], [0, 0, 1]])
    return np.asarray(rz @ ry @ rx, dtype=np.float64)


def frontalise(landmarks: npt.ArrayLike, pose: HeadPose) -> Vector:
    """Landmarks rotated to face the camera, y up, centred on the eyes, inter-ocular distance 1."""
    points = np.asarray(landmarks, dtype=np.float64)
    centred = points - points[
        [fm.EYE_R_OUTER, fm.EYE_R_INNER, fm.EYE_L_INNER, fm.EYE_L_OUTER]
    ].mean(axis=0)
    # Image axes (x right, y down, z away) to the pose's axes (x right, y up, z towards camera).
    centred *= np.array([1.0, -1.0, -1.0])
    upright = centred @ rotation(pose)
    eye_r = upright[[fm.EYE_R_OUTER, fm.EYE_R_INNER]].mean(axis=0)
    eye_l = upright[[fm.EYE_L_INNER, fm.EYE_L_OUTER]].mean(axis=0)
    iod = float(np.linalg.norm(eye_l - eye_r))
    if not iod > 0:
        raise ValueError("eye centres coincide; cannot normalise the face")
    return np.asarray(upright / iod, dtype=np.float64)


def measure(face: Face) -> Vector:
    """The `MEASURES` vector of one face."""
    q = frontalise(face.landmarks, face.pose)
    y = q[:, 1]
    out = np.empty(len(MEASURES), dtype=np.float64)

    def dist(a: int, b: int) -> float:
        return float(np.linalg.norm(q[a] - q[b]))

    def mid_y(pair: tuple[int, int]) -> float:
        return float((y[pair[0]] + y[pair[1]]) / 2)

    corner_line_r = (y[fm.EYE_R_OUTER] + y[fm.EYE_R_INNER]) / 2
    corner_line_l = (y[fm.EYE_L_OUTER] + y[fm.EYE_L_INNER]) / 2
    out[M["brow_gap"]] = (
        dist(fm.BROW_R_INNER[0], fm.BROW_L_INNER[0]) + dist(fm.BROW_R_INNER[1], fm.BROW_L_INNER[1])
    ) / 2
    out[M["brow_inner_h"]] = (
        mid_y(fm.BROW_R_INNER) - y[fm.EYE_R_INNER] + mid_y(fm.BROW_L_INNER) - y[fm.EYE_L_INNER]
    ) / 2
    out[M["brow_mid_h"]] = (
        mid_y(fm.BROW_R_MID) - corner_line_r + mid_y(fm.BROW_L_MID) - corner_line_l
    ) / 2
    out[M["brow_outer_h"]] = (
        mid_y(fm.BROW_R_OUTER) - y[fm.EYE_R_OUTER] + mid_y(fm.BROW_L_OUTER) - y[fm.EYE_L_OUTER]
    ) / 2
    out[M["eye_open_r"]] = dist(fm.LID_R_UP, fm.LID_R_LOW)
    out[M["eye_open_l"]] = dist(fm.LID_L_UP, fm.LID_L_LOW)
    out[M["eye_open"]] = (out[M["eye_open_r"]] + out[M["eye_open_l"]]) / 2
    out[M["lower_lid"]] = (y[fm.LID_R_LOW] - corner_line_r + y[fm.LID_L_LOW] - corner_line_l) / 2
    out[M["iris_drop"]] = (corner_line_r - y[fm.IRIS_R] + corner_line_l - y[fm.IRIS_L]) / 2
    out[M["lip_red"]] = dist(fm.LIP_UP_OUTER, fm.LIP_UP_INNER) + dist(
        fm.LIP_LOW_INNER, fm.LIP_LOW_OUTER
    )
    out[M["lip_gap"]] = dist(fm.LIP_UP_INNER, fm.LIP_LOW_INNER)
    lip_mid = (y[fm.LIP_UP_INNER] + y[fm.LIP_LOW_INNER]) / 2
    out[M["corner_lift_r"]] = y[fm.MOUTH_R] - lip_mid
    out[M["corner_lift_l"]] = y[fm.MOUTH_L] - lip_mid
    out[M["corner_lift"]] = (out[M["corner_lift_r"]] + out[M["corner_lift_l"]]) / 2
    out[M["pitch"]] = face.pose.pitch
    out[M["yaw"]] = face.pose.yaw
    scores = face.blendshapes
    out[_BS_COLUMNS] = _BS_WEIGHTS @ scores
    out[M["bs_mouth_side"]] = float(max(scores[_MOUTH_LEFT], scores[_MOUTH_RIGHT]))
    out[M["mouth_activity"]] = float(np.sum(scores[_MOUTH_ACTIVITY]))
    return out
