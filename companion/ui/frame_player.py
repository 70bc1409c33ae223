"""A video shown frame by frame with its own clock: the core of the review player and
the labelling tool.

The video is decoded with OpenCV (sequential reads while playing, a seek only on a jump),
so no Qt multimedia back end is needed. Subclasses lay the window out around
`FramePlayer.video_label`, draw over the picture (`FramePlayer.draw_over`) and refresh what
they show of the current frame (`FramePlayer.refresh`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")

import cv2
import numpy as np
from PyQt6.QtCore import Qt, QTimer, pyqtSignal
from PyQt6.QtGui import QCloseEvent, QImage, QPainter, QPixmap, QResizeEvent
from PyQt6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from companion.errors import InputError
from companion.model import RGBImage


class FrameReader:
    """Frames of a video file by index, as RGB arrays; reading on from the last is cheap."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise InputError(f"{self.path}: no such file")
        self._capture = cv2.VideoCapture(str(self.path))
        if not self._capture.isOpened():
            raise InputError(f"{self.path}: not a readable video")
        fps = float(self._capture.get(cv2.CAP_PROP_FPS))
        self.fps = fps if np.isfinite(fps) and 0 < fps < 1000 else 30.0
        self.count = max(1, int(self._capture.get(cv2.CAP_PROP_FRAME_COUNT)))
        self._next = 0

    def read(self, index: int) -> RGBImage | None:
        """Frame ``index`` (0-based), or None past the end."""
        if index != self._next:
            self._capture.set(cv2.CAP_PROP_POS_FRAMES, index)
        ok, bgr = self._capture.read()
        self._next = index + 1
        if not ok or bgr is None:
            self.count = min(self.count, max(1, index))
            return None
        return np.asarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), dtype=np.uint8)

    def close(self) -> None:
        """Release the decoder."""
        self._capture.release()


class FramePlayer(QWidget):
    """A video's frames by index, played by a timer, shown scaled in `video_label`."""

    position_changed = pyqtSignal(int)
    """Emitted with the frame index after every frame shown."""

    def __init__(self, video: Path) -> None:
        super().__init__()
        self.reader = FrameReader(video)
        self.fps = self.reader.fps
        self.index = 0
        self.speed = 1.0
        self.loop = False
        self.playing = False
        self.replay_range: tuple[int, int] | None = None
        """First and last frame played (None: the whole video)."""
        self._image: RGBImage | None = None
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.video_label = QLabel()
        self.video_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.video_label.setMinimumSize(480, 360)
        self.video_label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.video_label.setStyleSheet("background: #000;")

    def lay_out(
        self,
        timeline: QWidget,
        above: Sequence[QWidget],
        below: Sequence[QWidget],
        side_width: int,
        size: tuple[int, int],
    ) -> None:
        """The picture over ``timeline`` on the left; beside them a panel ``side_width``
        wide, ``above`` at its top and ``below`` at its bottom; the window ``size``."""
        panel = QVBoxLayout()
        for widget in above:
            panel.addWidget(widget)
        panel.addStretch(1)
        for widget in below:
            panel.addWidget(widget)
        side = QWidget()
        side.setLayout(panel)
        side.setFixedWidth(side_width)
        left = QVBoxLayout()
        left.addWidget(self.video_label, 1)
        left.addWidget(timeline)
        row = QHBoxLayout(self)
        row.addLayout(left, 1)
        row.addWidget(side)
        self.resize(*size)

    @property
    def duration_s(self) -> float:
        """From the first frame to the end of the last."""
        return self.reader.count / self.fps

    @property
    def frame(self) -> RGBImage | None:
        """The RGB pixels of the frame shown."""
        return self._image

    @property
    def t(self) -> float:
        """Video time of the frame shown."""
        return self.index / self.fps

    def frame_of(self, t: float) -> int:
        """The frame index at time ``t``, within the video."""
        return min(max(round(t * self.fps), 0), self.reader.count - 1)

    def seek_time(self, t: float) -> None:
        """Show the frame at ``t`` and stop playing."""
        self.pause()
        self.replay_range = None
        self.seek_frame(self.frame_of(t))

    def seek_frame(self, index: int) -> bool:
        """Show frame ``index``; False when it could not be decoded."""
        index = min(max(index, 0), self.reader.count - 1)
        rgb = self.reader.read(index)
        if rgb is None:
            return False
        self.index = index
        self._image = rgb
        self.show_image()
        self.refresh()
        self.position_changed.emit(index)
        return True

    def step(self, frames: int) -> None:
        """Pause and move ``frames`` frames forward (negative: back)."""
        self.pause()
        self.seek_frame(self.index + frames)

    def play(self, speed: float = 1.0) -> None:
        """Play on from the current frame at ``speed`` times normal."""
        self.speed = speed
        self.playing = True
        self.timer.start(max(1, round(1000 / (self.fps * speed))))
        self.refresh()

    def pause(self) -> None:
        """Stop on the current frame."""
        self.playing = False
        self.timer.stop()
        self.refresh()

    def toggle_play(self) -> None:
        """Play at normal speed, or pause."""
        if self.playing:
            self.pause()
        else:
            self.replay_range = None
            if self.index >= self.reader.count - 1:
                self.seek_frame(0)
            self.play(1.0)

    def toggle_loop(self) -> None:
        """Loop the replayed stretch (or the whole video), or stop looping."""
        self.loop = not self.loop
        self.refresh()

    def _tick(self) -> None:
        first, last = self.replay_range or (0, self.reader.count - 1)
        nxt = self.index + 1
        if nxt > last or not self.seek_frame(nxt):
            if self.loop:
                self.seek_frame(first)
            else:
                self.pause()

    def show_image(self) -> None:
        """Draw the current frame, scaled to the picture's room, and what goes over it."""
        rgb = self._image
        if rgb is None:
            return
        h, w = rgb.shape[:2]
        image = QImage(rgb.tobytes(), w, h, 3 * w, QImage.Format.Format_RGB888).copy()
        pixmap = QPixmap.fromImage(image).scaled(
            self.video_label.size(),
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        painter = QPainter(pixmap)
        self.draw_over(painter, pixmap.width() / w)
        painter.end()
        self.video_label.setPixmap(pixmap)

    def draw_over(self, painter: QPainter, scale: float) -> None:
        """Draw over the picture, ``scale`` shown pixels per video pixel (nothing here)."""

    def refresh(self) -> None:
        """Update what is shown of the current frame and the play state (nothing here)."""

    def resizeEvent(self, event: QResizeEvent | None) -> None:  # noqa: N802 (Qt's name)
        """Fit the picture to the new size."""
        self.show_image()

    def closeEvent(self, event: QCloseEvent | None) -> None:  # noqa: N802 (Qt's name)
        """Stop and release the decoder."""
        self.timer.stop()
        self.reader.close()
