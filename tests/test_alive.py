"""A face found in a call becomes a participant only once it is seen to change as a person
does (`companion.vision.motion.came_alive`): on a webcam tile of the layout zoo, made as the
zoo makes it (the clip padded to 16:9 with its own blurred picture, through the VP8 codec
the browser plays, scaled to the tile)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest

from companion.bench.zoo.media import prepare
from companion.model import Box, RGBImage
from companion.vision.motion import AliveRule, came_alive, first_look
from companion.vision.pipeline import PipelineConfig

ClipFinder = Callable[[str], Path]
MEDIA = (640, 360)
"""The zoo's webcam media size."""
TILE = (464, 261)
"""A tile of the zoo's `meet_webcam_3x2` page at 1600x900."""
WHOLE_TILE = Box(0, 0, *TILE)
MAP_FACE = np.array([[317.6, 168.2], [335.2, 162.8], [329.4, 170.5], [337.0, 177.6]], np.float32)
"""Eyes, nose and mouth of a face the bundled detector and landmarker find in the world map
behind the talker of `videoretalking_face2` on that tile (a 48 px face beside his ear; the
zoo's runs counted it as a second participant on his tile)."""
TALKER = np.array([[197.8, 119.5], [236.6, 114.3], [214.8, 137.3], [220.2, 158.8]], np.float32)
"""The talker's own face on the same tile."""
SECONDS = 3.0


def _rule() -> AliveRule:
    config = PipelineConfig()
    assert config.alive_level is not None
    return AliveRule(config.alive_level, config.alive_contrast, config.alive_margin)


@pytest.fixture(scope="module")
def tiles(clip: ClipFinder, tmp_path_factory: pytest.TempPathFactory) -> list[RGBImage]:
    media = prepare(clip("videoretalking_face2.mp4"), "fill", MEDIA, tmp_path_factory.mktemp("m"))
    capture = cv2.VideoCapture(str(media))
    frames: list[RGBImage] = []
    try:
        while len(frames) < SECONDS * 25:
            ok, bgr = capture.read()
            assert ok
            tile = cv2.resize(bgr, TILE, interpolation=cv2.INTER_LINEAR)
            frames.append(np.ascontiguousarray(tile[:, :, ::-1]))
    finally:
        capture.release()
    return frames


def test_a_face_seen_in_a_map_behind_a_talker_does_not_come_alive(
    tiles: list[RGBImage],
) -> None:
    # The map is still; the codec's noise is strong on its edges and weak on the blurred
    # padding beside it, and the talker's head moves beside it.
    first = first_look(tiles[0], MAP_FACE, WHOLE_TILE)
    woke = [
        i for i, pixels in enumerate(tiles[1:], 1) if came_alive(first, pixels, WHOLE_TILE, _rule())
    ]
    assert woke == []


def test_the_map_face_stays_still_by_its_contrast_alone(tiles: list[RGBImage]) -> None:
    # Were the talker not found yet, the map face would be its tile's largest, and a face
    # that large is not held to the backdrop margin (`PipelineConfig.alive_margin_below`):
    # the codec's noise changes it by a small part of its contrast, never enough.
    config = PipelineConfig()
    assert config.alive_level is not None
    rule = AliveRule(config.alive_level, config.alive_contrast, None)
    first = first_look(tiles[0], MAP_FACE, WHOLE_TILE)
    assert not any(came_alive(first, pixels, WHOLE_TILE, rule) for pixels in tiles[1:])


def test_the_talker_comes_alive_within_a_few_frames(tiles: list[RGBImage]) -> None:
    first = first_look(tiles[0], TALKER, WHOLE_TILE)
    alive = [came_alive(first, pixels, WHOLE_TILE, _rule()) for pixels in tiles[1:6]]
    assert any(alive)  # within 0.2 s
