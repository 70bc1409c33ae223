"""From a cue's intensity over time to events with onset, apex and offset.

The intensity of a cue is 0 at the person's baseline and 1 for a clear movement (see
`companion.cues.scoring`). An event starts when the intensity reaches ``on`` and lasts while
it stays at or above ``off`` (hysteresis, so jitter around one threshold does not split an
event). A dip below ``off`` shorter than ``merge_gap_s`` does not end it: two bursts that
close together are one movement. An event shorter than ``min_duration_s`` is dropped as a
flicker. A movement needs an onset: a signal already high at its very first sample (a face
that appears mid-movement) starts nothing until it has been below ``off`` once, unless
``needs_onset`` is False.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class EventParams:
    """Thresholds and durations of one cue's events."""

    on: float = 1.0
    """Intensity that starts an event."""
    off: float = 0.6
    """Intensity below which an event is over (after ``merge_gap_s``)."""
    min_duration_s: float = 0.15
    """Onset to offset at least this long; shorter is a flicker."""
    merge_gap_s: float = 0.25
    """A dip below ``off`` shorter than this joins the bursts on either side (a quarter of
    a second: the landmarks of one movement dip for up to seven frames at 30 a second;
    chosen on the tune clips, see docs/benchmarks.md)."""
    max_duration_s: float | None = None
    """Longer events are dropped (a blink that lasts 2 s is eyes closed, not a blink)."""
    needs_onset: bool = True
    """False: a signal already high at the first sample starts an event there. The live
    engine keeps True (a face that appears mid-movement was not seen moving); the self-tape
    review sets False for some of its traces, since the first frame of a finished recording
    is as much a part of the take as the rest."""

    def __post_init__(self) -> None:
        if not 0 < self.off <= self.on:
            raise ValueError(f"need 0 < off <= on, got off={self.off} on={self.on}")
        if self.min_duration_s < 0 or self.merge_gap_s < 0:
            raise ValueError("durations must not be negative")


@dataclass(frozen=True)
class RawEvent:
    """A finished event before it is named and attributed: times in seconds."""

    start: float
    end: float
    peak_t: float
    peak: float
    strict: bool
    """Whether some of it fell where the stricter bar applied (see `EventDetector.update`)."""

    @property
    def duration(self) -> float:
        """Onset to offset."""
        return self.end - self.start


class EventDetector:
    """Hysteresis event detection on one intensity signal, one sample at a time."""

    def __init__(self, params: EventParams) -> None:
        self.params = params
        self._rise_start: float | None = None
        """Time since which the intensity has been at or above ``off`` (None: below)."""
        self._active = False
        self._start = 0.0
        self._last_above = 0.0
        self._peak = 0.0
        self._peak_t = 0.0
        self._strict = False
        self._primed = not params.needs_onset
        """Whether an event may start: the intensity has been below ``off`` since the detector
        started, or ``needs_onset`` is False."""

    @property
    def active(self) -> bool:
        """Whether an event is under way (including a dip shorter than the merge gap)."""
        return self._active

    def update(
        self, t: float, value: float, strict_on: float | None = None, strict: bool = False
    ) -> RawEvent | None:
        """Feed one sample; returns an event that finished before ``t``, if any.

        ``strict`` marks samples where a stricter bar applies (speech, for the cues it
        imitates): an event then starts only at ``strict_on``, and an event with any strict
        sample is marked strict so that `acceptable` can ask it to last longer.
        """
        p = self.params
        done: RawEvent | None = None
        if self._active and value < p.off and t - self._last_above > p.merge_gap_s:
            done = self._close()
        above = value >= p.off
        if not above:
            self._primed = True
        if above and self._rise_start is None:
            self._rise_start = t
        elif not above:
            self._rise_start = None
        if self._active:
            if above:
                self._last_above = t
                self._strict = self._strict or strict
                if value > self._peak:
                    self._peak, self._peak_t = value, t
            return done
        threshold = strict_on if strict and strict_on is not None else p.on
        if value >= threshold and self._rise_start is not None and self._primed:
            self._active = True
            self._start = self._rise_start
            self._last_above = t
            self._peak, self._peak_t = value, t
            self._strict = strict
        return done

    def finish(self) -> RawEvent | None:
        """Close an event still under way (end of video, face lost)."""
        self._rise_start = None
        return self._close() if self._active else None

    def _close(self) -> RawEvent:
        self._active = False
        return RawEvent(self._start, self._last_above, self._peak_t, self._peak, self._strict)


def acceptable(event: RawEvent, params: EventParams, strict_min_s: float | None) -> bool:
    """Whether an event lasted at least its minimum and at most its maximum duration.

    ``strict_min_s`` replaces the minimum, when longer, for an event marked strict.
    """
    minimum = params.min_duration_s
    if event.strict and strict_min_s is not None:
        minimum = max(minimum, strict_min_s)
    if params.max_duration_s is not None and event.duration > params.max_duration_s:
        return False
    return event.duration >= minimum


def find_spans(t: FloatArray, values: FloatArray, params: EventParams) -> list[RawEvent]:
    """Every event of ``values`` sampled at times ``t`` that lasted an acceptable time: the
    detector run over a finished recording's samples at once."""
    detector = EventDetector(params)
    found = [detector.update(ti, v) for ti, v in zip(t.tolist(), values.tolist(), strict=True)]
    found.append(detector.finish())
    return [e for e in found if e is not None and acceptable(e, params, None)]
