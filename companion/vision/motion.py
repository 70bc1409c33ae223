"""Did a face change since its last model call? A cheap look at the brows and the mouth.

Brief facial movements show in the brows and eyes or in the mouth. Comparing small grey
thumbnails of those two regions with the ones taken at the participant's last model call
costs tens of microseconds; when neither changed (a repeated video frame, a still
listener) the last landmarks still hold and the model call can go to someone who moved.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from companion.model import Box, RGBImage
from companion.vision.facepoints import Points, face_unit
from companion.vision.imaging import grey_patch

_BROWS_SIZE = (32, 12)
_MOUTH_SIZE = (24, 12)


@dataclass(frozen=True)
class Snapshot:
    """Grey thumbnails of the brows-and-eyes band and of the mouth at one moment."""

    brows: RGBImage
    mouth: RGBImage
    regions: tuple[Box, Box]
    """Where they were taken (frame pixels), so a later look compares the same places."""


def _band(cx: float, cy: float, up: float, down: float, half_width: float, unit: float) -> Box:
    return Box(cx - half_width * unit, cy - up * unit, 2 * half_width * unit, (up + down) * unit)


def _regions(points: Points) -> tuple[Box, Box]:
    u = face_unit(points)
    eyes = (points[0] + points[1]) / 2
    mouth = points[3]
    brows = _band(float(eyes[0]), float(eyes[1]), 0.9, 0.25, 1.5, u)
    lips = _band(float(mouth[0]), float(mouth[1]), 0.45, 0.5, 0.9, u)
    return brows, lips


def snapshot(pixels: RGBImage, points: Points, within: Box | None = None) -> Snapshot:
    """Thumbnails of the brows and mouth regions of the face at ``points``."""
    return snapshot_at(pixels, _regions(points), within)


def snapshot_at(pixels: RGBImage, regions: tuple[Box, Box], within: Box | None = None) -> Snapshot:
    """Thumbnails of the same two regions as an earlier snapshot, in a new frame."""
    brows, mouth = regions
    return Snapshot(
        grey_patch(pixels, brows, _BROWS_SIZE, within),
        grey_patch(pixels, mouth, _MOUTH_SIZE, within),
        regions,
    )


def drifted(snap: Snapshot, points: Points, tolerance: float = 0.15) -> bool:
    """Whether the face at ``points`` moved off the snapshot's regions (by face units)."""
    brows, _ = _regions(points)
    old = snap.regions[0]
    unit = face_unit(points)
    shift = max(abs(brows.cx - old.cx), abs(brows.cy - old.cy), abs(brows.w - old.w))
    return shift > tolerance * unit


def change(before: Snapshot, after: Snapshot) -> float:
    """The larger mean absolute grey difference of the two regions (0 for identical pixels)."""
    brows = float(cv2.norm(before.brows, after.brows, cv2.NORM_L1)) / max(1, before.brows.size)
    mouth = float(cv2.norm(before.mouth, after.mouth, cv2.NORM_L1)) / max(1, before.mouth.size)
    return max(brows, mouth)


def is_still(before: Snapshot, after: Snapshot, level: float) -> bool:
    """Whether neither region changed by more than ``level`` grey levels on average."""
    return bool(np.isfinite(level)) and change(before, after) <= level
