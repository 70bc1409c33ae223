"""Where the overlay's pieces go: pure geometry on `Box`, no Qt.

All boxes share one coordinate space (the UI uses Qt's logical pixels). The rule is that
the overlay never covers the call: markers sit at the bottom edge of each participant's
tile, never over a face; the panel sits beside the meeting window when the screen has
room, and otherwise shrinks to a pill in the place freest of faces and video (a dark
margin, the control bar); cards and dialogs are placed the same way, next to the panel.
`free_spot` is that one search.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from companion.model import Box

TILE_SCALE = (2.4, 1.9)
"""A face box grown by this much (width, height) approximates its tile when none is known."""
MARKER_THICKNESS = 3.0
GAP = 10.0
SEARCH_STEP = 8.0
"""Grid step of `free_spot`, in pixels."""
TILE_WEIGHT = 4.0
"""Covering a participant's tile costs this much more per pixel than covering the rest of
the meeting window (its chrome, margins and control bar)."""


def tile_of(face: Box, window: Box, tiles: Sequence[Box] = ()) -> Box:
    """The tile showing ``face``: a found tile containing its centre, else an estimate."""
    for tile in tiles:
        if tile.contains_point(face.cx, face.cy):
            return tile
    sw, sh = TILE_SCALE
    guess = Box(face.cx - face.w * sw / 2, face.cy - face.h * sh / 2, face.w * sw, face.h * sh)
    return clip_box(guess, window)


def clip_box(box: Box, within: Box) -> Box:
    """``box`` cut to ``within`` (empty boxes keep their corner)."""
    x0, y0 = max(box.x, within.x), max(box.y, within.y)
    x1 = min(box.x + box.w, within.x + within.w)
    y1 = min(box.y + box.h, within.y + within.h)
    return Box(x0, y0, max(0.0, x1 - x0), max(0.0, y1 - y0))


def overlaps(a: Box, b: Box) -> bool:
    """Whether two boxes share any area."""
    return a.x < b.x + b.w and b.x < a.x + a.w and a.y < b.y + b.h and b.y < a.y + a.h


def grow(box: Box, fraction: float) -> Box:
    """``box`` grown by ``fraction`` of its size on every side."""
    dx, dy = box.w * fraction, box.h * fraction
    return Box(box.x - dx, box.y - dy, box.w + 2 * dx, box.h + 2 * dy)


def marker_bar(face: Box, window: Box, faces: Sequence[Box], tiles: Sequence[Box] = ()) -> Box:
    """A thin bar along the bottom edge of the face's tile, clear of every face."""
    tile = tile_of(face, window, tiles)
    width = max(24.0, min(tile.w * 0.4, face.w * 1.4))
    x = min(max(face.cx - width / 2, tile.x + 4), tile.x + tile.w - width - 4)
    keep_out = [grow(f, 0.08) for f in faces]
    for y in (
        tile.y + tile.h - MARKER_THICKNESS - 5,
        face.y + face.h * 1.25,
        face.y + face.h * 1.1,
    ):
        bar = Box(x, y, width, MARKER_THICKNESS)
        if not any(overlaps(bar, k) for k in keep_out):
            return clip_box(bar, window)
    return clip_box(Box(x, face.y + face.h + 2, width, MARKER_THICKNESS), window)


def head_of(face: Box) -> Box:
    """The head around a face box (the landmarks stop at the brows and the ears): what the
    overlay must never cover."""
    return Box(face.x - face.w * 0.2, face.y - face.h * 0.45, face.w * 1.4, face.h * 1.6)


def free_spot(
    size: tuple[float, float],
    screen: Box,
    near: tuple[float, float],
    faces: Sequence[Box] = (),
    video: Sequence[tuple[Box, float]] = (),
    taken: Sequence[Box] = (),
) -> Box:
    """The place for a ``size`` box on ``screen`` that covers the least of the call.

    Positions on a grid (`SEARCH_STEP`), plus those flush against every obstacle, are
    ranked by, in turn: area over ``taken`` (the overlay's own windows), area over the
    heads of ``faces``, area over ``video`` (the meeting window and its tiles, each area
    times its weight; see `video_area`) and the distance from ``near``.
    """
    w, h = size
    heads = [head_of(f) for f in faces]
    obstacles = [*taken, *heads, *(b for b, _ in video)]
    xs = _positions(screen.x, screen.x + screen.w - w, w, [(b.x, b.w) for b in obstacles])
    ys = _positions(screen.y, screen.y + screen.h - h, h, [(b.y, b.h) for b in obstacles])
    grid_x, grid_y = np.meshgrid(xs, ys)
    gx, gy = grid_x.ravel(), grid_y.ravel()

    def area(weighted: Sequence[tuple[Box, float]]) -> npt.NDArray[np.float64]:
        total = np.zeros_like(gx)
        for b, weight in weighted:
            ix = np.clip(np.minimum(gx + w, b.x + b.w) - np.maximum(gx, b.x), 0.0, None)
            iy = np.clip(np.minimum(gy + h, b.y + b.h) - np.maximum(gy, b.y), 0.0, None)
            total += weight * ix * iy
        return total

    distance = (gx + w / 2 - near[0]) ** 2 + (gy + h / 2 - near[1]) ** 2
    covered = (area([(b, 1.0) for b in taken]), area([(b, 1.0) for b in heads]), area(video))
    best = np.lexsort((distance, covered[2], covered[1], covered[0]))[0]
    return Box(float(gx[best]), float(gy[best]), w, h)


