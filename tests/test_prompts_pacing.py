"""Pacing, tested with tables of timed clusters and user actions.

Each table row is one step of a session, in time order: a cluster offered to the
prompter (with the card or the rule that holds it back), or something the user does.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from companion.model import Cluster
from companion.prompts.library import default_library
from companion.prompts.pacing import Hold, PacingConfig, Prompter
from companion.prompts.session import CheckInTally

CARD = "card"

# Round numbers so the tables read easily; these equal the defaults except the 10-minute cap.
CONFIG = PacingConfig(
    warmup_s=30,
    settle_s=5,
    card_s=15,
    participant_cooldown_s=180,
    max_per_minute=1,
    max_per_ten_minutes=3,
    quiet_after_dismiss_s=120,
    quiet_after_not_now_s=300,
    max_cluster_age_s=3,
)

CUES = {
    "tension": ("brow_lower", "lip_press"),
    "drop": ("inner_brow_raise", "mouth_corners_down"),
    "masked": ("gaze_down", "smile"),
}


@dataclass(frozen=True)
class Offer:
    """A cluster of ``who`` that ended at ``ended`` (default ``t``), offered at ``t``."""

    t: float
    who: str
    pattern: str
    expect: str | Hold
    ended: float | None = None


@dataclass(frozen=True)
class Act:
    """The user (or the overlay) does ``verb`` at ``t``."""

    t: float
    verb: str
    arg: object = None


def _cluster(who: str, pattern: str, end: float) -> Cluster:
    cues = CUES.get(pattern, ("brow_raise",))
    return Cluster(participant=who, pattern=pattern, cues=cues, start=end - 0.6, end=end)


def _run(rows: Sequence[Offer | Act], prompter: Prompter) -> None:
    for n, row in enumerate(rows):
        if isinstance(row, Act):
            if row.verb == "snooze":
                prompter.snooze(float(str(row.arg)), row.t)
            elif row.verb == "baselines":
                assert isinstance(row.arg, dict)
                prompter.baselines(row.arg, row.t)
            elif row.verb == "forget":
                prompter.forget(str(row.arg))
            else:
                getattr(prompter, row.verb)(row.t)
            continue
        end = row.t if row.ended is None else row.ended
        decision = prompter.consider(_cluster(row.who, row.pattern, end), row.t)
        got: str | Hold | None = CARD if decision.prompt is not None else decision.hold
        assert got == row.expect, f"row {n} ({row}): got {got}"
        if decision.prompt is not None:
            assert decision.prompt.participant == row.who
            assert decision.prompt.pattern == row.pattern
            assert decision.prompt.t == row.t


def test_warmup_single_card_rate_limit_and_cooldown() -> None:
    rows = [
        Offer(10, "p1", "tension", Hold.WARMING_UP),  # baselines still forming: first 30 s
        Offer(29.9, "p2", "drop", Hold.WARMING_UP),  # a tick before the warm-up ends
        Offer(30, "p1", "tension", CARD),  # the first card, right after the warm-up
        Offer(35, "p2", "drop", Hold.CARD_SHOWING),  # p1's card is on screen until 45
        Offer(45, "p2", "drop", Hold.RATE_LIMIT),  # card expired, but 1 card this minute
        Offer(90, "p2", "drop", CARD),  # 60 s after the first card; p2 had none yet
        Offer(150, "p1", "masked", Hold.COOLDOWN),  # p1's last card was 120 s ago (< 180)
        Offer(151, "p3", "tension", CARD),  # someone else is fine
        Offer(215, "p1", "tension", Hold.RATE_LIMIT),  # 3 cards in 10 min (30, 90, 151)
        Offer(630, "p1", "tension", CARD),  # the card at 30 s left the 10-minute window
        Offer(700, "p2", "drop", Hold.STALE, ended=696),  # ended 4 s ago: moment passed
    ]
    _run(rows, Prompter("meeting", CONFIG, start=0.0))


def test_dismiss_not_now_snooze_and_resume() -> None:
    rows = [
        Offer(40, "p1", "tension", CARD),  # first card after the warm-up
        Act(45, "dismiss"),  # quiet for 120 s, until 165
        Offer(100, "p2", "drop", Hold.QUIET),  # inside the quiet spell
        Offer(166, "p2", "drop", CARD),  # quiet is over
        Act(170, "not_now"),  # quiet for 300 s, until 470
        Offer(400, "p3", "masked", Hold.QUIET),  # "not now" keeps it quiet longer
        Offer(471, "p3", "masked", CARD),  # quiet is over
        Act(480, "snooze", 10),  # closes the card; nothing until 1080
        Offer(1000, "p1", "tension", Hold.SNOOZED),  # snoozed
        Offer(1081, "p1", "tension", CARD),  # snooze over; p1's cooldown long past
        Act(1085, "acted_on"),  # the user took the idea up: no quiet spell
        Offer(1150, "p2", "drop", CARD),  # 69 s later, another card may show
        Act(1160, "snooze", 30),  # snooze for half an hour, until 2960
        Offer(1190, "p3", "tension", Hold.SNOOZED),  # snoozed
        Act(1200, "resume"),  # the user ends the snooze early
        Offer(1300, "p3", "tension", CARD),  # cards are back
    ]
    prompter = Prompter("meeting", CONFIG, start=0.0)
    _run(rows, prompter)
    assert prompter.end(2000) == CheckInTally(shown=6, acted_on=1, set_aside=4, passed=1, snoozes=2)


def test_quiet_after_dismiss_applies_even_when_the_card_just_expired() -> None:
    rows = [
        Offer(30, "p1", "tension", CARD),  # shown until 45
        Act(45.2, "dismiss"),  # the click lands just after the card expired
        Offer(100, "p2", "drop", Hold.QUIET),  # the dismissal still asks for quiet
    ]
    prompter = Prompter("meeting", CONFIG, start=0.0)
    _run(rows, prompter)
    assert prompter.tally == CheckInTally(shown=1, passed=1)


def test_baselines_hold_a_participant_until_ready_and_settled() -> None:
    rows = [
        Act(20, "baselines", {"p1": False, "p2": True}),  # from CueUpdate.ready
        Offer(35, "p1", "tension", Hold.BASELINE),  # p1's baseline is still forming
        Offer(36, "p9", "drop", CARD),  # never reported: only the warm-up applies
        Act(40, "baselines", {"p1": True}),  # p1 ready at 40
        Offer(100, "p2", "drop", CARD),  # p2 ready since 20
        Act(160, "forget", "p1"),  # p1 left the call
        Act(161, "baselines", {"p1": False}),  # p1 is back, baseline starts over
        Offer(170, "p1", "tension", Hold.BASELINE),  # not ready again
        Act(200, "baselines", {"p1": True}),  # ready at 200
        Offer(203, "p1", "tension", Hold.BASELINE),  # settling: ready 3 s ago (< 5)
        Offer(206, "p1", "tension", CARD),  # settled; forget cleared p1's cooldown too
    ]
    _run(rows, Prompter("meeting", CONFIG, start=0.0))


def test_baseline_ready_is_the_one_participant_form() -> None:
    prompter = Prompter("meeting", CONFIG, start=0.0)
    prompter.baseline_ready("p1", 28)
    rows = [
        Offer(31, "p1", "tension", Hold.BASELINE),  # ready 3 s ago
        Offer(33, "p1", "tension", CARD),  # settled
    ]
    _run(rows, prompter)


def test_session_starts_at_the_first_time_given_when_no_start() -> None:
    rows = [
        Offer(1000, "p1", "tension", Hold.WARMING_UP),  # first call: the session starts here
        Offer(1031, "p1", "tension", CARD),  # 31 s in
    ]
    _run(rows, Prompter("meeting", CONFIG))


def test_card_text_comes_from_the_context_and_detail_says_what_moved() -> None:
    lib = default_library()
    for context in ("meeting", "interviewer", "candidate", "one-on-one"):
        prompter = Prompter(context, CONFIG, start=0.0)
        prompt = prompter.offer(_cluster("p1", "drop", 40), 40)
        assert prompt is not None
        assert prompt.text in lib.lines("drop", context)
        assert prompt.detail == lib.movement("drop")


def test_user_added_pattern_gets_general_phrasings() -> None:
    prompter = Prompter("one-on-one", CONFIG, start=0.0)
    prompt = prompter.offer(_cluster("p1", "head_shake", 40), 40)
    assert prompt is not None and prompt.pattern == "head_shake"
    assert prompt.text in default_library().lines("general", "one-on-one")


def test_cards_rotate_without_soon_repeats() -> None:
    config = PacingConfig(warmup_s=0, participant_cooldown_s=0, max_per_ten_minutes=1000)
    prompter = Prompter("meeting", config, start=0.0)
    texts = []
    for i in range(40):
        t = 100.0 * (i + 1)
        prompt = prompter.offer(_cluster("p1", "tension", t), t)
        assert prompt is not None
        texts.append(prompt.text)
    n = len(default_library().lines("tension", "meeting"))
    gap = n - 2
    for i in range(len(texts) - gap):
        assert len(set(texts[i : i + gap + 1])) == gap + 1, texts[i : i + gap + 1]
    assert set(texts) == set(default_library().lines("tension", "meeting"))


def test_same_inputs_same_cards() -> None:
    def session(seed: int) -> list[str]:
        config = PacingConfig(warmup_s=0, participant_cooldown_s=0, max_per_ten_minutes=1000)
        prompter = Prompter("interviewer", config, seed=seed, start=0.0)
        out = []
        for i in range(12):
            t = 70.0 * (i + 1)
            prompt = prompter.offer(_cluster("p1", "masked", t), t)
            assert prompt is not None
            out.append(prompt.text)
        return out

    assert session(5) == session(5)
    assert session(5) != session(6)


def test_defaults_are_sparing() -> None:
    # A cluster every 5 s from each of four people for ten minutes.
    prompter = Prompter("meeting", start=0.0)
    shown = []
    for step in range(120):
        t = 5.0 * step
        for who, pattern in (("p1", "tension"), ("p2", "drop"), ("p3", "masked"), ("p4", "x")):
            prompt = prompter.offer(_cluster(who, pattern, t), t)
            if prompt is not None:
                shown.append(prompt)
    assert 1 <= len(shown) <= 4
    assert shown[0].t >= PacingConfig().warmup_s >= 10
    gaps = [b.t - a.t for a, b in itertools.pairwise(shown)]
    assert all(g >= 60 for g in gaps)


def test_time_must_not_go_backwards() -> None:
    prompter = Prompter("meeting", CONFIG, start=0.0)
    prompter.offer(_cluster("p1", "tension", 50), 50)
    with pytest.raises(ValueError, match="time went backwards"):
        prompter.dismiss(49)


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown context 'boardroom'"):
        Prompter("boardroom")
    with pytest.raises(ValueError, match="cooldown_s must be a finite number >= 0"):
        PacingConfig(participant_cooldown_s=-1)
    with pytest.raises(ValueError, match="max_per_minute must be a whole number >= 1"):
        PacingConfig(max_per_minute=0)
    with pytest.raises(ValueError, match="snooze minutes must be a positive number"):
        Prompter("meeting").snooze(0, 1.0)


@dataclass(frozen=True)
class _Step:
    dt: float
    who: str
    pattern: str
    action: str | None


_steps = st.lists(
    st.builds(
        _Step,
        dt=st.floats(min_value=0, max_value=40, allow_nan=False),
        who=st.sampled_from(["p1", "p2", "p3"]),
        pattern=st.sampled_from(["tension", "drop", "masked"]),
        action=st.sampled_from([None, None, None, "dismiss", "not_now", "acted_on", "snooze"]),
    ),
    max_size=80,
)


@settings(max_examples=150, deadline=None)
@given(_steps)
def test_never_two_cards_at_once_and_limits_always_hold(steps: list[_Step]) -> None:
    config = PacingConfig()
    prompter = Prompter("meeting", config, start=0.0)
    t = 0.0
    shown: list[tuple[float, str]] = []
    for step in steps:
        t += step.dt
        before = prompter.showing(t)
        prompt = prompter.offer(_cluster(step.who, step.pattern, t), t)
        if prompt is not None:
            assert before is None, "a card was already showing"
            assert prompter.showing(t) == prompt
            shown.append((t, step.who))
        elif before is not None:
            assert prompter.showing(t) == before
        if step.action == "snooze":
            prompter.snooze(10, t)
        elif step.action is not None:
            getattr(prompter, step.action)(t)
    times = [s for s, _ in shown]
    assert all(s >= config.warmup_s for s in times)
    assert all(b - a >= 60 for a, b in itertools.pairwise(times))
    for who in ("p1", "p2", "p3"):
        mine = [s for s, w in shown if w == who]
        gaps = [b - a for a, b in itertools.pairwise(mine)]
        assert all(g >= config.participant_cooldown_s for g in gaps)
    tally = prompter.end(t + 100)
    assert tally.shown == len(shown)
    assert tally.shown == tally.acted_on + tally.set_aside + tally.passed
