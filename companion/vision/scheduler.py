"""Who gets a model call this frame, under a CPU budget (pure Python).

The budget is CPU seconds per second of frame time (``budget_cores``; one core by
default). Credit accrues with frame time and is spent by measured costs: landmark calls,
face searches and the pipeline's own work. Two purses share it: face search gets
``search_share`` while a search is pending (all of it while no face is found yet), the
rest goes to landmarking.

Each frame's landmarking comes as a `Plan` (`Scheduler.plan`): who gets a call and in
which order, and who is focused. The order: new faces awaiting confirmation (one call each
tells whether they are people; in a crowded gallery on a busy machine the others would
otherwise always be starving before them), then anyone not sampled for ``starve_s``
(nobody starves), then the focused participant (every frame up to ``focus_max_fps``: full
rate), then everyone else, least recently sampled first (round-robin, first in first
out). Tracks backing off after failed landmarking wait their turn. Without a budget
(``budget_cores=None``, offline analysis) everyone is landmarked on every frame.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass
class SchedulerConfig:
    """CPU budget and fairness settings."""

    budget_cores: float | None = 1.0
    """CPU seconds the pipeline may use per second; None means no limit (offline)."""
    search_share: float = 0.15
    """Share of the budget face search may use while participants are being followed."""
    starve_s: float = 1.0
    """A participant not sampled for this long goes before the focused one."""
    burst_frames: float = 1.25
    """Most credit a frame may use, in periods of the focus's full rate (1/30 s) of
    budget: a step never runs much longer than a frame, so latency stays low."""
    max_debt_s: float = 0.5
    """Most CPU seconds a purse may owe (after a costly search or a crowd of new faces)."""
    focus_switch_ratio: float = 1.3
    """Automatic focus moves to another face only when it is this much larger."""
    focus_max_fps: float = 30.0
    """The focused participant's rate at most (a 60 fps capture need not cost 60 calls/s)."""


@dataclass(frozen=True)
class Plan:
    """One frame's landmarking: the tracks to call, in order, while the budget allows
    (`Scheduler.can_landmark`), and the participant sampled at full rate."""

    order: tuple[int, ...]
    """Track keys, first served first."""
    focus: str | None
    """The participant sampled at full rate (None: nobody yet)."""


@dataclass(frozen=True)
class Candidate:
    """A track as the scheduler sees it."""

    key: int
    size: float
    """Face size in pixels (for the automatic focus: the largest face)."""
    last_sample: float
    """Frame time of its last sample (-inf when never)."""
    retry_at: float = -math.inf
    confirmed: bool = True
    id: str | None = None


