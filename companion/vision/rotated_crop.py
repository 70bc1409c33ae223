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
_SATURATED = float(1 << (15 + _BITS))


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


class TensorCrop:
    """Cuts rotated rectangles of images into one network's square float input.

    Holds the buffers of the fixed-point map, so a call allocates only its result. Not
    thread-safe: each `LandmarkEngine` owns its own.
    """

    def __init__(self, size: int, value_range: tuple[float, float], zero_border: bool) -> None:
        block_h = min(16, size)
        block_w = min(1024 // block_h, size)
        if size % block_w:
            raise ValueError(f"a network input of {size} px is not a whole number of blocks")
        self.size = size
        self._border = cv2.BORDER_CONSTANT if zero_border else cv2.BORDER_REPLICATE
        low, high = value_range
        self._low = _F32(low)
        self._scale = _F32((_F32(high) - _F32(low)) / _F32(255.0))
        # OpenCV's warp computes each block's first column once per row and adds the
        # offset within the block: the (row, block) sums are computed on their own.
        self._starts = np.arange(0, size, block_w, dtype=np.float64)[None, :, None]
        self._offsets = np.arange(block_w, dtype=np.float64)
        self._rows = np.arange(size, dtype=np.float64)[:, None, None]
        blocks = (size, size // block_w, block_w)
        self._w = np.empty(blocks)
        self._f = np.empty(blocks)
        self._whole = np.empty((size, size), np.int32)
        self._coords = np.empty((size, size, 2), np.int16)
        self._parts = np.empty((2, size, size), np.int32)
        self._fractions = np.empty((size, size), np.uint16)

    def __call__(self, image: RGBImage, rect: RotatedRect) -> npt.NDArray[np.float32]:
        """``rect`` (pixels) of ``image`` as ``size`` x ``size`` x 3 floats in the value
        range. Outside the image reads as black (zero border) or as the nearest edge."""
        size = self.size
        corners = cv2.boxPoints(
            (
                (float(rect.cx), float(rect.cy)),
                (float(rect.w), float(rect.h)),
                float(_F32(float(_F32(rect.rotation) * _F32(180.0)) / math.pi)),
            )
        )
        target = np.array([[0, size], [0, 0], [size, 0], [size, size]], np.float32)
        matrix = cv2.getPerspectiveTransform(corners.astype(np.float32), target)
        coords, fractions = self._fixed_point_map(np.asarray(matrix, np.float64))
        warped = cv2.remap(
            image, coords, fractions, cv2.INTER_LINEAR, borderMode=self._border, borderValue=0
        )
        tensor = np.multiply(warped, self._scale, dtype=_F32)
        if self._low != 0.0:
            tensor += self._low
        return tensor

    def _fixed_point_map(
        self, matrix: npt.NDArray[np.float64]
    ) -> tuple[npt.NDArray[np.int16], npt.NDArray[np.uint16]]:
        """Source pixel and 1/32 fraction of each output pixel, as OpenCV's fixed-point warp
        computed them (in blocks of 64 x 16 output pixels, rounded half to even)."""
        _, inverse = cv2.invert(matrix, flags=cv2.DECOMP_LU)
        m = inverse.reshape(-1)
        last = self.size - 1
        corners = [(x, y) for x in (0, last) for y in (0, last)]
        depths = [m[6] * x + m[7] * y + m[8] for x, y in corners]
        if min(depths) <= 1e-6 and max(depths) >= -1e-6:
            # A rectangle's map is affine up to rounding; this one is not.
            raise ValueError("the region's warp is degenerate")
        # The same operations in the same order as OpenCV's, in place.
        w, f, whole = self._w, self._f, self._whole
        self._linear(m[6], m[7], m[8], w)
        np.divide(_STEPS, w, out=w)
        for k in (0, 1):
            a, b, c = m[3 * k : 3 * k + 3]
            self._linear(a, b, c, f)
            f *= w
            # The map is affine up to rounding, so its extremes are at the corners.
            ends = zip(corners, depths, strict=True)
            reach = max(abs(a * x + b * y + c) * _STEPS / d for (x, y), d in ends)
            if reach > _SATURATED / 2:
                # Saturate as OpenCV's int16 coordinates do: a source pixel that far out
                # reads the border whatever its fraction.
                np.clip(f, -_SATURATED, _SATURATED - 1, out=f)
            np.rint(f.reshape(self.size, self.size), out=whole, casting="unsafe")
            np.right_shift(whole, _BITS, out=self._coords[..., k], casting="unsafe")
            np.bitwise_and(whole, _STEPS - 1, out=self._parts[k])
        np.left_shift(self._parts[1], _BITS, out=self._parts[1])
        np.bitwise_or(self._parts[1], self._parts[0], out=self._fractions, casting="unsafe")
        return self._coords, self._fractions

    def _linear(self, a: float, b: float, c: float, out: npt.NDArray[np.float64]) -> None:
        """``a x + b y + c`` at every output pixel, added up in OpenCV's order."""
        np.add(a * self._starts + b * self._rows + c, a * self._offsets, out=out)


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
