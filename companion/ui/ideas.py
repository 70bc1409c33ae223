"""The ideas menu, shared by the panel and the tray."""

from __future__ import annotations

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtGui import QAction
from PyQt6.QtWidgets import QMenu, QWidget

from companion.prompts.pacing import SNOOZE_CHOICES_MIN


class IdeasMenu(QMenu):
    """Snooze or resume the check-in ideas, the calm routine, the user's own check-ins."""

    snooze_requested = pyqtSignal(int)
    """Minutes of quiet asked for."""
    resume_requested = pyqtSignal()
    calm_requested = pyqtSignal()
    checkins_requested = pyqtSignal()

    def __init__(self, title: str = "Ideas", parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.snooze_actions: dict[int, QAction] = {}
        for minutes in SNOOZE_CHOICES_MIN:
            action = self.addAction(f"Snooze ideas for {minutes} minutes")
            assert action is not None
            action.triggered.connect(lambda _=False, m=minutes: self.snooze_requested.emit(m))
            self.snooze_actions[minutes] = action
        self.resume_action = self.addAction("Resume ideas")
        self.addSeparator()
        self.calm_action = self.addAction("Calm routine (20 s)")
        self.checkins_action = self.addAction("My check-ins so far")
        for action, signal in (
            (self.resume_action, self.resume_requested),
            (self.calm_action, self.calm_requested),
            (self.checkins_action, self.checkins_requested),
        ):
            assert action is not None
            action.triggered.connect(signal.emit)
