"""The compact control panel: watching indicator, status, pause, focus, "this is me"."""

from __future__ import annotations

from collections.abc import Sequence

from PyQt6.QtCore import QPoint, QSize, Qt, pyqtSignal
from PyQt6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent
from PyQt6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from companion.ui import theme
from companion.ui.ideas import IdeasMenu
from companion.ui.toolwindows import keep_in_view

PANEL_SIZE = (270, 172)
"""Logical pixels."""
PILL_SIZE = (330, 40)
"""The compact form, for a meeting that fills the screen: dot, one line, Pause, More."""
NOBODY = "nobody"


class Indicator(QWidget):
    """A steady dot: green while watching, grey when paused, amber while waiting."""

    def __init__(self) -> None:
        super().__init__()
        self._colour = theme.PAUSED
        self.setFixedSize(QSize(12, 12))

    def set_colour(self, colour: str) -> None:
        """Change the dot's colour (no blinking)."""
        if colour != self._colour:
            self._colour = colour
            self.update()

    @property
    def colour(self) -> str:
        """The colour shown."""
        return self._colour

    def paintEvent(self, event: QPaintEvent | None) -> None:  # noqa: N802 (Qt override)
        """The dot."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(self._colour))
        painter.drawEllipse(1, 1, 10, 10)
        painter.end()


class Panel(QWidget):
    """Status, pause/resume, focus picker, "this is me", and the region, settings and
    ideas buttons.

    Drag it anywhere by its background; once moved by hand it stays where it was put.
    """

    pause_toggled = pyqtSignal(bool)
    focus_changed = pyqtSignal(object)
    me_changed = pyqtSignal(object)
    settings_requested = pyqtSignal()
    region_requested = pyqtSignal()

    def __init__(self, shortcut_text: str) -> None:
        super().__init__()
        self.setObjectName("panel")
        self.setWindowTitle("Companion")
        self.setWindowFlags(
            Qt.WindowType.Tool
            | Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowStaysOnTopHint
        )
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        keep_in_view(self)
        self.setFixedSize(*PANEL_SIZE)
        self.pinned = False
        self.crowded = False
        self.expanded = False
        """The user asked for the whole panel while it would be a pill."""
        self._drag_from: QPoint | None = None
        self._paused = False

        self.indicator = Indicator()
        self.state_label = QLabel("Starting")
        self.state_label.setStyleSheet("font-weight: 600;")
        self.status_label = QLabel("")
        self.status_label.setProperty("role", "dim")
        self.status_label.setWordWrap(True)
        self.hint_label = QLabel(f"{shortcut_text} pauses")
        self.hint_label.setProperty("role", "dim")
        self.hint_label.setStyleSheet("font-size: 11px;")
        self.pause_button = QPushButton("Pause")
        self.pause_button.setToolTip(f"Pause or resume watching ({shortcut_text})")
        self.settings_button = QPushButton("Settings")
        self.region_button = QPushButton("Region")
        self.region_button.setToolTip("Drag a rectangle over the part of the screen to watch")
        self.ideas_menu = IdeasMenu(parent=self)
        self.ideas_button = QPushButton("Ideas")
        self.ideas_button.setToolTip("Snooze the check-in ideas, a calm routine, your check-ins")
        self.ideas_button.setMenu(self.ideas_menu)
        self.focus_box = QComboBox()
        self.me_box = QComboBox()
        self.focus_box.setToolTip("The person you are talking to is watched most closely")
        self.me_box.setToolTip("Your own camera tile: never analysed")
        self.set_participants([])

        self.pill_pause_button = QPushButton("Pause")
        self.pill_pause_button.setToolTip(self.pause_button.toolTip())
        self.more_button = QPushButton("More")
        self.more_button.setToolTip("The whole panel (it may cover part of the call), or the pill")
        for b in (self.pill_pause_button, self.more_button):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.setVisible(False)

        head = QHBoxLayout()
        head.setSpacing(8)
        head.addWidget(self.indicator)
        head.addWidget(self.state_label, 1)
        head.addWidget(self.pill_pause_button)
        head.addWidget(self.more_button)
        picks = QGridLayout()
        picks.setHorizontalSpacing(8)
        picks.setVerticalSpacing(4)
        for row, (name, box) in enumerate((("Focus", self.focus_box), ("This is me", self.me_box))):
            label = QLabel(name)
            label.setProperty("role", "dim")
            picks.addWidget(label, row, 0)
            picks.addWidget(box, row, 1)
        buttons = QHBoxLayout()
        buttons.setSpacing(4)
        for b in (self.pause_button, self.region_button, self.settings_button, self.ideas_button):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            buttons.addWidget(b)
        self.details = QWidget()
        details = QVBoxLayout(self.details)
        details.setContentsMargins(0, 0, 0, 0)
        details.setSpacing(6)
        details.addWidget(self.status_label)
        details.addStretch(1)
        details.addWidget(self.hint_label)
        details.addLayout(picks)
        details.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(6)
        layout.addLayout(head)
        layout.addWidget(self.details, 1)
        self._state = ("Starting", "")

        for b in (self.pause_button, self.pill_pause_button):
            b.clicked.connect(lambda: self.pause_toggled.emit(not self._paused))
        self.more_button.clicked.connect(self._toggle_form)
        self.settings_button.clicked.connect(self.settings_requested.emit)
        self.region_button.clicked.connect(self.region_requested.emit)
        self.focus_box.activated.connect(
            lambda _: self.focus_changed.emit(self._picked(self.focus_box))
        )
        self.me_box.activated.connect(lambda _: self.me_changed.emit(self._picked(self.me_box)))

    def set_state(self, state: str, status: str, colour: str, short: str = "") -> None:
        """The headline ("Watching", "Paused", ...), the status lines and the dot colour.

        ``short`` follows the headline in the pill (for example "9 people").
        """
        self._state = (state, short)
        self.state_label.setText(self._headline())
        self.status_label.setText(status)
        self.indicator.set_colour(colour)

    def set_shortcut(self, keys: str, everywhere: bool) -> None:
        """Say how the pause shortcut works: from anywhere, or only while focused."""
        where = "from anywhere" if everywhere else "while Companion has the focus"
        for widget in (self.pause_button, self.pill_pause_button, self.hint_label):
            widget.setToolTip(f"{keys} pauses {where}")
        self.hint_label.setText(f"{keys} pauses {'from anywhere' if everywhere else 'in here'}")

    def set_paused(self, paused: bool) -> None:
        """Show the pause button for the current state."""
        self._paused = paused
        for b in (self.pause_button, self.pill_pause_button):
            b.setText("Resume" if paused else "Pause")

    def set_crowded(self, crowded: bool) -> None:
        """Whether the meeting leaves no room beside it: the panel is then a pill (headline,
        Pause, More), unless the user pressed More (Less brings the pill back)."""
        self.crowded = crowded
        self._apply_form()

    @property
    def compact(self) -> bool:
        """Whether the pill shows."""
        return self.crowded and not self.expanded

    def _apply_form(self) -> None:
        pill = self.compact
        self.details.setVisible(not pill)
        self.pill_pause_button.setVisible(pill)
        self.more_button.setVisible(self.crowded)
        self.more_button.setText("Less" if self.expanded else "More")
        self.setFixedSize(*(PILL_SIZE if pill else PANEL_SIZE))
        self.state_label.setText(self._headline())

    def _headline(self) -> str:
        state, short = self._state
        return f"{state} \u00b7 {short}" if self.compact and short else state

    def _toggle_form(self) -> None:
        self.expanded = not self.expanded
        self._apply_form()

    def set_participants(self, ids: Sequence[str]) -> None:
        """Offer these participants in the focus and "this is me" pickers."""
        for box, none_text in ((self.focus_box, "anyone"), (self.me_box, "not marked")):
            current = self._picked(box)
            wanted = [none_text, *ids]
            if current is not None and current not in ids:
                wanted.append(current)
            if [box.itemText(i) for i in range(box.count())] == wanted:
                continue
            box.blockSignals(True)
            box.clear()
            box.addItems(wanted)
            box.setCurrentIndex(wanted.index(current) if current in wanted else 0)
            box.blockSignals(False)

    @staticmethod
    def _picked(box: QComboBox) -> str | None:
        return box.currentText() if box.currentIndex() > 0 else None

    def mousePressEvent(self, event: QMouseEvent | None) -> None:  # noqa: N802 (Qt override)
        """Start dragging the panel."""
        if event is not None and event.button() == Qt.MouseButton.LeftButton:
            self._drag_from = event.globalPosition().toPoint() - self.frameGeometry().topLeft()

    def mouseMoveEvent(self, event: QMouseEvent | None) -> None:  # noqa: N802 (Qt override)
        """Drag the panel; it then stays where the user put it."""
        if event is not None and self._drag_from is not None:
            self.move(event.globalPosition().toPoint() - self._drag_from)
            self.pinned = True

    def mouseReleaseEvent(self, event: QMouseEvent | None) -> None:  # noqa: N802 (Qt override)
        """Stop dragging."""
        self._drag_from = None
