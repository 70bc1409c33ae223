"""Screen (capture) coordinates versus Qt's logical pixels.

mss and the window listers work in physical pixels on X11 and Windows and in points on
macOS; Qt places widgets in logical pixels. On a screen scaled by ``d`` whose logical
geometry starts at ``o``, Qt maps a physical point ``p`` to ``o + (p - o) / d``.
"""

from __future__ import annotations

import sys

from PyQt6.QtCore import QPoint, QRect
from PyQt6.QtGui import QGuiApplication, QScreen

from companion.model import Box


def _screens() -> list[QScreen]:
    return list(QGuiApplication.screens())


def _native_rect(screen: QScreen) -> Box:
    g = screen.geometry()
    d = screen.devicePixelRatio()
    return Box(g.x(), g.y(), g.width() * d, g.height() * d)


def to_logical(box: Box) -> Box:
    """A capture-space box in Qt logical pixels."""
    if sys.platform == "darwin":
        return box
    screen = next(
        (s for s in _screens() if _native_rect(s).contains_point(box.cx, box.cy)),
        QGuiApplication.primaryScreen(),
    )
    if screen is None:
        return box
    d = screen.devicePixelRatio()
    ox, oy = screen.geometry().x(), screen.geometry().y()
    return Box(ox + (box.x - ox) / d, oy + (box.y - oy) / d, box.w / d, box.h / d)


def to_physical(box: Box) -> Box:
    """A logical box in capture-space coordinates."""
    if sys.platform == "darwin":
        return box
    centre = QPoint(round(box.cx), round(box.cy))
    screen = QGuiApplication.screenAt(centre) or QGuiApplication.primaryScreen()
    if screen is None:
        return box
    d = screen.devicePixelRatio()
    ox, oy = screen.geometry().x(), screen.geometry().y()
    return Box(ox + (box.x - ox) * d, oy + (box.y - oy) * d, box.w * d, box.h * d)


def virtual_screen() -> Box:
    """The logical rectangle spanning every screen, less the desktop's own panels (task bar,
    dock): where the overlay's windows may go."""
    screen = QGuiApplication.primaryScreen()
    if screen is None:
        return Box(0, 0, 1920, 1080)
    g = screen.availableVirtualGeometry()
    return Box(g.x(), g.y(), g.width(), g.height())


def to_rect(box: Box) -> QRect:
    """A `Box` as a QRect (rounded)."""
    return QRect(round(box.x), round(box.y), max(1, round(box.w)), max(1, round(box.h)))


def from_rect(rect: QRect) -> Box:
    """A QRect as a `Box`."""
    return Box(rect.x(), rect.y(), rect.width(), rect.height())
