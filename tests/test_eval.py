"""`companion eval`: DESIGN.md's matching rule, the counts, and the command on a real clip."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from companion.cli import main
from companion.cues.rules import default_rules_text
from companion.errors import InputError
from companion.offline.evaluation import (
    Report,
    Tally,
    evaluate,
    evaluate_clips,
    load_labels,
    load_split,
    max_matching,
    score_clip,
)

ClipFinder = Callable[[str], Path]
LabelsOf = Callable[..., Path]


@pytest.mark.parametrize(
    ("detected", "labelled", "matched"),
    [
        pytest.param([(1.4, 1.5)], [(1.0, 1.2)], 1, id="within-the-0.25-s-widening"),
        pytest.param([(1.5, 1.6)], [(1.0, 1.2)], 0, id="beyond-the-widening"),
        pytest.param([(0.5, 0.76)], [(1.0, 1.2)], 1, id="widened-before-the-label"),
        pytest.param([(1.0, 3.0)], [(1.0, 1.5), (2.5, 3.0)], 1, id="one-detection-two-labels"),
        pytest.param([(1.0, 1.2), (1.3, 1.4)], [(1.0, 1.5)], 1, id="two-detections-one-label"),
        pytest.param(
            # greedy would give the first label to the long detection and lose one
            [(1.0, 3.0), (1.1, 1.2)],
            [(1.0, 1.3), (2.8, 3.0)],
            2,
            id="maximum-matching-not-greedy",
        ),
        pytest.param([], [(1.0, 1.2)], 0, id="nothing-detected"),
    ],
)
def test_matching_rule(
    detected: list[tuple[float, float]], labelled: list[tuple[float, float]], matched: int
) -> None:
    assert max_matching(detected, labelled) == matched


def _labels(**extra: Any) -> dict[str, Any]:
    person = {
        "box": [100, 100, 100, 120],
        "events": [
            {"cue": "lip_press", "start_s": 1.0, "end_s": 1.5, "confidence": "clear"},
            {"cue": "lip_press", "start_s": 4.0, "end_s": 4.2, "confidence": "subtle"},
            {"cue": "smile", "start_s": 0.0, "end_s": 9.0, "confidence": "clear"},
        ],
        "clusters": [{"pattern": "tension", "start_s": 1.0, "end_s": 1.6}],
        "sustained": ["smile"],
    }
    doc = {
        "schema": "companion.labels/1",
        "source": "x.mp4",
        "labeled_cues": ["lip_press", "brow_lower", "smile"],
        "participants": [person],
        "neutral": False,
    }
    return doc | extra


def _analysis(box: list[float], events: list[tuple[str, float, float]]) -> dict[str, Any]:
    return {
        "duration_s": 10.0,
        "participants": [
            {
                "id": "p1",
                "box": box,
                "events": [{"cue": c, "start_s": s, "end_s": e} for c, s, e in events],
                "clusters": [{"pattern": "tension", "start_s": 1.1, "end_s": 1.7}],
                "prompts": [],
            }
        ],
    }


def test_clip_counts_follow_the_labelling_contract() -> None:
    detected = [
        ("lip_press", 1.6, 1.8),  # matches the clear press (widened label)
        ("brow_lower", 5.0, 5.5),  # labelled cue, nothing there: a false positive
        ("blink", 2.0, 2.1),  # not a labelled cue in this clip: not counted
        ("smile", 3.0, 3.5),  # sustained for this person: ignored
    ]
    clip = score_clip(_labels(), _analysis([105, 98, 100, 118], detected), ["tension", "drop"])
    press, brow, smile = clip.cues["lip_press"], clip.cues["brow_lower"], clip.cues["smile"]
    assert (press.tp, press.fp, press.fn) == (1, 0, 1)
    assert (press.clear_tp, press.clear_n) == (1, 1)
    assert (brow.tp, brow.fp, brow.fn) == (0, 1, 0)
    assert (smile.tp, smile.fp, smile.fn) == (0, 0, 0)
    assert "blink" not in clip.cues
    tension = clip.patterns["tension"]
    assert (tension.tp, tension.fp, tension.fn) == (1, 0, 0)
    assert clip.clusters_found == 1


def test_a_face_elsewhere_is_not_the_labelled_person() -> None:
    clip = score_clip(_labels(), _analysis([400, 100, 100, 120], [("lip_press", 1.0, 1.5)]), [])
    press = clip.cues["lip_press"]
    assert (press.tp, press.fp, press.fn) == (0, 1, 2)  # labels missed, detection unmatched


def test_a_report_without_neutral_clips_says_so_instead_of_a_rate() -> None:
    report = Report([score_clip(_labels(), _analysis([100] * 4, []), [])])
    assert report.neutral()["clusters_per_10_min"] is None
    assert "neutral clips: none labelled" in report.table()
    assert "None" not in report.table()


def test_neutral_clips_give_false_alarms_per_ten_minutes() -> None:
    calm = score_clip(_labels(neutral=True, source="calm.mp4"), _analysis([100] * 4, []), [])
    busy = score_clip(_labels(), _analysis([100] * 4, []), [])
    report = Report([calm, busy])
    neutral = report.neutral()
    assert neutral["clips"] == 1 and neutral["seconds"] == 10.0
    assert neutral["clusters"] == 1 and neutral["clusters_per_10_min"] == 60.0
    assert neutral["with_clusters"] == ["calm.mp4"]
    doc = report.to_json()
    assert doc["schema"] == "companion.eval/1"
    assert set(doc["cues"]) == {"brow_lower", "lip_press", "smile"}
    assert "neutral clips: 1" in report.table()


def test_rates_are_undefined_without_counts() -> None:
    empty = Tally()
    assert empty.precision is None and empty.recall is None and empty.f1 is None
    assert Tally(tp=2, fp=2, fn=0).to_json()["f1"] == pytest.approx(0.667)


def test_eval_command_on_a_real_clip(
    labels_of: LabelsOf, shared_data: Path, tmp_path: Path
) -> None:
    labels = labels_of("grid_brbk7n.mpg")
    clips = shared_data / "clips"
    out = tmp_path / "eval.json"
    assert main(["eval", "--labels", str(labels), "--clips", str(clips), "--json", str(out)]) == 0
    doc = json.loads(out.read_text())
    assert doc["schema"] == "companion.eval/1"
    assert doc["neutral"]["clips"] == 1 and doc["neutral"]["seconds"] == pytest.approx(3.0)
    (only,) = doc["clips"]
    assert only["source"] == "grid_brbk7n.mpg"
    assert set(only["cues"]) == {
        "brow_lower", "lip_press", "mouth_corners_down", "inner_brow_raise", "smile"
    }  # fmt: skip
    # the speaker reads a command with a neutral face: no cluster may be raised
    assert doc["neutral"]["clusters"] == 0


def test_eval_reports_validation_first_and_each_set_apart(
    clip: ClipFinder, shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tune, validation = tmp_path / "tune", tmp_path / "validation"
    for folder, name in ((tune, "grid_brbk7n.mpg"), (validation, "grid_bbaf2n.mpg")):
        folder.mkdir()
        shutil.copy(shared_data / "labels" / f"{name}.json", folder)
    split = tmp_path / "split.json"
    split.write_text(
        json.dumps(
            {
                "schema": "companion.split/1",
                "tune": ["grid_brbk7n.mpg"],
                "validation": ["grid_bbaf2n.mpg"],
            }
        )
    )
    clips = clip("grid_brbk7n.mpg").parent
    clip("grid_bbaf2n.mpg")
    out = tmp_path / "eval.json"
    args = ["eval", "--labels", str(tune), "--labels", str(validation), "--clips", str(clips)]
    assert main([*args, "--split", str(split), "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert printed.index("validation: 1 clips") < printed.index("tune: 1 clips")
    doc = json.loads(out.read_text())
    assert [c["source"] for c in doc["sets"]["validation"]["clips"]] == ["grid_bbaf2n.mpg"]
    assert [c["source"] for c in doc["sets"]["tune"]["clips"]] == ["grid_brbk7n.mpg"]


def test_a_clip_in_both_sets_of_a_split_is_refused(tmp_path: Path) -> None:
    split = tmp_path / "split.json"
    split.write_text(
        json.dumps({"schema": "companion.split/1", "tune": ["a"], "validation": ["a"]})
    )
    with pytest.raises(InputError, match="in both tune and validation: a"):
        load_split(split)


def test_a_clip_labelled_in_two_folders_is_refused(tmp_path: Path, shared_data: Path) -> None:
    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
        shutil.copy(shared_data / "labels" / "grid_brbk7n.mpg.json", tmp_path / folder)
    with pytest.raises(InputError, match="labelled in"):
        load_labels([tmp_path / "one", tmp_path / "two"])


def test_eval_command_reports_a_missing_clip(tmp_path: Path, labels_of: LabelsOf) -> None:
    labels = labels_of("grid_brbk7n.mpg")
    code = main(["eval", "--labels", str(labels), "--clips", str(tmp_path)])
    assert code == 3


def test_the_rules_file_is_read_once_before_any_clip(
    clip: ClipFinder, labels_of: LabelsOf, tmp_path: Path
) -> None:
    labels = labels_of("grid_brbk7n.mpg")
    rules_doc = json.loads(default_rules_text())
    rules_doc["patterns"] = [p for p in rules_doc["patterns"] if p["name"] != "masked"]
    rules = tmp_path / "patterns.json"
    rules.write_text(json.dumps(rules_doc))

    def edit_rules_while_running(name: str) -> None:
        rules.write_text("{ not a rules file")  # a user editing the file mid-run

    report = evaluate_clips(
        [labels], clip("grid_brbk7n.mpg").parent, rules=rules, on_clip=edit_rules_while_running
    )
    assert [c.source for c in report.clips] == ["grid_brbk7n.mpg"]
    assert list(report.pattern_totals()) == ["tension", "drop"]


def test_a_pattern_only_the_labels_know_is_scored_once() -> None:
    labels = _labels()
    nods = [
        {"pattern": "nod", "start_s": 2.0, "end_s": 2.5},
        {"pattern": "nod", "start_s": 6.0, "end_s": 6.5},
    ]
    labels["participants"][0]["clusters"] = nods
    report = evaluate([labels], lambda doc: _analysis([100, 100, 100, 120], []), ["tension"])
    nod = report.pattern_totals()["nod"]
    assert (nod.tp, nod.fp, nod.fn) == (0, 0, 2)  # two labelled nods, none found, not four


def test_eval_take_scores_the_review_reading_of_each_one_person_clip(
    labels_of: LabelsOf, shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # liveportrait_d19: one actor, labelled smiles and a lip press with corners down at
    # 3.83-4.37 s, and two clusters, which a take does not read and is not scored on
    labels = labels_of("liveportrait_d19.mp4")
    clips = shared_data / "clips"
    out = tmp_path / "eval.json"
    args = ["eval", "--labels", str(labels), "--clips", str(clips), "--take"]
    assert main([*args, "--json", str(out)]) == 0
    assert capsys.readouterr().out.startswith("take: ")
    doc = json.loads(out.read_text())
    (only,) = doc["clips"]
    assert only["source"] == "liveportrait_d19.mp4"
    assert only["patterns"] == {}
    press, smile = only["cues"]["lip_press"], only["cues"]["smile"]
    assert press["tp"] >= 1 and smile["tp"] >= 3
    assert smile["fp"] <= smile["tp"]
