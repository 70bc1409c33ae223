"""Cropping and scaling helpers shared by the detector and the landmarker (OpenCV only)."""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from companion.model import Box, RGBImage

Mask = npt.NDArray[np.uint8]
"""One byte per pixel: 255 set, 0 not."""

CROP_MAX_SIDE = 256
"""A participant's crop is scaled down to this side before landmarking: the landmark
network reads 256 px, so a crop up to this size loses nothing."""


def crop_padded(pixels: RGBImage, box: Box, within: Box | None = None) -> RGBImage:
    """The pixels inside ``box``; parts outside the frame (or outside ``within``) are black.

    ``within`` keeps a crop to one gallery tile, so a neighbour's face never shows in it.
    A view (no copy) when the box lies inside both.
    """
    (x0, y0, x1, y1), shown = _visible(pixels.shape, box, within)
    if shown == (0, 0, x1 - x0, y1 - y0):
        return pixels[y0:y1, x0:x1]
    out = np.zeros((y1 - y0, x1 - x0, 3), dtype=np.uint8)
    a, b, c, d = shown
    if c > a and d > b:
        out[b:d, a:c] = pixels[y0 + b : y0 + d, x0 + a : x0 + c]
    return out


def shown_mask(shape: tuple[int, ...], box: Box, within: Box | None = None) -> Mask:
    """255 where `crop_padded` of ``box`` shows the image, 0 where it pads with black."""
    (x0, y0, x1, y1), (a, b, c, d) = _visible(shape, box, within)
    mask = np.zeros((y1 - y0, x1 - x0), dtype=np.uint8)
    if c > a and d > b:
        mask[b:d, a:c] = 255
    return mask


def _visible(
    shape: tuple[int, ...], box: Box, within: Box | None
) -> tuple[tuple[int, int, int, int], tuple[int, int, int, int]]:
    """``box`` in whole pixels (x0, y0, x1, y1), and the part of it that lies inside the
    image and ``within``, relative to its corner (left, top, right, bottom)."""
    h, w = shape[:2]
    x0, y0 = round(box.x), round(box.y)
    x1, y1 = x0 + max(1, round(box.w)), y0 + max(1, round(box.h))
    lx0, ly0, lx1, ly1 = 0, 0, w, h
    if within is not None:
        lx0, ly0 = max(0, round(within.x)), max(0, round(within.y))
        lx1, ly1 = min(w, round(within.x + within.w)), min(h, round(within.y + within.h))
    sx0, sy0, sx1, sy1 = max(lx0, x0), max(ly0, y0), min(lx1, x1), min(ly1, y1)
    return (x0, y0, x1, y1), (sx0 - x0, sy0 - y0, sx1 - x0, sy1 - y0)


def crop_fitted(
    pixels: RGBImage, box: Box, max_side: int, within: Box | None = None
) -> tuple[RGBImage, float]:
    """`crop_padded`, scaled so the longer side is at most ``max_side``, in one step.

    Only the pixels that exist are scaled (pyramid halvings, then one bilinear step): a
    large face's crop often reaches past its tile, and padding it at full resolution first
    would copy megabytes of black. Returns a C-contiguous image and the scale applied.
    """
    side = max(box.w, box.h)
    if side <= max_side:
        return np.ascontiguousarray(crop_padded(pixels, box, within)), 1.0
    out_w = max(1, round(box.w * max_side / side))
    out_h = max(1, round(box.h * max_side / side))
    scale = out_w / box.w
    h, w = pixels.shape[:2]
    lx0, ly0, lx1, ly1 = 0.0, 0.0, float(w), float(h)
    if within is not None:
        lx0, ly0 = max(lx0, within.x), max(ly0, within.y)
        lx1, ly1 = min(lx1, within.x + within.w), min(ly1, within.y + within.h)
    x0, y0 = round(max(box.x, lx0)), round(max(box.y, ly0))
    x1, y1 = round(min(box.x + box.w, lx1)), round(min(box.y + box.h, ly1))
    out = np.zeros((out_h, out_w, 3), np.uint8)
    dx0, dy0 = round((x0 - box.x) * scale), round((y0 - box.y) * scale)
    dx1 = min(out_w, round((x1 - box.x) * scale))
    dy1 = min(out_h, round((y1 - box.y) * scale))
    if x1 > x0 and y1 > y0 and dx1 > dx0 and dy1 > dy0:
        out[dy0:dy1, dx0:dx1] = _shrink(pixels[y0:y1, x0:x1], (dx1 - dx0, dy1 - dy0))
    return out, scale


def _shrink(image: RGBImage, size: tuple[int, int]) -> RGBImage:
    """Scale down to ``size`` (width, height): pyramid halvings, then one bilinear step."""
    out = image
    while out.shape[1] >= 2 * size[0] and out.shape[0] >= 2 * size[1]:
        out = np.asarray(cv2.pyrDown(out), dtype=np.uint8)
    return np.asarray(cv2.resize(out, size, interpolation=cv2.INTER_LINEAR), dtype=np.uint8)


def grey_patch(
    pixels: RGBImage, box: Box, size: tuple[int, int], within: Box | None = None
) -> RGBImage:
    """A small grey thumbnail (``size`` = width, height) of ``box``, for cheap comparisons."""
    patch = crop_padded(pixels, box, within)
    # Keep every few pixels first (a large face would otherwise cost a big averaging resize);
    # then average down to the thumbnail.
    step = max(1, min(patch.shape[1] // (2 * size[0]), patch.shape[0] // (2 * size[1])))
    if step > 1:
        patch = np.ascontiguousarray(patch[::step, ::step])
    small = cv2.resize(patch, size, interpolation=cv2.INTER_AREA)
    return np.asarray(cv2.cvtColor(small, cv2.COLOR_RGB2GRAY), dtype=np.uint8)
