"""The review's traces and the cue engine read one resting face with one set of units.

Synthetic faces (tables of measures, no video, no model) through `analyse_face`, which
replays the engine and draws the traces: where the engine reads a clear movement, the
trace that the report plots for it reads one too. Then a real take, where the review's
events are the engine's own.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from companion import facemesh as fm
from companion.cues.engine import CueConfig, CueEngine
from companion.cues.scoring import CUES, Units
from companion.cues.signals import MEASURES, M, measure
from companion.cues.take import BASELINE_MAX_S, EYES_HELD, replay_engine, take_config
from companion.model import BLENDSHAPE_NAMES, Face, HeadPose
from companion.offline.analysis import analyze_recording
from companion.offline.recording import FaceSeries, main_face, record_file
from companion.review.signals import analyse_face

FPS = 30.0
N = 150
"""Five seconds of face."""
SMILE_SCORES = ("bs_smile", "bs_smile_r", "bs_smile_l")
SMILE_CORNERS = ("corner_lift", "corner_lift_r", "corner_lift_l")

Table = npt.NDArray[np.float64]
ClipFinder = Callable[[str], Path]


def _at_rest() -> Table:
    """``N`` frames of one resting face, lips together."""
    x = np.zeros(len(MEASURES))
    x[M["brow_gap"]] = 0.45
    x[M["brow_inner_h"]] = 0.4
    x[M["brow_mid_h"]] = 0.45
    x[M["brow_outer_h"]] = 0.3
    x[M["eye_open"]] = x[M["eye_open_r"]] = x[M["eye_open_l"]] = 0.15
    x[M["bs_squint_r"]] = x[M["bs_squint_l"]] = 0.1
    x[M["lower_lid"]] = -0.05
    x[M["lip_red"]] = 0.3
    x[M["lip_gap"]] = 0.02
    for name in SMILE_SCORES:
        x[M[name]] = 0.05
    x[M["mouth_activity"]] = 0.5
    return np.tile(x, (N, 1))


def _smile(rows: Table, frames: slice, size: float) -> None:
    """Lip corners up by ``size`` times the engine's clear smile, score and corners alike."""
    u = Units()
    for name in SMILE_SCORES:
        rows[frames, M[name]] += size * u.smile
    for name in SMILE_CORNERS:
        rows[frames, M[name]] += size * u.corner_rise
    rows[frames, M["mouth_activity"]] += 0.5


def _series(rows: Table) -> FaceSeries:
    """One face with landmark jitter on every measure, looking at the lens."""
    n = len(rows)
    jitter = np.random.default_rng(3).normal(0.0, 0.001, rows.shape)
    return FaceSeries(
        participant="p1",
        t=np.arange(n) / FPS,
        frame=np.arange(n, dtype=np.int64),
        measures=rows + jitter,
        boxes=np.tile([100.0, 100.0, 200.0, 200.0], (n, 1)),
        pose=np.zeros((n, 3)),
        blendshapes=np.zeros((n, len(BLENDSHAPE_NAMES)), dtype=np.float32),
    )


def test_lips_the_engine_reads_as_pressed_read_pressed_in_the_trace() -> None:
    # a second of lips thinned to 60 % while a hair apart: still closed for the engine, so
    # its lip_press fires, and the "Lips pressed" panel next to that flag must show it
    rows = _at_rest()
    press = slice(100, 130)
    rows[press, M["lip_red"]] *= 0.6
    rows[press, M["lip_gap"]] = 0.05
    assert rows[100, M["lip_gap"]] < Units().lips_closed
    signals = analyse_face(_series(rows))
    (event,) = [e for e in signals.events if e.cue == "lip_press"]
    assert event.start <= signals.t[100] and event.end >= signals.t[129]
    lips = signals.traces["lips_pressed"]
    assert np.all(lips[press] >= 1.0)
    assert np.all(np.abs(lips[:95]) < 0.5)


def test_a_smile_the_engine_reads_as_clear_reads_clear_in_the_trace() -> None:
    rows = _at_rest()
    smile = slice(100, 130)
    _smile(rows, smile, 1.15)
    signals = analyse_face(_series(rows))
    (event,) = [e for e in signals.events if e.cue == "smile"]
    assert event.start <= signals.t[100] and event.end >= signals.t[129]
    trace = signals.traces["smile"]
    assert np.all(trace[smile] >= 1.0)
    assert np.all(np.abs(trace[:95]) < 0.5)


def test_a_take_that_smiles_for_most_of_its_length_keeps_its_neutral_start_as_rest() -> None:
    # neutral for 1.5 s, then a smile held to the end: 70 % of the take smiles
    rows = _at_rest()
    smile = slice(45, N)
    _smile(rows, smile, 1.5)
    series = _series(rows)
    engine = replay_engine("p1", series.t, series.measures, take_config(float(series.t[-1])))
    (event,) = [e for e in engine if e.cue == "smile"]
    assert abs(event.start - series.t[45]) < 0.1
    trace = analyse_face(series).traces["smile"]
    assert np.all(trace[smile] >= 1.0)
    assert np.all(np.abs(trace[:40]) < 0.5)


