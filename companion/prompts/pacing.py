"""Pacing: which clusters become a prompt card, and when Companion stays quiet.

Silence is the default. A cluster becomes a card only when every rule lets it through,
checked in this order (the first rule that holds it back is the reason reported):

1. ``stale``: the cluster ended more than ``max_cluster_age_s`` ago; the moment passed.
2. ``warming_up``: the first ``warmup_s`` seconds of the session, while baselines form.
3. ``baseline``: this participant's baseline is not ready, or became ready less than
   ``settle_s`` ago (see `Prompter.baselines`).
4. ``snoozed``: the user snoozed the ideas (10 or 30 minutes from the card or tray).
5. ``quiet``: a while after the user dismissed a card or said "not now".
6. ``card_showing``: a card is on screen; it blocks others until the user acts on it,
   dismisses it, or it expires after ``card_s``. Never two cards at once.
7. ``rate_limit``: at most ``max_per_minute`` cards in any 60 s and
   ``max_per_ten_minutes`` in any 600 s, across all participants.
8. ``cooldown``: a card about the same participant less than
   ``participant_cooldown_s`` ago.

A held cluster is dropped, never queued. The prompter is pure: every method takes the
time ``t`` (seconds, never decreasing) and nothing reads the clock, so the live overlay
and ``companion analyze`` (video time) share it.
"""

from __future__ import annotations

import logging
import math
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from enum import StrEnum

from companion.model import Cluster, Prompt
from companion.prompts.library import CONTEXTS, PhraseLibrary, Rotation, default_library
from companion.prompts.session import CheckInTally

log = logging.getLogger(__name__)

SNOOZE_CHOICES_MIN: tuple[int, ...] = (10, 30)
"""The snooze lengths the overlay offers, in minutes."""

_MINUTE = 60.0
_TEN_MINUTES = 600.0


@dataclass(frozen=True)
class PacingConfig:
    """Every pacing rule's setting; the defaults are deliberately sparing."""

    warmup_s: float = 10.0
    """Nothing in the first seconds of a session: baselines form (about 2 s per face)."""
    settle_s: float = 5.0
    """After a participant's baseline is reported ready, wait this long for them."""
    card_s: float = 15.0
    """A card left alone expires after this long."""
    participant_cooldown_s: float = 180.0
    """At most one card about the same participant in this long."""
    max_per_minute: int = 1
    """At most this many cards in any 60 seconds."""
    max_per_ten_minutes: int = 4
    """At most this many cards in any 10 minutes."""
    quiet_after_dismiss_s: float = 120.0
    """No card for this long after the user dismisses one."""
    quiet_after_not_now_s: float = 300.0
    """No card for this long after the user says "not now"."""
    max_cluster_age_s: float = 3.0
    """A cluster offered later than this after it ended is dropped."""

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"pacing {f.name} must be a number, got {value!r}")
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"pacing {f.name} must be a finite number >= 0, got {value}")
        for name in ("max_per_minute", "max_per_ten_minutes"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"pacing {name} must be a whole number >= 1, got {value!r}")
        if self.card_s <= 0:
            raise ValueError("pacing card_s must be > 0")


class Hold(StrEnum):
    """Why a cluster did not become a card."""

    STALE = "stale"
    WARMING_UP = "warming_up"
    BASELINE = "baseline"
    SNOOZED = "snoozed"
    QUIET = "quiet"
    CARD_SHOWING = "card_showing"
    RATE_LIMIT = "rate_limit"
    COOLDOWN = "cooldown"


@dataclass(frozen=True)
class Decision:
    """What the prompter did with one cluster: a card, or the rule that held it back."""

    prompt: Prompt | None
    hold: Hold | None


