"""Gallery layouts, search windows, and merging of duplicate detections."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest

from companion.model import Box, RGBImage
from companion.vision.layout import find_tiles, is_gallery, reshuffled
from companion.vision.tiling import (
    FACE_TO_TILE_MIN,
    Detection,
    search_windows,
    suppress_overlaps,
    tile_grid,
    too_small,
    touches_inner_edge,
)


def test_tiles_cover_the_frame_at_each_level_down_to_the_smallest_face() -> None:
    tiles = tile_grid(1920, 1080, min_face=40)
    sides = sorted({round(t.w) for t in tiles}, reverse=True)
    assert sides[0] == 1080
    assert sides[-1] * FACE_TO_TILE_MIN <= 40  # a 40 px face fills enough of the finest level
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


def test_search_windows_cover_the_area_whole_then_at_its_own_scale() -> None:
    area = Box(700, 300, 440, 350)
    whole, *tiled = search_windows(area, min_face=40)
    assert (whole.cx, whole.cy) == (area.cx, area.cy)
    # A face as tall as the tile fills at most ~70% of the whole-area window.
    assert whole.w == whole.h and 350 / whole.h <= 0.72 and whole.w >= area.w
    assert tiled
    for w in tiled:
        assert area.x <= w.x and w.x + w.w <= area.x + area.w + 1e-6
        assert area.y <= w.y and w.y + w.h <= area.y + area.h + 1e-6
    assert max(w.h for w in tiled) == pytest.approx(350)
    # The finest windows hold a min_face face at the detector's reliable fraction.
    assert min(w.h for w in tiled) * FACE_TO_TILE_MIN <= 40


def test_faces_much_smaller_than_their_tile_allows_are_pictures_in_the_room() -> None:
    # A 1080p meeting-room tile: its people's detector boxes are 31-39 px, the faces on
    # the poster behind them 15 px (measured on the zoo's maximized Meet page).
    room = Box(648, 162, 624, 351)
    assert not too_small(Box(790, 294, 31, 31), room)
    assert too_small(Box(756, 232, 15, 15), room)
    # A downscaled 7x7 gallery: 47 px tiles whose faces give 11-22 px boxes, all people.
    tiny_tile = Box(0, 0, 84, 47)
    assert not too_small(Box(30, 10, 11, 11), tiny_tile)
    # A large camera scene: a 40 px face is someone at the back of the room.
    scene = Box(0, 0, 1920, 1080)
    assert not too_small(Box(0, 0, 60, 60), scene)
    assert too_small(Box(0, 0, 40, 40), scene)


def test_a_box_cut_by_a_window_edge_inside_the_area_is_flagged() -> None:
    area = Box(100, 100, 400, 300)
    window = Box(100, 100, 300, 300)
    assert touches_inner_edge(Box(380, 150, 40, 40), window, 1920, 1080, origin=area)
    assert not touches_inner_edge(Box(100, 150, 40, 40), window, 1920, 1080, origin=area)


RNG = np.random.default_rng(7)


def _texture(w: int, h: int) -> RGBImage:
    """Stand-in video content: bright noise with no dark rows or columns."""
    return RNG.integers(60, 255, size=(h, w, 3), dtype=np.uint8)


def _canvas(w: int, h: int) -> RGBImage:
    return np.full((h, w, 3), 26, np.uint8)


def _paste(canvas: RGBImage, box: Box) -> None:
    x, y, w, h = (round(v) for v in (box.x, box.y, box.w, box.h))
    canvas[y : y + h, x : x + w] = _texture(w, h)


def _grid(n: int, width: int, height: int, gap: int, video_aspect: float) -> list[Box]:
    """Content boxes of an n x n gallery of 16:9 tiles, each video letterboxed inside."""
    tw = (width - (n + 1) * gap) // n
    th = min(tw * 9 // 16, (height - (n + 1) * gap) // n)
    tw = th * 16 // 9
    x0 = (width - n * tw - (n - 1) * gap) // 2
    y0 = (height - n * th - (n - 1) * gap) // 2
    contents = []
    for r in range(n):
        for c in range(n):
            vw = min(tw, round(th * video_aspect))
            tx, ty = x0 + c * (tw + gap), y0 + r * (th + gap)
            contents.append(Box(tx + (tw - vw) // 2, ty, vw, th))
    return contents


def _same(found: list[Box], expected: list[Box], tolerance: float = 2.5) -> bool:
    if len(found) != len(expected):
        return False
    return all(
        any(
            abs(f.x - e.x) <= tolerance
            and abs(f.y - e.y) <= tolerance
            and abs(f.w - e.w) <= tolerance
            and abs(f.h - e.h) <= tolerance
            for f in found
        )
        for e in expected
    )


# Each row: grid, frame size, gap, the videos' aspect (letterboxed inside 16:9 tiles).
GALLERY_TABLE = [
    (2, 1920, 1080, 8, 16 / 9),
    (3, 1920, 1080, 8, 5 / 4),
    (5, 1920, 1080, 6, 1.0),
    (7, 1920, 1080, 4, 4 / 3),
    (4, 1280, 720, 4, 16 / 9),
]


@pytest.mark.parametrize(("n", "width", "height", "gap", "aspect"), GALLERY_TABLE)
def test_gallery_tiles_are_found_as_letterboxed_video_rectangles(
    n: int, width: int, height: int, gap: int, aspect: float
) -> None:
    canvas = _canvas(width, height)
    expected = _grid(n, width, height, gap, aspect)
    for box in expected:
        _paste(canvas, box)
    found = find_tiles(canvas)
    assert _same(found, expected), (len(found), found[:3])
    assert is_gallery(found) is (n > 1)


def test_speaker_view_is_a_strip_of_small_tiles_and_one_large_one() -> None:
    canvas = _canvas(1920, 1080)
    strip = [Box(330 + i * 256, 10, 248, 140) for i in range(5)]
    speaker = Box(280, 170, 1360, 900)
    for box in [*strip, speaker]:
        _paste(canvas, box)
    assert _same(find_tiles(canvas), [*strip, speaker])


def test_a_speakers_tile_spanning_two_by_two_cells_is_one_tile() -> None:
    # Teams' and Meet's tiled layouts give the speaker a tile of 2x2 cells of the grid:
    # a whole multiple of the common tile, with no gap inside. Cut in four along where
    # the gaps would be, the speaker's face lay across the four pieces and was not found.
    canvas = _canvas(1432, 770)
    gap, cw, ch = 4, 354.0, 250.0
    big = Box(gap, gap, 2 * cw + gap, 2 * ch + gap)
    cells = [
        Box(gap + c * (cw + gap), gap + r * (ch + gap), cw, ch)
        for r in range(3)
        for c in range(4)
        if not (r < 2 and c < 2)
    ]
    for box in [big, *cells]:
        _paste(canvas, box)
    assert _same(find_tiles(canvas), [big, *cells])


def test_a_camera_scene_without_gaps_is_one_area() -> None:
    canvas = _texture(1280, 720)
    assert find_tiles(canvas) == [Box(0, 0, 1280, 720)]


def test_a_row_of_toolbar_buttons_does_not_set_the_gallery_grid() -> None:
    # A Meet-style 3x2 of filled tiles above a control bar of seven equal round buttons:
    # the buttons share a size, the videos are the tiles.
    canvas = _canvas(1440, 845)
    tiles = [Box(18 + c * 472, 134 + r * 268, 464, 260) for r in range(2) for c in range(3)]
    buttons = [Box(536 + i * 52, 780, 42, 42) for i in range(7)]
    for box in [*tiles, *buttons]:
        _paste(canvas, box)
    assert _same(find_tiles(canvas), [*tiles, *buttons])


def _square_grid(n: int, size: float = 900.0) -> list[Box]:
    side = size / n
    return [Box(c * side, r * side, side - 8, side - 8) for r in range(n) for c in range(n)]


_3X3 = _square_grid(3)
_IN_EACH = [(b.cx, b.cy) for b in _3X3]
_CUT = _3X3[4]  # read in two pieces where its video's edge is as dark as the gaps
_PIECES = [Box(_CUT.x, _CUT.y, 40, _CUT.h), Box(_CUT.x + 48, _CUT.y, _CUT.w - 48, _CUT.h)]


@pytest.mark.parametrize(
    ("old", "new", "people", "expected"),
    [
        (_3X3, _3X3, _IN_EACH, False),
        (_3X3, [*_3X3[:4], *_PIECES, *_3X3[5:]], _IN_EACH, False),  # a tile read in pieces
        ([*_3X3[:4], *_PIECES, *_3X3[5:]], _3X3, _IN_EACH, False),  # and whole again
        (_3X3, [*_3X3, Box(950, 20, 36, 28)], _IN_EACH, False),  # a clock's text appeared
        (_3X3, _3X3[:8], _IN_EACH, True),  # someone left: the last tile went
        (_3X3[:8], _3X3, _IN_EACH[:8], False),  # someone joined, nobody moved
        (_square_grid(2), _3X3, [(b.cx, b.cy) for b in _square_grid(2)], True),  # laid out anew
        ([], _3X3, [], False),  # the first reading
    ],
)
def test_a_reshuffle_is_a_tile_with_someone_in_it_appearing_or_going(
    old: list[Box], new: list[Box], people: list[tuple[float, float]], expected: bool
) -> None:
    assert reshuffled(old, new, people) is expected


def test_a_dark_frame_has_no_tiles() -> None:
    assert find_tiles(_canvas(640, 360)) == []


def test_a_downscaled_gallery_with_blurred_one_pixel_gaps_is_split_by_its_regular_grid() -> None:
    big = _canvas(1920, 1200)
    expected = []
    tw, th = 250, 155
    for r in range(7):
        for c in range(7):
            box = Box(70 + c * (tw + 4), 60 + r * (th + 4), tw, th)
            _paste(big, box)
            expected.append(box)
    small = cv2.resize(big, (640, 400), interpolation=cv2.INTER_AREA)
    found = find_tiles(np.asarray(small, np.uint8))
    assert len(found) == 49
    scaled = [Box(b.x / 3, b.y / 3, b.w / 3, b.h / 3) for b in expected]
    assert _same(found, scaled, tolerance=3)


def test_the_real_zoom_screenshot_is_a_seven_by_seven_gallery(
    still: Callable[[str], Path],
) -> None:
    image = cv2.imread(str(still("zoom_gallery_screenshot.png")))
    tiles = find_tiles(np.ascontiguousarray(image[:, :, ::-1]))
    assert len(tiles) == 49
    widths = sorted(round(t.w) for t in tiles)
    heights = sorted(round(t.h) for t in tiles)
    assert widths[-1] - widths[0] <= 12 and heights[-1] - heights[0] <= 6  # all alike
