"""Appearance signatures: what a face's look is measured on."""

from __future__ import annotations

import numpy as np
import pytest

from companion.model import Box
from companion.vision.appearance import distance, signature
from companion.vision.imaging import crop_padded, shown_mask
from companion.vision.tracker import TrackerConfig

SKIN, HAIR, SHIRT, WALL = (200, 150, 120), (60, 40, 30), (30, 60, 160), (120, 170, 120)


def _person(shift_y: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A 240x320 frame: a person on a green wall, hair, face and shirt; their eyes,
    nose and mouth, ``shift_y`` pixels lower than at rest."""
    frame = np.zeros((320, 240, 3), np.uint8)
    frame[:] = WALL
    y = 60 + shift_y
    frame[y : y + 40, 70:170] = HAIR
    frame[y + 40 : y + 118, 80:160] = SKIN
    frame[y + 118 :] = SHIRT  # the signature's collar band: shirt only
    points = np.array([(100, y + 70), (140, y + 70), (120, y + 95), (120, y + 115)], np.float32)
    return frame, points


@pytest.mark.parametrize("edge", [215, 225, 240])
def test_how_much_of_a_face_its_tile_edge_cuts_does_not_change_its_look(edge: int) -> None:
    # A webcam that fills its tile: the tile's edge cuts the shirt, more or less of it as
    # the head bobs. What lies past the edge (black in the crop) is no colour of theirs.
    frame, points = _person()
    uncut = signature(frame, points, Box(0, 0, 240, 250))
    cut = signature(frame, points, Box(0, 0, 240, edge))
    assert distance(uncut, cut) < 0.01


def test_a_face_well_inside_its_tile_is_measured_on_all_its_bands() -> None:
    frame, points = _person()
    inside = signature(frame, points, Box(0, 0, 240, 320))
    assert distance(inside, signature(frame, points)) < 1e-3  # the same, to rounding
    other = frame.copy()
    other[190:] = (160, 40, 40)  # another shirt: the collar band sees it
    assert distance(inside, signature(other, points)) > TrackerConfig().same_person


@pytest.mark.parametrize(
    "box",
    [Box(-20, -10, 100, 80), Box(50, 50, 40, 40), Box(200, 150, 100, 100), Box(500, 0, 10, 10)],
)
def test_the_shown_mask_is_where_a_padded_crop_shows_the_image(box: Box) -> None:
    image = np.full((240, 320, 3), 7, np.uint8)
    within = Box(10, 0, 280, 200)
    crop = crop_padded(image, box, within)
    mask = shown_mask(image.shape, box, within)
    assert mask.shape == crop.shape[:2]
    assert np.array_equal(crop[..., 0] == 7, mask == 255)
