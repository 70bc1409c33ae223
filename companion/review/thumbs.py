"""Face thumbnails at chosen frames, read in a second pass over the video.

Frames are decoded in order and only the wanted ones are cropped, so nothing but the
small JPEG crops is ever kept, however long the video.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np

from companion.capture.video import VideoFileSource
from companion.model import Box, RGBImage

THUMB_SIDE = 168
MARGIN = 0.3
"""Room around the face box, as a share of its larger side, on each side."""
JPEG_QUALITY = 85


def face_crops(path: Path, wanted: Sequence[tuple[int, Box]]) -> list[bytes | None]:
    """A JPEG of the face at each ``(frame index, face box)``; None where no frame decoded."""
    if not wanted:
        return []
    todo: dict[int, list[int]] = {}
    for position, (index, _) in enumerate(wanted):
        todo.setdefault(index, []).append(position)
    out: list[bytes | None] = [None] * len(wanted)
    last = max(todo)
    with VideoFileSource(path) as source:
        for frame in source.frames():
            for position in todo.get(frame.index, ()):
                out[position] = encode_jpeg(crop_square(frame.pixels, wanted[position][1]))
            if frame.index >= last:
                break
    return out


def crop_square(pixels: RGBImage, box: Box, side: int = THUMB_SIDE) -> RGBImage:
    """A square around ``box`` with `MARGIN`, black where it leaves the frame, ``side`` px."""
    size = max(box.w, box.h) * (1 + 2 * MARGIN)
    n = max(1, round(size))
    h, w = pixels.shape[:2]
    # Slide the square back inside the frame where it fits, so the face is not cut by black.
    x0 = _inside(round(box.cx - size / 2), n, w)
    y0 = _inside(round(box.cy - size / 2), n, h)
    canvas = np.zeros((n, n, 3), dtype=np.uint8)
    sx0, sy0 = max(0, x0), max(0, y0)
    sx1, sy1 = min(w, x0 + n), min(h, y0 + n)
    if sx1 > sx0 and sy1 > sy0:
        canvas[sy0 - y0 : sy1 - y0, sx0 - x0 : sx1 - x0] = pixels[sy0:sy1, sx0:sx1]
    return np.asarray(cv2.resize(canvas, (side, side), interpolation=cv2.INTER_AREA), np.uint8)


def _inside(start: int, size: int, limit: int) -> int:
    """``start`` moved so that ``start .. start + size`` stays within ``0 .. limit`` if it can."""
    if size >= limit:
        return (limit - size) // 2
    return min(max(start, 0), limit - size)


def encode_jpeg(rgb: RGBImage) -> bytes:
    """JPEG bytes of an RGB image."""
    ok, data = cv2.imencode(
        ".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY]
    )
    if not ok:
        raise ValueError("could not encode a thumbnail as JPEG")
    return bytes(data.tobytes())
