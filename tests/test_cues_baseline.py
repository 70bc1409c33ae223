"""Per-person baselines, and the engine's rule that nobody is scored before theirs is ready."""

from __future__ import annotations

import numpy as np
import pytest

from companion.cues.baseline import Neutral, NeutralConfig, Prior
from companion.cues.engine import CueEngine
from companion.cues.population import load_population
from companion.cues.scoring import MEASURE_FLOOR, C, Units, intensities
from companion.cues.signals import MEASURES, M
from companion.cues.speech import SpeechState

FLOOR = np.full(3, 0.001)
FPS = 30.0
PRIOR = Prior(
    centre=np.array([0.0, 0.3, 0.0]),
    spread=np.array([0.05, 0.1, 0.05]),
    strength=np.array([1.0, 0.05, 1.0]),
)
"""Measure 0 is one people agree on at rest (a blendshape score), measure 1 one they do
not (a brow's height), measure 2 the activity that tells calm samples from busy ones."""


def _feed(neutral: Neutral, rows: list[list[float]], t0: float = 0.0, noise: float = 0.0) -> float:
    """Feed rows at 30 fps (with a little jitter); returns the time after the last row."""
    rng = np.random.default_rng(3)
    for i, row in enumerate(rows):
        neutral.add(t0 + i / FPS, np.array(row, dtype=float) + rng.normal(0, noise, 3))
    return t0 + len(rows) / FPS


def test_the_neutral_starts_at_the_prior_and_moves_to_the_face_as_evidence_builds() -> None:
    neutral = Neutral(PRIOR, FLOOR, NeutralConfig(prior_s=4.0))
    centre, spread = neutral.at(0.0)
    np.testing.assert_allclose(centre, PRIOR.centre)
    np.testing.assert_allclose(spread, NeutralConfig().prior_reach * PRIOR.spread)
    assert not neutral.ready
    t = _feed(neutral, [[0.04, 0.5, 0.0]] * 60)  # 2 s of this face
    centre, _ = neutral.at(t)
    assert neutral.ready
    # people differ on measure 1: the face's own value takes over at once (its prior
    # counts 0.05 x 4 s); they agree on measure 0: two seconds move it a third of the way
    assert centre[1] == pytest.approx(0.3 + 0.2 * 2 / 2.2, abs=0.005)
    assert centre[0] == pytest.approx(0.04 * 2 / 6, abs=0.004)
    t = _feed(neutral, [[0.04, 0.5, 0.0]] * 900, t0=t)  # half a minute more
    assert neutral.at(t)[0][0] == pytest.approx(0.04 * 32 / 36, abs=0.003)


def test_a_frown_in_the_first_seconds_does_not_become_the_neutral() -> None:
    neutral = Neutral(PRIOR, FLOOR)
    frown, rest = [0.12, 0.2, 0.0], [0.0, 0.3, 0.0]
    t = _feed(neutral, [frown] * 90, noise=0.002)  # frowning from the first frame, 3 s
    centre, _ = neutral.at(t)
    assert centre[0] < 0.12 * 3 / 7 + 0.01  # measured against the prior, not against itself
    t = _feed(neutral, [rest] * 180, t0=t, noise=0.002)  # then 6 s at rest
    centre, _ = neutral.at(t)
    assert centre[1] == pytest.approx(0.3, abs=0.01)
    assert centre[0] == pytest.approx(0.0, abs=0.01)


def test_a_movement_held_for_a_third_of_the_window_stays_off_the_neutral() -> None:
    neutral = Neutral(PRIOR, FLOOR, NeutralConfig(prior_s=0.01))
    rows = [[0.0, 0.3, 0.0]] * 400 + [[0.0, 0.2, 0.0]] * 200  # brows down for 6.7 of 20 s
    t = _feed(neutral, rows, noise=0.003)
    assert neutral.at(t)[0][1] == pytest.approx(0.3, abs=0.005)


def test_measures_frozen_during_a_movement_are_not_learned() -> None:
    neutral = Neutral(PRIOR, FLOOR, NeutralConfig(prior_s=0.01))
    t = _feed(neutral, [[0.0, 0.3, 0.0]] * 30)
    frozen = np.array([False, True, False])
    for i in range(300):  # 10 s with measure 1 moved while a movement using it lasts
        neutral.add(t + i / FPS, np.array([0.01, 0.1, 0.0]), frozen)
    centre, _ = neutral.at(t + 10)
    assert centre[1] == pytest.approx(0.3)
    assert centre[0] == pytest.approx(0.01, abs=0.001)


