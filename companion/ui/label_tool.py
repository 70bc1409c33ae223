"""Label a clip frame by frame: ``companion label VIDEO --out FILE``.

The picture shows the people of the clip, each in their numbered box, the one being
labelled in colour. Under it a timeline has a row per cue and per pattern with what is
labelled for that person, and a movement being marked grows from its first frame to the
frame shown. Every change is written to the labels file at once (`LabelSheet.save`).

Keys: Space play or pause · Right / Left one frame (with Shift ten) · Home / End first or
last frame · 1-9 mark a cue's first frame, then its last · T / D / M the same for a
pattern · C clear or subtle · X remove what covers this frame (or the marks under way) ·
Ctrl+1-9 a cue held from the first frame to the last · Tab next person · N neutral clip ·
Esc close.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from PyQt6.QtCore import QRectF, Qt, pyqtSignal
from PyQt6.QtGui import QColor, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PyQt6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QWidget,
)

from companion.errors import OutputError
from companion.offline.labelling import LabelledSpan, LabelSheet
from companion.ui.frame_player import FramePlayer
from companion.ui.qtenv import scrub_cv2_qt_paths

PATTERN_KEYS = {Qt.Key.Key_T: "tension", Qt.Key.Key_D: "drop", Qt.Key.Key_M: "masked"}
"""The patterns of the packaged rules, by key."""
DIGITS = [getattr(Qt.Key, f"Key_{n}") for n in range(1, 10)]
KEYS_HELP = (
    "Space play/pause · →/← one frame (Shift: ten) · Home/End · 1-9 cue start, then end · "
    "T/D/M pattern start, then end · C clear/subtle · X remove · Ctrl+1-9 held all clip · "
    "Tab next person · N neutral clip · Esc close"
)
ROW_H = 16
LABEL_W = 150
SELECTED = QColor("#dd6b20")
OTHER = QColor("#a0aec0")


class SpanTimeline(QWidget):
    """One person's labels: a row per cue and pattern, the play position as a line."""

    seek_requested = pyqtSignal(float)
    """Emitted with the time the user clicked."""

    def __init__(self, duration_s: float, cues: list[str], patterns: list[str]) -> None:
        super().__init__()
        self.duration_s = max(duration_s, 1e-3)
        self.rows = [(name, True) for name in cues] + [(name, False) for name in patterns]
        self.spans: list[LabelledSpan] = []
        self.open: dict[tuple[str, bool], float] = {}
        """Marks under way: their first frame's time, by (name, is_cue)."""
        self.position_s = 0.0
        self.end_of_frame_s = 0.0
        self.setFixedHeight(ROW_H * len(self.rows) + 6)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def show_labels(
        self,
        spans: list[LabelledSpan],
        open_marks: dict[tuple[str, bool], float],
        t: float,
        end_of_frame: float,
    ) -> None:
        """Draw ``spans`` and the marks under way up to the frame at ``t``."""
        self.spans, self.open = spans, open_marks
        self.position_s, self.end_of_frame_s = t, end_of_frame
        self.update()

    def x_of(self, t: float) -> float:
        """Horizontal pixel of time ``t``."""
        width = self.width() - LABEL_W - 4
        return LABEL_W + width * min(max(t / self.duration_s, 0.0), 1.0)

    def paintEvent(self, event: QPaintEvent | None) -> None:  # noqa: N802 (Qt's name)
        """Draw the rows, the spans, the marks under way and the play line."""
        painter = QPainter(self)
        right = self.width() - 4
        for row, (name, is_cue) in enumerate(self.rows):
            y = 3 + row * ROW_H
            painter.setPen(QColor("#2d3748") if is_cue else QColor("#553c9a"))
            painter.drawText(QRectF(2, y, LABEL_W - 6, ROW_H), Qt.AlignmentFlag.AlignRight, name)
            painter.fillRect(QRectF(LABEL_W, y + 3, right - LABEL_W, ROW_H - 6), QColor("#edf2f7"))
            for span in self.spans:
                if span.name != name:
                    continue
                colour = QColor("#3182ce") if span.confidence == "clear" else QColor("#90cdf4")
                x0, x1 = self.x_of(span.start_s), self.x_of(span.end_s)
                painter.fillRect(QRectF(x0, y + 1, max(2.0, x1 - x0), ROW_H - 2), colour)
            first = self.open.get((name, is_cue))
            if first is not None:
                lo, hi = sorted((first, self.end_of_frame_s))
                x0, x1 = self.x_of(lo), self.x_of(hi)
                painter.fillRect(QRectF(x0, y + 1, max(2.0, x1 - x0), ROW_H - 2), SELECTED)
        x = self.x_of(self.position_s)
        painter.fillRect(QRectF(x - 1, 0, 2, self.height()), QColor("#1a202c"))
        painter.end()

    def mousePressEvent(self, event: QMouseEvent | None) -> None:  # noqa: N802 (Qt's name)
        """Seek to the clicked time."""
        if event is None:
            return
        share = (event.position().x() - LABEL_W) / max(1.0, self.width() - LABEL_W - 4)
        self.seek_requested.emit(min(max(share, 0.0), 1.0) * self.duration_s)


