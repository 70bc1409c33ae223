"""Face thumbnails: the square follows the face and stays inside the frame where it fits."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest

from companion.model import Box
from companion.review.thumbs import THUMB_SIDE, crop_square, face_crops

ClipFinder = Callable[[str], Path]

# A 200x100 frame whose left half is dark and right half bright, with a marker column.
FRAME = np.zeros((100, 200, 3), np.uint8)
FRAME[:, 100:] = 200

CROP_CASES = [
    # a face in the middle of the dark half: all dark, no padding needed
    (Box(30, 30, 20, 20), 0, 0),
    # a face at the bottom edge of the bright half: the square slides up, no black rows
    (Box(150, 85, 20, 15), 200, 200),
    # a face bigger than the frame is tall: padded with black above and below
    (Box(60, 0, 100, 100), 0, 200),
]


@pytest.mark.parametrize(("box", "low", "high"), CROP_CASES)
def test_crop_square(box: Box, low: int, high: int) -> None:
    crop = crop_square(FRAME, box, side=64)
    assert crop.shape == (64, 64, 3)
    assert crop.min() == low and crop.max() == high


def test_crops_from_a_real_clip_are_the_frames_asked_for(clip: ClipFinder) -> None:
    path = clip("liveportrait_d19.mp4")
    face = Box(125, 116, 250, 300)
    thumbs = face_crops(path, [(120, face), (3, face), (120, face)])
    assert all(t is not None for t in thumbs) and thumbs[0] == thumbs[2]
    capture = cv2.VideoCapture(str(path))
    for _ in range(4):
        ok, bgr = capture.read()
    capture.release()
    assert ok
    expected = crop_square(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), face)
    got = cv2.cvtColor(
        cv2.imdecode(np.frombuffer(thumbs[1] or b"", np.uint8), 1), cv2.COLOR_BGR2RGB
    )
    assert got.shape == (THUMB_SIDE, THUMB_SIDE, 3)
    assert np.abs(got.astype(int) - expected.astype(int)).mean() < 4  # JPEG of the same crop