def test_calm_measures_come_from_the_calmest_samples() -> None:
    calm = np.array([True, False, False])
    neutral = Neutral(PRIOR, FLOOR, NeutralConfig(calm_fraction=0.4, prior_s=0.01), 2, calm)
    t = _feed(neutral, [[0.0, 0.3, 0.0]] * 100 + [[0.5, 0.3, 1.0]] * 150)  # talks 60% of the time
    assert neutral.at(t)[0][0] == pytest.approx(0.0, abs=0.001)


def test_the_spread_is_the_faces_own_jitter_not_its_movements() -> None:
    def spread_of(rows: list[list[float]], noise: float) -> float:
        neutral = Neutral(PRIOR, FLOOR, NeutralConfig(prior_s=0.01))
        return float(neutral.at(_feed(neutral, rows, noise=noise))[1][1])

    still = [[0.0, 0.3, 0.0]] * 600
    held = [[0.0, 0.3, 0.0]] * 300 + [[0.0, 0.15, 0.0]] * 300
    assert spread_of(held, 0.002) < 2 * spread_of(still, 0.002)  # a held move barely counts
    assert spread_of(still, 0.01) > 3 * spread_of(still, 0.002)  # a noisier face, wider


def test_a_whole_take_is_measured_against_the_minute_around_each_moment() -> None:
    neutral = Neutral(PRIOR, FLOOR, NeutralConfig(prior_s=0.01, window_s=60.0))
    rows = [(i / FPS, np.array([0.0, 0.2 if i < 60 else 0.3, 0.0])) for i in range(900)]
    neutral.prime(rows)  # the take starts with 2 s of lowered brows
    assert neutral.at(0.5)[0][1] == pytest.approx(0.3, abs=0.005)
    neutral.add(40.0, np.array([9.0, 9.0, 9.0]))  # primed: nothing more is learned
    assert neutral.at(0.5)[0][1] == pytest.approx(0.3, abs=0.005)


def _rest() -> np.ndarray:
    """A resting face: the population's, with this person's own brows and lips."""
    x = load_population().rest.centre.copy()
    x[M["brow_gap"]] = 0.45
    x[M["brow_outer_h"]] = 0.3
    x[M["brow_inner_h"]] = 0.4
    x[M["brow_mid_h"]] = 0.45
    x[M["eye_open"]] = 0.15
    x[M["lip_red"]] = 0.3
    x[M["lip_gap"]] = 0.02  # lips closed at rest
    return x


def _frown() -> np.ndarray:
    """Brows drawn together and down (inner and outer ends alike)."""
    x = _rest()
    x[M["brow_gap"]] -= 0.05
    x[M["brow_outer_h"]] -= 0.08
    x[M["brow_inner_h"]] -= 0.08
    x[M["brow_mid_h"]] -= 0.08
    return x


def test_a_frown_from_the_first_frame_is_reported_against_the_population() -> None:
    engine = CueEngine()
    frown = _frown()
    frown[M["bs_brow_down"]] = 0.6  # the person-independent score reads it too
    events = []
    for i in range(120):
        x = frown if i < 45 else _rest()  # frowning when first seen, 1.5 s
        events += engine.update_measures(i / FPS, {"p1": x}).events
    events += engine.finish(4.0).events
    assert [(e.cue, e.start) for e in events if e.cue == "brow_lower"] == [("brow_lower", 0.0)]


def test_a_frown_held_for_seconds_is_one_event_onset_to_offset() -> None:
    engine = CueEngine()
    events = []
    for i in range(600):
        x = _frown() if 300 <= i < 390 else _rest()  # 3 s of drawn brows after 10 s at rest
        events += engine.update_measures(i / FPS, {"p1": x}).events
    events += engine.finish(20.0).events
    (event,) = [e for e in events if e.cue == "brow_lower"]
    assert event.start == pytest.approx(10.0) and event.end == pytest.approx(389 / FPS)
    assert not event.micro and 0.0 < event.strength <= 1.0


def _turned(x: np.ndarray, yaw: float = 40.0) -> np.ndarray:
    x = x.copy()
    x[M["yaw"]] = yaw
    return x


