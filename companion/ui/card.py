"""The prompt card: one check-in idea beside the panel, naming its person, fading out."""

from __future__ import annotations

from PyQt6.QtCore import QPropertyAnimation, Qt, QTimer, pyqtSignal
from PyQt6.QtGui import QColor, QPainter, QPaintEvent
from PyQt6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from companion.ui import theme
from companion.ui.toolwindows import keep_in_view

CARD_SIZE = (330, 136)
"""Logical pixels."""


def paint_card(widget: QWidget) -> None:
    """The look of every card: background, border and a thin accent line on the left."""
    painter = QPainter(widget)
    painter.fillRect(widget.rect(), QColor(theme.BACKGROUND))
    painter.setPen(QColor(theme.BORDER))
    painter.drawRect(widget.rect().adjusted(0, 0, -1, -1))
    painter.fillRect(0, 0, 3, widget.height(), QColor(theme.FOCUS))
    painter.end()


class PromptCard(QWidget):
    """A small dark card: a title, the question, one line of what moved, three buttons.

    It fades in gently, stays ``lifetime_s`` seconds, then fades out and closes by itself;
    "I asked", "Not now" and "Dismiss" close it at once. Never flashes.
    """

    asked = pyqtSignal()
    """The user pressed I asked (they took the idea up; counted for their reflection)."""
    dismissed = pyqtSignal()
    """The user pressed Dismiss."""
    not_now = pyqtSignal()
    """The user pressed Not now."""
    finished = pyqtSignal()
    """The card is gone (by a button or by fading out)."""

    def __init__(
        self,
        text: str,
        detail: str = "",
        lifetime_s: float = 15.0,
        fade_ms: int = 900,
        parent: QWidget | None = None,
        about: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.setWindowTitle("Companion prompt")
        self.setWindowFlags(
            Qt.WindowType.Tool
            | Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowStaysOnTopHint
            | Qt.WindowType.WindowDoesNotAcceptFocus
        )
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        keep_in_view(self)
        self.setFixedSize(*CARD_SIZE)
        self._fade_ms = fade_ms
        self._done = False

        # The card sits beside the panel, not on the face: it names whom it is about (whose
        # marker is highlighted meanwhile).
        self.title_label = QLabel("CHECK-IN IDEA" + (f" \u00b7 about {about}" if about else ""))
        self.title_label.setProperty("role", "title")
        self.text_label = QLabel(text)
        self.text_label.setProperty("role", "prompt")
        self.text_label.setWordWrap(True)
        self.detail_label = QLabel(detail)
        self.detail_label.setProperty("role", "dim")
        self.detail_label.setVisible(bool(detail))
        self.asked_button = QPushButton("I asked")
        self.asked_button.setProperty("role", "quiet")
        self.asked_button.setToolTip("You took this idea up (counted only for you)")
        self.not_now_button = QPushButton("Not now")
        self.not_now_button.setProperty("role", "quiet")
        self.dismiss_button = QPushButton("Dismiss")
        self.dismiss_button.setProperty("role", "quiet")
        for button in (self.asked_button, self.not_now_button, self.dismiss_button):
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        self.detail_label.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addStretch(1)
        buttons.addWidget(self.asked_button)
        buttons.addWidget(self.not_now_button)
        buttons.addWidget(self.dismiss_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 10, 4)
        layout.setSpacing(3)
        layout.addWidget(self.title_label)
        layout.addWidget(self.text_label, 1)
        layout.addWidget(self.detail_label)
        layout.addLayout(buttons)

        self._fade = QPropertyAnimation(self, b"windowOpacity", self)
        self._life = QTimer(self)
        self._life.setSingleShot(True)
        self._life.setInterval(round(lifetime_s * 1000))
        self._life.timeout.connect(self.fade_out)
        self.asked_button.clicked.connect(self._on_asked)
        self.dismiss_button.clicked.connect(self._on_dismiss)
        self.not_now_button.clicked.connect(self._on_not_now)

    @property
    def text(self) -> str:
        """The question shown."""
        return self.text_label.text()

    def present(self) -> None:
        """Show the card with a short fade-in and start its lifetime."""
        self.setWindowOpacity(0.0)
        self.show()
        self._animate(0.0, 0.96, max(1, self._fade_ms // 3))
        self._life.start()

    def fade_out(self) -> None:
        """Fade out slowly, then close."""
        if self._done:
            return
        self._life.stop()
        self._fade.finished.connect(self._close)
        self._animate(self.windowOpacity(), 0.0, self._fade_ms)

    def close_now(self) -> None:
        """Close at once, without fading (pausing hides the overlay's cards)."""
        self._close()

    def _animate(self, start: float, end: float, ms: int) -> None:
        self._fade.stop()
        self._fade.setDuration(ms)
        self._fade.setStartValue(start)
        self._fade.setEndValue(end)
        self._fade.start()

    def _on_asked(self) -> None:
        self.asked.emit()
        self._close()

    def _on_dismiss(self) -> None:
        self.dismissed.emit()
        self._close()

    def _on_not_now(self) -> None:
        self.not_now.emit()
        self._close()

    def _close(self) -> None:
        if self._done:
            return
        self._done = True
        self._life.stop()
        self._fade.stop()
        self.hide()
        self.finished.emit()

    def paintEvent(self, event: QPaintEvent | None) -> None:  # noqa: N802 (Qt override)
        """The card's look (`paint_card`)."""
        paint_card(self)
