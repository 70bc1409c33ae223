"""First-run explanation, settings, and the drag-a-rectangle region picker."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace

from PyQt6.QtCore import QPoint, QRect, Qt, pyqtSignal
from PyQt6.QtGui import (
    QColor,
    QGuiApplication,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPixmap,
)
from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from companion.cues.rules import load_rules
from companion.model import Box
from companion.prompts.library import CONTEXTS, PATTERNS
from companion.settings import PACINGS, SENSITIVITIES, Settings
from companion.ui import theme

log = logging.getLogger(__name__)

CONTEXT_NAMES = {
    "meeting": "a meeting",
    "interviewer": "an interview I lead",
    "candidate": "an interview I am in",
    "one-on-one": "a one-on-one",
}
"""How the settings name each context (the settings file keeps the ids)."""
FALLBACK_NOTICE = (
    "I'm using Companion, an on-device app that notices brief facial movements and "
    "reminds me to check in; nothing is recorded or sent anywhere."
)

WHAT_IT_DOES = (
    "<p><b>What Companion does</b></p>"
    "<ul>"
    "<li>Watches the meeting window on this computer and follows the faces in it.</li>"
    "<li>Notices brief movements (brows drawn together, lips pressed) and, now and then, "
    "suggests an open question you could ask.</li>"
    "<li>Runs entirely on this device. Nothing is recorded, saved or sent.</li>"
    "</ul>"
    "<p><b>What it does not do</b></p>"
    "<ul>"
    "<li>It does not read emotions, detect lies or judge anyone.</li>"
    "<li>It is not for hiring, grading or any decision about a person.</li>"
    "<li>Your own camera tile can be marked \u201cthis is me\u201d and is then never "
    "analysed.</li>"
    "</ul>"
    "<p>You can pause it any time (the green dot shows it is watching). It is fair to "
    "let the others know; you can paste this into the meeting chat:</p>"
)


def notice_sentence(context: str) -> str:
    """The sentence to paste into the chat, from the prompts library when installed."""
    try:
        from companion.prompts.library import default_library

        return default_library().notice(context)
    except Exception:
        log.info("prompts library not available; using the built-in notice", exc_info=True)
        return FALLBACK_NOTICE


class FirstRunDialog(QDialog):
    """What it does and does not do, and a sentence to paste into the meeting chat.

    ``sharing`` is what to know before sharing the screen (`companion.ui.sharing`), shown
    under the sentence; None where the overlay stays out of a shared screen.
    """

    def __init__(self, context: str, sharing: str | None = None) -> None:
        super().__init__()
        self.setWindowTitle("Welcome to Companion")
        self.setMinimumWidth(460)
        body = QLabel(WHAT_IT_DOES)
        body.setWordWrap(True)
        body.setTextFormat(Qt.TextFormat.RichText)
        self.sentence = QPlainTextEdit(notice_sentence(context))
        self.sentence.setReadOnly(True)
        self.sentence.setFixedHeight(64)
        copy = QPushButton("Copy sentence")
        copy.clicked.connect(self._copy)
        ok = QPushButton("Got it")
        ok.setDefault(True)
        ok.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(copy)
        buttons.addStretch(1)
        buttons.addWidget(ok)
        layout = QVBoxLayout(self)
        layout.addWidget(body)
        layout.addWidget(self.sentence)
        self.sharing_label: QLabel | None = None
        if sharing:
            self.sharing_label = QLabel(f"<p><b>Sharing your screen</b></p><p>{sharing}</p>")
            self.sharing_label.setWordWrap(True)
            self.sharing_label.setTextFormat(Qt.TextFormat.RichText)
            layout.addWidget(self.sharing_label)
        layout.addLayout(buttons)

    def _copy(self) -> None:
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None:
            clipboard.setText(self.sentence.toPlainText())


class SettingsDialog(QDialog):
    """Context, sensitivity, patterns on or off, CPU budget and prompt pacing."""

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.setWindowTitle("Settings")
        self._base = settings
        self.context = _combo(CONTEXTS, settings.context, CONTEXT_NAMES)
        self.sensitivity = _combo(SENSITIVITIES, settings.sensitivity)
        self.pacing = _combo(PACINGS, settings.pacing)
        shown = {p.name: p.shown for p in load_rules()}
        self.patterns = {p: QCheckBox(shown.get(p, p)) for p in PATTERNS}
        for name, box in self.patterns.items():
            box.setChecked(settings.pattern_enabled(name))
        self.cpu = QSlider(Qt.Orientation.Horizontal)
        self.cpu.setRange(10, 100)
        self.cpu.setSingleStep(10)
        self.cpu.setValue(round(settings.cpu_budget * 100))
        cpu_label = QLabel()
        cpu_label.setProperty("role", "dim")
        self.cpu.valueChanged.connect(lambda v: cpu_label.setText(f"{v}% of the processor"))
        cpu_label.setText(f"{self.cpu.value()}% of the processor")
        pattern_row = QHBoxLayout()
        for box in self.patterns.values():
            pattern_row.addWidget(box)
        form = QFormLayout()
        form.addRow("This call", self.context)
        form.addRow("Sensitivity", self.sensitivity)
        form.addRow("Prompts come", self.pacing)
        form.addRow("Check-ins after", pattern_row)
        form.addRow("CPU budget", self.cpu)
        form.addRow("", cpu_label)
        save = QPushButton("Save")
        save.setDefault(True)
        save.clicked.connect(self.accept)
        cancel = QPushButton("Cancel")
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)

    def chosen(self) -> Settings:
        """The settings as the dialog shows them."""
        return replace(
            self._base,
            context=self.context.currentData(),
            sensitivity=self.sensitivity.currentData(),
            pacing=self.pacing.currentData(),
            patterns={
                **self._base.patterns,
                **{p: b.isChecked() for p, b in self.patterns.items()},
            },
            cpu_budget=self.cpu.value() / 100,
        )


def _combo(
    values: tuple[str, ...], current: str, names: Mapping[str, str] | None = None
) -> QComboBox:
    """A picker showing ``names`` of ``values`` (the values themselves when None); each
    item's data is its value."""
    box = QComboBox()
    for value in values:
        box.addItem((names or {}).get(value, value), value)
    box.setCurrentIndex(values.index(current) if current in values else 0)
    return box