def test_a_face_turned_away_is_neither_learned_from_nor_read() -> None:
    engine = CueEngine()
    limit = engine.config.max_yaw_deg
    for i in range(90):  # 3 s in three-quarter view: not learned from
        update = engine.update_measures(i / FPS, {"p1": _turned(_rest(), limit + 5)})
        assert update.ready == {"p1": False} and update.events == []
    events = []
    for i in range(90, 300):
        if i < 160:
            x = _rest()  # faces the camera for 2 s: ready
        elif i < 190:
            x = _turned(_frown())  # brows read as drawn down, head turned 40 degrees: ignored
        elif i < 220:
            x = _turned(_rest(), -10.0)  # slightly turned the other way: read ...
        elif i < 235:
            x = _turned(_frown(), -10.0)  # ... so the same brows are a frown
        else:
            x = _rest()
        events += engine.update_measures(i / FPS, {"p1": x}).events
    events += engine.finish(10.0).events
    # the turn itself is still a movement of the head
    assert [(e.cue, round(e.start * FPS)) for e in events] == [
        ("look_away", 160),
        ("brow_lower", 220),
    ]


def test_looking_away_is_still_noticed_when_turned() -> None:
    engine = CueEngine()
    for i in range(90):
        engine.update_measures(i / FPS, {"p1": _rest()})
    events = []
    for i in range(90, 150):
        x = _turned(_rest(), 45.0) if i < 120 else _rest()
        events += engine.update_measures(i / FPS, {"p1": x}).events
    assert [e.cue for e in events] == ["look_away"]


def test_participants_have_their_own_baselines_and_can_be_forgotten() -> None:
    engine = CueEngine()
    wide = _rest()
    wide[M["brow_gap"]] += 0.1  # another person's resting brows are further apart
    for i in range(90):
        update = engine.update_measures(i / FPS, {"p1": _rest(), "p2": wide})
        assert update.events == []  # each at rest against their own neutral
    assert engine.ready() == {"p1": True, "p2": True}
    engine.forget("p2")
    engine.forget("nobody")
    assert engine.ready() == {"p1": True}


def test_lost_participant_has_open_events_closed() -> None:
    engine = CueEngine()
    frown = _frown()
    for i in range(90):
        engine.update_measures(i / FPS, {"p1": _rest()})
    for i in range(90, 100):
        engine.update_measures(i / FPS, {"p1": frown})
    assert engine.update_measures(3.5, {}).events == []  # not sampled for a moment
    closed = engine.update_measures(4.5, {})  # gone for 1.2 s
    assert [e.cue for e in closed.events] == ["brow_lower"]
    assert closed.events[0].end == pytest.approx(99 / FPS)


def test_closed_lips_baseline_is_what_a_press_is_judged_against() -> None:
    units = Units()
    talking = _rest()
    talking[M["lip_gap"]] = 0.15
    talking[M["bs_mouth_roll"]] = 0.0
    closed_rest = _rest()
    closed_rest[M["bs_mouth_roll"]] = 0.3  # this talker's roll score rises whenever lips close
    press = closed_rest.copy()
    press[M["bs_mouth_roll"]] = 0.6
    lip = C["lip_press"]
    assert intensities(closed_rest, talking, units)[lip] >= 1.0  # vs the talking face: a press
    assert intensities(closed_rest, talking, units, closed_rest)[lip] == 0.0
    assert intensities(press, talking, units, closed_rest)[lip] >= 1.0
    assert intensities(talking, talking, units, closed_rest)[lip] == 0.0  # open lips: no press


def test_a_press_shows_in_thinner_lips_a_raised_chin_rolled_lips_or_the_press_score() -> None:
    units = Units()
    rest = _rest()
    lip = C["lip_press"]
    thinned = rest.copy()  # lips thinned by 95 % of a clear press: not quite one
    thinned[M["lip_red"]] *= 1 - 0.95 * units.lip_thin
    assert intensities(thinned, rest, units)[lip] == pytest.approx(0.95)
    for name, unit in (
        ("bs_chin_raise", units.chin_raise),  # AU17 comes with a press
        ("bs_mouth_roll", units.roll),  # lips rolled in hide the red
        ("bs_mouth_press", units.press),
    ):
        moved = rest.copy()
        moved[M[name]] += 1.5 * unit
        assert intensities(moved, rest, units)[lip] == pytest.approx(1.5), name
    opened = rest.copy()
    opened[M["bs_chin_raise"]] += 3 * units.chin_raise
    opened[M["lip_gap"]] = 2 * units.lips_closed  # lips apart cannot be pressed
    assert intensities(opened, rest, units)[lip] == 0.0


