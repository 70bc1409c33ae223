"""Four anchor points of a face (eyes, nose tip, mouth centre), from landmarks or the detector.

Both sources give these four points in frame pixels, so matching, appearance and motion
regions can be placed the same way whether a face was just detected or landmarked.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from companion import facemesh as fm
from companion.model import Box

Points = npt.NDArray[np.float32]
"""Shape (4, 2): eye on the image's left, eye on the image's right, nose tip, mouth centre."""

_EYE_A = (fm.EYE_R_OUTER, fm.EYE_R_INNER)
_EYE_B = (fm.EYE_L_OUTER, fm.EYE_L_INNER)
_LIPS = (fm.LIP_UP_INNER, fm.LIP_LOW_INNER)


def points_from_landmarks(landmarks: npt.NDArray[np.float32]) -> Points:
    """Anchor points from MediaPipe's 478 face-mesh landmarks (frame pixels)."""
    xy = landmarks[:, :2]
    eye_a = xy[list(_EYE_A)].mean(axis=0)
    eye_b = xy[list(_EYE_B)].mean(axis=0)
    left, right = (eye_a, eye_b) if eye_a[0] <= eye_b[0] else (eye_b, eye_a)
    mouth = xy[list(_LIPS)].mean(axis=0)
    return np.stack([left, right, xy[fm.NOSE_TIP], mouth]).astype(np.float32)


def points_from_keypoints(keypoints: npt.ArrayLike) -> Points:
    """Anchor points from the detector's six keypoints (eyes, nose, mouth, ears), in order."""
    kp = np.asarray(keypoints, dtype=np.float32).reshape(-1, 2)
    if kp.shape[0] < 4:
        raise ValueError(f"need at least 4 keypoints, got {kp.shape[0]}")
    eyes = kp[:2]
    eyes = eyes[np.argsort(eyes[:, 0])]
    return np.stack([eyes[0], eyes[1], kp[2], kp[3]]).astype(np.float32)


def face_unit(points: Points) -> float:
    """Distance from the midpoint of the eyes to the mouth: a scale that survives head turns."""
    eyes = (points[0] + points[1]) / 2
    return max(1.0, float(np.hypot(*(points[3] - eyes))))


def eye_distance(points: Points) -> float:
    """Distance between the two eye centres."""
    return max(1.0, float(np.hypot(*(points[1] - points[0]))))


def region_around(points: Points, above: float, below: float, half_width: float) -> Box:
    """A box from ``above`` units over the eyes to ``below`` units under the mouth.

    Units are `face_unit`; the box is centred on the face's vertical axis.
    """
    u = face_unit(points)
    eyes = (points[0] + points[1]) / 2
    cx = float(eyes[0] + points[3][0]) / 2
    top = float(eyes[1]) - above * u
    bottom = float(points[3][1]) + below * u
    return Box(cx - half_width * u, top, 2 * half_width * u, max(1.0, bottom - top))


def shifted(points: Points, box_from: Box, box_to: Box) -> Points:
    """Points moved and scaled with a box (for a track whose box the detector refreshed)."""
    sx = box_to.w / box_from.w if box_from.w else 1.0
    sy = box_to.h / box_from.h if box_from.h else 1.0
    out = points.copy()
    out[:, 0] = (points[:, 0] - box_from.x) * sx + box_to.x
    out[:, 1] = (points[:, 1] - box_from.y) * sy + box_to.y
    return out
