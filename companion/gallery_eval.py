"""Call-scale evaluation: labelled clips side by side in an N x N gallery, run live.

A single clip analysed on its own gives the cue engine a large face on every frame. In a
call the same face is 100-200 px in a tile and the scheduler, under its CPU budget,
samples it 5-30 times a second. This puts each labelled clip with one labelled person in
a tile of an N x N gallery (see `FILLS`), plays them all from the start, and runs what a
call runs: the live pipeline (`PipelineConfig`, one core by default) and the cue engine;
or, as `companion analyze` reads a recorded gallery, the offline pipeline.
Each tile's participants are then scored against its clip's labels, with the same rule
as `companion eval`: their boxes are mapped back into the clip's own pixels, so a label
pairs with the face found in its tile, and a second id on the same face (an id switch)
is scored as a detection of its own. A tile goes dark when its clip ends.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from companion.bench.gallery import BACKGROUND, FILLS, GalleryLayout, letterbox
from companion.bench.zoo.media import fill_16_9
from companion.capture.video import VideoFileSource
from companion.cues.rules import Pattern
from companion.cues.signals import measure
from companion.model import Box, Frame, RGBImage
from companion.offline.analysis import Analysis, CueRecords, ParticipantRecord
from companion.offline.evaluation import Report, evaluate

RUNS = ("live", "analyze")
"""How a gallery is read: see `GalleryEvalConfig.run`."""


@dataclass(frozen=True)
class GalleryEvalConfig:
    """The galleries built and how they are run."""

    n: int = 3
    width: int = 1280
    height: int = 720
    fill: str = "webcam"
    fps: float = 30.0
    """Frames captured per second of call time (each is stepped, none dropped)."""
    budget_cores: float = 1.0
    """The live scheduler's CPU budget."""
    run: str = "live"
    """``live``: the call's pipeline under its budget; ``analyze``: the offline pipeline
    of `companion analyze`, every face on every frame (a recorded gallery analysed as
    one video)."""

    def __post_init__(self) -> None:
        if self.fill not in FILLS:
            raise ValueError(f"fill must be one of {', '.join(FILLS)}: {self.fill!r}")
        if self.run not in RUNS:
            raise ValueError(f"run must be one of {', '.join(RUNS)}: {self.run!r}")
        if self.n < 1 or self.fps <= 0 or self.budget_cores <= 0:
            raise ValueError("n, fps and budget_cores must be positive")


@dataclass(frozen=True)
class Placement:
    """Where a clip's pixels land in the gallery: gallery = origin + clip * scale, the
    clip whole and centred in ``tile``."""

    tile: Box
    x: float
    y: float
    scale: float

    @staticmethod
    def of(tile: Box, clip_w: int, clip_h: int) -> Placement:
        """The placement of a ``clip_w`` x ``clip_h`` video in ``tile``."""
        content = letterbox(tile, clip_w, clip_h)
        return Placement(tile, content.x, content.y, content.w / clip_w)

    def to_clip(self, box: Box) -> Box:
        """A gallery box in the clip's own pixels."""
        s = self.scale
        return Box((box.x - self.x) / s, (box.y - self.y) / s, box.w / s, box.h / s)

    def draw(self, canvas: RGBImage, pixels: RGBImage, fill: str) -> None:
        """Paint one clip frame into its tile of ``canvas`` (see `FILLS`)."""
        t = self.tile
        x, y, w, h = int(t.x), int(t.y), int(t.w), int(t.h)
        if fill == "webcam":
            canvas[y : y + h, x : x + w] = fill_16_9(pixels, (w, h))
            return
        canvas[y : y + h, x : x + w] = 0
        ph, pw = pixels.shape[:2]
        size = (max(1, round(pw * self.scale)), max(1, round(ph * self.scale)))
        interpolation = cv2.INTER_AREA if self.scale < 1 else cv2.INTER_LINEAR
        fitted = cv2.resize(pixels, size, interpolation=interpolation)
        x0, y0 = int(self.x), int(self.y)
        canvas[y0 : y0 + size[1], x0 : x0 + size[0]] = fitted


