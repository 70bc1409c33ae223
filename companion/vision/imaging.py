"""Cropping and scaling helpers shared by the detector and the landmarker (OpenCV only)."""

from __future__ import annotations

import cv2
import numpy as np

from companion.model import Box, RGBImage


def crop_padded(pixels: RGBImage, box: Box) -> RGBImage:
    """The pixels inside ``box``; parts outside the frame are black.

    A view (no copy) when the box lies inside the frame.
    """
    h, w = pixels.shape[:2]
    x0, y0 = round(box.x), round(box.y)
    x1, y1 = x0 + max(1, round(box.w)), y0 + max(1, round(box.h))
    if x0 >= 0 and y0 >= 0 and x1 <= w and y1 <= h:
        return pixels[y0:y1, x0:x1]
    out = np.zeros((y1 - y0, x1 - x0, 3), dtype=np.uint8)
    sx0, sy0, sx1, sy1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
    if sx1 > sx0 and sy1 > sy0:
        out[sy0 - y0 : sy1 - y0, sx0 - x0 : sx1 - x0] = pixels[sy0:sy1, sx0:sx1]
    return out


def fit_within(image: RGBImage, max_side: int) -> tuple[RGBImage, float]:
    """Scale ``image`` down so its longer side is at most ``max_side``.

    Halves with a Gaussian pyramid first (cheap and alias-free), then one bilinear step.
    Returns a C-contiguous image and the scale applied (1.0 when already small enough).
    """
    side = max(image.shape[0], image.shape[1])
    if side <= max_side:
        return np.ascontiguousarray(image), 1.0
    out = image
    while max(out.shape[0], out.shape[1]) >= 2 * max_side:
        out = np.asarray(cv2.pyrDown(out), dtype=np.uint8)
    target = max_side / side
    size = (max(1, round(image.shape[1] * target)), max(1, round(image.shape[0] * target)))
    out = np.asarray(cv2.resize(out, size, interpolation=cv2.INTER_LINEAR), dtype=np.uint8)
    return np.ascontiguousarray(out), size[0] / image.shape[1]
