"""Where the overlay's pieces go: pure geometry on `Box`, no Qt.

All boxes share one coordinate space (the UI uses Qt's logical pixels). Markers sit at
the bottom edge of each participant's tile, never over a face; the prompt card goes as
near the face as it can without covering any face; the panel goes beside the window, or
over a part of it that shows no face.
"""

from __future__ import annotations

from collections.abc import Sequence

from companion.model import Box

TILE_SCALE = (2.4, 1.9)
"""A face box grown by this much (width, height) approximates its tile when none is known."""
MARKER_THICKNESS = 3.0
GAP = 10.0


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


def place_card(
    size: tuple[float, float],
    face: Box,
    window: Box,
    faces: Sequence[Box],
    screen: Box,
    tiles: Sequence[Box] = (),
) -> Box:
    """Where the prompt card goes: as near ``face`` as it can be while covering no face.

    Candidates lie inside the face's tile (bottom, top, beside the face), just under or
    above the face, and outside the window on each side. Among those fully on the screen,
    the one covering the least face area wins, then the one nearest the face.
    """
    w, h = size
    keep_out = [grow(f, 0.15) for f in faces]
    tile = tile_of(face, window, tiles)
    xs = (tile.cx - w / 2, tile.x + GAP, tile.x + tile.w - w - GAP, face.cx - w / 2)
    ys = (
        tile.y + tile.h - h - GAP,
        tile.y + GAP,
        face.y + face.h * 1.15,
        face.y - face.h * 0.2 - h,
    )
    candidates = [Box(x, y, w, h) for y in ys for x in xs]
    candidates += [
        Box(face.x + face.w + GAP, face.cy - h / 2, w, h),
        Box(face.x - GAP - w, face.cy - h / 2, w, h),
        Box(window.x + window.w + GAP, face.cy - h / 2, w, h),
        Box(window.x - GAP - w, face.cy - h / 2, w, h),
        Box(face.cx - w / 2, window.y + window.h + GAP, w, h),
        Box(face.cx - w / 2, window.y - GAP - h, w, h),
    ]
    on_screen = [c for c in candidates if _inside(c, screen)]
    if not on_screen:
        return _clamp(Box(face.cx - w / 2, face.y + face.h + GAP, w, h), screen)

    def cost(box: Box) -> tuple[float, float]:
        covered = sum(_intersection(box, k) for k in keep_out)
        return covered, (box.cx - face.cx) ** 2 + (box.cy - face.cy) ** 2

    return min(on_screen, key=cost)


def _intersection(a: Box, b: Box) -> float:
    ix = max(0.0, min(a.x + a.w, b.x + b.w) - max(a.x, b.x))
    iy = max(0.0, min(a.y + a.h, b.y + b.h) - max(a.y, b.y))
    return ix * iy


def place_panel(
    size: tuple[float, float], window: Box, screen: Box, faces: Sequence[Box] = ()
) -> Box:
    """Where the panel goes: beside the window (right, left, below, above), else where it
    covers the fewest faces and then the least of the window: one of those places pushed
    onto the screen, or a window corner (top right first).
    """
    w, h = size
    outside = (
        Box(window.x + window.w + GAP, window.y, w, h),
        Box(window.x - GAP - w, window.y, w, h),
        Box(window.x + window.w - w, window.y + window.h + GAP, w, h),
        Box(window.x + window.w - w, window.y - GAP - h, w, h),
    )
    for box in outside:
        if _inside(box, screen):
            return box
    right, bottom = window.x + window.w - w - GAP, window.y + window.h - h - GAP
    corners = [
        Box(x, y, w, h)
        for x, y in (
            (right, window.y + GAP),
            (right, bottom),
            (window.x + GAP, bottom),
            (window.x + GAP, window.y + GAP),
        )
    ]
    keep_out = [grow(f, 0.1) for f in faces]
    candidates = [_clamp(box, screen) for box in (*corners, *outside)]

    def cost(box: Box) -> tuple[int, float]:
        covered = clip_box(box, window)
        return sum(overlaps(box, k) for k in keep_out), covered.w * covered.h

    return min(candidates, key=cost)


def _inside(box: Box, screen: Box) -> bool:
    return (
        box.x >= screen.x
        and box.y >= screen.y
        and box.x + box.w <= screen.x + screen.w
        and box.y + box.h <= screen.y + screen.h
    )


def _clamp(box: Box, screen: Box) -> Box:
    x = min(max(box.x, screen.x), screen.x + screen.w - box.w)
    y = min(max(box.y, screen.y), screen.y + screen.h - box.h)
    return Box(x, y, box.w, box.h)
