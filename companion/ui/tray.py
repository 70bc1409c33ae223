"""The tray icon with the panel's actions (where the desktop has a tray)."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QAction, QColor, QIcon, QPainter, QPixmap
from PyQt6.QtWidgets import QMenu, QSystemTrayIcon

from companion.ui import theme
from companion.ui.ideas import IdeasMenu


def dot_icon(colour: str) -> QIcon:
    """A round icon in ``colour`` on a dark disc."""
    pixmap = QPixmap(32, 32)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(theme.BACKGROUND))
    painter.drawEllipse(1, 1, 30, 30)
    painter.setBrush(QColor(colour))
    painter.drawEllipse(9, 9, 14, 14)
    painter.end()
    return QIcon(pixmap)


class Tray:
    """Pause/resume, show the panel, settings, choose a region, the ideas menu, quit."""

    def __init__(self) -> None:
        self.menu = QMenu()
        self.pause_action = QAction("Pause", self.menu)
        self.panel_action = QAction("Show panel", self.menu)
        self.settings_action = QAction("Settings", self.menu)
        self.region_action = QAction("Choose a region", self.menu)
        self.quit_action = QAction("Quit", self.menu)
        for action in (self.pause_action, self.panel_action, self.settings_action):
            self.menu.addAction(action)
        self.menu.addAction(self.region_action)
        self.ideas_menu = IdeasMenu(parent=self.menu)
        self.menu.addMenu(self.ideas_menu)
        self.menu.addSeparator()
        self.menu.addAction(self.quit_action)
        self.icon = QSystemTrayIcon(dot_icon(theme.PAUSED))
        self.icon.setContextMenu(self.menu)
        self.icon.setToolTip("Companion")
        self._colour = theme.PAUSED

    @staticmethod
    def available() -> bool:
        """Whether the desktop shows tray icons."""
        return QSystemTrayIcon.isSystemTrayAvailable()

    def show(self) -> None:
        """Show the icon."""
        self.icon.show()

    def set_state(self, paused: bool, colour: str, tooltip: str) -> None:
        """Match the panel: pause label, dot colour and a one-line tooltip."""
        self.pause_action.setText("Resume" if paused else "Pause")
        if colour != self._colour:
            self._colour = colour
            self.icon.setIcon(dot_icon(colour))
        self.icon.setToolTip(f"Companion: {tooltip}")
