"""Replay your own recording moment by moment: ``companion review VIDEO --player``.

The video plays in a `companion.ui.frame_player.FramePlayer`. The moments of the review
sit as marks on a timeline under the picture; the panel beside it says what moved in the
current moment and which movements are under way at this very frame.

Keys: Space play or pause · N / P next or previous moment · S replay the current moment
at quarter speed · Right / Left one frame forward or back · L loop on or off ·
Home back to the start · Esc close.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from PyQt6.QtCore import QRectF, Qt, pyqtSignal
from PyQt6.QtGui import QColor, QKeyEvent, QMouseEvent, QPainter, QPaintEvent
from PyQt6.QtWidgets import QApplication, QLabel, QSizePolicy, QWidget

from companion.model import CueEvent
from companion.review import wording
from companion.review.moments import Moment
from companion.review.report import Review
from companion.ui.frame_player import FramePlayer
from companion.ui.qtenv import scrub_cv2_qt_paths

SLOW = 0.25
"""Replay speed of a moment."""
LEAD_S = 0.5
"""By default a slow replay starts this long before the moment and runs this long after."""
KEYS_HELP = (
    "Space play/pause · N/P next/previous moment · S replay at 1/4 speed · "
    "→/← one frame · L loop · Home start · Esc close"
)


class MomentTimeline(QWidget):
    """The whole video as a bar, the moments as marks, the play position as a line."""

    seek_requested = pyqtSignal(float)
    """Emitted with the time the user clicked."""

    def __init__(self, duration_s: float, moments: Sequence[Moment]) -> None:
        super().__init__()
        self.duration_s = max(duration_s, 1e-3)
        self.moments = list(moments)
        self.position_s = 0.0
        self.current: int | None = None
        self.setMinimumHeight(34)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_position(self, t: float, current: int | None) -> None:
        """Move the play line to ``t`` and highlight moment ``current``."""
        self.position_s, self.current = t, current
        self.update()

    def x_of(self, t: float) -> float:
        """Horizontal pixel of time ``t``."""
        return 4 + (self.width() - 8) * min(max(t / self.duration_s, 0.0), 1.0)

    def paintEvent(self, event: QPaintEvent | None) -> None:  # noqa: N802 (Qt's name)
        """Draw the bar, the moments and the play line."""
        painter = QPainter(self)
        h = self.height()
        painter.fillRect(QRectF(4, h / 2 - 4, self.width() - 8, 8), QColor("#cbd5e0"))
        for i, m in enumerate(self.moments):
            x0, x1 = self.x_of(m.start), self.x_of(m.end)
            colour = QColor("#c05621") if i == self.current else QColor("#f6ad55")
            painter.fillRect(QRectF(x0, 4, max(3.0, x1 - x0), h - 8), colour)
        painter.fillRect(QRectF(self.x_of(self.position_s) - 1, 0, 2, h), QColor("#1a202c"))
        painter.end()

    def mousePressEvent(self, event: QMouseEvent | None) -> None:  # noqa: N802 (Qt's name)
        """Seek to the clicked time."""
        if event is None:
            return
        share = (event.position().x() - 4) / max(1.0, self.width() - 8)
        self.seek_requested.emit(min(max(share, 0.0), 1.0) * self.duration_s)


class ReviewPlayer(FramePlayer):
    """The video, its moments on a timeline, and what moved beside it."""

    def __init__(
        self,
        video: Path,
        moments: Sequence[Moment],
        events: Sequence[CueEvent] = (),
        lead_s: float = LEAD_S,
    ) -> None:
        super().__init__(video)
        self.lead_s = lead_s
        self.moments = sorted(moments, key=lambda m: m.start)
        self.events = list(events)
        self.selected: int | None = None
        self._build(video)
        self.seek_frame(0)

    # Layout

    def _build(self, video: Path) -> None:
        self.setWindowTitle(f"Companion review: {video.name}")
        self.timeline = MomentTimeline(self.duration_s, self.moments)
        self.timeline.seek_requested.connect(self.seek_time)
        self.status_label = QLabel()
        self.title_label = QLabel()
        self.title_label.setStyleSheet("font-size: 16px; font-weight: bold;")
        self.when_label = QLabel()
        self.moved_label = QLabel()
        self.tip_label = QLabel()
        self.now_label = QLabel()
        for label in (self.title_label, self.moved_label, self.tip_label, self.now_label):
            label.setWordWrap(True)
        self.tip_label.setStyleSheet("background: #ebf8ff; padding: 6px; border-radius: 4px;")
        keys = QLabel(KEYS_HELP)
        keys.setWordWrap(True)
        keys.setStyleSheet("color: #4a5568;")
        self.lay_out(
            self.timeline,
            (
                self.title_label,
                self.when_label,
                self.moved_label,
                self.tip_label,
                self.now_label,
            ),
            (self.status_label, keys),
            300,
            (1040, 600),
        )

    # Moments

    def moment_at(self, t: float) -> int | None:
        """Index of the moment covering ``t`` (the selected one first), or None."""
        half = 0.5 / self.fps
        if self.selected is not None:
            m = self.moments[self.selected]
            if m.start - half <= t <= m.end + half:
                return self.selected
        for i, m in enumerate(self.moments):
            if m.start - half <= t <= m.end + half:
                return i
        return None

    def next_moment(self) -> None:
        """Jump to the start of the next moment (after the one selected or under way)."""
        start = self._reference_start()
        later = [i for i, m in enumerate(self.moments) if m.start > start + 0.5 / self.fps]
        if later:
            self.select(later[0])

    def previous_moment(self) -> None:
        """Jump to the start of the previous moment."""
        start = self._reference_start()
        earlier = [i for i, m in enumerate(self.moments) if m.start < start - 0.5 / self.fps]
        if earlier:
            self.select(earlier[-1])

    def _reference_start(self) -> float:
        current = self.moment_at(self.t)
        return self.moments[current].start if current is not None else self.t

    def select(self, number: int) -> None:
        """Select moment ``number`` (0-based) and show its first frame, paused."""
        self.selected = number
        self.seek_time(self.moments[number].start)

    def replay_slow(self) -> None:
        """Replay the current moment, with a little before and after, at quarter speed."""
        current = self.moment_at(self.t)
        if current is None:
            current = self.selected
        if current is None:
            if not self.moments:
                return
            current = min(
                range(len(self.moments)), key=lambda i: abs(self.moments[i].start - self.t)
            )
        self.selected = current
        m = self.moments[current]
        first, last = self.frame_of(m.start - self.lead_s), self.frame_of(m.end + self.lead_s)
        self.pause()
        self.seek_frame(first)
        self.replay_range = (first, last)
        self.play(SLOW)

    # Display

    def refresh(self) -> None:
        """The moment under way, what moves at this frame, and the play state."""
        t = self.t
        current = self.moment_at(t)
        self.timeline.set_position(t, current)
        if current is None:
            upcoming = [(i, m) for i, m in enumerate(self.moments) if m.start > t]
            self.title_label.setText("Between moments")
            self.when_label.setText(
                f"Next: moment {upcoming[0][0] + 1} at {wording.clock(upcoming[0][1].start)}"
                if upcoming
                else "No more moments after this point."
            )
            self.moved_label.setText("")
            self.tip_label.setText("")
            self.tip_label.setVisible(False)
        else:
            m = self.moments[current]
            brief = f" · {wording.BRIEF_NOTE}" if m.brief else ""
            self.title_label.setText(f"{current + 1}. {wording.title(m)}")
            self.when_label.setText(
                f"{wording.clock(m.start)} to {wording.clock(m.end)} · "
                f"{wording.seconds(m.duration)}{brief}"
            )
            self.moved_label.setText(f"What moved: {wording.moved(m.moved)}.")
            self.tip_label.setText(f"Tip: {wording.tip(m)}")
            self.tip_label.setVisible(True)
        self.now_label.setText(f"Moving at this frame: {self.moving_now()}")
        self._update_status()

    def moving_now(self) -> str:
        """The movements under way at the frame shown, in plain words."""
        half = 0.5 / self.fps
        cues = [e.cue for e in self.events if e.start - half <= self.t <= e.end + half]
        return wording.moved(cues) if cues else "nothing beyond your resting face"

    def _update_status(self) -> None:
        state = "playing" if self.playing else "paused"
        speed = " at 1/4 speed" if self.playing and self.speed == SLOW else ""
        loop = " · loop on" if self.loop else ""
        self.status_label.setText(
            f"{wording.clock(self.t)} · frame {self.index + 1} of {self.reader.count} · "
            f"{state}{speed}{loop}"
        )

    # Qt events

    def keyPressEvent(self, event: QKeyEvent | None) -> None:  # noqa: N802 (Qt's name)
        """The player's keys (see the module notes)."""
        if event is None:
            return
        actions = {
            Qt.Key.Key_Space: self.toggle_play,
            Qt.Key.Key_N: self.next_moment,
            Qt.Key.Key_PageDown: self.next_moment,
            Qt.Key.Key_P: self.previous_moment,
            Qt.Key.Key_PageUp: self.previous_moment,
            Qt.Key.Key_S: self.replay_slow,
            Qt.Key.Key_Right: lambda: self.step(1),
            Qt.Key.Key_Period: lambda: self.step(1),
            Qt.Key.Key_Left: lambda: self.step(-1),
            Qt.Key.Key_Comma: lambda: self.step(-1),
            Qt.Key.Key_L: self.toggle_loop,
            Qt.Key.Key_Home: lambda: self.seek_time(0.0),
            Qt.Key.Key_Escape: self.close,
        }
        action = actions.get(Qt.Key(event.key()))
        if action is None:
            super().keyPressEvent(event)
            return
        action()


def show_player(video: Path, review: Review) -> int:
    """Open the player on ``video`` with the moments of ``review`` until it is closed."""
    scrub_cv2_qt_paths()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    events = review.signals.events if review.signals is not None else ()
    player = ReviewPlayer(video, review.moments, events)
    player.show()
    player.setFocus()
    return int(app.exec())