class Scheduler:
    """Orders landmark calls and meters search and landmark spending against the budget."""

    def __init__(self, config: SchedulerConfig | None = None) -> None:
        self.config = config or SchedulerConfig()
        self.focus: str | None = None
        """The participant chosen by the user; None: the largest face."""
        self._auto_focus: str | None = None
        self._landmark_credit = 0.0
        self._search_credit = 0.0
        self._last_t: float | None = None
        self._call_cost = 0.015
        """Running estimate of a model call's CPU seconds."""
        self._seen: dict[int, float] = {}
        self._turn: dict[int, int] = {}
        """Per key: when it was last served, as a running count (a first-in first-out queue)."""
        self._served = 0
        self._last_order: list[int] = []

    @property
    def limited(self) -> bool:
        """Whether a CPU budget applies."""
        return self.config.budget_cores is not None

    def begin(self, t: float, searching: bool, tracking: bool, urgent: bool = False) -> None:
        """Start a frame at ``t``: add the credit earned since the last frame.

        ``searching``: a face search is pending; ``tracking``: some face is followed or awaits
        confirmation; ``urgent``: part of the frame was never searched or someone is
        missing, so search gets half the budget instead of ``search_share``.
        """
        budget = self.config.budget_cores
        last, self._last_t = self._last_t, t
        if budget is None:
            return
        # A frame may spend about one period of the focus's full rate, whatever the gap since
        # the last one: when frames arrive late (a busy machine) steps stay short instead of
        # growing with the gaps, which would make the next frames later still.
        period = 1.0 / self.config.focus_max_fps
        earned = budget * (min(t - last, 1.0) if last is not None and t > last else period)
        share = 0.0
        if searching:
            share = 1.0 if not tracking else 0.5 if urgent else self.config.search_share
        cap = budget * period * self.config.burst_frames
        self._search_credit = min(cap * max(share, 0.25), self._search_credit + earned * share)
        self._landmark_credit = min(cap, self._landmark_credit + earned * (1.0 - share))
        if not searching:
            self._search_credit = min(self._search_credit, 0.0)

    def plan(self, t: float, candidates: Sequence[Candidate]) -> Plan:
        """This frame's landmarking (see the module notes for the order)."""
        self._update_focus(candidates)
        present = {c.id for c in candidates if c.confirmed}
        focus = self.focus if self.focus in present else self._auto_focus
        ready = [c for c in candidates if c.retry_at <= t]
        self._remember(candidates)

        def oldest_first(c: Candidate) -> tuple[int, int]:
            return self._turn[c.key], c.key

        starving = sorted(
            (
                c
                for c in ready
                if c.confirmed and c.id != focus and t - c.last_sample >= self.config.starve_s
            ),
            key=oldest_first,
        )
        first = {c.key for c in starving}
        due = t - 1.0 / self.config.focus_max_fps + 1e-3
        focused = [
            c
            for c in ready
            if focus is not None and c.id == focus and c.key not in first and c.last_sample <= due
        ]
        new = [c for c in ready if not c.confirmed and c.key not in first]
        rest = sorted(
            (c for c in ready if c.confirmed and c.id != focus and c.key not in first),
            key=oldest_first,
        )
        self._last_order = [c.key for c in (*new, *starving, *focused, *rest)]
        return Plan(tuple(self._last_order), focus)

    def can_landmark(self) -> bool:
        """Whether the landmark purse holds most of another model call's cost now."""
        return not self.limited or self._landmark_credit >= 0.75 * self._call_cost

    def can_search(self) -> bool:
        """Whether the search purse allows another detector call now."""
        return not self.limited or self._search_credit > 0.0

    def spend_landmark(self, seconds: float) -> None:
        """Charge a landmark call (or other per-frame work) to the landmark purse."""
        if self.limited:
            self._landmark_credit = max(-self.config.max_debt_s, self._landmark_credit - seconds)

    def spend_model(self, seconds: float) -> None:
        """Charge one landmark model call (and learn what a call costs)."""
        self._call_cost += 0.1 * (seconds - self._call_cost)
        self.spend_landmark(seconds)

    def spend_overhead(self, seconds: float) -> None:
        """Charge the frame's own work, at most one frame's budget: one-off costs (a model
        starting up for a new participant) must not stall everyone for seconds."""
        budget = self.config.budget_cores
        if budget is not None:
            self.spend_landmark(min(seconds, budget / self.config.focus_max_fps))

    def spend_search(self, seconds: float) -> None:
        """Charge a detector call to the search purse."""
        if self.limited:
            self._search_credit = max(-self.config.max_debt_s, self._search_credit - seconds)

    def _remember(self, candidates: Sequence[Candidate]) -> None:
        """Note who was sampled since the last call, in the order they were served."""
        position = {key: i for i, key in enumerate(self._last_order)}
        served = [
            c for c in candidates if c.key not in self._seen or self._seen[c.key] != c.last_sample
        ]
        served.sort(key=lambda c: (position.get(c.key, len(position)), c.last_sample, c.key))
        for c in served:
            if c.last_sample == -math.inf:
                self._turn.setdefault(c.key, -1)
                continue
            self._served += 1
            self._turn[c.key] = self._served
        self._seen = {c.key: c.last_sample for c in candidates}
        self._turn = {c.key: self._turn[c.key] for c in candidates}

    def _update_focus(self, candidates: Sequence[Candidate]) -> None:
        confirmed = {c.id: c for c in candidates if c.confirmed and c.id is not None}
        if not confirmed:
            self._auto_focus = None
            return
        largest = max(confirmed.values(), key=lambda c: c.size)
        current = confirmed.get(self._auto_focus) if self._auto_focus is not None else None
        if current is None or largest.size > self.config.focus_switch_ratio * current.size:
            self._auto_focus = largest.id
