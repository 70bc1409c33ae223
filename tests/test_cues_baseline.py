"""Per-person baselines, and the engine's rule that nobody is scored before theirs is ready."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from companion.cues.baseline import Baseline, BaselineConfig
from companion.cues.engine import CueEngine
from companion.cues.scoring import MEASURE_FLOOR, C, Units, intensities
from companion.cues.signals import MEASURES, M
from companion.cues.speech import SpeechState
from companion.model import CueEvent

FLOOR = np.full(3, 0.01)
FPS = 30.0


def _feed(baseline: Baseline, rows: list[list[float]], t0: float = 0.0) -> bool:
    """Feed rows at 30 fps until the baseline is ready; returns whether it became ready."""
    for i, row in enumerate(rows):
        if baseline.add_warmup(t0 + i / FPS, np.array(row, dtype=float)):
            return True
    return False


def test_not_ready_until_warmup_time_and_frames() -> None:
    config = BaselineConfig(warmup_s=2.0, min_samples=10)
    quick = Baseline(FLOOR, config)
    assert not _feed(quick, [[1.0, 2.0, 3.0]] * 59)  # 59 frames span 1.93 s
    assert not quick.ready
    assert quick.add_warmup(2.0, np.array([1.0, 2.0, 3.0]))
    assert quick.ready
    sparse = Baseline(FLOOR, config)  # a face sampled twice a second: time is not enough
    assert not any(sparse.add_warmup(i * 0.5, np.zeros(3)) for i in range(9))
    assert sparse.add_warmup(4.5, np.zeros(3))


def test_centre_is_robust_to_a_brief_movement_in_the_warmup() -> None:
    rows = [[0.5, 0.2, 0.0]] * 61
    for i in range(20, 26):  # a 0.2 s movement inside the warm-up
        rows[i] = [0.9, 0.6, 0.0]
    baseline = Baseline(FLOOR)
    assert _feed(baseline, rows)
    assert baseline.centre is not None
    np.testing.assert_allclose(baseline.centre, [0.5, 0.2, 0.0])


def test_calm_measures_come_from_the_calmest_frames() -> None:
    # measure 0 is lower-face (a smile held through 60 % of the warm-up), 1 is not,
    # 2 is the activity that tells calm frames from busy ones
    rows = [[0.1, 1.0, 0.0]] * 25 + [[0.8, 3.0, 1.0]] * 36
    calm = np.array([True, False, False])
    baseline = Baseline(FLOOR, BaselineConfig(calm_fraction=0.4), activity_index=2, calm=calm)
    assert _feed(baseline, rows)
    assert baseline.centre is not None
    assert baseline.centre[0] == pytest.approx(0.1)  # the smile did not become the neutral
    assert baseline.centre[1] == pytest.approx(3.0)  # plain median elsewhere


def test_follow_moves_slowly_and_not_while_frozen() -> None:
    baseline = Baseline(FLOOR, BaselineConfig(follow_s=60.0, follow_clip=3.0))
    assert _feed(baseline, [[0.0, 0.0, 0.0]] * 61)
    frozen = np.array([False, True, False])
    t = 2.0
    for _ in range(30):  # one second of a new resting position
        t += 1 / FPS
        baseline.follow(t, np.array([0.01, 0.01, 1.0]), frozen)
    assert baseline.centre is not None
    assert 0.0 < baseline.centre[0] < 0.01 / 30  # about 1/60 of the way in one second
    assert baseline.centre[1] == 0.0  # frozen while a movement using it was under way
    assert 0.0 < baseline.centre[2] < 0.03 * 3 / 60 * 2  # an outlier moves it by a clipped step


def _follow(baseline: Baseline, row: list[float], t0: float, seconds: float) -> float:
    t = t0
    for _ in range(round(seconds * FPS)):
        t += 1 / FPS
        baseline.follow(t, np.array(row, dtype=float))
    return t


def test_a_neutral_learned_on_a_movement_is_corrected_once_the_face_rests() -> None:
    # measure 2 is where the head rests: it is only ever followed slowly
    baseline = Baseline(FLOOR, kept=np.array([False, False, True]))
    assert _feed(baseline, [[0.40, 1.0, 5.0]] * 61)  # learned while frowning, head turned
    t = _follow(baseline, [0.40, 1.0, 5.0], 2.0, 0.5)
    t = _follow(baseline, [0.46, 1.0, 0.0], t, 4.5)  # then the face rests
    assert baseline.centre is not None
    assert baseline.centre[0] == pytest.approx(0.46)  # the rest it kept to is the neutral
    assert baseline.centre[1] == pytest.approx(1.0)
    assert baseline.centre[2] > 4.5  # the head's rest only moved a little


def test_a_movement_held_for_less_than_half_the_recent_frames_leaves_the_neutral() -> None:
    baseline = Baseline(FLOOR)
    assert _feed(baseline, [[0.46, 1.0, 0.0]] * 61)
    t = _follow(baseline, [0.46, 1.0, 0.0], 2.0, 2.0)
    t = _follow(baseline, [0.40, 1.0, 0.0], t, 1.5)  # a frown held 1.5 s
    assert baseline.centre is not None
    assert baseline.centre[0] == pytest.approx(0.46, abs=0.001)


def test_from_samples_is_ready_at_once() -> None:
    baseline = Baseline.from_samples([np.array([1.0, 2.0, 3.0])] * 3, FLOOR)
    assert baseline.ready
    with pytest.raises(ValueError):
        Baseline.from_samples([], FLOOR)


def _rest() -> np.ndarray:
    x = np.zeros(len(MEASURES))
    x[M["brow_gap"]] = 0.45
    x[M["brow_outer_h"]] = 0.3
    x[M["brow_inner_h"]] = 0.4
    x[M["brow_mid_h"]] = 0.45
    x[M["eye_open"]] = 0.15
    x[M["lip_red"]] = 0.3
    return x


def _frown() -> np.ndarray:
    """Brows drawn together and down (inner and outer ends alike)."""
    x = _rest()
    x[M["brow_gap"]] -= 0.05
    x[M["brow_outer_h"]] -= 0.08
    x[M["brow_inner_h"]] -= 0.08
    x[M["brow_mid_h"]] -= 0.08
    return x


def test_engine_scores_nobody_before_their_baseline_is_ready() -> None:
    engine = CueEngine()
    frown = _frown()
    seen = []
    for i in range(45):  # 1.5 s: not enough for a baseline
        x = frown if 15 <= i < 30 else _rest()
        update = engine.update_measures(i / FPS, {"p1": x})
        assert update.ready == {"p1": False}
        seen += update.events
    final = engine.finish(1.5)
    assert seen == [] and final.events == [] and final.ready == {"p1": False}


def test_warmup_movement_is_reported_once_the_baseline_is_ready() -> None:
    engine = CueEngine()
    frown = _frown()
    events = []
    readiness = []
    for i in range(120):
        x = frown if 15 <= i < 30 else _rest()  # brows drawn down 0.5-1.0 s
        update = engine.update_measures(i / FPS, {"p1": x})
        readiness.append(update.ready["p1"])
        events += update.events
    assert readiness.index(True) == 60  # ready after 2 s of face
    (event,) = events
    assert event.cue == "brow_lower"
    assert event.start == pytest.approx(0.5) and event.end == pytest.approx(29 / FPS)
    assert 0.0 < event.strength <= 1.0


def test_a_face_that_frowns_as_it_is_first_seen_is_read_against_its_later_rest() -> None:
    # DESIGN's first failure of the warm-up: the frown it learned was the neutral, so
    # relaxing read as a brow raise, the frozen neutral never moved, and the later frown
    # was not reported at all.
    engine = CueEngine()
    frown, rest = _frown(), _rest()
    events = []
    for i in range(330):
        t = i / FPS
        x = frown if t < 2.5 or 8.0 <= t < 9.0 else rest
        events += engine.update_measures(t, {"p1": x}).events
    events += engine.finish(330 / FPS).events
    brows = [e for e in events if e.cue == "brow_lower"]
    assert [(round(e.start, 2), round(e.end, 2)) for e in brows] == [(8.0, 8.97)]


def _turned(x: np.ndarray, yaw: float = 40.0) -> np.ndarray:
    x = x.copy()
    x[M["yaw"]] = yaw
    return x


def test_a_face_turned_away_is_neither_learned_from_nor_read() -> None:
    engine = CueEngine()
    limit = engine.config.max_yaw_deg
    for i in range(90):  # 3 s in three-quarter view: no warm-up counted
        update = engine.update_measures(i / FPS, {"p1": _turned(_rest(), limit + 5)})
        assert update.ready == {"p1": False}
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


def _nodded(x: np.ndarray, pitch: float) -> np.ndarray:
    x = x.copy()
    x[M["pitch"]] = pitch
    return x


def _replay(frame_at: Callable[[float], np.ndarray], seconds: float = 10.0) -> list[CueEvent]:
    """Every event of one face whose measures at time t are ``frame_at(t)``, at 30 fps."""
    engine = CueEngine()
    events = []
    for i in range(round(seconds * FPS)):
        t = i / FPS
        events += engine.update_measures(t, {"p1": frame_at(t)}).events
    return events + engine.finish(seconds).events


@pytest.mark.parametrize("pitch", [15.0, -15.0])
def test_a_face_tilted_well_up_or_down_is_not_read(pitch: float) -> None:
    # The same drawn brows, once with the head tilted 15 degrees (past `tilt_deg`) and
    # once with it tilted 5 (within): only the second is a brow movement.
    assert 5.0 < Units().tilt_deg < 15.0

    def frame_at(t: float) -> np.ndarray:
        if 3.0 <= t < 4.5:
            return _nodded(_frown() if 3.5 <= t < 4.0 else _rest(), pitch)
        return _nodded(_frown(), pitch / 3) if 6.5 <= t < 7.0 else _rest()

    events = _replay(frame_at)
    pose = ("head_down", "look_away")
    assert [(e.cue, round(e.start, 1)) for e in events if e.cue not in pose] == [
        ("brow_lower", 6.5)
    ]
    assert ("look_away", 3.0) in [(e.cue, round(e.start, 1)) for e in events]


def test_eyes_that_look_away_are_a_look_away_and_leave_the_face_read() -> None:
    # the eyes turn to the side for a second (the head stays), with brows drawn down
    def frame_at(t: float) -> np.ndarray:
        x = _frown() if 4.3 <= t < 4.8 else _rest()
        if 4.0 <= t < 5.0:
            x[M["gaze_side"]] = 0.6
        return x

    assert sorted((round(e.start, 1), e.cue) for e in _replay(frame_at)) == [
        (4.0, "look_away"),
        (4.3, "brow_lower"),
    ]


def test_a_movement_held_through_a_nod_is_one_movement() -> None:
    # Brows drawn down from 3 s to 6 s, with the head tilted 15 degrees from 4 s to 5 s:
    # the nod hides the brows for a second, it does not end the movement and start another.
    def frame_at(t: float) -> np.ndarray:
        x = _frown() if 3.0 <= t < 6.0 else _rest()
        return _nodded(x, 15.0) if 4.0 <= t < 5.0 else x

    events = _replay(frame_at)
    brows = [(round(e.start, 1), round(e.end, 1)) for e in events if e.cue == "brow_lower"]
    assert brows == [(3.0, 6.0)]


def test_a_face_is_not_read_until_its_look_away_has_ended() -> None:
    # Turned 30 degrees, then back to 14 (0.7 of a turn: the look-away is still under way),
    # with brows drawn down on the way back: not read. Drawn down once at rest: read.
    def frame_at(t: float) -> np.ndarray:
        if 3.0 <= t < 3.5:
            return _turned(_rest(), 30.0)
        if 3.5 <= t < 4.5:
            return _turned(_frown(), 14.0)
        return _frown() if 6.5 <= t < 7.0 else _rest()

    assert [(e.cue, round(e.start, 1)) for e in _replay(frame_at)] == [
        ("look_away", 3.0),
        ("brow_lower", 6.5),
    ]


def test_a_blink_is_read_from_the_eye_opening_and_a_double_blink_is_two() -> None:
    # the blink score never moves (as on many faces); the lids close to a fifth of their
    # opening for 0.1 s, twice 0.1 s apart, then once for a whole second (eyes closed)
    def frame_at(t: float) -> np.ndarray:
        x = _rest()
        if 4.0 <= t < 4.1 or 4.2 <= t < 4.3 or 6.0 <= t < 7.0:
            x[M["eye_open"]] *= 0.2
        return x

    assert [(e.cue, round(e.start, 1)) for e in _replay(frame_at)] == [
        ("blink", 4.0),
        ("blink", 4.2),
    ]


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


def test_a_raised_chin_only_tops_up_what_the_lips_show() -> None:
    units = Units()
    rest = _rest()
    chin_up = rest.copy()
    chin_up[M["bs_chin_raise"]] += 3 * units.chin_raise  # a strong chin raise, lips as at rest
    lip = C["lip_press"]
    assert intensities(chin_up, rest, units)[lip] == pytest.approx(units.chin_support)
    thinned = rest.copy()  # lips thinned by 95 % of a clear press: not quite one
    thinned[M["lip_red"]] *= 1 - 0.95 * units.lip_thin
    assert intensities(thinned, rest, units)[lip] == pytest.approx(0.95)
    both = thinned.copy()
    both[M["bs_chin_raise"]] = chin_up[M["bs_chin_raise"]]
    assert intensities(both, rest, units)[lip] == pytest.approx(0.95 + units.chin_support)


def test_the_press_score_only_tops_up_the_thinning_the_lips_show() -> None:
    # after a yawn the press score jumps as the lips close, with no thinning to go with it
    units = Units()
    rest = _rest()
    score_only = rest.copy()
    score_only[M["bs_mouth_press"]] += 3 * units.press
    lip = C["lip_press"]
    assert intensities(score_only, rest, units)[lip] == pytest.approx(units.press_support)
    thinned = score_only.copy()
    thinned[M["lip_red"]] *= 1 - 0.5 * units.lip_thin  # half a clear thinning
    assert intensities(thinned, rest, units)[lip] == pytest.approx(0.5 + units.press_support)
    rolled = rest.copy()
    rolled[M["bs_mouth_roll"]] += 1.5 * units.roll  # lips rolled in hide the red: counts alone
    assert intensities(rolled, rest, units)[lip] == pytest.approx(1.5)


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


@pytest.mark.parametrize(
    ("rise", "smiling", "lowered"),
    [
        (1.2, False, True),  # the brow-down score well over its own rest: drawn brows
        (0.8, False, False),  # a smaller rise of a compressed score: not on its own
        (1.2, True, False),  # a broad smile's cheeks pull the brows down: not a lowering
    ],
)
def test_a_large_rise_of_the_brow_down_score_is_a_lowering_whatever_the_landmarks(
    rise: float, smiling: bool, lowered: bool
) -> None:
    # the landmarks barely move (a face the landmark network does not know well)
    units = Units()
    rest = _rest()
    rest[M["bs_brow_down"]] = 0.08
    x = rest.copy()
    x[M["brow_gap"]] -= 0.3 * units.brow_gap
    x[M["bs_brow_down"]] += rise * units.brow_down_score
    if smiling:
        x[M["bs_smile"]] += 2 * units.smile
        x[M["corner_lift"]] += 2 * units.corner_rise
    intensity = intensities(x, rest, units)[C["brow_lower"]]
    assert bool(intensity >= 1.0) is lowered
    if not smiling:
        assert intensity == pytest.approx(max(rise, 0.15))


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
