"""`companion bench`: the gallery builder and a short real run (figures present, not judged)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from companion.bench.gallery import BACKGROUND, Gallery, GalleryLayout, letterbox
from companion.bench.report import table
from companion.bench.runner import default_clips
from companion.cli import main
from companion.errors import InputError
from companion.model import Box

ClipFinder = Callable[[str], Path]

# Each row: grid, canvas size -> tiles are 16:9, inside the canvas, apart by the gap.
LAYOUT_TABLE = [(1, 1920, 1080), (3, 1920, 1080), (5, 1920, 1080), (7, 1280, 720)]


@pytest.mark.parametrize(("n", "width", "height"), LAYOUT_TABLE)
def test_grid_layout_is_n_by_n_16_9_tiles_with_gaps(n: int, width: int, height: int) -> None:
    layout = GalleryLayout.grid(n, width, height, gap=8)
    assert len(layout.tiles) == n * n
    for tile in layout.tiles:
        assert (
            tile.x >= 0 and tile.x + tile.w <= width and tile.y >= 0 and tile.y + tile.h <= height
        )
        assert tile.w / tile.h == pytest.approx(16 / 9, rel=0.02)
    for a, b in zip(layout.tiles, layout.tiles[1:], strict=False):
        if a.y == b.y:
            assert b.x - (a.x + a.w) == 8


def test_letterbox_keeps_the_video_aspect_centred_in_its_tile() -> None:
    tile = Box(100, 50, 640, 360)
    inner = letterbox(tile, 512, 512)
    assert (inner.w, inner.h) == (360, 360)
    assert inner.x == 100 + 140 and inner.y == 50


def test_gallery_frames_show_the_clips_in_their_boxes_on_a_dark_background(
    clip: ClipFinder,
) -> None:
    gallery = Gallery(
        [clip("grid_bbaf2n.mpg"), clip("liveportrait_d19.mp4"), None],
        GalleryLayout.grid(2, 960, 540),
        max_loop_s=0.5,
    )
    frame = gallery.frame(0.1)
    pixels = frame.pixels
    assert tuple(pixels[0, 0]) == BACKGROUND
    contents = gallery.contents
    assert contents[2] is None  # an empty tile (someone left)
    for box in (contents[0], contents[1], contents[3]):
        assert box is not None
        inside = pixels[int(box.y) : int(box.y + box.h), int(box.x) : int(box.x + box.w)]
        assert inside.mean() > 40  # video, not background
    empty = gallery.layout.tiles[2]
    assert pixels[int(empty.cy), int(empty.cx)].max() < 30
    later = gallery.frame(0.1 + 10.0)  # clips loop
    assert later.pixels.shape == pixels.shape


def test_missing_default_clips_are_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COMPANION_TEST_DATA", str(tmp_path))
    with pytest.raises(InputError, match="default bench clips not found"):
        default_clips(4)


KEYS = (
    "grid", "size", "faces_expected", "faces_found", "focus_fps", "others_fps_min",
    "others_fps_median", "frame_ms_p50", "frame_ms_p95", "cpu_cores", "model_ms_per_face",
    "overhead_ratio", "rss_mb_peak", "naive",
)  # fmt: skip


def test_bench_runs_the_pipeline_and_the_naive_baseline_and_writes_the_json(
    clip: ClipFinder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "bench.json"
    clips = [
        clip(n) for n in ("grid_bbaf2n.mpg", "liveportrait_d19.mp4", "videoretalking_face3.mp4")
    ]
    code = main([
        "bench", *map(str, clips), "--grid", "2", "--seconds", "3", "--pacing", "frames",
        "--json", str(out),
    ])  # fmt: skip
    assert code == 0
    doc = json.loads(out.read_text())
    assert doc["schema"] == "companion.bench/1"
    assert all(key in doc for key in KEYS)
    assert doc["grid"] == 2 and doc["size"] == [1920, 1080] and doc["faces_expected"] == 4
    assert 0 <= doc["faces_found"] <= 4
    assert set(doc["naive"]) >= {"faces_found", "frame_ms_p50"}
    assert doc["model_ms_per_face"] > 0 and doc["cpu_cores"] > 0
    assert doc["clips"] == [c.name for c in clips]
    printed = capsys.readouterr().out
    assert printed.strip() == table(doc)
    assert "faces found" in printed and "naive whole frame" in printed


def test_bench_refuses_a_zero_grid(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "--grid", "0"]) == 3
    assert "must be positive" in capsys.readouterr().err


def test_reused_clips_start_at_different_points(clip: ClipFinder) -> None:
    gallery = Gallery([clip("grid_bbaf2n.mpg")], GalleryLayout.grid(2, 640, 360), max_loop_s=2.0)
    frame = gallery.frame(0.5).pixels
    boxes = [b for b in gallery.contents if b is not None]
    first, second = (
        frame[int(b.y) : int(b.y + b.h), int(b.x) : int(b.x + b.w)].astype(np.int16)
        for b in boxes[:2]
    )
    assert np.abs(first - second).mean() > 0.5  # the same person, not the same moment


def test_a_webcam_gallery_fills_its_tiles_on_its_own_background(clip: ClipFinder) -> None:
    layout = GalleryLayout.grid(2, 640, 360, gap=4)
    light = (243, 242, 241)
    gallery = Gallery([clip("liveportrait_s29.mp4")], layout, 1.0, "webcam", light)
    frame = gallery.frame(0.0).pixels
    assert gallery.contents == layout.tiles  # the picture fills each tile, no bars
    tile = layout.tiles[0]
    inside = frame[int(tile.y) : int(tile.y + tile.h), int(tile.x) : int(tile.x + tile.w)]
    assert (inside.reshape(-1, 3) == (0, 0, 0)).all(axis=1).mean() < 0.01  # padded, not barred
    assert tuple(frame[0, 0]) == light  # the gap around the tiles
    with pytest.raises(ValueError, match="fill must be one of"):
        Gallery([clip("liveportrait_s29.mp4")], layout, 1.0, "stretch")