class RegionPicker(QWidget):
    """Full-screen: drag a rectangle over any part of the screen; Esc cancels.

    It shows a dimmed still of the screen under the rectangle being drawn, so it needs no
    compositor. Emits ``picked`` with the rectangle in logical pixels.
    """

    picked = pyqtSignal(object)
    cancelled = pyqtSignal()

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("Choose a region")
        self.setWindowFlags(Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint)
        screen = QGuiApplication.primaryScreen()
        self._still = screen.grabWindow() if screen is not None else QPixmap()
        area = screen.virtualGeometry() if screen is not None else QRect(0, 0, 800, 600)
        self.setGeometry(area)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self._start: QPoint | None = None
        self._end: QPoint | None = None

    def selection(self) -> QRect | None:
        """The rectangle being drawn, in widget pixels, as wide as the drag went."""
        if self._start is None or self._end is None:
            return None
        # QRect(corner, corner) holds both corner pixels: one pixel more than the drag.
        a, b = self._start, self._end
        return QRect(min(a.x(), b.x()), min(a.y(), b.y()), abs(b.x() - a.x()), abs(b.y() - a.y()))

    def mousePressEvent(self, event: QMouseEvent | None) -> None:  # noqa: N802 (Qt override)
        """Start the rectangle."""
        if event is not None:
            self._start = self._end = event.position().toPoint()
            self.update()

    def mouseMoveEvent(self, event: QMouseEvent | None) -> None:  # noqa: N802 (Qt override)
        """Stretch the rectangle."""
        if event is not None and self._start is not None:
            self._end = event.position().toPoint()
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent | None) -> None:  # noqa: N802 (Qt override)
        """Finish: a rectangle of some size is picked, a click cancels."""
        rect = self.selection()
        self.close()
        if rect is None or rect.width() < 40 or rect.height() < 40:
            self.cancelled.emit()
            return
        origin = self.geometry().topLeft()
        self.picked.emit(
            Box(rect.x() + origin.x(), rect.y() + origin.y(), rect.width(), rect.height())
        )

    def keyPressEvent(self, event: QKeyEvent | None) -> None:  # noqa: N802 (Qt override)
        """Esc cancels."""
        if event is not None and event.key() == Qt.Key.Key_Escape:
            self.close()
            self.cancelled.emit()

    def paintEvent(self, event: QPaintEvent | None) -> None:  # noqa: N802 (Qt override)
        """The dimmed still, the rectangle shown bright with a thin outline."""
        painter = QPainter(self)
        painter.drawPixmap(self.rect(), self._still)
        painter.fillRect(self.rect(), QColor(0, 0, 0, 140))
        rect = self.selection()
        if rect is not None:
            painter.drawPixmap(
                rect, self._still, _source_rect(rect, self._still, self.size().width())
            )
            painter.setPen(QColor(theme.FOCUS))
            painter.drawRect(rect.adjusted(0, 0, -1, -1))
        painter.setPen(QColor(theme.TEXT))
        painter.drawText(
            self.rect().adjusted(0, 24, 0, 0),
            Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
            "Drag over the meeting's video area. Esc cancels.",
        )
        painter.end()


def _source_rect(rect: QRect, still: QPixmap, width: int) -> QRect:
    scale = still.width() / width if width else 1.0
    return QRect(
        round(rect.x() * scale),
        round(rect.y() * scale),
        round(rect.width() * scale),
        round(rect.height() * scale),
    )
