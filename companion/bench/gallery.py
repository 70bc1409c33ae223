"""An N x N video-call gallery built in memory from real clips, as Zoom and Meet draw one.

Each clip is letterboxed into a 16:9 tile (dark bars) or fills it as a webcam picture
(`FILLS`), tiles sit on a background with gaps (dark by default), and clips loop. Frames
are decoded and scaled once, up front, so composing a gallery frame costs a few copies
(standing in for a screen capture).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from companion.bench.zoo.media import fill_16_9
from companion.capture.video import VideoFileSource
from companion.model import Box, Frame, RGBImage

BACKGROUND = (26, 26, 26)
"""Zoom's gallery background (and gap) colour."""
BAR = (0, 0, 0)
"""Letterbox bars inside a tile."""
TILE_ASPECT = 16 / 9
FILLS = ("webcam", "letterbox")
"""How a clip sits in its tile. ``webcam``: as a 16:9 webcam picture filling its tile edge
to edge, as Meet and Teams draw one (the clip whole, padded with its own blurred picture,
as the layout zoo plays it: most clips are square or portrait, and cutting them to fill
would cut the face). ``letterbox``: whole, with black bars, as Zoom draws a clip of
another shape."""


@dataclass(frozen=True)
class GalleryLayout:
    """Where each tile, and the video inside it, sits on the canvas."""

    width: int
    height: int
    tiles: tuple[Box, ...]

    @staticmethod
    def grid(n: int, width: int, height: int, gap: int = 8) -> GalleryLayout:
        """``n`` x ``n`` 16:9 tiles, as large as fit, centred with ``gap`` pixels between."""
        if n < 1:
            raise ValueError(f"grid must be at least 1, got {n}")
        tile_w = (width - (n + 1) * gap) / n
        tile_h = tile_w / TILE_ASPECT
        if n * tile_h + (n + 1) * gap > height:
            tile_h = (height - (n + 1) * gap) / n
            tile_w = tile_h * TILE_ASPECT
        tw, th = math.floor(tile_w), math.floor(tile_h)
        if tw < 16 or th < 16:
            raise ValueError(f"a {n}x{n} grid does not fit in {width}x{height}")
        x0 = (width - n * tw - (n - 1) * gap) // 2
        y0 = (height - n * th - (n - 1) * gap) // 2
        tiles = tuple(
            Box(float(x0 + c * (tw + gap)), float(y0 + r * (th + gap)), float(tw), float(th))
            for r in range(n)
            for c in range(n)
        )
        return GalleryLayout(width, height, tiles)

    @staticmethod
    def speaker(strip: int, width: int, height: int, gap: int = 8) -> GalleryLayout:
        """Speaker view: ``strip`` small 16:9 tiles along the top, one large tile below.

        The speaker's tile comes first in ``tiles``.
        """
        if strip < 1:
            raise ValueError(f"the strip needs at least one tile, got {strip}")
        small_h = max(16, height // 7)
        small_w = math.floor(small_h * TILE_ASPECT)
        if strip * small_w + (strip - 1) * gap > width - 2 * gap:
            small_w = (width - 2 * gap - (strip - 1) * gap) // strip
            small_h = math.floor(small_w / TILE_ASPECT)
        x0 = (width - strip * small_w - (strip - 1) * gap) // 2
        row = [
            Box(float(x0 + i * (small_w + gap)), float(gap), float(small_w), float(small_h))
            for i in range(strip)
        ]
        top = 2 * gap + small_h
        big_h = height - top - gap
        big_w = min(width - 2 * gap, math.floor(big_h * TILE_ASPECT))
        big_h = math.floor(big_w / TILE_ASPECT)
        speaker = Box(float((width - big_w) // 2), float(top), float(big_w), float(big_h))
        return GalleryLayout(width, height, (speaker, *row))


def letterbox(tile: Box, clip_w: int, clip_h: int) -> Box:
    """The rectangle a ``clip_w`` x ``clip_h`` video fills inside ``tile``, centred."""
    scale = min(tile.w / clip_w, tile.h / clip_h)
    w, h = max(1, math.floor(clip_w * scale)), max(1, math.floor(clip_h * scale))
    return Box(float(int(tile.x + (tile.w - w) / 2)), float(int(tile.y + (tile.h - h) / 2)), w, h)


@dataclass
class _Loop:
    frames: list[RGBImage]
    fps: float
    offset_s: float
    content: Box

    def at(self, t: float) -> RGBImage:
        index = int((t + self.offset_s) * self.fps) % len(self.frames)
        return self.frames[index]


class Gallery:
    """Composes gallery frames at any time ``t``; clip ``i`` plays in tile ``i``.

    ``max_loop_s`` caps how much of each clip is kept (they loop), which bounds memory.
    Tiles beyond the number of clips reuse clips, started at a different point. A None
    clip leaves its tile empty (dark, as for someone who left). ``fill`` is one of
    `FILLS`; ``background`` is the colour of the gaps and of the rest of the canvas.
    """

    def __init__(
        self,
        clips: Sequence[Path | None],
        layout: GalleryLayout,
        max_loop_s: float = 4.0,
        fill: str = "letterbox",
        background: tuple[int, int, int] = BACKGROUND,
    ) -> None:
        if not any(c is not None for c in clips):
            raise ValueError("a gallery needs at least one clip")
        if fill not in FILLS:
            raise ValueError(f"fill must be one of {', '.join(FILLS)}: {fill!r}")
        self.layout = layout
        self.clips = [Path(c) if c is not None else None for c in clips]
        self._canvas = np.empty((layout.height, layout.width, 3), np.uint8)
        self._canvas[:] = background
        decoded: dict[tuple[Path, int, int], tuple[list[RGBImage], float, Box]] = {}
        self._loops: list[_Loop | None] = []
        for i, tile in enumerate(layout.tiles):
            path = self.clips[i % len(self.clips)]
            repeat = i // len(self.clips)
            if path is None:
                self._loops.append(None)
                continue
            key = (path, round(tile.w), round(tile.h))
            if key not in decoded:
                decoded[key] = _decode(path, tile, max_loop_s, fill)
            frames, fps, rel = decoded[key]
            content = Box(tile.x + rel.x, tile.y + rel.y, rel.w, rel.h)
            offset = repeat * len(frames) / fps / 3
            self._loops.append(_Loop(frames, fps, offset, content))
            self._canvas[int(tile.y) : int(tile.y + tile.h), int(tile.x) : int(tile.x + tile.w)] = (
                BAR
            )
        self.nbytes = sum(f.nbytes for frames, _, _ in decoded.values() for f in frames)

    @property
    def contents(self) -> tuple[Box | None, ...]:
        """Where each clip's pixels are drawn, tile by tile (None for an empty tile)."""
        return tuple(loop.content if loop is not None else None for loop in self._loops)

    def frame(self, t: float, index: int = 0) -> Frame:
        """The gallery at time ``t`` seconds (a fresh array the caller may keep)."""
        for loop in self._loops:
            if loop is None:
                continue
            c = loop.content
            x, y = int(c.x), int(c.y)
            self._canvas[y : y + int(c.h), x : x + int(c.w)] = loop.at(t)
        box = Box(0, 0, self.layout.width, self.layout.height)
        return Frame(self._canvas.copy(), t, box, index)

    def frames(self, seconds: float, fps: float) -> Iterator[Frame]:
        """Frames at a steady ``fps`` for ``seconds`` of gallery time."""
        count = max(1, round(seconds * fps))
        for i in range(count):
            yield self.frame(i / fps, i)


def _decode(
    path: Path, tile: Box, max_loop_s: float, fill: str
) -> tuple[list[RGBImage], float, Box]:
    """Frames of a clip scaled to their place in ``tile`` (relative box): letterboxed, or
    the whole tile as a webcam picture (see `FILLS`)."""
    frames: list[RGBImage] = []
    with VideoFileSource(path) as source:
        info = source.info
        whole = Box(0, 0, int(tile.w), int(tile.h))
        rel = whole if fill == "webcam" else letterbox(whole, info.width, info.height)
        size = (int(rel.w), int(rel.h))
        shrink = rel.w < info.width
        for frame in source.frames():
            if frame.t >= max_loop_s and frames:
                break
            if fill == "webcam":
                frames.append(fill_16_9(frame.pixels, size))
                continue
            interpolation = cv2.INTER_AREA if shrink else cv2.INTER_LINEAR
            frames.append(
                np.asarray(cv2.resize(frame.pixels, size, interpolation=interpolation), np.uint8)
            )
        fps = info.fps
    return frames, fps, rel
