"""Galleries built from real clips, run through the real pipeline and model.

Each test builds its gallery in memory from the shared clips (letterboxed tiles on a
dark background), steps the pipeline on frames stamped at 30 fps, and checks who was
found where. No timing is asserted.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

import cv2
import numpy as np
import pytest

from companion.bench.gallery import Gallery, GalleryLayout
from companion.bench.runner import DEFAULT_CLIPS
from companion.bench.stills import faces_in_still
from companion.capture.video import VideoFileSource
from companion.cli import main
from companion.model import Box, Frame
from companion.vision.layout import find_tiles
from companion.vision.pipeline import PipelineConfig, StepResult
from companion.vision.scheduler import SchedulerConfig
from companion.vision.stack import open_pipeline

ClipFinder = Callable[[str], Path]
FPS = 30.0


def _gallery(clip: ClipFinder, n: int, names: Iterable[str | None] | None = None) -> Gallery:
    chosen = list(names) if names is not None else list(DEFAULT_CLIPS[: n * n])
    paths = [clip(name) if name is not None else None for name in chosen]
    return Gallery(paths, GalleryLayout.grid(n, 1920, 1080), max_loop_s=2.0)


def _run(frames: Iterable[Frame], config: PipelineConfig | None = None) -> list[StepResult]:
    pipeline = open_pipeline(config)
    try:
        return [pipeline.step(frame) for frame in frames]
    finally:
        pipeline.close()


SEEN_MOVING = 3
"""Frames until every face has been seen to move (a 25 fps clip repeats a frame at 30 fps),
which makes it a participant rather than a photo."""


def _frames(gallery: Gallery, seconds: float, start: float = 0.0) -> Iterable[Frame]:
    for i in range(round(seconds * FPS)):
        yield gallery.frame(start + i / FPS, i)


def _tile_of(tiles: tuple[Box, ...], box: Box) -> int | None:
    return next((i for i, t in enumerate(tiles) if t.contains_point(box.cx, box.cy)), None)


def _tile_index(tiles: tuple[Box, ...], box: Box) -> int:
    found = _tile_of(tiles, box)
    return -1 if found is None else found


def _ids_per_tile(results: list[StepResult], tiles: tuple[Box, ...]) -> dict[int | None, set[str]]:
    seen: dict[int | None, set[str]] = defaultdict(set)
    for result in results:
        for p in result.participants:
            seen[_tile_of(tiles, p.box)].add(p.id)
    return seen


@pytest.mark.parametrize("n", [2, 3])
def test_every_tile_is_one_participant_with_one_id_throughout(clip: ClipFinder, n: int) -> None:
    gallery = _gallery(clip, n)
    tiles = gallery.layout.tiles
    results = _run(_frames(gallery, 3.0))  # live settings: one core, stamped at 30 fps
    settled = [r for r in results if r.t >= 2.0]
    for result in settled:
        per_tile = [_tile_of(tiles, p.box) for p in result.participants]
        assert sorted(t for t in per_tile if t is not None) == list(range(n * n)), result.t
        assert None not in per_tile
    ids = _ids_per_tile(results, tiles)
    assert set(ids) == set(range(n * n))
    assert all(len(found) == 1 for found in ids.values()), ids  # ids never changed
    sampled = {pid for r in settled for pid in r.faces}
    assert len(sampled) == n * n  # everyone landmarked, nobody starved


def test_a_five_by_five_gallery_gives_twenty_five_participants(clip: ClipFinder) -> None:
    gallery = _gallery(clip, 5)
    tiles = gallery.layout.tiles
    results = _run(_frames(gallery, 0.2), PipelineConfig.offline())
    for result in results[SEEN_MOVING:]:
        per_tile = sorted(_tile_index(tiles, p.box) for p in result.participants)
        assert per_tile == list(range(25))
    ids = _ids_per_tile(results[SEEN_MOVING:], tiles)
    assert all(len(found) == 1 for found in ids.values())


def test_an_excluded_tile_gets_no_participant(clip: ClipFinder) -> None:
    gallery = _gallery(clip, 3)
    tiles = gallery.layout.tiles
    config = PipelineConfig.offline()
    config.exclude = (tiles[4],)  # the user's own self-view
    results = _run(_frames(gallery, 0.3), config)
    for result in results[SEEN_MOVING:]:
        found = sorted(_tile_index(tiles, p.box) for p in result.participants)
        assert found == [0, 1, 2, 3, 5, 6, 7, 8]
        assert all(_tile_of(tiles, f.box) != 4 for f in result.faces.values())


def test_ids_follow_people_when_someone_leaves_and_the_tiles_shift(clip: ClipFinder) -> None:
    names = list(DEFAULT_CLIPS[:9])
    before = _gallery(clip, 3, names)
    # The person in tile 4 leaves; everyone after moves up a tile, the last one is empty.
    after = _gallery(clip, 3, [*names[:4], *names[5:], None])
    tiles = before.layout.tiles
    frames = [*_frames(before, 2.0), *_frames(after, 2.5, start=2.0)]
    results = _run(frames)
    ids_before = {_tile_of(tiles, p.box): p.id for p in results[59].participants}
    ids_after = {_tile_of(tiles, p.box): p.id for p in results[-1].participants}
    assert sorted(ids_before) == list(range(9))
    assert sorted(ids_after) == list(range(8))
    person_before = {names[i]: ids_before[i] for i in range(9)}
    person_after = {[*names[:4], *names[5:]][i]: ids_after[i] for i in range(8)}
    assert person_after == {n: person_before[n] for n in person_after}


def test_speaker_view_gives_the_speaker_and_everyone_in_the_strip(clip: ClipFinder) -> None:
    names = list(DEFAULT_CLIPS[:5])
    layout = GalleryLayout.speaker(4, 1920, 1080)
    gallery = Gallery([clip(n) for n in names], layout, max_loop_s=1.0)
    results = _run(_frames(gallery, 0.2), PipelineConfig.offline())
    for result in results[SEEN_MOVING:]:
        assert sorted(_tile_index(layout.tiles, p.box) for p in result.participants) == list(
            range(5)
        )
    heights = {_tile_index(layout.tiles, p.box): p.box.h for p in results[-1].participants}
    assert heights[0] > 3 * max(heights[i] for i in range(1, 5))  # one big face, small ones


def test_analyze_on_a_recorded_gallery_gives_one_participant_per_tile(
    clip: ClipFinder, tmp_path: Path
) -> None:
    gallery = Gallery(
        [clip(n) for n in DEFAULT_CLIPS[:4]], GalleryLayout.grid(2, 960, 540), max_loop_s=2.0
    )
    video = tmp_path / "gallery.mp4"
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"mp4v"), 25.0, (960, 540))
    for i in range(50):
        writer.write(np.ascontiguousarray(gallery.frame(i / 25).pixels[:, :, ::-1]))
    writer.release()
    out = tmp_path / "analysis.json"
    assert main(["analyze", str(video), "--json", str(out)]) == 0
    people = json.loads(out.read_text())["participants"]
    tiles = gallery.layout.tiles
    found = sorted(_tile_index(tiles, Box(*p["box"])) for p in people)
    assert found == [0, 1, 2, 3]


def test_faces_found_in_the_real_zoom_screenshot(still: ClipFinder) -> None:
    image = cv2.imread(str(still("zoom_gallery_screenshot.png")))
    pixels = np.ascontiguousarray(image[:, :, ::-1])
    found = faces_in_still(pixels)
    print(f"\nzoom_gallery_screenshot.png: {len(found)} of 49 faces found")  # a figure
    # 48 were found when this was written (docs/benchmarks.md); the finder is deterministic
    # on a still, so losing more than two means face finding at tile scale got worse
    assert 46 <= len(found) <= 49


LIGHT_GAPS = (243, 242, 241)


def test_a_light_gallery_is_read_as_tiles_and_gives_every_small_face(
    clip: ClipFinder,
) -> None:
    # A light theme's 3x3 at 1440x810: webcam pictures filling their tiles, 2 px light
    # gaps. Read as one area, the whole window, the area said nothing of how large its
    # faces are, and the woman sitting on the ground in her phone's portrait video
    # (liveportrait_s29, a 38-42 px face) was dropped as a picture in the room.
    names = [*DEFAULT_CLIPS[:4], "liveportrait_s29.mp4", *DEFAULT_CLIPS[4:8]]
    layout = GalleryLayout.grid(3, 1440, 810, gap=2)
    gallery = Gallery([clip(n) for n in names], layout, 3.0, "webcam", LIGHT_GAPS)
    tiles = find_tiles(gallery.frame(0.0).pixels)
    assert len(tiles) == 9
    assert all(any(t.iou(read) > 0.8 for read in tiles) for t in layout.tiles)
    results = _run(gallery.frames(3.0, FPS))  # live settings: one core, stamped at 30 fps
    last = results[-1]
    per_tile = sorted(_tile_index(layout.tiles, p.box) for p in last.participants)
    assert per_tile == list(range(9))


def test_a_person_filmed_by_a_moving_camera_is_a_participant(clip: ClipFinder) -> None:
    # liveportrait_s18's camera moves (a dolly): in a speaker view's filmstrip tile her
    # backdrop changes about as much as her face, as a face printed on a wall does with
    # a shaking camera. Her face is a third of the tile's height: she is the tile's person.
    tile = Box(1000, 200, 222, 124)
    strip = GalleryLayout(1280, 720, (tile,))
    gallery = Gallery([clip("liveportrait_s18.mp4")], strip, 2.0, "webcam")
    results = _run(gallery.frames(2.0, FPS))  # live settings: one core, stamped at 30 fps
    assert [tile.contains_point(p.box.cx, p.box.cy) for p in results[-1].participants] == [True]


def test_a_face_printed_on_the_wall_of_a_room_is_no_participant(
    clip: ClipFinder, still: ClipFinder
) -> None:
    # A meeting room's camera, with a face photo hung on the wall behind the people. Inside
    # a video the photo's pixels change with the camera's noise (added here, 2 grey levels),
    # so they are not still as a profile picture on the screen is; they change as the wall
    # beside them does, and a person's face changes more than that.
    photo = cv2.imread(str(still("faceapi_angry.jpg")))[:, :, ::-1]
    poster = Box(880, 15, 150, 125)
    photo = cv2.resize(photo, (round(poster.w), round(poster.h)), interpolation=cv2.INTER_AREA)
    rng = np.random.default_rng(0)

    def room() -> Iterable[Frame]:
        with VideoFileSource(clip("jctvc_FourPeople_1280x720_60.mp4")) as source:
            for frame in source.frames():
                if frame.t > 3.0:
                    return
                pixels = frame.pixels.copy()
                pixels[15:140, 880:1030] = photo
                noisy = np.clip(pixels + rng.normal(0.0, 2.0, pixels.shape), 0, 255)
                yield Frame(noisy.astype(np.uint8), frame.t, frame.region, frame.index)

    config = PipelineConfig(scheduler=SchedulerConfig(budget_cores=None))  # live rules, no budget
    results = _run(room(), config)
    on_poster = [
        p for r in results for p in r.participants if poster.contains_point(p.box.cx, p.box.cy)
    ]
    assert on_poster == []
    assert len(results[-1].participants) == 4  # the four people at the table
