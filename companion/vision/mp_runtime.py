"""Shared MediaPipe plumbing: options, images and strictly increasing timestamps."""

from __future__ import annotations

import numpy as np
from mediapipe import Image, ImageFormat
from mediapipe.tasks.python import BaseOptions

from companion.model import RGBImage


def base_options(model: bytes) -> BaseOptions:
    """Options that load a network from bytes in memory (never from a path or the network)."""
    return BaseOptions(model_asset_buffer=model)


def to_mp_image(rgb: RGBImage) -> Image:
    """Wrap an RGB array for MediaPipe (which needs C-contiguous memory)."""
    return Image(image_format=ImageFormat.SRGB, data=np.ascontiguousarray(rgb))


class MonotonicMillis:
    """Turns seconds into the strictly increasing integer milliseconds VIDEO mode demands."""

    def __init__(self) -> None:
        self._last = -1

    def __call__(self, t: float) -> int:
        ms = round(t * 1000.0)
        if ms <= self._last:
            ms = self._last + 1
        self._last = ms
        return ms
