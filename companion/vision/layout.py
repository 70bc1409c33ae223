"""Find the tiles of a video-call gallery: content rectangles separated by gaps.

Zoom and Meet draw each participant's video in a tile on a dark background, with dark
gaps between tiles and dark bars where a video's aspect differs from its tile; light
themes draw light, flat gaps. Cutting the frame recursively along rows and columns that
are (nearly) all background (an XY-cut) yields one rectangle per video, for regular
grids, centred partial rows and speaker view alike.

A downscaled screenshot blurs one-pixel gaps, so some rectangles come out as two or three
tiles merged. Galleries are regular: a rectangle that is a whole multiple of the most
common tile size is split into that many tiles where a gap, sharp or blurred, shows near
the expected places (a speaker's tile spanning several cells shows none). A camera scene
has no gaps and comes back as one rectangle (its content without background borders).
Pure numpy and OpenCV, a few milliseconds on a 1080p frame.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, replace

import cv2
import numpy as np
import numpy.typing as npt

from companion.model import Box, RGBImage

Rect = tuple[int, int, int, int]
"""x0, y0, x1, y1 in pixels, end exclusive."""


@dataclass(frozen=True)
class LayoutConfig:
    """Thresholds for telling gaps from content."""

    dark_level: int = 40
    """A pixel whose grey value is below this counts as dark (gap, bar or background)."""
    light_level: int = 200
    """A pixel at least this light is a light theme's background along a row (or a column)
    where it matches its neighbour in that row ..."""
    flat_step: int = 1
    """... within this many grey levels."""
    gap_fraction: float = 0.97
    """A row or column at least this much background across its region is a gap."""
    min_tile: int = 24
    """Rectangles smaller than this on either side are slivers, not videos."""
    multiple_tolerance: float = 0.08
    """How close (relative) a rectangle must be to k tiles plus k-1 gaps to be split ..."""
    blurred_gap_dip: float = 20.0
    """... and, where no line near a split is background, how much darker (mean grey) than
    the lines around it one must be to be a gap that downscaling blurred. A speaker's tile
    spanning 2x2 cells of the grid has neither, and stays whole."""


MAX_TILES_PER_LINE = 7
"""The most tiles a call client draws in one row or column (a 7x7 gallery): a rectangle
spanning more of the common size (toolbar buttons share a size) is not a merged row."""


def find_tiles(pixels: RGBImage, config: LayoutConfig | None = None) -> list[Box]:
    """The content rectangles of the frame, top to bottom then left to right.

    A frame without gaps gives one rectangle; a frame that is all dark gives none.
    """
    config = config or LayoutConfig()
    # Large captures have gaps of several pixels: every other pixel sees them, at a quarter
    # of the cost. Small (downscaled) ones may have one-pixel gaps and are read whole.
    step = 2 if pixels.shape[1] >= 1280 else 1
    small = np.ascontiguousarray(pixels)
    if step > 1:
        size = (pixels.shape[1] // step, pixels.shape[0] // step)
        small = np.asarray(cv2.resize(small, size, interpolation=cv2.INTER_NEAREST), np.uint8)
    grey = np.asarray(cv2.cvtColor(small, cv2.COLOR_RGB2GRAY), np.uint8)
    profiles = _Profiles(*_background(grey, config), grey)
    scaled = replace(config, min_tile=config.min_tile // step)
    leaves: list[Rect] = []
    _cut(profiles, (0, 0, grey.shape[1], grey.shape[0]), scaled, leaves, depth=0)
    rects = _split_multiples(profiles, leaves, scaled)
    height, width = pixels.shape[:2]
    boxes = []
    for x0, y0, x1, y1 in rects:
        x0, y0 = x0 * step, y0 * step
        x1, y1 = min(width, x1 * step), min(height, y1 * step)
        boxes.append(Box(float(x0), float(y0), float(x1 - x0), float(y1 - y0)))
    return sorted(boxes, key=lambda b: (round(b.cy / 16), b.x))


def is_gallery(tiles: list[Box]) -> bool:
    """Whether the layout shows several videos (rather than one scene)."""
    return len(tiles) >= 2


def reshuffled(old: list[Box], new: list[Box], people: list[tuple[float, float]]) -> bool:
    """Whether a tile with someone in it appeared or went between two readings of a
    layout (someone left, or the gallery was laid out anew), ``people`` being where the
    followed faces are.

    A tile read in pieces or whole again is the same tile: a video whose edge is as dark
    as the gaps is cut there in some frames and not in others (on the 7x7 zoo page 57-59
    tiles were read for 49, a different number at nearly every reading). A tile with
    nobody in it (a clock's text, a button, a joining camera that moves nobody) changes
    no one's place. Tiles pair up one to one where they overlap by more than half (IoU,
    best first); a tile left over counts unless it lies mostly inside a paired tile of
    the other reading.
    """
    pairs = sorted(
        ((a.iou(b), i, j) for i, a in enumerate(old) for j, b in enumerate(new)), reverse=True
    )
    old_paired: set[int] = set()
    new_paired: set[int] = set()
    for overlap, i, j in pairs:
        if overlap <= 0.5:
            break
        if i not in old_paired and j not in new_paired:
            old_paired.add(i)
            new_paired.add(j)

    def left_over(tiles: list[Box], paired: set[int], others: list[Box], theirs: set[int]) -> bool:
        whole = [others[k] for k in theirs]
        return any(
            i not in paired
            and any(b.contains_point(x, y) for x, y in people)
            and not any(b.overlap(w) > 0.5 * b.area for w in whole)
            for i, b in enumerate(tiles)
        )

    return left_over(old, old_paired, new, new_paired) or left_over(
        new, new_paired, old, old_paired
    )


def _background(
    grey: npt.NDArray[np.uint8], config: LayoutConfig
) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8]]:
    """Which pixels are background along rows, and along columns.

    Dark pixels are background either way: a dark theme's gaps, letterbox bars. A light
    theme's gaps are light and flat: a light pixel is background along a row where it
    matches its neighbour in that row (a one-pixel gap line is flat along itself, not
    across), and likewise along a column. A video is rarely flat and light across a
    whole row of its tile.
    """
    dark = grey < config.dark_level
    light = grey >= config.light_level
    signed = grey.astype(np.int16)
    across = np.abs(np.diff(signed, axis=1, append=signed[:, -1:])) <= config.flat_step
    down = np.abs(np.diff(signed, axis=0, append=signed[-1:, :])) <= config.flat_step
    along_rows = dark | (light & across)
    along_cols = dark | (light & down)
    return along_rows.astype(np.uint8), along_cols.astype(np.uint8)


class _Profiles:
    """Background fractions and mean grey of any row or column span of any rectangle, from
    integral images (of what is background along rows, along columns, and of grey)."""

    def __init__(
        self,
        along_rows: npt.NDArray[np.uint8],
        along_cols: npt.NDArray[np.uint8],
        grey: npt.NDArray[np.uint8],
    ) -> None:
        self._rows = np.asarray(cv2.integral(along_rows), dtype=np.int32)
        self._cols = np.asarray(cv2.integral(along_cols), dtype=np.int32)
        self._pixels = grey
        self._grey_sums: npt.NDArray[np.int64] | None = None

    @property
    def _grey(self) -> npt.NDArray[np.int64]:
        """The grey integral, made only when a split without a gap line asks for it."""
        if self._grey_sums is None:
            self._grey_sums = np.asarray(cv2.integral(self._pixels), dtype=np.int64)
        return self._grey_sums

    def rows(self, r: Rect) -> npt.NDArray[np.float64]:
        """Fraction of background pixels in each row of ``r``."""
        x0, y0, x1, y1 = r
        ii = self._rows
        line = ii[y0 : y1 + 1, x1] - ii[y0 : y1 + 1, x0]
        return np.diff(line) / max(1, x1 - x0)

    def cols(self, r: Rect) -> npt.NDArray[np.float64]:
        """Fraction of background pixels in each column of ``r``."""
        x0, y0, x1, y1 = r
        ii = self._cols
        line = ii[y1, x0 : x1 + 1] - ii[y0, x0 : x1 + 1]
        return np.diff(line) / max(1, y1 - y0)

    def grey_rows(self, r: Rect) -> npt.NDArray[np.float64]:
        """Mean grey of each row of ``r``."""
        x0, y0, x1, y1 = r
        line = self._grey[y0 : y1 + 1, x1] - self._grey[y0 : y1 + 1, x0]
        return np.diff(line) / max(1, x1 - x0)

    def grey_cols(self, r: Rect) -> npt.NDArray[np.float64]:
        """Mean grey of each column of ``r``."""
        x0, y0, x1, y1 = r
        line = self._grey[y1, x0 : x1 + 1] - self._grey[y0, x0 : x1 + 1]
        return np.diff(line) / max(1, y1 - y0)


def _cut(
    profiles: _Profiles, region: Rect, config: LayoutConfig, out: list[Rect], depth: int
) -> None:
    trimmed = _trim(profiles, region, config)
    if trimmed is None or not _big_enough(trimmed, config):
        return
    x0, y0, x1, y1 = trimmed
    if depth < 16:
        for axis in (0, 1):
            profile = profiles.rows(trimmed) if axis == 0 else profiles.cols(trimmed)
            spans = _content_spans(profile >= config.gap_fraction, config.min_tile)
            if len(spans) >= 2:
                for a, b in spans:
                    child = (x0, y0 + a, x1, y0 + b) if axis == 0 else (x0 + a, y0, x0 + b, y1)
                    _cut(profiles, child, config, out, depth + 1)
                return
    out.append(trimmed)


def _trim(profiles: _Profiles, region: Rect, config: LayoutConfig) -> Rect | None:
    """Shrink a region to its content (drop background borders); None when it is all background."""
    x0, y0, x1, y1 = region
    if x1 <= x0 or y1 <= y0:
        return None
    rows = np.flatnonzero(profiles.rows(region) < config.gap_fraction)
    cols = np.flatnonzero(profiles.cols(region) < config.gap_fraction)
    if rows.size == 0 or cols.size == 0:
        return None
    return x0 + int(cols[0]), y0 + int(rows[0]), x0 + int(cols[-1]) + 1, y0 + int(rows[-1]) + 1


def _big_enough(r: Rect, config: LayoutConfig) -> bool:
    return r[2] - r[0] >= config.min_tile and r[3] - r[1] >= config.min_tile


def _content_spans(gap: npt.NDArray[np.bool_], min_len: int) -> list[tuple[int, int]]:
    """Runs of non-gap positions at least ``min_len`` long, as [start, end)."""
    edges = np.flatnonzero(np.diff(np.concatenate([[1], gap.astype(np.int8), [1]])))
    starts, ends = edges[0::2], edges[1::2]
    return [(int(a), int(b)) for a, b in zip(starts, ends, strict=True) if b - a >= min_len]


def _split_multiples(profiles: _Profiles, rects: list[Rect], config: LayoutConfig) -> list[Rect]:
    """Split rectangles that are whole multiples of the most common tile size."""
    if len(rects) < 3:
        return rects
    unit = _common_shape(rects)
    if unit is None:
        return rects
    unit_w, unit_h = unit
    out: list[Rect] = []
    for r in rects:
        cols = _multiple(r[2] - r[0], unit_w, config)
        rows = _multiple(r[3] - r[1], unit_h, config)
        if cols is None or rows is None or cols * rows == 1:
            out.append(r)  # one tile, or not made of whole tiles (a speaker's large tile)
            continue
        xs = _lines(profiles.cols(r), profiles.grey_cols(r), cols, r[0], config)
        ys = _lines(profiles.rows(r), profiles.grey_rows(r), rows, r[1], config)
        if xs is None or ys is None:
            out.append(r)  # no trace of a gap where one would be: one large tile
            continue
        for ya, yb in itertools.pairwise(ys):
            for xa, xb in itertools.pairwise(xs):
                cell = _trim(profiles, (xa, ya, xb, yb), config)
                if cell is not None and _big_enough(cell, config):
                    out.append(cell)
    return out


def _common_shape(rects: list[Rect]) -> tuple[int, int] | None:
    """The most common width and height together (within 3 px), if at least three
    rectangles share them. Width and height come from the same rectangles: the videos'
    width and a toolbar button's height make no tile."""
    shapes = [(r[2] - r[0], r[3] - r[1]) for r in rects]
    counts = Counter((round(w / 3), round(h / 3)) for w, h in shapes)
    (bw, bh), count = counts.most_common(1)[0]
    if count < 3:
        return None
    near = [
        (w, h) for w, h in shapes if abs(round(w / 3) - bw) <= 1 and abs(round(h / 3) - bh) <= 1
    ]
    return int(np.median([w for w, _ in near])), int(np.median([h for _, h in near]))


