"""Self-tape review logic on tables of synthetic signals and events (no video, no model)."""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from companion.cues.events import EventParams, find_spans
from companion.cues.signals import MEASURES, M
from companion.cues.take_traces import resting_face, traces
from companion.model import CueEvent
from companion.prompts.guard import find_banned
from companion.review import wording
from companion.review.moments import (
    FLAGS,
    EyesEngagement,
    Moment,
    find_flags,
    find_moments,
    flicking,
    other_movements,
)


def ev(
    cue: str, start: float, end: float, peak: float | None = None, strength: float = 0.8
) -> CueEvent:
    """An event of participant p1; the peak defaults to the middle."""
    middle = (start + end) / 2 if peak is None else peak
    return CueEvent("p1", cue, start, end, middle, strength)


def eyes_at(level: float) -> EyesEngagement:
    """Eyes engaged at ``level`` whatever the stretch."""
    return lambda start, end: level


REST = eyes_at(0.0)
ENGAGED = eyes_at(1.5)


# -- spans ----------------------------------------------------------------------------------

T = np.arange(0.0, 1.0, 0.1)
SPAN = EventParams(on=1.0, off=0.7, min_duration_s=0.0, merge_gap_s=0.0)
"""Hysteresis alone: no minimum length, no merging."""

SPAN_CASES = [
    # one clean bump above `on`: onset where it first passed `off`, apex at the top
    ([0, 0, 0.8, 1.2, 1.5, 0.9, 0.2, 0, 0, 0], SPAN, [(0.2, 0.5, 0.4, 1.5)]),
    # passes `off` but never `on`: nothing
    ([0, 0.8, 0.9, 0.8, 0, 0, 0, 0, 0, 0], SPAN, []),
    # a one-sample dip between two bursts, joined by the merge gap
    (
        [0, 1.2, 1.2, 0.1, 1.3, 1.3, 0, 0, 0, 0],
        replace(SPAN, merge_gap_s=0.15),
        [(0.1, 0.5, 0.4, 1.3)],
    ),
    # the same dip without merging: two spans
    (
        [0, 1.2, 1.2, 0.1, 1.3, 1.3, 0, 0, 0, 0],
        SPAN,
        [(0.1, 0.2, 0.1, 1.2), (0.4, 0.5, 0.4, 1.3)],
    ),
    # longer than the maximum: dropped (eyes held shut are not a blink)
    ([0, 1.2, 1.2, 1.2, 1.2, 1.2, 1.2, 0, 0, 0], replace(SPAN, max_duration_s=0.3), []),
    # shorter than the minimum: dropped
    ([0, 0, 1.2, 0, 0, 0, 0, 0, 0, 0], replace(SPAN, min_duration_s=0.1), []),
    # high from the first sample: needs an onset by default, as in the live engine ...
    ([1.5, 1.5, 1.5, 0, 0, 0, 0, 0, 0, 0], SPAN, []),
    # ... but a finished recording may start mid-movement
    (
        [1.5, 1.5, 1.5, 0, 0, 0, 0, 0, 0, 0],
        replace(SPAN, needs_onset=False),
        [(0.0, 0.2, 0.0, 1.5)],
    ),
    # still high at the last sample: closed there
    ([0, 0, 0, 0, 0, 0, 0, 1.1, 1.4, 1.2], SPAN, [(0.7, 0.9, 0.8, 1.4)]),
]


@pytest.mark.parametrize(("values", "params", "expected"), SPAN_CASES)
def test_spans(
    values: list[float], params: EventParams, expected: list[tuple[float, float, float, float]]
) -> None:
    found = find_spans(T, np.array(values, dtype=np.float64), params)
    assert [(round(s.start, 3), round(s.end, 3), round(s.peak_t, 3), s.peak) for s in found] == [
        (round(start, 3), round(end, 3), round(peak_t, 3), peak)
        for start, end, peak_t, peak in expected
    ]


# -- flags ----------------------------------------------------------------------------------