class LabelTool(FramePlayer):
    """The video, the people's boxes, one person's labels on a timeline, and the keys."""

    def __init__(self, video: Path, sheet: LabelSheet, out: Path) -> None:
        super().__init__(video)
        self.sheet = sheet
        self.out = out
        self.person = 0
        self.cue_keys = dict(zip(DIGITS, sheet.labeled_cues, strict=False))
        self.status = f"labels: {out}"
        self._build(video)
        self.seek_frame(0)

    def _build(self, video: Path) -> None:
        self.setWindowTitle(f"Companion labels: {video.name}")
        self.timeline = SpanTimeline(
            self.duration_s, list(self.cue_keys.values()), list(PATTERN_KEYS.values())
        )
        self.timeline.seek_requested.connect(self.seek_time)
        self.person_label = QLabel()
        self.person_label.setStyleSheet("font-size: 16px; font-weight: bold;")
        self.here_label = QLabel()
        self.clip_label = QLabel()
        self.status_label = QLabel()
        for label in (self.here_label, self.clip_label, self.status_label):
            label.setWordWrap(True)
        self.notes = QLineEdit(self.sheet.notes)
        self.notes.setPlaceholderText("notes: who, setting, what happens")
        self.notes.editingFinished.connect(self._notes_changed)
        keys = QLabel(
            KEYS_HELP
            + "\n"
            + "\n".join(f"{n + 1} {cue}" for n, cue in enumerate(self.cue_keys.values()))
        )
        keys.setWordWrap(True)
        keys.setStyleSheet("color: #4a5568;")
        self.lay_out(
            self.timeline,
            (self.person_label, self.here_label, self.clip_label, self.notes),
            (self.status_label, keys),
            320,
            (1100, 640),
        )

    # Labelling

    def mark(self, name: str, *, is_cue: bool = True) -> None:
        """Press ``name``'s key at the frame shown: its first frame, or its last."""
        self.pause()
        span = self.sheet.toggle(self.person, name, self.index, is_cue=is_cue)
        if span is None:
            self._changed(f"{name} from frame {self.index + 1}: press again on its last frame")
        else:
            self._save(f"{name} {span.start_s:.2f}-{span.end_s:.2f} s")

    def remove(self) -> None:
        """Remove the person's marks under way, or what is labelled at this frame."""
        gone = self.sheet.remove_at(self.person, self.index)
        self._save(f"removed {gone}" if gone else "nothing to remove here")

    def flip_confidence(self) -> None:
        """Turn this frame's events from clear to subtle or back."""
        flipped = self.sheet.flip_confidence(self.person, self.index)
        self._save(f"confidence changed on {flipped}" if flipped else "no event here")

    def toggle_sustained(self, cue: str) -> None:
        """Mark ``cue`` as held through the whole clip for this person, or unmark it."""
        held = self.sheet.toggle_sustained(self.person, cue)
        self._save(f"{cue} {'held all clip' if held else 'no longer held'}")

    def toggle_neutral(self) -> None:
        """Mark the clip as one where no cluster should be surfaced, or unmark it."""
        self.sheet.neutral = not self.sheet.neutral
        self._save("neutral clip" if self.sheet.neutral else "not a neutral clip")

    def next_person(self) -> None:
        """Label the next person of the clip."""
        if self.sheet.people:
            self.person = (self.person + 1) % len(self.sheet.people)
            self._changed(f"person {self.person + 1}")

    def _notes_changed(self) -> None:
        if self.notes.text() != self.sheet.notes:
            self.sheet.notes = self.notes.text()
            self._save("notes")
        self.setFocus()

    def _save(self, what: str) -> None:
        try:
            self.sheet.save(self.out)
        except OutputError as exc:
            self._changed(f"{what}; NOT SAVED: {exc}")
            return
        except OSError as exc:
            self._changed(f"{what}; NOT SAVED: {self.out}: {exc.strerror or exc}")
            return
        self._changed(f"{what}; saved {time.strftime('%H:%M:%S')}")

    def _changed(self, status: str) -> None:
        self.status = status
        self.show_image()
        self.refresh()

    # Display

    def draw_over(self, painter: QPainter, scale: float) -> None:
        """Each person's box and number, the one being labelled in colour."""
        for i, person in enumerate(self.sheet.people):
            box = person.box
            colour = SELECTED if i == self.person else OTHER
            painter.setPen(QPen(colour, 3 if i == self.person else 1))
            rect = QRectF(box.x * scale, box.y * scale, box.w * scale, box.h * scale)
            painter.drawRect(rect)
            painter.drawText(rect.adjusted(4, 2, 0, 0), str(i + 1))

    def refresh(self) -> None:
        """The person, what is labelled at this frame, the clip's flags and the status."""
        people = self.sheet.people
        if not people:
            self.person_label.setText("Nobody found in this clip")
            self.here_label.setText("")
        else:
            person = people[self.person]
            held = ", ".join(sorted(person.sustained))
            held = f" · held all clip: {held}" if held else ""
            self.person_label.setText(f"Person {self.person + 1} of {len(people)}{held}")
            here = [
                f"{s.name} {s.start_s:.2f}-{s.end_s:.2f} s ({s.confidence})"
                for s in self.sheet.at(self.person, self.index)
            ]
            self.here_label.setText("At this frame: " + ("; ".join(here) or "nothing labelled"))
            spans = [*person.events, *person.clusters]
            open_marks = {
                (m.name, m.is_cue): self.sheet.time_of(m.first)
                for m in self.sheet.marks
                if m.person == self.person
            }
            self.timeline.show_labels(spans, open_marks, self.t, self.sheet.time_of(self.index + 1))
        state = "playing" if self.playing else "paused"
        self.clip_label.setText(
            f"{self.t:.2f} s · frame {self.index + 1} of {self.reader.count} · {state}"
            + (" · neutral clip" if self.sheet.neutral else "")
        )
        self.status_label.setText(self.status)

    # Qt events

    def keyPressEvent(self, event: QKeyEvent | None) -> None:  # noqa: N802 (Qt's name)
        """The tool's keys (see the module notes)."""
        if event is None:
            return
        key = Qt.Key(event.key())
        mods = event.modifiers()
        far = 10 if mods & Qt.KeyboardModifier.ShiftModifier else 1
        if key in self.cue_keys and self.sheet.people:
            cue = self.cue_keys[key]
            if mods & Qt.KeyboardModifier.ControlModifier:
                self.toggle_sustained(cue)
            else:
                self.mark(cue)
            return
        if key in PATTERN_KEYS and self.sheet.people:
            self.mark(PATTERN_KEYS[key], is_cue=False)
            return
        actions = {
            Qt.Key.Key_Space: self.toggle_play,
            Qt.Key.Key_Right: lambda: self.step(far),
            Qt.Key.Key_Left: lambda: self.step(-far),
            Qt.Key.Key_Home: lambda: self.seek_frame(0),
            Qt.Key.Key_End: lambda: self.seek_frame(self.reader.count - 1),
            Qt.Key.Key_Tab: self.next_person,
            Qt.Key.Key_N: self.toggle_neutral,
            Qt.Key.Key_Escape: self.close,
        }
        if self.sheet.people:
            actions |= {
                Qt.Key.Key_C: self.flip_confidence,
                Qt.Key.Key_X: self.remove,
                Qt.Key.Key_Delete: self.remove,
            }
        action = actions.get(key)
        if action is None:
            super().keyPressEvent(event)
            return
        action()

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802 (Qt's name)
        """Keep Tab for choosing the person."""
        return False


def show_label_tool(video: Path, sheet: LabelSheet, out: Path) -> int:
    """Open the labelling tool on ``video`` until it is closed; every change goes to ``out``."""
    scrub_cv2_qt_paths()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    tool = LabelTool(video, sheet, out)
    tool.show()
    tool.setFocus()
    return int(app.exec())
