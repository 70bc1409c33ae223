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
BESIDE_UNITS = 2.5
"""How far to either side of a face its backdrop is looked at, in face units (eyes to
mouth): past the cheek and the ear."""


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


@dataclass(frozen=True)
class FirstLook:
    """A found face's brows and mouth at first sight, how much a one-pixel shift changes
    each (`contrast`), and the same two regions moved to either side of it, onto its
    backdrop."""

    face: Snapshot
    contrast: tuple[float, float]
    beside: tuple[Snapshot, Snapshot]


@dataclass(frozen=True)
class AliveRule:
    """How much a found face must change since its first look to be a person on video
    (see `came_alive`)."""

    level: float
    """Grey levels, on average over the brows or the mouth."""
    contrast: float
    """Fraction of the region's `contrast`, in the brows or the mouth."""
    margin: float | None
    """Times the calmer side of the backdrop (None: the backdrop is not looked at)."""


def first_look(pixels: RGBImage, points: Points, within: Box | None = None) -> FirstLook:
    """The `FirstLook` of the face at ``points``."""
    brows, mouth = _regions(points)
    shift = BESIDE_UNITS * face_unit(points)
    left, right = (
        snapshot_at(pixels, (_moved(brows, dx), _moved(mouth, dx)), within)
        for dx in (-shift, shift)
    )
    face = snapshot_at(pixels, (brows, mouth), within)
    return FirstLook(face, (contrast(face.brows), contrast(face.mouth)), (left, right))


def came_alive(first: FirstLook, pixels: RGBImage, within: Box | None, rule: AliveRule) -> bool:
    """Whether the face's brows or mouth changed since its first look by more than
    ``rule.level`` grey levels, by more than ``rule.contrast`` of what shifting that region
    by one pixel changes, and (unless ``rule.margin`` is None) by more than ``rule.margin``
    times the calmer side of its backdrop did.

    A photo or an avatar on the screen does not change at all. A face printed on a poster
    or a map in someone's room is inside a video: it changes with the video's noise and the
    camera's shake. Noise changes a region by a small fraction of its contrast (a
    compressed video keeps the edges of a busy map), while a person's head moves by a
    fraction of a pixel within moments, and their eyes and mouth move more: that changes
    the region by a good part of its contrast. The camera's shake moves the wall beside a
    printed face as much as the face; a person's face changes more than the wall beside
    it. Where the sides fall outside ``within`` (a face filling its tile) they read as
    black and do not change: only the face's own change counts then.
    """
    now = snapshot_at(pixels, first.face.regions, within)
    changes = _changes(first.face, now)
    if max(changes) <= rule.level:
        return False
    if all(c <= rule.contrast * k for c, k in zip(changes, first.contrast, strict=True)):
        return False
    if rule.margin is None:
        return True
    backdrop = min(change(side, snapshot_at(pixels, side.regions, within)) for side in first.beside)
    return max(changes) > rule.margin * backdrop


def _moved(box: Box, dx: float) -> Box:
    return Box(box.x + dx, box.y, box.w, box.h)


def drifted(snap: Snapshot, points: Points, tolerance: float = 0.15) -> bool:
    """Whether the face at ``points`` moved off the snapshot's regions (by face units)."""
    brows, _ = _regions(points)
    old = snap.regions[0]
    unit = face_unit(points)
    shift = max(abs(brows.cx - old.cx), abs(brows.cy - old.cy), abs(brows.w - old.w))
    return shift > tolerance * unit


def change(before: Snapshot, after: Snapshot) -> float:
    """The larger mean absolute grey difference of the two regions (0 for identical pixels)."""
    return max(_changes(before, after))


def _changes(before: Snapshot, after: Snapshot) -> tuple[float, float]:
    """The mean absolute grey difference of the brows and of the mouth."""
    brows = float(cv2.norm(before.brows, after.brows, cv2.NORM_L1)) / max(1, before.brows.size)
    mouth = float(cv2.norm(before.mouth, after.mouth, cv2.NORM_L1)) / max(1, before.mouth.size)
    return brows, mouth


def contrast(thumbnail: RGBImage) -> float:
    """How much shifting a grey thumbnail by one pixel changes it: the mean absolute
    difference of neighbouring pixels, across or down, whichever is larger."""
    grey = thumbnail.astype(np.float32)
    across = float(np.abs(np.diff(grey, axis=1)).mean()) if grey.shape[1] > 1 else 0.0
    down = float(np.abs(np.diff(grey, axis=0)).mean()) if grey.shape[0] > 1 else 0.0
    return max(across, down)


def is_still(before: Snapshot, after: Snapshot, level: float) -> bool:
    """Whether neither region changed by more than ``level`` grey levels on average."""
    return bool(np.isfinite(level)) and change(before, after) <= level
