"""Each face against its own neutral: a robust per-person baseline of every measure."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Vector = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]

MAD_TO_SIGMA = 1.4826
"""Median absolute deviation to standard deviation, for normally distributed noise."""


@dataclass(frozen=True)
class BaselineConfig:
    """How a baseline is learned and how fast it follows the face afterwards."""

    warmup_s: float = 2.0
    """Seconds of face seen before the baseline is ready."""
    min_samples: int = 10
    """Frames needed in the warm-up as well (a face sampled at 5 fps needs 2 s anyway)."""
    follow_s: float = 60.0
    """Time constant of the slow update once ready."""
    follow_clip: float = 3.0
    """One frame moves the baseline by at most this many spreads (outliers barely count)."""
    calm_fraction: float = 0.8
    """Calm measures are learned from this calmest fraction of the warm-up frames."""
    recheck_window_s: float = 60.0
    """Once ready, the neutral is checked against the face's frames of this last while ..."""
    recheck_min_s: float = 4.0
    """... as soon as they span this long ..."""
    recheck_every_s: float = 0.5
    """... this often ..."""
    recheck_spreads: float = 1.0
    """... and a measure whose centre over them lies further than this many spreads from
    the neutral moves there at once. The warm-up is then only a first guess: a face that
    frowned or pressed its lips while it was learned, and relaxed after, has its neutral
    corrected within seconds, where the slow `follow_s` would take minutes and freezes
    anyway while the relaxed face reads as a movement (chosen on the tune clips with
    `companion eval --early-movement`, see docs/benchmarks.md)."""


class Baseline:
    """Median and spread of a vector of measures, learned in the first seconds a face is seen.

    During the warm-up the samples are only stored. When `BaselineConfig.warmup_s` seconds and
    `BaselineConfig.min_samples` frames have been seen, the centre is their median and the spread
    their median absolute deviation (scaled to a standard deviation, never below ``floor``).
    The measures in ``calm`` are taken from the calmest frames only: the
    `BaselineConfig.calm_fraction` with the lowest value of measure ``activity_index``, so a
    smile held through part of the warm-up, or a talker's open mouth, does not become the
    neutral.
    After that `follow` moves the centre slowly towards new samples, except for the measures
    that are frozen because a movement using them is under way, and checks it against the
    centre of the recent frames (`BaselineConfig.recheck_window_s`), computed the same way:
    a measure whose recent centre is far from the neutral takes it as its neutral. Measures
    in ``kept`` (where the head and eyes point) only follow slowly.
    """

    def __init__(
        self,
        floor: npt.ArrayLike,
        config: BaselineConfig | None = None,
        activity_index: int | None = None,
        calm: Mask | None = None,
        kept: Mask | None = None,
    ) -> None:
        self.config = config or BaselineConfig()
        self.floor = np.asarray(floor, dtype=np.float64)
        self.activity_index = activity_index
        self.calm = np.zeros(len(self.floor), dtype=bool) if calm is None else calm
        self.kept = np.zeros(len(self.floor), dtype=bool) if kept is None else kept
        self._samples: list[Vector] = []
        self._recent: deque[tuple[float, Vector]] = deque()
        self._checked_t = -np.inf
        self._first_t: float | None = None
        self._last_t: float | None = None
        self.centre: Vector | None = None
        self.spread: Vector | None = None

    @classmethod
    def from_samples(
        cls,
        samples: list[Vector],
        floor: npt.ArrayLike,
        config: BaselineConfig | None = None,
        activity_index: int | None = None,
        calm: Mask | None = None,
        kept: Mask | None = None,
    ) -> Baseline:
        """A baseline made ready at once from ``samples`` (at least one)."""
        if not samples:
            raise ValueError("a baseline needs at least one sample")
        baseline = cls(floor, config, activity_index, calm, kept)
        baseline._settle(np.vstack(samples))
        return baseline

    @property
    def ready(self) -> bool:
        """Whether the warm-up is over and the face can be scored."""
        return self.centre is not None

    def add_warmup(self, t: float, x: Vector) -> bool:
        """Store one warm-up sample; returns True when this sample made the baseline ready."""
        if self.ready:
            raise RuntimeError("baseline already ready; use follow()")
        if self._first_t is None:
            self._first_t = t
        self._last_t = t
        self._samples.append(np.asarray(x, dtype=np.float64))
        cfg = self.config
        if t - self._first_t < cfg.warmup_s or len(self._samples) < cfg.min_samples:
            return False
        self._settle(np.vstack(self._samples))
        self._samples = []
        return True

    def _settle(self, stack: Vector) -> None:
        centre, mad = self._centre_and_mad(stack)
        self.centre = centre
        self.spread = np.maximum(MAD_TO_SIGMA * mad, self.floor)

    def _centre_and_mad(self, stack: Vector) -> tuple[Vector, Vector]:
        """Median and MAD of ``stack``, the calm measures from its calmest rows only."""
        centre, mad = _median_mad(stack)
        if self.activity_index is not None and self.calm.any():
            keep = max(1, round(len(stack) * self.config.calm_fraction))
            calmest = np.argsort(stack[:, self.activity_index], kind="stable")[:keep]
            calm_centre, calm_mad = _median_mad(stack[calmest])
            centre = np.where(self.calm, calm_centre, centre)
            mad = np.where(self.calm, calm_mad, mad)
        return centre, mad

    def follow(self, t: float, x: Vector, frozen: Mask | None = None) -> None:
        """Move the centre a little towards ``x``; frozen measures stay where they are."""
        if self.centre is None or self.spread is None:
            raise RuntimeError("baseline not ready; use add_warmup()")
        dt = 0.0 if self._last_t is None else max(0.0, t - self._last_t)
        self._last_t = t
        alpha = min(1.0, dt / self.config.follow_s)
        limit = self.config.follow_clip * self.spread
        step = np.clip(np.asarray(x, dtype=np.float64) - self.centre, -limit, limit)
        if frozen is not None:
            step = np.where(frozen, 0.0, step)
        self.centre = self.centre + alpha * step
        self._recheck(t, np.asarray(x, dtype=np.float64))

    def _recheck(self, t: float, x: Vector) -> None:
        """Keep the recent frames; a measure whose recent centre is far from the neutral
        takes it (see `BaselineConfig.recheck_spreads`)."""
        assert self.centre is not None and self.spread is not None
        cfg = self.config
        recent = self._recent
        if recent and t <= recent[-1][0]:
            return  # a frame seen already (the warm-up, scored once it is over)
        recent.append((t, x))
        while t - recent[0][0] > cfg.recheck_window_s:
            recent.popleft()
        if t - recent[0][0] < cfg.recheck_min_s or t - self._checked_t < cfg.recheck_every_s:
            return
        self._checked_t = t
        centre, _ = self._centre_and_mad(np.vstack([v for _, v in recent]))
        far = (np.abs(centre - self.centre) > cfg.recheck_spreads * self.spread) & ~self.kept
        self.centre = np.where(far, centre, self.centre)


def _median_mad(stack: Vector) -> tuple[Vector, Vector]:
    """Median and median absolute deviation of each column."""
    centre = np.median(stack, axis=0)
    return centre, np.median(np.abs(stack - centre), axis=0)
