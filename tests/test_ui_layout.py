"""Overlay geometry: markers and cards never cover a face; the panel sits beside the window."""

from __future__ import annotations

from companion.model import Box
from companion.ui.layout import (
    clip_box,
    grow,
    marker_bar,
    overlaps,
    place_card,
    place_panel,
    tile_of,
)

SCREEN = Box(0, 0, 1920, 1080)
WINDOW = Box(40, 60, 1200, 675)
# A 3x3 gallery as the stand-in meeting window draws it (tiles and face boxes).
TILES = [Box(41 + 66 + c * 398, 60 + 6 + r * 223, 271, 217) for r in range(3) for c in range(3)]
FACES = [Box(t.x + 95, t.y + 50, 80, 100) for t in TILES]


def test_markers_sit_at_the_bottom_of_each_tile_and_off_every_face() -> None:
    for face, tile in zip(FACES, TILES, strict=True):
        bar = marker_bar(face, WINDOW, FACES, TILES)
        assert not any(overlaps(bar, f) for f in FACES)
        assert tile.y + tile.h - 12 <= bar.y <= tile.y + tile.h
        assert tile.x <= bar.x and bar.x + bar.w <= tile.x + tile.w
        assert bar.h <= 4


def test_markers_without_known_tiles_still_avoid_faces() -> None:
    for face in FACES:
        bar = marker_bar(face, WINDOW, FACES)
        assert not any(overlaps(bar, f) for f in FACES)


def test_card_goes_in_the_persons_tile_without_covering_a_face() -> None:
    size = (250.0, 90.0)
    for face, tile in zip(FACES, TILES, strict=True):
        card = place_card(size, face, WINDOW, FACES, SCREEN, TILES)
        assert not any(overlaps(card, f) for f in FACES)
        assert tile_of(face, WINDOW, TILES) == tile
        assert abs(card.cx - tile.cx) < tile.w


def test_card_in_a_crowded_window_finds_a_free_spot_near_the_face() -> None:
    # The case seen under Xvfb: a small gallery, no room beside the window on either side.
    window = Box(301, 200, 1200, 675)
    tiles = [Box(361 + c * 398, 206 + r * 223, 216, 217) for r in range(3) for c in range(3)]
    faces = [Box(t.x + 55, t.y + 40, 110, 140) for t in tiles]
    screen = Box(0, 0, 1600, 900)
    for face in faces:
        card = place_card((330.0, 118.0), face, window, faces, screen, tiles)
        assert not any(overlaps(card, f) for f in faces)
        assert screen.contains_point(card.x, card.y)
        assert screen.contains_point(card.x + card.w, card.y + card.h)


def test_card_leaves_a_window_filled_by_one_face() -> None:
    face = Box(420, 70, 460, 580)
    window = Box(400, 60, 500, 600)
    card = place_card((330.0, 118.0), face, window, [face], SCREEN)
    assert not overlaps(card, face)
    assert not overlaps(card, window)
    assert SCREEN.contains_point(card.x, card.y)
    assert SCREEN.contains_point(card.x + card.w, card.y + card.h)


def test_panel_goes_beside_the_window_when_there_is_room() -> None:
    panel = place_panel((270.0, 196.0), WINDOW, SCREEN, FACES)
    assert panel.x >= WINDOW.x + WINDOW.w
    assert not overlaps(panel, WINDOW)


def test_panel_slips_partly_over_the_window_edge_rather_than_over_a_face() -> None:
    # a window with a margin a little too small on every side: the panel covers a strip of
    # the window's top edge (its title bar) instead of sitting on a tile in a corner
    window = Box(40, 190, 1840, 880)
    faces = [Box(x, y, 150, 180) for x in (300, 900, 1500) for y in (260, 560, 860)]
    panel = place_panel((270.0, 196.0), window, SCREEN, faces)
    assert not any(overlaps(panel, grow(f, 0.1)) for f in faces)
    covered = clip_box(panel, window)
    assert 0 < covered.h <= 20


def test_panel_over_a_full_screen_window_avoids_faces() -> None:
    window = Box(0, 0, 1920, 1080)
    faces = [Box(1700, 60, 150, 180), Box(200, 300, 150, 180)]
    panel = place_panel((270.0, 196.0), window, SCREEN, faces)
    assert not any(overlaps(panel, f) for f in faces)
    assert overlaps(panel, window)