STEADY_BLINKS = [ev("blink", t, t + 0.15) for t in np.arange(1.0, 60.0, 4.0)]
BURST = [ev("blink", t, t + 0.15) for t in (30.1, 30.6, 31.1, 31.5)]

FLAG_CASES = [
    # a smile whose eyes stayed at rest
    ([ev("smile", 1.0, 2.0)], REST, 10.0, ["smile_without_eyes"]),
    # the same smile with the eyes narrowing: nothing to flag
    ([ev("smile", 1.0, 2.0)], ENGAGED, 10.0, []),
    # a one-sided smile counts as a smile
    ([ev("one_sided_smile", 1.0, 1.6)], REST, 10.0, ["smile_without_eyes"]),
    # lips pressed, brows lowered, eye line off the lens: one flag each
    ([ev("lip_press", 1.0, 1.8)], REST, 10.0, ["lip_press"]),
    ([ev("brow_lower", 1.0, 1.3)], REST, 10.0, ["brow_lower"]),
    ([ev("look_away", 1.0, 2.0)], REST, 10.0, ["off_lens"]),
    ([ev("gaze_down", 1.0, 2.0)], REST, 10.0, ["off_lens"]),
    # movements outside the list raise no flag
    ([ev("head_down", 1.0, 2.0), ev("brow_raise", 4.0, 4.5)], REST, 10.0, []),
    # smile and lowered brows at once: a contradiction (brows lowered is a flag of its own)
    (
        [ev("smile", 1.0, 2.0), ev("brow_lower", 1.5, 2.2)],
        ENGAGED,
        10.0,
        ["brow_lower", "contradiction"],
    ),
    # smile and pulled-down corners touching for under 0.1 s: not at once
    ([ev("smile", 1.0, 2.0), ev("mouth_corners_down", 1.95, 2.5)], ENGAGED, 10.0, []),
    # raised and lowered brows together: a contradiction
    (
        [ev("brow_raise", 1.0, 2.0), ev("brow_lower", 1.2, 1.8)],
        REST,
        10.0,
        ["brow_lower", "contradiction"],
    ),
    # blinks at a steady rate through a minute: no burst
    (STEADY_BLINKS, REST, 60.0, []),
    # four quick blinks on top of the steady rate: a burst
    (STEADY_BLINKS + BURST, REST, 60.0, ["blink_burst"]),
    # a blink every 0.9 s all through a 10-second clip is this person's own pace: no burst
    ([ev("blink", t, t + 0.1) for t in np.arange(0.5, 10.0, 0.9)], REST, 10.0, []),
    # three blinks in 1.2 s of an otherwise calm 10-second clip: a burst
    ([ev("blink", t, t + 0.1) for t in (4.0, 4.6, 5.2)], REST, 10.0, ["blink_burst"]),
    # smile, brows down, smile, lips pressed within three seconds: flicking
    (
        [
            ev("smile", 1.0, 1.4),
            ev("brow_lower", 1.8, 2.1),
            ev("smile", 2.6, 3.0),
            ev("lip_press", 3.4, 3.7),
        ],
        ENGAGED,
        10.0,
        ["brow_lower", "flicking", "lip_press"],
    ),
    # the same movements spread over twenty seconds: no flicking
    (
        [
            ev("smile", 1.0, 1.4),
            ev("brow_lower", 6.0, 6.3),
            ev("smile", 12.0, 12.4),
            ev("lip_press", 18.0, 18.3),
        ],
        ENGAGED,
        30.0,
        ["brow_lower", "lip_press"],
    ),
]


@pytest.mark.parametrize(("events", "eyes", "seen_s", "kinds"), FLAG_CASES)
def test_flags(
    events: list[CueEvent], eyes: EyesEngagement, seen_s: float, kinds: list[str]
) -> None:
    assert sorted({f.kind for f in find_flags(events, eyes, seen_s)}) == kinds


def test_burst_spans_its_blinks() -> None:
    (flag,) = [f for f in find_flags(STEADY_BLINKS + BURST, REST, 60.0) if f.kind == "blink_burst"]
    assert (flag.start, flag.end) == (30.1, 31.65)
    assert len(flag.cues) == 4