def _multiple(size: int, unit: int, config: LayoutConfig) -> int | None:
    """How many tiles of ``unit`` (with gaps up to a tenth of a tile) ``size`` spans.

    None when ``size`` is not close to a whole number of tiles, or spans more than
    `MAX_TILES_PER_LINE` of them.
    """
    k = max(1, round(size / unit))
    if k > MAX_TILES_PER_LINE:
        return None  # a toolbar's buttons share a size too: videos are not made of them
    for gap in range(0, max(2, unit // 10)):
        if abs(size - (k * unit + (k - 1) * gap)) <= config.multiple_tolerance * unit:
            return k
    return None


def _lines(
    profile: npt.NDArray[np.float64],
    grey: npt.NDArray[np.float64],
    parts: int,
    origin: int,
    config: LayoutConfig,
) -> list[int] | None:
    """Boundaries splitting a span into ``parts``, each near its expected place on the
    most background-like line, or, where none is, on a line clearly darker than those
    around it (a gap blurred by downscaling); None when a boundary has neither."""
    length = len(profile)
    bounds = [origin]
    for k in range(1, parts):
        at = round(k * length / parts)
        reach = max(1, round(length / parts * 0.06))
        lo, hi = max(0, at - reach), min(length, at + reach + 1)
        window = profile[lo:hi]
        line = int(np.argmax(window))
        if window[line] < 0.3:
            shades = grey[lo:hi]
            line = int(np.argmin(shades))
            if float(np.median(shades)) - float(shades[line]) < config.blurred_gap_dip:
                return None
        bounds.append(origin + lo + line)
    bounds.append(origin + length)
    return bounds
