"""Spans where a trace stands out: hysteresis on a sampled signal (pure, whole arrays).

A span starts where the value reaches ``on`` and lasts while it stays at or above ``off``;
a dip below ``off`` shorter than ``merge_s`` does not end it. Spans shorter than
``min_s`` or longer than ``max_s`` are dropped. Unless ``needs_onset`` is False, a value
already high at the first sample starts nothing until it has been below ``off`` once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class SpanParams:
    """Thresholds and durations of one kind of span."""

    on: float = 1.0
    off: float = 0.7
    min_s: float = 0.0
    max_s: float | None = None
    merge_s: float = 0.0
    needs_onset: bool = True
    """False: a value already high at the first sample starts a span there (the start of a
    finished recording is as much a part of it as the rest)."""

    def __post_init__(self) -> None:
        if not 0 < self.off <= self.on:
            raise ValueError(f"need 0 < off <= on, got off={self.off} on={self.on}")


@dataclass(frozen=True)
class Span:
    """One stretch above threshold: onset, offset (last sample above ``off``), apex."""

    start: float
    end: float
    peak_t: float
    peak: float

    @property
    def duration(self) -> float:
        """Onset to offset, seconds."""
        return self.end - self.start


def find_spans(t: FloatArray, values: FloatArray, params: SpanParams) -> list[Span]:
    """Every span of ``values`` sampled at times ``t`` (see the module notes)."""
    p = params
    spans: list[Span] = []
    primed = not p.needs_onset
    rise: float | None = None
    current: list[float] | None = None  # start, last above, peak_t, peak

    def close() -> None:
        nonlocal current
        if current is not None:
            start, last, peak_t, peak = current
            length = last - start
            if length >= p.min_s and (p.max_s is None or length <= p.max_s):
                spans.append(Span(start, last, peak_t, peak))
            current = None

    for ti, v in zip(t.tolist(), values.tolist(), strict=True):
        above = v >= p.off
        if current is not None and not above and ti - current[1] > p.merge_s:
            close()
        if not above:
            primed = True
            rise = None
        elif rise is None:
            rise = ti
        if current is not None:
            if above:
                current[1] = ti
                if v > current[3]:
                    current[2], current[3] = ti, v
            continue
        if v >= p.on and primed and rise is not None:
            current = [rise, ti, ti, v]
    close()
    return spans
