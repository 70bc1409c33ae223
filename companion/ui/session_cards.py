"""Before and after a call: the calm routine card and the private reflection card.

Both show the packaged wording of `companion.prompts.session`. The routine steps itself
through on a timer and closes at its end; the reflection card stays until closed, since it
comes after the call.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PyQt6.QtCore import Qt, QTimer, pyqtSignal
from PyQt6.QtGui import QPaintEvent
from PyQt6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from companion.prompts.session import CalmRoutine, ReflectionCard
from companion.ui.card import paint_card
from companion.ui.toolwindows import keep_in_view

ROUTINE_SIZE = (330, 170)
"""Logical pixels."""
REFLECTION_WIDTH = 330
TICK_MS = 100


class _SessionCard(QWidget):
    """A card window in the overlay's style: frameless, on top, with one close button."""

    finished = pyqtSignal()
    """The card is gone."""

    def __init__(self, title: str, close_text: str) -> None:
        super().__init__()
        self.setObjectName("card")
        self.setWindowTitle(f"Companion: {title}")
        self.setWindowFlags(
            Qt.WindowType.Tool
            | Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowStaysOnTopHint
        )
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        keep_in_view(self)
        self.title_label = QLabel(title.upper())
        self.title_label.setProperty("role", "title")
        self.close_button = QPushButton(close_text)
        self.close_button.setProperty("role", "quiet")
        self.close_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.close_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.close_button.clicked.connect(self.finish)
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(16, 10, 10, 4)
        self.body.setSpacing(4)
        self.body.addWidget(self.title_label)
        self._done = False

    def add_button_row(self) -> None:
        """The close button, bottom right (call after the content)."""
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addStretch(1)
        row.addWidget(self.close_button)
        self.body.addLayout(row)

    def finish(self) -> None:
        """Close the card (once)."""
        if self._done:
            return
        self._done = True
        self.hide()
        self.finished.emit()

    def paintEvent(self, event: QPaintEvent | None) -> None:  # noqa: N802 (Qt override)
        """The card's look (`paint_card`)."""
        paint_card(self)


class CalmRoutineCard(_SessionCard):
    """The optional pre-call routine: one step at a time, counts where a step has them."""

    def __init__(self, routine: CalmRoutine, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(routine.title, "Skip")
        self.routine = routine
        self._clock = clock
        self._started: float | None = None
        self.setFixedSize(*ROUTINE_SIZE)
        self.step_label = QLabel("")
        self.step_label.setProperty("role", "prompt")
        self.step_label.setWordWrap(True)
        self.count_label = QLabel("")
        self.count_label.setStyleSheet("font-size: 22px;")
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(3)
        self.progress.setRange(0, 1000)
        self.body.addWidget(self.step_label, 1)
        self.body.addWidget(self.count_label)
        self.body.addWidget(self.progress)
        self.add_button_row()
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self.tick)
        self.finished.connect(self._timer.stop)

    def start(self) -> None:
        """Show the first step and start the clock."""
        self._started = self._clock()
        self.show()
        self.tick()
        self._timer.start()

    def tick(self) -> None:
        """Show the step of this moment; close at the end of the routine."""
        if self._started is None:
            return
        elapsed = self._clock() - self._started
        moment = self.routine.at(max(0.0, elapsed))
        if moment is None:
            self.finish()
            return
        self.step_label.setText(moment.text)
        self.count_label.setText("" if moment.count is None else str(moment.count))
        done = 1.0 - moment.total_left_s / self.routine.total_s
        self.progress.setValue(round(1000 * done))


class ReflectionCardWidget(_SessionCard):
    """After a call: the user's own check-ins, counted, and one question to take away."""

    def __init__(self, card: ReflectionCard) -> None:
        super().__init__(card.title, "Close")
        self.setFixedWidth(REFLECTION_WIDTH)
        subtitle = QLabel(card.subtitle)
        subtitle.setProperty("role", "dim")
        subtitle.setWordWrap(True)
        self.body.addWidget(subtitle)
        self.line_labels = [QLabel(line) for line in card.lines]
        for label in self.line_labels:
            label.setWordWrap(True)
            self.body.addWidget(label)
        self.closing_label = QLabel(card.closing)
        self.closing_label.setProperty("role", "prompt")
        self.closing_label.setWordWrap(True)
        self.body.addSpacing(4)
        self.body.addWidget(self.closing_label)
        self.add_button_row()
        self.adjustSize()