# -- moments --------------------------------------------------------------------------------


def test_flags_of_one_stretch_make_one_moment_led_by_priority() -> None:
    # brows lowered while the lips press over the same second: one moment, brows first
    events = [ev("lip_press", 1.0, 2.0), ev("brow_lower", 1.1, 1.9)]
    (moment,) = find_moments(events, REST, 10.0)
    assert moment.kinds == ("brow_lower", "lip_press")
    assert (moment.start, moment.end) == (1.0, 2.0)
    assert moment.moved == ("lip_press", "brow_lower")
    assert wording.tip(moment) == wording.TIPS["brow_lower"]
    assert not moment.brief


def test_a_brief_frown_inside_a_long_look_away_is_part_of_it_and_named_when_clearest() -> None:
    # eyes off the lens for ten seconds, brows lowered for a third of a second inside:
    # one stretch of the take, one moment (never two that nest)
    events = [ev("look_away", 0.0, 10.0, strength=0.7), ev("brow_lower", 4.0, 4.3, strength=1.6)]
    (moment,) = find_moments(events, REST, 12.0)
    assert (moment.start, moment.end) == (0.0, 10.0)
    assert moment.kinds == ("brow_lower", "off_lens")  # the clearer movement leads
    assert moment.apex == pytest.approx(4.15)  # its frame is the one shown
    assert wording.title(moment).startswith("Brows lowered")
    assert wording.tip(moment) == wording.TIPS["brow_lower"]
    faint = [ev("look_away", 0.0, 10.0, strength=1.4), ev("brow_lower", 4.0, 4.3, strength=1.0)]
    (moment,) = find_moments(faint, REST, 12.0)
    assert moment.kinds == ("off_lens", "brow_lower")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(sorted(wording.MOVEMENTS)),
            st.floats(0.0, 30.0),
            st.floats(0.05, 4.0),
            st.floats(0.3, 3.0),
        ),
        max_size=25,
    ),
    st.floats(0.0, 1.0),
)
def test_moments_never_overlap_and_each_is_led_by_its_strongest_flag(
    raw: list[tuple[str, float, float, float]], eyes: float
) -> None:
    events = [ev(cue, start, start + length, strength=s) for cue, start, length, s in raw]
    moments = find_moments(events, eyes_at(eyes), 40.0)
    for before, after in itertools.pairwise(moments):
        assert before.end <= after.start
    for m in moments:
        assert m.flags[0].strength == max(f.strength for f in m.flags)
        assert m.kinds[0] == m.flags[0].kind
        assert m.start <= m.apex <= m.end


def test_brief_is_under_half_a_second() -> None:
    short, long = find_moments([ev("lip_press", 1.0, 1.3), ev("lip_press", 5.0, 6.0)], REST, 9.0)
    assert short.brief and not long.brief
    assert wording.title(short) == "Lips pressed, briefly"
    assert wording.title(long) == "Lips held pressed"


def test_blinks_are_listed_only_inside_a_burst() -> None:
    events = [ev("lip_press", 1.0, 2.0), ev("blink", 1.5, 1.6)]
    (moment,) = find_moments(events, REST, 10.0)
    assert moment.moved == ("lip_press",)


def test_other_movements_are_those_outside_every_moment() -> None:
    events = [
        ev("lip_press", 1.0, 2.0),
        ev("mouth_corners_down", 1.1, 1.9),  # inside the moment: part of it
        ev("smile", 5.0, 6.0),  # with the eyes: no flag, listed as another movement
        ev("one_sided_smile", 5.1, 5.9),  # the same smile
        ev("blink", 7.0, 7.1),  # a lone blink is not a movement worth listing
    ]
    moments = find_moments(events, ENGAGED, 10.0)
    others = other_movements(events, moments)
    assert [(o.start, o.end, o.cues) for o in others] == [(5.0, 6.0, ("smile", "one_sided_smile"))]


