"""Thin markers at the bottom edge of each participant's tile, never over a face.

One frameless, click-through window over the meeting window, shaped (X Shape, or the
platform's equivalent) to the markers alone, so it needs no compositor: everything
outside the markers is not part of the window at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PyQt6.QtCore import QRect, Qt
from PyQt6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QRegion
from PyQt6.QtWidgets import QWidget

from companion.model import Box
from companion.ui import theme
from companion.ui.geometry import to_rect
from companion.ui.layout import MARKER_THICKNESS, clip_box, marker_bar
from companion.ui.toolwindows import keep_in_view

LABEL_GAP = 4


@dataclass(frozen=True)
class Marker:
    """One participant's marker in logical screen pixels."""

    id: str
    bar: Box
    label: str
    style: str = "normal"
    """``normal``, ``focus``, ``me`` or ``about`` (the person a check-in card is about)."""


STEADY_PX = 6.0
"""A marker moves only when its place changed by more than this: faces sway, markers stay."""


def build_markers(
    window: Box,
    faces: Sequence[tuple[str, Box]],
    focus: str | None,
    me: str | None,
    tiles: Sequence[Box] = (),
    me_tile: Box | None = None,
    about: str | None = None,
) -> list[Marker]:
    """A marker per participant (logical pixels); the user's own tile is labelled "me", and
    the person the card showing now is ``about`` is highlighted.

    Once the user's tile is kept out of analysis its face is no longer reported, so
    ``me_tile`` (that tile) gets the "me" marker along its bottom edge instead.
    """
    boxes = [b for _, b in faces]
    markers = []
    for pid, face in faces:
        style = "me" if pid == me else "about" if pid == about else "normal"
        style = "focus" if style == "normal" and pid == focus else style
        label = "me" if pid == me else pid
        markers.append(Marker(pid, marker_bar(face, window, boxes, tiles), label, style))
    if me_tile is not None and not any(pid == me for pid, _ in faces):
        width = me_tile.w * 0.4
        y = me_tile.y + me_tile.h - MARKER_THICKNESS - 5  # where marker_bar puts a tile's bar
        bar = Box(me_tile.cx - width / 2, y, width, MARKER_THICKNESS)
        markers.append(Marker("me", clip_box(bar, window), "me", "me"))
    return markers


def steady(new: Sequence[Marker], old: Sequence[Marker]) -> list[Marker]:
    """``new`` markers, keeping each old bar that moved less than `STEADY_PX`."""
    before = {m.id: m for m in old}
    out = []
    for m in new:
        prev = before.get(m.id)
        if prev is not None and _near(prev.bar, m.bar):
            m = Marker(m.id, prev.bar, m.label, m.style)
        out.append(m)
    return out


def _near(a: Box, b: Box) -> bool:
    return max(abs(a.x - b.x), abs(a.y - b.y), abs(a.w - b.w)) <= STEADY_PX


class MarkerLayer(QWidget):
    """Draws `Marker` bars and their small labels; transparent to the mouse."""

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("Companion markers")
        self.setWindowFlags(
            Qt.WindowType.Tool
            | Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowStaysOnTopHint
            | Qt.WindowType.WindowTransparentForInput
            | Qt.WindowType.WindowDoesNotAcceptFocus
        )
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        keep_in_view(self)
        self._font = QFont()
        self._font.setPixelSize(10)
        self._markers: list[Marker] = []
        self._area = Box(0, 0, 0, 0)
        self._pieces: list[tuple[Marker, QRect, QRect]] = []

    def set_markers(self, window: Box, markers: Sequence[Marker]) -> None:
        """Place the layer over ``window`` and draw ``markers`` (hidden when none)."""
        markers = steady(markers, self._markers)
        if markers == self._markers and self.isVisible() and self._area == window:
            return
        self._markers = list(markers)
        self._area = window
        if not markers or window.w < 1 or window.h < 1:
            self.hide()
            self._pieces = []
            return
        area = to_rect(window)
        metrics = QFontMetrics(self._font)
        self._pieces = []
        region = QRegion()
        for m in markers:
            bar = to_rect(m.bar).translated(-area.x(), -area.y())
            tw = metrics.horizontalAdvance(m.label) + 8
            th = metrics.height() + 2
            label = QRect(bar.x() - tw - LABEL_GAP, bar.center().y() - th // 2, tw, th)
            self._pieces.append((m, bar, label))
            region = region.united(QRegion(bar)).united(QRegion(label))
        self.setGeometry(area)
        self.setMask(region)
        self.show()
        self.update()

    @property
    def markers(self) -> list[Marker]:
        """The markers shown now."""
        return list(self._markers)

    def painted_boxes(self) -> list[Box]:
        """Screen rectangles (logical) this layer paints, for masking them from capture."""
        if not self.isVisible():
            return []
        origin = self.geometry().topLeft()
        out = []
        for _, bar, label in self._pieces:
            for r in (bar, label):
                out.append(Box(r.x() + origin.x(), r.y() + origin.y(), r.width(), r.height()))
        return out

    def paintEvent(self, event: QPaintEvent | None) -> None:  # noqa: N802 (Qt override)
        """Bars in a quiet grey (focus blue, "me" violet, the card's person amber), labels
        on a dark chip."""
        painter = QPainter(self)
        painter.setFont(self._font)
        styles = {"focus": theme.FOCUS, "me": theme.ME, "about": theme.ABOUT}
        for m, bar, label in self._pieces:
            colour = QColor(styles.get(m.style, theme.MARKER))
            painter.fillRect(bar, colour)
            painter.fillRect(label, QColor(theme.BACKGROUND))
            painter.setPen(colour)
            painter.drawText(label, Qt.AlignmentFlag.AlignCenter, m.label)
        painter.end()