def test_a_whole_brow_raise_is_not_an_inner_brow_raise() -> None:
    units = Units()
    rest = _rest()
    oblique = rest.copy()  # AU1: inner ends up, outer ends where they were
    oblique[M["brow_inner_h"]] += 1.5 * units.brow_tilt
    whole = rest.copy()  # AU1+AU2: both ends up, the inner ones a little further
    whole[M["brow_outer_h"]] += 1.5 * units.brow_rise
    whole[M["brow_inner_h"]] += 1.5 * units.brow_rise + 1.2 * units.brow_tilt
    inner, both = C["inner_brow_raise"], C["brow_raise"]
    assert intensities(oblique, rest, units)[inner] == pytest.approx(1.5)
    assert intensities(whole, rest, units)[both] >= 1.0
    assert intensities(whole, rest, units)[inner] == pytest.approx(1.2 - 1.5)


def test_lips_thinned_by_a_mouth_pulled_sideways_are_not_a_press() -> None:
    # lip heights are measured at the midline, where a smirk or a sideways pull stretches them
    units = Units()
    rest = _rest()
    thinned = rest.copy()
    thinned[M["lip_red"]] *= 1 - 2 * units.lip_thin  # clearly thinner at the midline
    sideways = thinned.copy()
    sideways[M["bs_mouth_side"]] += units.mouth_side
    lip = C["lip_press"]
    assert intensities(thinned, rest, units)[lip] == pytest.approx(2.0)
    assert intensities(sideways, rest, units)[lip] == 0.0


@pytest.mark.parametrize(
    ("change", "lowered"),
    [
        # brows drawn together and down along their whole length: a clear brow_lower
        (
            {"brow_gap": -0.025, "brow_inner_h": -0.05, "brow_mid_h": -0.05, "brow_outer_h": -0.05},
            True,
        ),
        # drawn together with the inner ends held up (worried brows, AU1+4): still lowered
        (
            {"brow_gap": -0.035, "brow_inner_h": 0.0, "brow_mid_h": -0.03, "brow_outer_h": -0.04},
            True,
        ),
        # only the outer ends drop (a squint, a tilt): not enough on its own
        ({"brow_outer_h": -0.06}, False),
        # whole brows raised and apart: the opposite movement
        ({"brow_gap": 0.02, "brow_inner_h": 0.05, "brow_mid_h": 0.05, "brow_outer_h": 0.05}, False),
    ],
)
def test_brow_lower_reads_the_gap_and_the_whole_brow(
    change: dict[str, float], lowered: bool
) -> None:
    rest = _rest()
    x = rest.copy()
    for name, delta in change.items():
        x[M[name]] += delta
    assert bool(intensities(x, rest, Units())[C["brow_lower"]] >= 1.0) is lowered


def test_units_are_at_least_the_persons_resting_spread() -> None:
    # the same frown against a still face and against a face whose brows moved 2.5 times a
    # clear movement while at rest (an animated talker): only the first is a clear movement
    units = Units()
    rest, frown = _rest(), _frown()
    still = np.full(len(MEASURES), 0.001)
    animated = still.copy()
    for name in ("brow_gap", "brow_inner_h", "brow_mid_h", "brow_outer_h"):
        animated[M[name]] = 2.5 * max(units.brow_gap, units.brow_drop)
    assert intensities(frown, rest, units, spread=still)[C["brow_lower"]] >= 1.0
    assert intensities(frown, rest, units, spread=animated)[C["brow_lower"]] < 1.0
    assert intensities(frown, rest, units, spread=None)[C["brow_lower"]] >= 1.0


def test_speech_state_counts_lip_openings() -> None:
    speech = SpeechState()
    gaps = [0.01, 0.02, 0.12, 0.15, 0.03, 0.02, 0.13, 0.02] * 3  # open-close, 4 times a second
    states = [speech.update(i * 0.125, g) for i, g in enumerate(gaps)]
    assert not states[0] and states[-1]
    quiet = SpeechState()
    assert not any(quiet.update(i / FPS, 0.01 + 0.01 * (i % 2)) for i in range(60))
    assert MEASURE_FLOOR.shape == (len(MEASURES),)
