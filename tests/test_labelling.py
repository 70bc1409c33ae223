"""The labels sheet behind ``companion label``: marks, spans, flags, the file it writes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from companion.cues.signals import MEASURES
from companion.errors import InputError
from companion.model import BLENDSHAPE_NAMES, Box
from companion.offline.evaluation import load_labels, score_clip
from companion.offline.labelling import LabelSheet, PersonLabels, person_boxes
from companion.offline.recording import FaceSeries, record_file

ClipFinder = Callable[[str], Path]


def _sheet(people: int = 1, fps: float = 25.0) -> LabelSheet:
    boxes = [PersonLabels(Box(100.0 * i, 50, 80, 100)) for i in range(people)]
    return LabelSheet("clip.mp4", fps, 100, boxes)


def test_two_presses_make_a_span_from_the_first_frame_to_the_end_of_the_last() -> None:
    sheet = _sheet()
    assert sheet.toggle(0, "brow_lower", 10) is None
    span = sheet.toggle(0, "brow_lower", 14)
    assert span is not None
    assert (span.start_s, span.end_s, span.confidence) == (0.4, 0.6, "clear")
    assert sheet.marks == []
    # Marked backwards, or in one frame, the span is the same kind of thing.
    sheet.toggle(0, "lip_press", 30)
    assert sheet.toggle(0, "lip_press", 20) is not None
    sheet.toggle(0, "smile", 50)
    one = sheet.toggle(0, "smile", 50)
    assert one is not None and (one.start_s, one.end_s) == (2.0, 2.04)
    doc = sheet.to_json()
    events = doc["participants"][0]["events"]
    assert [(e["cue"], e["start_s"], e["end_s"]) for e in events] == [
        ("brow_lower", 0.4, 0.6),
        ("lip_press", 0.8, 1.24),
        ("smile", 2.0, 2.04),
    ]


def test_marks_of_different_cues_and_people_are_open_at_once() -> None:
    sheet = _sheet(people=2)
    sheet.toggle(0, "brow_lower", 5)
    sheet.toggle(1, "brow_lower", 6)
    sheet.toggle(0, "tension", 4, is_cue=False)
    sheet.toggle(0, "lip_press", 7)
    assert len(sheet.marks) == 4
    sheet.toggle(0, "brow_lower", 9)
    sheet.toggle(0, "tension", 12, is_cue=False)
    doc = sheet.to_json()
    first, second = doc["participants"]
    assert [e["cue"] for e in first["events"]] == ["brow_lower"]
    assert first["clusters"] == [{"pattern": "tension", "start_s": 0.16, "end_s": 0.52}]
    assert second["events"] == []
    assert {(m.person, m.name) for m in sheet.marks} == {(1, "brow_lower"), (0, "lip_press")}


def test_what_covers_a_frame_can_be_made_subtle_and_removed() -> None:
    sheet = _sheet()
    sheet.toggle(0, "brow_lower", 10)
    sheet.toggle(0, "brow_lower", 14)
    sheet.toggle(0, "tension", 12, is_cue=False)
    sheet.toggle(0, "tension", 20, is_cue=False)
    assert [s.name for s in sheet.at(0, 14)] == ["brow_lower", "tension"]
    assert [s.name for s in sheet.at(0, 15)] == ["tension"]
    assert sheet.at(0, 9) == []
    assert sheet.flip_confidence(0, 12) == 1  # the event; a cluster has no confidence
    assert sheet.to_json()["participants"][0]["events"][0]["confidence"] == "subtle"
    assert sheet.flip_confidence(0, 12) == 1
    assert sheet.people[0].events[0].confidence == "clear"
    # An open mark goes first; then what covers the frame.
    sheet.toggle(0, "smile", 13)
    assert sheet.remove_at(0, 13) == 1
    assert len(sheet.people[0].events) == 1
    assert sheet.remove_at(0, 13) == 2
    assert sheet.people[0].events == [] and sheet.people[0].clusters == []
    assert sheet.remove_at(0, 13) == 0


def test_held_cues_and_the_neutral_flag_go_into_the_file(tmp_path: Path) -> None:
    sheet = _sheet()
    assert sheet.toggle_sustained(0, "brow_lower") is True
    assert sheet.toggle_sustained(0, "smile") is True
    assert sheet.toggle_sustained(0, "smile") is False
    sheet.neutral = True
    sheet.notes = "a calm talker"
    out = tmp_path / "clip.mp4.json"
    sheet.save(out)
    (doc,) = load_labels([tmp_path])
    assert doc["participants"][0]["sustained"] == ["brow_lower"]
    assert doc["neutral"] is True and doc["notes"] == "a calm talker"
    assert doc["labeled_cues"] == [
        "brow_lower",
        "lip_press",
        "mouth_corners_down",
        "inner_brow_raise",
        "smile",
    ]


def test_a_saved_sheet_is_opened_again_as_it_was(tmp_path: Path) -> None:
    sheet = _sheet(people=2)
    for person, cue, a, b in [(0, "lip_press", 3, 8), (1, "smile", 40, 60)]:
        sheet.toggle(person, cue, a)
        sheet.toggle(person, cue, b)
    sheet.toggle(1, "drop", 41, is_cue=False)
    sheet.toggle(1, "drop", 45, is_cue=False)
    sheet.flip_confidence(1, 50)
    sheet.toggle_sustained(0, "brow_lower")
    sheet.toggle(0, "brow_lower", 70)  # open: not part of the file
    out = tmp_path / "clip.mp4.json"
    sheet.save(out)
    again = LabelSheet.load(out, "clip.mp4", 30.0, 7)
    assert (again.fps, again.frames) == (25.0, 100)  # the file's own
    assert again.to_json() == sheet.to_json()
    assert again.marks == []
    with pytest.raises(InputError, match=r"not 'other\.mp4'"):
        LabelSheet.load(out, "other.mp4", 25.0, 100)


def test_a_broken_labels_file_is_an_input_error(tmp_path: Path) -> None:
    out = tmp_path / "clip.mp4.json"
    out.write_text('{"schema": "companion.labels/1", "source": "clip.mp4"}')
    with pytest.raises(InputError, match="missing 'labeled_cues'"):
        LabelSheet.load(out, "clip.mp4", 25.0, 100)
    out.write_text(
        '{"schema": "companion.labels/1", "source": "clip.mp4", "labeled_cues": [], '
        '"participants": [{"box": [1, 2], "events": []}]}'
    )
    with pytest.raises(InputError, match="participant 1 is malformed"):
        LabelSheet.load(out, "clip.mp4", 25.0, 100)


def test_a_person_the_clip_lacks_is_refused() -> None:
    with pytest.raises(IndexError, match="no person 3"):
        _sheet().toggle(3, "brow_lower", 1)


def _series(pid: str, frames: range, box: tuple[float, float, float, float]) -> FaceSeries:
    n = len(frames)
    return FaceSeries(
        pid,
        np.arange(n) / 25.0,
        np.array(frames, dtype=np.int64),
        np.zeros((n, len(MEASURES))),
        np.tile(np.array(box, dtype=np.float64), (n, 1)),
        np.zeros((n, 3)),
        np.zeros((n, len(BLENDSHAPE_NAMES)), dtype=np.float32),
    )


def test_people_are_the_series_long_enough_one_person_seen_twice_once() -> None:
    boxes = person_boxes(
        [
            _series("p1", range(0, 40), (300, 50, 80, 100)),
            _series("p2", range(0, 60), (50, 50, 80, 100)),
            _series("p3", range(50, 90), (305, 52, 80, 100)),  # p1 back after a miss
            _series("p4", range(60, 65), (500, 50, 80, 100)),  # a stray, too short
            _series("p5", range(30, 45), (310, 50, 80, 100)),  # beside p1 at once: another
        ]
    )
    assert [b.x for b in boxes] == [50.0, 302.5, 310.0]


def test_a_clip_recorded_once_gives_a_sheet_that_eval_scores(
    clip: ClipFinder, tmp_path: Path
) -> None:
    recording = record_file(clip("grid_pwij3p.mpg"))
    sheet = LabelSheet.from_recording(recording, ("brow_lower", "lip_press"))
    assert len(sheet.people) == 1
    assert (sheet.fps, sheet.frames) == (25.0, 75)
    box = sheet.people[0].box
    assert 100 < box.cx < 260 and 100 < box.cy < 260  # the speaker, mid frame
    sheet.toggle(0, "lip_press", 10)
    sheet.toggle(0, "lip_press", 20)
    sheet.save(tmp_path / "grid_pwij3p.mpg.json")
    (labels,) = load_labels([tmp_path])
    detected = {
        "participants": [
            {
                "box": box.as_list(),
                "events": [{"cue": "lip_press", "start_s": 0.5, "end_s": 0.7}],
                "clusters": [],
                "prompts": [],
            }
        ]
    }
    score = score_clip(labels, detected, ["tension"])
    assert (score.cues["lip_press"].tp, score.cues["lip_press"].fn) == (1, 0)
    assert score.cues["brow_lower"].fp == 0
    with pytest.raises(InputError, match="unknown cue"):
        LabelSheet.from_recording(recording, ("frown",))