def test_a_smile_while_the_head_is_turned_away_is_read_by_neither() -> None:
    # the same clear smile twice: facing the lens, then with the head turned 30 degrees
    rows = _at_rest()
    _smile(rows, slice(60, 80), 1.5)
    turned = slice(110, 140)
    rows[turned, M["yaw"]] = 30.0
    _smile(rows, turned, 1.5)
    signals = analyse_face(_series(rows))
    smiles = [e for e in signals.events if e.cue == "smile"]
    assert [round(e.start * FPS) for e in smiles] == [60]
    trace = signals.traces["smile"]
    assert np.all(trace[60:80] >= 1.0) and np.all(trace[turned] == 0.0)
    assert np.all(signals.traces["off_lens"][turned] >= 1.0)  # the turn itself is read


def test_on_a_real_take_the_review_reads_what_the_engine_reads(clip: ClipFinder) -> None:
    # liveportrait_d19: a clear lip press with the mouth corners down at 3.83-4.37 s
    recording = record_file(clip("liveportrait_d19.mp4"))
    face = main_face(recording)
    assert face is not None
    signals = analyse_face(face)
    window = min(float(face.t[-1] - face.t[0]), BASELINE_MAX_S)
    engine = CueEngine(config=take_config(window))
    analysed = analyze_recording(recording, engine=engine).to_json()
    (person,) = [p for p in analysed["participants"] if p["id"] == face.participant]
    for cue in ("lip_press", "mouth_corners_down"):  # cues only the engine reads
        review = [(round(e.start, 3), round(e.end, 3)) for e in signals.events if e.cue == cue]
        analyze = [(e["start_s"], e["end_s"]) for e in person["events"] if e["cue"] == cue]
        assert review == analyze, cue
    presses = [e for e in signals.events if e.cue == "lip_press"]
    assert any(e.start <= 4.37 and e.end >= 3.83 for e in presses)
    on = CueConfig().params("lip_press").on
    for event in presses:  # the trace the report plots shows each press the engine found
        assert signals.trace_at("lips_pressed", event.start, event.end).max() >= on


def _frown(rows: Table, frames: slice) -> None:
    """Brows drawn together and down by twice the engine's clear movement."""
    u = Units()
    rows[frames, M["brow_gap"]] -= 2 * u.brow_gap
    for name in ("brow_inner_h", "brow_mid_h", "brow_outer_h"):
        rows[frames, M[name]] -= 2 * u.brow_drop


@pytest.mark.parametrize("pitch", [15.0, -15.0])
def test_a_take_reads_a_nodded_face_as_the_engine_does(pitch: float) -> None:
    # the same frown twice: with the head tilted 15 degrees (past the engine's
    # `Units.tilt_deg`), then facing the lens; neither the engine nor the traces read the first
    rows = _at_rest()
    nod = slice(40, 70)
    rows[nod, M["pitch"]] = pitch
    _frown(rows, slice(50, 60))
    _frown(rows, slice(100, 110))
    signals = analyse_face(_series(rows))
    brows = [round(e.start * FPS) for e in signals.events if e.cue == "brow_lower"]
    assert brows == [100]
    trace = signals.traces["brows_lowered"]
    assert np.all(trace[nod] == 0.0) and np.all(trace[100:110] >= 1.0)
    assert np.all(signals.traces["off_lens"][nod] >= 1.0)  # the tilt itself is read


def test_the_eye_line_and_each_eye_are_measures_of_the_face() -> None:
    landmarks = np.zeros((478, 3), np.float32)
    landmarks[[fm.EYE_R_OUTER, fm.EYE_R_INNER, fm.EYE_L_INNER, fm.EYE_L_OUTER], 0] = [0, 1, 2, 3]
    landmarks[fm.LID_R_UP, 1], landmarks[fm.LID_R_LOW, 1] = -0.3, 0.3  # image y is down
    landmarks[fm.LID_L_UP, 1], landmarks[fm.LID_L_LOW, 1] = -0.1, 0.1
    scores = np.zeros(len(BLENDSHAPE_NAMES), np.float32)
    for name, value in (("eyeLookOutLeft", 0.6), ("eyeLookInRight", 0.6), ("eyeSquintLeft", 0.4)):
        scores[BLENDSHAPE_NAMES.index(name)] = value
    x = measure(Face(landmarks, scores, HeadPose(0, 0, 0), 0.0))
    assert x[M["gaze_side"]] == pytest.approx(0.6)  # both eyes to the person's left
    assert x[M["gaze_up"]] == pytest.approx(0.0)
    assert x[M["eye_open_r"]] == pytest.approx(0.3)  # over the 2.0 between eye centres
    assert x[M["eye_open_l"]] == pytest.approx(0.1)
    assert x[M["eye_open"]] == pytest.approx(0.2)
    assert (x[M["bs_squint_r"]], x[M["bs_squint_l"]]) == pytest.approx((0.0, 0.4))


def test_eyes_held_closed_are_the_takes_own_reading_not_a_cue() -> None:
    # eyes closed to a fifth of their opening for a second: too long for a blink; the
    # engine reads no cue in it, the take reads it under a name of its own
    rows = _at_rest()
    held = slice(60, 90)
    for name in ("eye_open", "eye_open_r", "eye_open_l"):
        rows[held, M[name]] *= 0.2
    signals = analyse_face(_series(rows))
    assert [(e.cue, round(e.start * FPS)) for e in signals.events] == [(EYES_HELD, 60)]
    assert EYES_HELD not in CUES
