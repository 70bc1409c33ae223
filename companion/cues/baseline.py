"""Each face against its own neutral: the population's resting face at first, then the calm
middle of the person's own last minute (or of the minute around each moment of a recording)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Vector = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]

MAD_TO_SIGMA = 1.4826
"""Median absolute deviation to standard deviation, for normally distributed noise."""


@dataclass(frozen=True)
class Prior:
    """The population's resting face: the centre and spread every measure starts from.

    MediaPipe's blendshape scores are person-independent, so their resting values vary
    little between people and the prior pins them well; geometric measures differ between
    faces, so their prior spread is wide and a movement read from them must be large until
    the person's own neutral takes over. Fitted on the tune clips (`companion.cues.population`).
    """

    centre: Vector
    spread: Vector
    strength: Vector
    """How much each measure's prior counts, relative to `NeutralConfig.prior_s`: the
    within-person over the between-person variance of the resting value, so a measure on
    which people differ (a brow's height) moves to the person's own value at once, and one
    on which they agree (a blendshape score at rest) leans on the prior for longer."""


@dataclass(frozen=True)
class NeutralConfig:
    """How a face's neutral is estimated and how fast it moves from prior to personal."""

    window_s: float = 60.0
    """The personal neutral is the calm middle of this much of the face (the last minute
    live; the minute around each moment of a recording)."""
    prior_s: float = 4.0
    """The population prior counts as this many seconds of the face's own evidence (times
    `Prior.strength`)."""
    prior_reach: float = 3.0
    """While it leans on the prior, a face may sit this many prior spreads from the
    population's rest before that counts as a movement: people's resting faces differ."""
    ready_s: float = 2.0
    """Seconds of the face's own evidence after which its neutral counts as its own."""
    sample_every_s: float = 0.1
    """At most one sample is kept per this interval (a 60 fps video keeps 10 a second)."""
    max_weight_s: float = 0.5
    """A sample stands for the time since the previous one, at most this long."""
    refresh_s: float = 0.5
    """The neutral is recomputed this often."""
    calm_fraction: float = 0.8
    """Calm measures are learned from this calmest fraction of the samples."""


class Neutral:
    """A face's neutral: the population prior, moving to the calm middle of the face's own
    samples over a long window as they build up.

    Never trusts the first seconds alone: each measure's centre is the median of the samples
    in the window (the measures in ``calm`` over the `NeutralConfig.calm_fraction` of them
    with the least activity), blended with the prior by weight ``own / (own + prior_s)``,
    where ``own`` is the seconds of samples of that measure. A frown held through the first
    seconds is therefore measured against the prior, and stops being the neutral as soon as
    the face has rested for longer than it frowned. Measures frozen while a movement using
    them is under way are not learned from (NaN in the store).

    Live, the window is the last `NeutralConfig.window_s`; for a whole recording
    (`prime`), it is centred on each moment.
    """

    def __init__(
        self,
        prior: Prior,
        floor: npt.ArrayLike,
        config: NeutralConfig | None = None,
        activity_index: int | None = None,
        calm: Mask | None = None,
    ) -> None:
        self.prior = prior
        self.config = config or NeutralConfig()
        self.floor = np.asarray(floor, dtype=np.float64)
        self.activity_index = activity_index
        self.calm = np.zeros(len(self.floor), dtype=bool) if calm is None else calm
        self._t: list[float] = []
        self._w: list[float] = []
        self._x: list[Vector] = []
        self._primed = False
        self._cached_at = -np.inf
        self._cached: tuple[Vector, Vector, float] | None = None

    def add(self, t: float, x: Vector, frozen: Mask | None = None) -> None:
        """Learn from one sample (frozen measures are skipped). Ignored once primed."""
        if self._primed:
            return
        cfg = self.config
        if self._t and t - self._t[-1] < cfg.sample_every_s:
            return
        weight = cfg.max_weight_s if not self._t else min(cfg.max_weight_s, t - self._t[-1])
        row = np.asarray(x, dtype=np.float64).copy()
        if frozen is not None:
            row[frozen] = np.nan
        self._t.append(t)
        self._w.append(weight)
        self._x.append(row)
        cut = 0
        while t - self._t[cut] > cfg.window_s:
            cut += 1
        if cut:
            del self._t[:cut], self._w[:cut], self._x[:cut]

    def prime(self, samples: list[tuple[float, Vector]]) -> None:
        """Learn from a whole recording at once: the window is then centred on each moment."""
        self._t, self._w, self._x = [], [], []
        for t, x in samples:
            self.add(t, x)
        self._primed = True
        self._cached, self._cached_at = None, -np.inf

    def own_seconds(self) -> float:
        """Seconds of the face's own samples stored (the evidence behind the neutral)."""
        return float(sum(self._w))

    @property
    def ready(self) -> bool:
        """Whether the neutral rests on `NeutralConfig.ready_s` of the face's own samples."""
        return self.own_seconds() >= self.config.ready_s

    def at(self, t: float) -> tuple[Vector, Vector]:
        """The centre and spread of every measure in use at ``t``."""
        cfg = self.config
        if self._cached is None or abs(t - self._cached_at) >= cfg.refresh_s:
            self._cached = self._estimate(t)
            self._cached_at = t
        return self._cached[0], self._cached[1]

    def _estimate(self, t: float) -> tuple[Vector, Vector, float]:
        cfg = self.config
        prior = self.prior
        times = np.asarray(self._t)
        if self._primed:
            start = t - cfg.window_s / 2
            if times.size:
                start = min(max(start, times[0]), max(times[0], times[-1] - cfg.window_s))
            keep = (times >= start) & (times <= start + cfg.window_s)
        else:
            keep = times <= t
        if not keep.any():
            return prior.centre, np.maximum(cfg.prior_reach * prior.spread, self.floor), 0.0
        stack = np.vstack([x for x, k in zip(self._x, keep, strict=True) if k])
        weights = np.asarray(self._w)[keep]
        centre = _nanmedian(stack)
        if self.activity_index is not None and self.calm.any():
            activity = stack[:, self.activity_index]
            order = np.argsort(np.where(np.isnan(activity), np.inf, activity), kind="stable")
            calmest = order[: max(1, round(len(stack) * cfg.calm_fraction))]
            centre = np.where(self.calm, _nanmedian(stack[calmest]), centre)
        own = np.asarray((~np.isnan(stack)) * weights[:, None]).sum(axis=0)
        share = own / (own + cfg.prior_s * prior.strength)
        centre = np.where(np.isnan(centre), prior.centre, centre)
        personal = typical_spread(np.asarray(self._t)[keep], stack)
        blended = share * centre + (1 - share) * prior.centre
        wide = cfg.prior_reach * prior.spread
        spread = np.sqrt(share * personal**2 + (1 - share) * wide**2)
        return blended, np.maximum(spread, self.floor), float(weights.sum())


def _nanmedian(stack: Vector) -> Vector:
    """Each column's median, NaN (skipped samples) ignored."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.asarray(np.nanmedian(stack, axis=0))


def typical_spread(times: Vector, stack: Vector, block_s: float = 2.0) -> Vector:
    """Each column's resting variability: the median, over blocks of ``block_s``, of the
    spread within a block (its median absolute deviation as a standard deviation).

    Like the spread of a couple of quiet seconds, without trusting any particular seconds:
    a movement raises the spread of the blocks it falls in, and most blocks are quiet.
    """
    if len(stack) < 3:
        return np.zeros(stack.shape[1])
    blocks = np.floor((times - times[0]) / block_s).astype(int)
    spreads = []
    for b in np.unique(blocks):
        rows = stack[blocks == b]
        if len(rows) >= 3:
            spreads.append(_nan_mad(rows))
    if not spreads:
        spreads.append(_nan_mad(stack))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        out = np.nanmedian(np.vstack(spreads), axis=0)
    return np.asarray(np.where(np.isnan(out), 0.0, MAD_TO_SIGMA * out))


def _nan_mad(rows: Vector) -> Vector:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        centre = np.nanmedian(rows, axis=0)
        return np.asarray(np.nanmedian(np.abs(rows - centre), axis=0))