class Prompter:
    """Turns clusters into at most one gentle prompt card at a time.

    ``context`` is one of `CONTEXTS` and picks the wording; ``start`` is the session's
    start time (default: the first time the prompter is given); ``seed`` makes the
    rotation of phrasings differ between sessions while staying reproducible.
    """

    def __init__(
        self,
        context: str = "meeting",
        config: PacingConfig | None = None,
        *,
        library: PhraseLibrary | None = None,
        seed: int = 0,
        start: float | None = None,
    ) -> None:
        if context not in CONTEXTS:
            raise ValueError(f"unknown context {context!r}; expected one of {', '.join(CONTEXTS)}")
        self.context = context
        self.config = config or PacingConfig()
        self.library = library or default_library()
        self.seed = seed
        self._start = start
        self._last_t: float | None = None
        self._rotations: dict[str, Rotation] = {}
        self._ready_at: dict[str, float] = {}
        self._not_ready: set[str] = set()
        self._last_card_for: dict[str, float] = {}
        self._recent_cards: deque[float] = deque()
        self._card: Prompt | None = None
        self._card_until = -math.inf
        self._quiet_until = -math.inf
        self._snoozed_until = -math.inf
        self._tally = CheckInTally()

    # -- clusters ----------------------------------------------------------------------

    def offer(self, cluster: Cluster, t: float) -> Prompt | None:
        """The card to show for ``cluster`` at time ``t``, or None when pacing holds it."""
        return self.consider(cluster, t).prompt

    def consider(self, cluster: Cluster, t: float) -> Decision:
        """Like `offer`, and also says which rule held the cluster back."""
        self._advance(t)
        hold = self._hold(cluster, t)
        if hold is not None:
            log.debug("held %s of %s at %.2f s: %s", cluster.pattern, cluster.participant, t, hold)
            return Decision(None, hold)
        prompt = self._show(cluster, t)
        return Decision(prompt, None)

    def _hold(self, cluster: Cluster, t: float) -> Hold | None:
        cfg = self.config
        pid = cluster.participant
        if t - cluster.end > cfg.max_cluster_age_s:
            return Hold.STALE
        if self._start is not None and t < self._start + cfg.warmup_s:
            return Hold.WARMING_UP
        if pid in self._not_ready or t < self._ready_at.get(pid, -math.inf) + cfg.settle_s:
            return Hold.BASELINE
        if t < self._snoozed_until:
            return Hold.SNOOZED
        if t < self._quiet_until:
            return Hold.QUIET
        if self._card is not None:
            return Hold.CARD_SHOWING
        in_minute = sum(1 for shown in self._recent_cards if t - shown < _MINUTE)
        if in_minute >= cfg.max_per_minute or len(self._recent_cards) >= cfg.max_per_ten_minutes:
            return Hold.RATE_LIMIT
        if t < self._last_card_for.get(pid, -math.inf) + cfg.participant_cooldown_s:
            return Hold.COOLDOWN
        return None

    def _show(self, cluster: Cluster, t: float) -> Prompt:
        key = self.library.key(cluster.pattern)
        rotation = self._rotations.get(key)
        if rotation is None:
            lines = self.library.lines(key, self.context)
            rotation = self._rotations[key] = Rotation(lines, seed=f"{self.seed}:{key}")
        prompt = Prompt(
            participant=cluster.participant,
            pattern=cluster.pattern,
            t=t,
            text=rotation.next(),
            detail=self.library.movement(key),
        )
        self._card = prompt
        self._card_until = t + self.config.card_s
        self._recent_cards.append(t)
        self._last_card_for[cluster.participant] = t
        self._count(shown=1)
        return prompt

    # -- participants -------------------------------------------------------------------

    def baselines(self, ready: Mapping[str, bool], t: float) -> None:
        """Tell the prompter which participants' baselines are ready (``CueUpdate.ready``).

        A participant reported not ready is held until reported ready, then for
        ``settle_s`` more. A participant never reported is only held by the session
        warm-up: the cue engine does not complete clusters before a baseline forms.
        """
        self._advance(t)
        for pid, is_ready in ready.items():
            if is_ready:
                self._not_ready.discard(pid)
                self._ready_at.setdefault(pid, t)
            else:
                self._not_ready.add(pid)
                self._ready_at.pop(pid, None)

    def baseline_ready(self, participant_id: str, t: float) -> None:
        """Tell the prompter that one participant's baseline is ready at ``t``."""
        self.baselines({participant_id: True}, t)

    def forget(self, participant_id: str) -> None:
        """Drop what is known about a participant who left (their baseline starts over)."""
        self._ready_at.pop(participant_id, None)
        self._not_ready.discard(participant_id)
        self._last_card_for.pop(participant_id, None)

    # -- the user's actions -------------------------------------------------------------

    def acted_on(self, t: float) -> bool:
        """The user took up the card's idea; True when a card was showing."""
        self._advance(t)
        return self._close(acted_on=1)

    def dismiss(self, t: float) -> bool:
        """The user dismissed the card: quiet for ``quiet_after_dismiss_s``.

        Returns True when a card was showing (the quiet applies either way).
        """
        self._advance(t)
        self._quiet_until = max(self._quiet_until, t + self.config.quiet_after_dismiss_s)
        return self._close(set_aside=1)

    def not_now(self, t: float) -> bool:
        """The user said "not now": quiet for ``quiet_after_not_now_s``."""
        self._advance(t)
        self._quiet_until = max(self._quiet_until, t + self.config.quiet_after_not_now_s)
        return self._close(set_aside=1)

    def snooze(self, minutes: float, t: float) -> bool:
        """No cards for ``minutes`` (the overlay offers `SNOOZE_CHOICES_MIN`).

        Closes a card that is showing (True then).
        """
        if isinstance(minutes, bool) or not math.isfinite(minutes) or minutes <= 0:
            raise ValueError(f"snooze minutes must be a positive number, got {minutes!r}")
        self._advance(t)
        self._snoozed_until = max(self._snoozed_until, t + minutes * _MINUTE)
        self._count(snoozes=1)
        return self._close(set_aside=1)

    def resume(self, t: float) -> None:
        """End a snooze or a quiet spell early."""
        self._advance(t)
        self._snoozed_until = -math.inf
        self._quiet_until = -math.inf

    # -- state --------------------------------------------------------------------------

    def showing(self, t: float) -> Prompt | None:
        """The card on screen at ``t``, if any."""
        self._advance(t)
        return self._card

    @property
    def tally(self) -> CheckInTally:
        """The user's own check-ins so far (for the reflection card)."""
        return self._tally

    def end(self, t: float) -> CheckInTally:
        """The call ended at ``t``: a card still showing counts as passed; the final tally."""
        self._advance(t)
        self._close(passed=1)
        return self._tally

    # -- internals ----------------------------------------------------------------------

    def _advance(self, t: float) -> None:
        if not math.isfinite(t):
            raise ValueError(f"time must be finite, got {t}")
        if self._last_t is not None and t < self._last_t:
            raise ValueError(f"time went backwards: {t} after {self._last_t}")
        self._last_t = t
        if self._start is None:
            self._start = t
        if self._card is not None and t >= self._card_until:
            self._close(passed=1)
        while self._recent_cards and t - self._recent_cards[0] >= _TEN_MINUTES:
            self._recent_cards.popleft()

    def _close(self, **outcome: int) -> bool:
        if self._card is None:
            return False
        self._card = None
        self._count(**outcome)
        return True

    def _count(self, **increments: int) -> None:
        tally = self._tally
        self._tally = replace(
            tally, **{name: getattr(tally, name) + n for name, n in increments.items()}
        )
