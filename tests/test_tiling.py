"""Tile layouts for face search and merging of duplicate detections."""

from __future__ import annotations

import pytest

from companion.model import Box
from companion.vision.tiling import Detection, suppress_overlaps, tile_grid, touches_inner_edge


def test_tiles_cover_the_frame_at_each_level_down_to_the_smallest_face() -> None:
    tiles = tile_grid(1920, 1080, min_face=40)
    sides = sorted({round(t.w) for t in tiles}, reverse=True)
    assert sides[0] == 1080
    assert sides[-1] * 0.15 <= 40 * 2  # the finest level still sees a 40 px face
    for side in sides:
        level = [t for t in tiles if round(t.w) == side]
        assert min(t.x for t in level) == 0 and min(t.y for t in level) == 0
        assert max(t.x + t.w for t in level) == pytest.approx(1920)
        assert max(t.y + t.h for t in level) == pytest.approx(1080)


def test_small_frame_is_one_tile() -> None:
    assert tile_grid(200, 150, min_face=40) == [Box(0, 0, 150, 150), Box(50, 0, 150, 150)]


def test_rejects_empty_frame() -> None:
    with pytest.raises(ValueError):
        tile_grid(0, 10, min_face=40)


def test_box_cut_by_an_inner_tile_edge_is_flagged_but_not_at_the_frame_edge() -> None:
    tile = Box(100, 100, 200, 200)
    assert touches_inner_edge(Box(100, 150, 40, 40), tile, 1000, 1000)
    assert not touches_inner_edge(Box(150, 150, 40, 40), tile, 1000, 1000)
    corner = Box(0, 0, 200, 200)
    assert not touches_inner_edge(Box(0, 0, 40, 40), corner, 1000, 1000)


def test_suppression_keeps_the_best_of_overlapping_and_nested_boxes() -> None:
    dets = [
        Detection(Box(0, 0, 100, 100), 0.7),
        Detection(Box(5, 5, 100, 100), 0.9),
        Detection(Box(20, 20, 30, 30), 0.8),  # inside the first two
        Detection(Box(500, 0, 100, 100), 0.6),
    ]
    kept = suppress_overlaps(dets)
    assert [d.score for d in kept] == [0.9, 0.6]
