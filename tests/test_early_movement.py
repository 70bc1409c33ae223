"""The early-movement check: a clip made to start with its person's own movement."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from companion.cli import main
from companion.cues.signals import MEASURES
from companion.model import BLENDSHAPE_NAMES
from companion.offline.early_movement import LEAD_S, lead_movement, with_early_movement
from companion.offline.recording import FaceSeries, Recording

LabelsOf = Callable[..., Path]


def _labels(*events: tuple[str, float, float], people: int = 1) -> dict[str, object]:
    person = {
        "box": [0, 0, 10, 10],
        "events": [
            {"cue": c, "start_s": a, "end_s": b, "confidence": "clear"} for c, a, b in events
        ],
    }
    return {
        "source": "x.mp4",
        "labeled_cues": ["brow_lower", "lip_press"],
        "participants": [person] * people,
    }


def _recording(seconds: float, fps: float = 10.0) -> Recording:
    """Frame i has the face with every measure equal to i, except frame 5 (no face)."""
    n = round(seconds * fps)
    seen = np.array([i for i in range(n) if i != 5], dtype=np.int64)
    k = len(seen)
    face = FaceSeries(
        participant="p1",
        t=seen / fps,
        frame=seen,
        measures=np.tile(seen[:, None].astype(np.float64), (1, len(MEASURES))),
        boxes=np.tile([0.0, 0.0, 10.0, 10.0], (k, 1)),
        pose=np.zeros((k, 3)),
        blendshapes=np.zeros((k, len(BLENDSHAPE_NAMES)), dtype=np.float32),
    )
    return Recording("x.mp4", fps, 10, 10, np.arange(n) / fps, {"p1": face})


def _values(recording: Recording) -> list[int | None]:
    """Each frame's measure value of the face (None: no face in that frame)."""
    face = recording.faces["p1"]
    return [
        int(face.measures[rows["p1"], 0]) if "p1" in rows else None
        for _, _, rows in recording.samples()
    ]


def test_the_lead_is_the_longest_brow_or_lip_movement_of_the_one_person() -> None:
    labels = _labels(("smile", 0.0, 3.0), ("lip_press", 1.0, 1.5), ("brow_lower", 4.0, 5.0))
    assert lead_movement(labels) == labels["participants"][0]["events"][2]  # type: ignore[index]
    assert lead_movement(_labels(("brow_lower", 4.0, 4.3))) is None  # too short to loop
    assert lead_movement(_labels(("brow_lower", 4.0, 5.0), people=2)) is None


def test_the_clip_starts_with_the_movements_own_frames_and_the_labels_move_with_it() -> None:
    labels = _labels(("brow_lower", 4.0, 5.0), ("lip_press", 6.0, 6.5))
    made = with_early_movement(_recording(8.0), labels)
    assert made is not None
    recording, doc = made
    lead = round(LEAD_S * 10)
    assert recording.frames == lead + 80
    # the lead loops frames 40..50 (the movement), then the clip follows unchanged, its
    # frame without a face included
    values = _values(recording)
    assert values[:13] == [*range(40, 51), 40, 41]
    assert values[lead:][:7] == [0, 1, 2, 3, 4, None, 6]
    times = recording.frame_t
    assert np.all(np.diff(times) > 0) and times[lead] == pytest.approx(LEAD_S)
    face = recording.faces["p1"]
    assert np.array_equal(face.t, times[face.frame])  # each sample at its frame's time
    events = doc["participants"][0]["events"]
    assert [(e["cue"], e["start_s"], e["end_s"]) for e in events] == [
        ("brow_lower", 0.0, pytest.approx(LEAD_S)),
        ("brow_lower", pytest.approx(4.0 + LEAD_S), pytest.approx(5.0 + LEAD_S)),
        ("lip_press", pytest.approx(6.0 + LEAD_S), pytest.approx(6.5 + LEAD_S)),
    ]
    assert labels["participants"][0]["events"][0]["start_s"] == 4.0  # type: ignore[index]


def test_eval_early_movement_scores_the_clips_with_a_moving_start(
    labels_of: LabelsOf, shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    labels = labels_of("videoretalking_face4.mp4", "grid_bbaf2n.mpg")  # a frown; a calm talker
    clips = shared_data / "clips"
    out = tmp_path / "eval.json"
    args = ["eval", "--labels", str(labels), "--clips", str(clips), "--early-movement"]
    assert main([*args, "--json", str(out)]) == 0
    assert capsys.readouterr().out.startswith("early movement: ")
    doc = json.loads(out.read_text())
    assert [c["source"] for c in doc["clips"]] == ["videoretalking_face4.mp4"]
    brow = doc["cues"]["brow_lower"]
    assert brow["tp"] + brow["fn"] == 2  # the frown, and the same frown as the lead