class _Tile:
    """One clip played once in its tile; dark once it has ended."""

    def __init__(self, path: Path, tile: Box, fill: str, duration_s: float) -> None:
        self.source = VideoFileSource(path)
        info = self.source.info
        self.placement = Placement.of(tile, info.width, info.height)
        self.fill = fill
        self.duration_s = duration_s
        self._frames: Iterator[Frame] = self.source.frames()
        self._next: Frame | None = next(self._frames, None)
        self._shown: Frame | None = None

    def draw(self, canvas: RGBImage, t: float) -> None:
        """Paint the clip's frame at ``t`` (the latest one not after it)."""
        while self._next is not None and self._next.t <= t:
            self._shown, self._next = self._next, next(self._frames, None)
        if self._shown is None or (self._next is None and t > self._shown.t + 0.5):
            self.blank(canvas)
            return
        self.placement.draw(canvas, self._shown.pixels, self.fill)

    def blank(self, canvas: RGBImage) -> None:
        """Paint the tile black."""
        t = self.placement.tile
        canvas[int(t.y) : int(t.y + t.h), int(t.x) : int(t.x + t.w)] = 0

    def close(self) -> None:
        """Release the decoder."""
        self.source.close()


def gallery_analyses(
    docs: Sequence[Mapping[str, Any]],
    clips_dir: Path,
    patterns: tuple[Pattern, ...],
    config: GalleryEvalConfig,
    on_gallery: Callable[[int, int], None] | None = None,
) -> dict[str, dict[str, Any]]:
    """The analysis document of each clip of ``docs`` as its tile was read in a gallery.

    Clips go into galleries of ``n`` x ``n`` in the order given; ``on_gallery(i, count)``
    is called as gallery ``i`` of ``count`` starts.
    """
    from companion.cues.engine import CueEngine
    from companion.vision.pipeline import PipelineConfig
    from companion.vision.stack import open_pipeline

    per = config.n * config.n
    chunks = [docs[i : i + per] for i in range(0, len(docs), per)]
    layout = GalleryLayout.grid(config.n, config.width, config.height)
    analyses: dict[str, dict[str, Any]] = {}
    for index, chunk in enumerate(chunks):
        if on_gallery is not None:
            on_gallery(index, len(chunks))
        tiles = [
            _Tile(clips_dir / str(doc["source"]), layout.tiles[i], config.fill, _duration(doc))
            for i, doc in enumerate(chunk)
        ]
        if config.run == "analyze":
            pipeline_config = PipelineConfig.offline()
        else:
            pipeline_config = PipelineConfig()
            pipeline_config.scheduler.budget_cores = config.budget_cores
        pipeline = open_pipeline(pipeline_config)
        records = CueRecords(CueEngine(patterns=patterns))
        canvas = np.empty((config.height, config.width, 3), np.uint8)
        canvas[:] = BACKGROUND
        region = Box(0, 0, config.width, config.height)
        try:
            frames = math.ceil(max(tile.duration_s for tile in tiles) * config.fps)
            for i in range(frames):
                t = i / config.fps
                for tile in tiles:
                    tile.draw(canvas, t)
                result = pipeline.step(Frame(canvas.copy(), t, region, i))
                faces = result.faces
                records.frame(
                    t,
                    {pid: measure(face) for pid, face in faces.items()},
                    {pid: face.box for pid, face in faces.items()},
                )
            people = records.finish()
        finally:
            pipeline.close()
            for tile in tiles:
                tile.close()
        for doc, tile in zip(chunk, tiles, strict=True):
            mine = [_in_clip(p, tile.placement) for p in people if _in_tile(p, tile.placement)]
            analyses[str(doc["source"])] = Analysis(
                source=str(doc["source"]),
                fps=config.fps,
                frames=frames,
                duration_s=tile.duration_s,
                participants=mine,
            ).to_json()
    return analyses


def _duration(labels: Mapping[str, Any]) -> float:
    """A labelled clip's length, from its labels file (``frames`` at ``fps``)."""
    return float(labels["frames"]) / float(labels["fps"])


def _in_tile(person: ParticipantRecord, placement: Placement) -> bool:
    box = person.median_box()
    return placement.tile.contains_point(box.cx, box.cy)


def _in_clip(person: ParticipantRecord, placement: Placement) -> ParticipantRecord:
    return replace(person, boxes=[placement.to_clip(b) for b in person.boxes])


def evaluate_gallery(
    docs: Sequence[Mapping[str, Any]],
    clips_dir: Path,
    patterns: tuple[Pattern, ...],
    config: GalleryEvalConfig,
    on_gallery: Callable[[int, int], None] | None = None,
) -> Report:
    """`gallery_analyses` of the clips with one labelled person, scored as eval scores."""
    single = [doc for doc in docs if len(doc["participants"]) == 1]
    analyses = gallery_analyses(single, clips_dir, patterns, config, on_gallery)
    return evaluate(single, lambda doc: analyses[str(doc["source"])], [p.name for p in patterns])
