"""Call-scale evaluation: clips in gallery tiles, read live, scored tile by tile."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from companion.cli import main
from companion.cues.rules import load_rules
from companion.gallery_eval import GalleryEvalConfig, Placement, gallery_analyses
from companion.model import Box
from companion.offline.evaluation import evaluate

ClipFinder = Callable[[str], Path]
LabelsOf = Callable[..., Path]


def test_a_clip_sits_whole_and_centred_and_boxes_map_back_to_its_pixels() -> None:
    tile = Box(100, 50, 320, 180)  # 16:9
    placed = Placement.of(tile, 360, 288)  # a 5:4 clip: bars (or blurred sides) left and right
    assert placed.scale == pytest.approx(180 / 288)
    assert placed.y == 50 and placed.x == 100 + (320 - 225) // 2
    face = Box(120, 90, 60, 60)  # clip pixels
    s = placed.scale
    shown = Box(placed.x + face.x * s, placed.y + face.y * s, face.w * s, face.h * s)
    back = placed.to_clip(shown)
    assert (back.x, back.y, back.w, back.h) == pytest.approx((120, 90, 60, 60))


@pytest.mark.parametrize(("fill", "sides"), [("webcam", "blurred"), ("letterbox", "black")])
def test_a_webcam_tile_is_filled_edge_to_edge_and_a_letterboxed_one_has_bars(
    fill: str, sides: str
) -> None:
    canvas = np.full((200, 300, 3), 26, np.uint8)
    tile = Box(50, 40, 160, 90)
    clip = np.full((100, 100, 3), 200, np.uint8)
    Placement.of(tile, 100, 100).draw(canvas, clip, fill)
    inside = canvas[40:130, 50:210]
    assert (canvas[:40] == 26).all() and (canvas[130:] == 26).all()  # nothing outside it
    assert (inside[:, 80] == 200).all()  # the clip itself, in the middle
    left = inside[:, 5]
    assert (left == 0).all() if sides == "black" else (left > 100).all()


@pytest.mark.parametrize("run", ["live", "analyze"])
def test_each_tile_is_scored_against_its_own_clips_labels(
    clip: ClipFinder, shared_data: Path, run: str
) -> None:
    names = ("videoretalking_face4.mp4", "grid_bbaf2n.mpg")  # a held frown; a calm talker
    docs = [json.loads((shared_data / "labels" / f"{n}.json").read_text()) for n in names]
    clips = clip(names[0]).parent
    clip(names[1])
    patterns = load_rules(None)
    # two cores of budget: the live scheduler's share should not hang on a busy test machine
    config = GalleryEvalConfig(n=2, width=960, height=540, budget_cores=2.0, run=run)
    analyses = gallery_analyses(docs, clips, patterns, config)
    assert set(analyses) == set(names)
    for doc in docs:
        (person,) = analyses[doc["source"]]["participants"]  # one id per tile
        label_box = Box(*doc["participants"][0]["box"])
        assert Box(*person["box"]).iou(label_box) > 0.3  # found where the clip has the face
    report = evaluate(docs, lambda d: analyses[d["source"]], [p.name for p in patterns])
    assert [c.source for c in report.clips] == list(names)
    frown, calm = report.clips
    assert frown.cues["brow_lower"].tp == 1  # the held frown, read at about 150 px
    assert calm.clusters_found == 0


def test_eval_gallery_modes_do_not_mix(labels_of: LabelsOf, shared_data: Path) -> None:
    labels = labels_of("grid_bbaf2n.mpg")
    args = ["eval", "--labels", str(labels), "--clips", str(shared_data / "clips")]
    assert main([*args, "--gallery", "2", "--early-movement"]) == 3
    assert main([*args, "--gallery", "0"]) == 3


def test_eval_reads_a_gallery_as_analyze_would(
    labels_of: LabelsOf, shared_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    labels = labels_of("grid_bbaf2n.mpg")
    args = ["eval", "--labels", str(labels), "--clips", str(shared_data / "clips")]
    args += ["--gallery", "1"]
    assert main([*args, "--gallery-run", "analyze"]) == 0
    out = capsys.readouterr().out
    assert "offline pipeline (companion analyze), every face on every frame" in out
    assert "neutral clips: 1" in out
    with pytest.raises(ValueError, match="run must be one of live, analyze"):
        GalleryEvalConfig(run="offline")
