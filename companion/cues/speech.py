"""Whether a person is talking, from the rhythm of their mouth opening and closing.

Speech opens and closes the lips several times a second, and /p/ /b/ /m/ close them for
about 100 ms: those closures are not lip presses. A person counts as speaking while their
lips opened at least ``min_openings`` times within the last ``window_s`` seconds. An
opening is the gap between the lips growing by ``swing`` from its last low point, and a
closing is it shrinking by ``swing`` from its high point, so lips that never quite touch
while talking still count.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True)
class SpeechConfig:
    """How much the lips must move (inter-ocular units) and how often."""

    swing: float = 0.05
    """Change of the gap between the lips that counts as opening or closing them."""
    window_s: float = 1.5
    min_openings: int = 2


class SpeechState:
    """Counts lip openings over a sliding window."""

    def __init__(self, config: SpeechConfig | None = None) -> None:
        self.config = config or SpeechConfig()
        self._open = False
        self._low = math.inf
        self._high = -math.inf
        self._openings: deque[float] = deque()

    def update(self, t: float, lip_gap: float) -> bool:
        """Feed the lip gap at ``t``; returns whether the person is speaking."""
        cfg = self.config
        if not self._open:
            self._low = min(self._low, lip_gap)
            if lip_gap > self._low + cfg.swing:
                self._open = True
                self._high = lip_gap
                self._openings.append(t)
        else:
            self._high = max(self._high, lip_gap)
            if lip_gap < self._high - cfg.swing:
                self._open = False
                self._low = lip_gap
        while self._openings and t - self._openings[0] > cfg.window_s:
            self._openings.popleft()
        return len(self._openings) >= cfg.min_openings
