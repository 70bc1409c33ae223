"""MediaPipe's landmark smoothing: a one-euro filter per coordinate, vectorized.

The Face Landmarker smooths landmarks in VIDEO mode with a one-euro filter (minimum
cutoff 0.05 Hz, beta 80, derivative cutoff 1 Hz) on pixel coordinates, z included, with
the speed scaled by the face's size. Stored values are float32 as in MediaPipe, so the
smoothed landmarks agree with its own to the bit.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

_F32 = np.float32
MIN_CUTOFF = float(_F32(0.05))
BETA = 80.0
DERIVATIVE_CUTOFF = 1.0
_NANOS = 1e-9

Points = npt.NDArray[np.float32]


class _LowPass:
    """Exponential smoothing of many values at once (float32 state, double arithmetic)."""

    def __init__(self, shape: tuple[int, ...]) -> None:
        self.started = False
        self.raw = np.zeros(shape, _F32)
        self.stored = np.zeros(shape, _F32)

    def apply(self, values: npt.NDArray[np.float64], alpha: npt.NDArray[np.float64]) -> Points:
        value32 = values.astype(_F32)
        alpha32 = alpha.astype(_F32)
        if self.started:
            mixed = (alpha32 * value32).astype(np.float64) + (
                1.0 - alpha32.astype(np.float64)
            ) * self.stored.astype(np.float64)
            out = mixed.astype(_F32)
        else:
            out = value32
            self.started = True
        self.raw = value32
        self.stored = out
        return out


class LandmarkFilter:
    """One face's smoothing state. `smooth` takes raw landmarks in pixels each frame."""

    def __init__(self) -> None:
        self._value: _LowPass | None = None
        self._speed: _LowPass | None = None
        self._frequency = 30.0
        self._last_ns = -1

    def smooth(self, points: Points, t_ns: int) -> Points:
        """The smoothed points (same shape, pixels). Timestamps must increase; a repeated
        or earlier one returns the points as they are."""
        if self._value is None or self._speed is None:
            self._value = _LowPass(points.shape)
            self._speed = _LowPass(points.shape)
        if self._last_ns >= t_ns:
            return points
        if self._last_ns != 0 and t_ns != 0:
            self._frequency = 1.0 / ((t_ns - self._last_ns) * _NANOS)
        self._last_ns = t_ns
        pts = points.astype(_F32)
        size = _F32(
            (_F32(pts[:, 0].max() - pts[:, 0].min()) + _F32(pts[:, 1].max() - pts[:, 1].min()))
            / _F32(2)
        )
        speed_scale = float(_F32(1) / size)
        values = pts.astype(np.float64)
        if self._value.started:
            speed = (values - self._value.raw.astype(np.float64)) * speed_scale * self._frequency
        else:
            speed = np.zeros_like(values)
        smoothed_speed = self._speed.apply(
            speed, self._alpha(np.full_like(values, DERIVATIVE_CUTOFF))
        )
        cutoff = MIN_CUTOFF + BETA * np.abs(smoothed_speed.astype(np.float64))
        return self._value.apply(values, self._alpha(cutoff))

    def _alpha(self, cutoff: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        period = 1.0 / self._frequency
        tau = 1.0 / (2 * math.pi * cutoff)
        return np.asarray(1.0 / (1.0 + tau / period), dtype=np.float64)
