"""Overlay geometry: markers, panel and cards never cover a face; beside the window if room."""

from __future__ import annotations

from companion.model import Box
from companion.ui.layout import (
    clip_box,
    head_of,
    marker_bar,
    overlaps,
    place_card,
    place_panel,
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


PANEL = (270.0, 172.0)
PILL = (270.0, 40.0)
CARD = (330.0, 136.0)
# A maximized 3x2 of 16:9 webcams at 1920x1080, as Meet draws it: tiles fill the width,
# dark margins above and below them, the control bar at the bottom.
MAX_WINDOW = Box(0, 0, 1920, 1061)
MAX_TILES = [Box(8 + c * 636, 117 + r * 365, 628, 357) for r in range(2) for c in range(3)]
MAX_FACES = [Box(t.x + 200, t.y + 70, 200, 240) for t in MAX_TILES]


def _inside(box: Box, screen: Box) -> bool:
    return screen.contains_point(box.x, box.y) and screen.contains_point(
        box.x + box.w, box.y + box.h
    )


def _area(box: Box) -> float:
    return box.w * box.h


def _covers_a_head(box: Box, faces: list[Box]) -> bool:
    return any(overlaps(box, head_of(f)) for f in faces)


def test_panel_goes_beside_the_window_when_there_is_room() -> None:
    place = place_panel(PANEL, PILL, WINDOW, SCREEN, FACES, TILES)
    assert place.beside
    assert place.box.x >= WINDOW.x + WINDOW.w
    assert not overlaps(place.box, WINDOW)


def test_panel_beside_the_window_leaves_room_for_a_dialog_already_there() -> None:
    right_of_window = Box(WINDOW.x + WINDOW.w + 5, WINDOW.y, 400, 500)
    place = place_panel(PANEL, PILL, WINDOW, SCREEN, FACES, TILES, taken=[right_of_window])
    assert place.beside and not overlaps(place.box, right_of_window)
    assert not overlaps(place.box, WINDOW)


def test_a_maximized_meeting_gets_a_pill_in_a_margin_clear_of_every_tile() -> None:
    place = place_panel(PANEL, PILL, MAX_WINDOW, SCREEN, MAX_FACES, MAX_TILES)
    assert not place.beside
    assert (place.box.w, place.box.h) == PILL
    assert _inside(place.box, SCREEN)
    assert not any(overlaps(place.box, t) for t in MAX_TILES)


def test_the_pill_finds_a_margin_when_the_tiles_are_not_known() -> None:
    # Tiles filled edge to edge on a light page: the layout reader finds none; the pill
    # stays off the faces and off the tiles estimated from them.
    place = place_panel(PANEL, PILL, MAX_WINDOW, SCREEN, MAX_FACES)
    assert not place.beside
    assert not _covers_a_head(place.box, MAX_FACES)


def test_the_pill_stays_put_while_it_covers_nothing_and_moves_when_a_face_comes() -> None:
    first = place_panel(PANEL, PILL, MAX_WINDOW, SCREEN, MAX_FACES, MAX_TILES).box
    elsewhere = Box(700, 20, *PILL)
    kept = place_panel(PANEL, PILL, MAX_WINDOW, SCREEN, MAX_FACES, MAX_TILES, now=elsewhere)
    assert kept.box == elsewhere
    newcomer = Box(720, 30, 60, 70)
    moved = place_panel(
        PANEL, PILL, MAX_WINDOW, SCREEN, [*MAX_FACES, newcomer], MAX_TILES, now=elsewhere
    )
    assert moved.box != elsewhere
    assert not _covers_a_head(moved.box, [*MAX_FACES, newcomer])
    assert first != elsewhere


def test_an_expanded_pill_is_the_whole_panel_off_the_faces() -> None:
    place = place_panel(PANEL, PILL, MAX_WINDOW, SCREEN, MAX_FACES, MAX_TILES, expanded=True)
    assert (place.box.w, place.box.h) == PANEL
    assert not _covers_a_head(place.box, MAX_FACES)


def test_a_full_screen_window_with_faces_everywhere_still_gets_a_place_off_the_heads() -> None:
    window = Box(0, 0, 1920, 1080)
    faces = [Box(1700, 60, 150, 180), Box(200, 300, 150, 180)]
    place = place_panel(PANEL, PILL, window, SCREEN, faces)
    assert not place.beside
    assert not _covers_a_head(place.box, faces)


def test_a_card_goes_beside_the_panel_outside_the_meeting_when_there_is_room() -> None:
    panel = place_panel(PANEL, PILL, WINDOW, SCREEN, FACES, TILES).box
    card = place_card(CARD, panel, WINDOW, SCREEN, FACES, TILES)
    assert not overlaps(card, WINDOW)
    assert not overlaps(card, panel)
    assert _inside(card, SCREEN)


def test_a_card_over_a_maximized_meeting_covers_no_head_no_tile_and_not_the_pill() -> None:
    pill = place_panel(PANEL, PILL, MAX_WINDOW, SCREEN, MAX_FACES, MAX_TILES).box
    card = place_card(CARD, pill, MAX_WINDOW, SCREEN, MAX_FACES, MAX_TILES)
    assert not overlaps(card, pill)
    assert not any(overlaps(card, t) for t in MAX_TILES)
    assert _inside(card, SCREEN)


def test_a_dialog_too_big_for_any_free_place_covers_no_overlay_window_and_few_heads() -> None:
    # The first-run dialog over a maximized meeting: it cannot miss every tile, but it
    # stays on the screen, off the pill, and off as many heads as it can.
    pill = place_panel(PANEL, PILL, MAX_WINDOW, SCREEN, MAX_FACES, MAX_TILES).box
    dialog = place_card((460.0, 600.0), pill, MAX_WINDOW, SCREEN, MAX_FACES, MAX_TILES)
    assert _inside(dialog, SCREEN)
    assert not overlaps(dialog, pill)
    head = head_of(MAX_FACES[0])
    covered = sum(_area(clip_box(dialog, head_of(f))) for f in MAX_FACES)
    assert covered < 0.5 * _area(head)


def test_a_card_in_a_crowded_small_window_covers_no_face() -> None:
    # The case seen under Xvfb: a small gallery, no room beside the window on either side.
    window = Box(301, 200, 1200, 675)
    tiles = [Box(361 + c * 398, 206 + r * 223, 216, 217) for r in range(3) for c in range(3)]
    faces = [Box(t.x + 55, t.y + 40, 110, 140) for t in tiles]
    screen = Box(0, 0, 1600, 900)
    panel = place_panel(PANEL, PILL, window, screen, faces, tiles).box
    card = place_card(CARD, panel, window, screen, faces, tiles)
    assert not _covers_a_head(card, faces) and not _covers_a_head(panel, faces)
    assert not overlaps(card, panel)
    assert _inside(card, screen)