def _positions(
    lo: float, hi: float, size: float, spans: Sequence[tuple[float, float]]
) -> npt.NDArray[np.float64]:
    """Grid positions from ``lo`` to ``hi`` and the ones flush against each span."""
    if hi <= lo:
        return np.array([lo])
    flush = [p for start, length in spans for p in (start - GAP - size, start + length + GAP)]
    grid = np.arange(lo, hi, SEARCH_STEP)
    points = np.concatenate([grid, [hi], np.asarray(flush, dtype=np.float64)])
    return np.unique(points[(points >= lo) & (points <= hi)])


def video_area(
    window: Box, faces: Sequence[Box], tiles: Sequence[Box] = ()
) -> list[tuple[Box, float]]:
    """The meeting's picture as `free_spot` weighs it: the window (weight 1) and every
    participant's tile, found or estimated from the face (`TILE_WEIGHT`)."""
    shown = [tile_of(f, window, tiles) for f in faces]
    shown += [t for t in tiles if t not in shown]
    return [(window, 1.0), *((t, TILE_WEIGHT) for t in shown)]


@dataclass(frozen=True)
class PanelPlace:
    """Where the panel goes and in which form."""

    box: Box
    beside: bool
    """False: no room beside the meeting; the panel (a pill, unless expanded) is over the
    freest part of it."""


def place_panel(
    full: tuple[float, float],
    pill: tuple[float, float],
    window: Box,
    screen: Box,
    faces: Sequence[Box] = (),
    tiles: Sequence[Box] = (),
    taken: Sequence[Box] = (),
    expanded: bool = False,
    now: Box | None = None,
) -> PanelPlace:
    """Beside the meeting window (right, left, below, above) when the full panel fits there
    clear of ``taken``; else a pill (or, when the user ``expanded`` it, the full panel) at
    the `free_spot` nearest the window's top right corner.

    ``now`` is where the panel is: over the meeting it stays there while it still covers
    no head, no tile and nothing ``taken``, so that it does not wander as faces sway.
    """
    w, h = full
    beside = (
        Box(window.x + window.w + GAP, window.y, w, h),
        Box(window.x - GAP - w, window.y, w, h),
        Box(window.x + window.w - w, window.y + window.h + GAP, w, h),
        Box(window.x + window.w - w, window.y - GAP - h, w, h),
    )
    for box in beside:
        if _inside(box, screen) and not any(overlaps(box, t) for t in taken):
            return PanelPlace(box, beside=True)
    size = full if expanded else pill
    if now is not None and (now.w, now.h) == size and _inside(now, screen):
        blocked = [*taken, *(head_of(f) for f in faces), *tiles]
        blocked += [tile_of(f, window, tiles) for f in faces]
        if not any(overlaps(now, b) for b in blocked):
            return PanelPlace(now, beside=False)
    corner = (window.x + window.w - size[0] / 2 - GAP, window.y + size[1] / 2 + GAP)
    video = video_area(window, faces, tiles)
    return PanelPlace(free_spot(size, screen, corner, faces, video, taken), beside=False)


def place_card(
    size: tuple[float, float],
    panel: Box,
    window: Box,
    screen: Box,
    faces: Sequence[Box] = (),
    tiles: Sequence[Box] = (),
    taken: Sequence[Box] = (),
) -> Box:
    """Where a card or dialog goes: the `free_spot` nearest the panel, clear of it.

    Beside the panel when the panel sits beside the meeting; over the freest part of the
    meeting (never a head, if any place on the screen avoids them all) when it is full
    screen. The card says whom it is about instead of pointing at the face.
    """
    video = video_area(window, faces, tiles)
    return free_spot(size, screen, (panel.cx, panel.cy), faces, video, [panel, *taken])


def _inside(box: Box, screen: Box) -> bool:
    return (
        box.x >= screen.x
        and box.y >= screen.y
        and box.x + box.w <= screen.x + screen.w
        and box.y + box.h <= screen.y + screen.h
    )