def test_moments_come_in_time_order() -> None:
    events = [ev("look_away", 6.0, 7.0), ev("lip_press", 1.0, 1.5), ev("brow_lower", 3.0, 3.4)]
    starts = [m.start for m in find_moments(events, REST, 10.0)]
    assert starts == sorted(starts) == [1.0, 3.0, 6.0]


# -- wording --------------------------------------------------------------------------------


def _moment(kinds: tuple[str, ...]) -> Moment:
    events = {
        "smile_without_eyes": [ev("smile", 1.0, 2.0)],
        "blink_burst": STEADY_BLINKS + BURST,
        "lip_press": [ev("lip_press", 1.0, 2.0)],
        "brow_lower": [ev("brow_lower", 1.0, 2.0)],
        "off_lens": [ev("look_away", 1.0, 2.0)],
        "contradiction": [ev("smile", 1.0, 2.0), ev("brow_lower", 1.0, 2.0)],
        "flicking": [ev("smile", 1, 1.3), ev("lip_press", 1.6, 1.9), ev("smile", 2.2, 2.5),
                     ev("brow_lower", 2.8, 3.1)],
    }[kinds[0]]  # fmt: skip
    moments = find_moments(events, REST, 60.0)
    return next(m for m in moments if kinds[0] in m.kinds)


@pytest.mark.parametrize("kind", FLAGS)
def test_every_flag_has_words_that_name_no_feeling(kind: str) -> None:
    moment = _moment((kind,))
    texts = [wording.title(moment), wording.tip(moment), wording.moved(moment.moved)]
    texts += wording.details(moment)
    assert all(texts[:3])
    for text in texts:
        assert find_banned(text) == [], text
    assert "fake" not in wording.title(moment).lower()


def test_summary_counts_moments_and_never_scores() -> None:
    moments = find_moments([ev("lip_press", 1.0, 1.2), ev("look_away", 4.0, 6.0)], REST, 30.0)
    lines = wording.summary(moments, 30.0, 14.0, others=2)
    text = " ".join(lines)
    assert "2 moments" in text and "under half a second" in text and "14 a minute" in text
    assert "%" not in text and "score" not in text.lower()
    assert find_banned(text) == []
    assert "nothing" in wording.summary([], 30.0, None, others=0)[0]


def test_clock_format() -> None:
    assert [wording.clock(t) for t in (0.0, 3.24, 65.5)] == ["0:00.0", "0:03.2", "1:05.5"]


# -- traces ---------------------------------------------------------------------------------


def test_a_frown_rises_above_one_and_rest_stays_near_zero() -> None:
    # a face at rest for 3 s (small jitter), then brows drawn together and down for 1 s
    rng = np.random.default_rng(7)
    n = 120
    x = np.zeros((n, len(MEASURES))) + rng.normal(0.0, 0.001, (n, len(MEASURES)))
    x[:, M["brow_gap"]] += 0.45
    x[:, M["brow_inner_h"]] += 0.30
    x[:, M["eye_open"]] += 0.16
    x[:, M["lip_gap"]] += 0.1
    frown = slice(90, 120)
    x[frown, M["brow_gap"]] -= 0.03
    for name in ("brow_inner_h", "brow_mid_h", "brow_outer_h"):
        x[frown, M[name]] -= 0.05
    x[:, M["eye_open_r"]] += 0.16
    x[:, M["eye_open_l"]] += 0.16
    rest = resting_face(x[:90])
    found = traces(np.arange(n) / 30.0, x, rest)
    assert np.all(found["brows_lowered"][frown] > 1.0)
    assert np.all(np.abs(found["brows_lowered"][:90]) < 0.5)
    assert np.all(np.abs(found["off_lens"]) < 0.5)


def test_a_take_that_keeps_changing_gives_short_flicking_flags_not_one_long_one() -> None:
    # smile and pressed lips alternating every 0.8 s for twelve seconds
    chain = [
        ev("smile" if i % 2 == 0 else "lip_press", 0.5 + 0.8 * i, 0.8 + 0.8 * i) for i in range(15)
    ]
    flags = flicking(chain)
    assert len(flags) >= 3
    assert all(f.end - f.start <= 3.5 for f in flags)
