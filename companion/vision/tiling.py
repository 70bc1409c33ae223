"""Where to look for faces: overlapping square tiles at several scales (pure numpy).

MediaPipe's bundled detector reads 128x128 and finds faces that fill roughly 20-70% of
its input, so a whole 1080p gallery hides small faces from it, and a window no larger than
a tile misses the face that fills it (a maximized call, a webcam cropped to fill its tile).
Searching one window a little larger than the tile, then windows whose side is a few face
heights, brings every face from ``min_face`` up to the tile's own size into that range.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from companion.model import Box
from companion.vision.facepoints import Points

FACE_TO_TILE_MIN = 0.2
"""Smallest face, as a fraction of the window side, the detector finds reliably (45 px
faces of a meeting-room tile are missed in 446 px windows and found in 223 px ones)."""
WHOLE_AREA_MARGIN = 1.4
"""The whole-area window's side, as a multiple of the area's short side (at least its long
side): a face as tall as its tile, or cut by the tile edge, then fills at most about 70%."""

AREA_TO_PICTURE_FACE = 19.0
"""A detector box shorter than this fraction of its area's short side is a picture in the
room, not a participant. A 1080p meeting-room tile (351 px) gives its people boxes of
31-39 px and the faces on a poster behind them 15 px; a 1440 px window's room tile (280 px),
23-29 and 11 px. A little above `AREA_TO_SMALLEST_FACE`, as the detector's box of a face is
often shorter than the face."""


@dataclass(frozen=True, eq=False)
class Detection:
    """A face found by the detector, in frame pixels, with its confidence.

    ``points`` are its eyes, nose tip and mouth (see `facepoints`) when the detector gave them.
    """

    box: Box
    score: float
    points: Points | None = None


def tile_grid(width: int, height: int, min_face: float, overlap: float = 1 / 3) -> list[Box]:
    """Square tiles covering a width x height frame at every scale down to ``min_face``.

    The first tile is the whole frame's short side; each level halves the side until a
    face of ``min_face`` pixels fills at least `FACE_TO_TILE_MIN` of the tile. Tiles
    overlap by ``overlap`` of their side so a face up to that size lies whole in one.
    """
    if width < 1 or height < 1:
        raise ValueError(f"frame has no pixels: {width}x{height}")
    smallest = max(32.0, min_face / FACE_TO_TILE_MIN)
    side = float(min(width, height))
    tiles: list[Box] = []
    while True:
        tiles.extend(_level(width, height, side, overlap))
        if side <= smallest or side / 2 < 32.0:
            break
        side /= 2
    return tiles


AREA_TO_SMALLEST_FACE = 16.0
"""Faces smaller than this fraction of their area's short side are not searched for: a
meeting-room tile's 30 px faces are, a 1080p camera scene's 20 px crowd is not (the
landmarks of such faces could not be read anyway)."""


def too_small(found: Box, area: Box) -> bool:
    """Whether a face the detector found in ``area`` is too small for its area to be one of
    its participants: a picture in the room (a poster, a photo on the wall).

    Only the area's size decides, never the search's floor (`PipelineConfig.min_face`): in
    a downscaled 7x7 gallery every tile is 47 px high and its faces give 11-22 px boxes.
    """
    return found.h < min(area.w, area.h) / AREA_TO_PICTURE_FACE


def search_windows(area: Box, min_face: float) -> list[Box]:
    """Detector windows over one layout tile (or a whole camera scene), in frame pixels.

    First one square window centred on the area and larger than it (its parts outside the
    area are read as black), for a face that fills its tile; then the area at its own
    scale, its short side first, then smaller windows only as far as faces of
    ``min_face`` pixels need.
    """
    side = max(area.w, area.h, WHOLE_AREA_MARGIN * min(area.w, area.h))
    whole = Box(area.cx - side / 2, area.cy - side / 2, side, side)
    smallest = max(min_face, min(area.w, area.h) / AREA_TO_SMALLEST_FACE)
    return [whole] + [
        Box(area.x + t.x, area.y + t.y, t.w, t.h)
        for t in tile_grid(max(1, round(area.w)), max(1, round(area.h)), smallest)
    ]


def _level(width: int, height: int, side: float, overlap: float) -> list[Box]:
    step = side * (1 - overlap)

    def starts(extent: int) -> list[float]:
        if extent <= side:
            return [0.0]
        count = int(np.ceil((extent - side) / step)) + 1
        return list(np.linspace(0.0, extent - side, count))

    return [Box(x, y, side, side) for y in starts(height) for x in starts(width)]


def touches_inner_edge(
    box: Box, tile: Box, width: float, height: float, margin: float = 2, origin: Box | None = None
) -> bool:
    """Whether ``box`` is cut by a tile edge that is not also the edge of the searched area.

    The area is the frame (``width`` x ``height``) or ``origin`` when given. Such a box is
    usually half a face; an overlapping tile holds the whole one.
    """
    ax, ay = (origin.x, origin.y) if origin is not None else (0.0, 0.0)
    ax1, ay1 = (origin.x + origin.w, origin.y + origin.h) if origin is not None else (width, height)
    left = box.x <= tile.x + margin and tile.x > ax + margin
    top = box.y <= tile.y + margin and tile.y > ay + margin
    right = box.x + box.w >= tile.x + tile.w - margin and tile.x + tile.w < ax1 - margin
    bottom = box.y + box.h >= tile.y + tile.h - margin and tile.y + tile.h < ay1 - margin
    return left or top or right or bottom


def suppress_overlaps(detections: Sequence[Detection], threshold: float = 0.3) -> list[Detection]:
    """Greedy non-maximum suppression; also drops a box mostly inside a better one."""
    kept: list[Detection] = []
    for det in sorted(detections, key=lambda d: d.score, reverse=True):
        if all(not _same_face(det.box, k.box, threshold) for k in kept):
            kept.append(det)
    return kept


def _same_face(a: Box, b: Box, threshold: float) -> bool:
    if a.iou(b) > threshold:
        return True
    smaller = min(a.area, b.area)
    return smaller > 0 and a.overlap(b) / smaller > 0.6
