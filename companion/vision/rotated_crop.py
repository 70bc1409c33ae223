"""A rotated rectangle of an image, cut into a network's square input as MediaPipe does.

MediaPipe's CPU image-to-tensor step uses OpenCV's fixed-point bilinear warp (1/32 pixel
steps). OpenCV 4.11 and later warp with a float kernel whose pixels differ slightly, and
that moves landmarks by up to a third of a pixel; so the fixed-point source coordinates
are computed here exactly as the old warp did and handed to `cv2.remap`, which still
interpolates in fixed point. The result is bit-identical to MediaPipe's input.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from companion.model import RGBImage

_F32 = np.float32
_BITS = 5
_STEPS = 1 << _BITS


@dataclass(frozen=True)
class RotatedRect:
    """Centre, size and rotation (radians, clockwise on screen) of a region.

    In pixels where an image is cut; the landmark engine keeps its regions in normalized
    image units (0-1 across width and height), as MediaPipe does.
    """

    cx: float
    cy: float
    w: float
    h: float
    rotation: float


def crop_to_tensor(
    image: RGBImage,
    rect: RotatedRect,
    size: int,
    value_range: tuple[float, float],
    zero_border: bool,
) -> npt.NDArray[np.float32]:
    """``rect`` of ``image`` warped to ``size`` x ``size`` floats in ``value_range``.

    Outside the image reads as black (``zero_border``) or as the nearest edge pixel.
    """
    corners = cv2.boxPoints(
        (
            (float(rect.cx), float(rect.cy)),
            (float(rect.w), float(rect.h)),
            float(_F32(float(_F32(rect.rotation) * _F32(180.0)) / math.pi)),
        )
    )
    target = np.array([[0, size], [0, 0], [size, 0], [size, size]], np.float32)
    matrix = cv2.getPerspectiveTransform(corners.astype(np.float32), target)
    coords, fractions = _fixed_point_map(np.asarray(matrix, np.float64), size)
    warped = cv2.remap(
        image,
        coords,
        fractions,
        cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT if zero_border else cv2.BORDER_REPLICATE,
        borderValue=0,
    )
    low, high = value_range
    scale = _F32((_F32(high) - _F32(low)) / _F32(255.0))
    tensor = np.multiply(warped, scale, dtype=_F32)
    if low != 0.0:
        tensor += _F32(low)
    return tensor


def _fixed_point_map(
    matrix: npt.NDArray[np.float64], size: int
) -> tuple[npt.NDArray[np.int16], npt.NDArray[np.uint16]]:
    """Source pixel and 1/32 fraction of each output pixel, as OpenCV's fixed-point warp
    computed them (in blocks of 64 x 16 output pixels, rounded half to even)."""
    _, inverse = cv2.invert(np.asarray(matrix, np.float64), flags=cv2.DECOMP_LU)
    m = inverse.reshape(-1)
    block_h = min(16, size)
    block_w = min(1024 // block_h, size)
    x = np.arange(size)
    start = ((x // block_w) * block_w).astype(np.float64)
    offset = x - start
    y = np.arange(size, dtype=np.float64)[:, None]
    # The same operations in the same order as OpenCV's, in place (this runs every call).
    w = np.add(m[6] * start, m[7] * y)
    w += m[8]
    w += m[6] * offset
    if np.all(w != 0):
        np.divide(_STEPS, w, out=w)
    else:
        w = np.where(w != 0, _STEPS / np.where(w != 0, w, 1.0), 0.0)
    coords = np.empty((size, size, 2), np.int16)
    fixed = []
    for k, plane in ((0, m[0:3]), (1, m[3:6])):
        f = np.add(plane[0] * start, plane[1] * y)
        f += plane[2]
        f += plane[0] * offset
        f *= w
        np.clip(f, -(2.0**31), 2.0**31 - 1, out=f)
        whole = np.rint(f, out=f).astype(np.int32)
        coords[..., k] = np.clip(whole >> _BITS, -32768, 32767)
        fixed.append(whole & (_STEPS - 1))
    fractions = (fixed[1] << _BITS) | fixed[0]
    return coords, fractions.astype(np.uint16)


def rect_to_image(rect: RotatedRect, width: int, height: int) -> npt.NDArray[np.float32]:
    """The 2x3 map from the unit square of ``rect`` to normalized image coordinates."""
    a, b = _F32(rect.w), _F32(rect.h)
    c, d = _F32(math.cos(rect.rotation)), _F32(math.sin(rect.rotation))
    e, f = _F32(rect.cx), _F32(rect.cy)
    g, h = _F32(1.0) / _F32(width), _F32(1.0) / _F32(height)
    half = _F32(0.5)
    return np.array(
        [
            [a * c * g, -b * d * g, (-half * a * c + half * b * d + e) * g],
            [a * d * h, b * c * h, (-half * b * c - half * a * d + f) * h],
        ],
        _F32,
    )


def normalized_angle(radians: float) -> float:
    """``radians`` brought into [-pi, pi)."""
    return radians - 2 * math.pi * math.floor((radians + math.pi) / (2 * math.pi))


def rotation_between(x0: float, y0: float, x1: float, y1: float) -> float:
    """The rotation that brings the line from (x0, y0) to (x1, y1) level (float32, as
    MediaPipe computes it: numpy's float32 arctan2 differs in the last bit)."""
    dy = -(_F32(y1) - _F32(y0))
    dx = _F32(x1) - _F32(x0)
    angle = _F32(math.atan2(float(dy), float(dx)))
    return float(_F32(normalized_angle(float(_F32(0) - angle))))
