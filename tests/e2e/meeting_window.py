"""A stand-in meeting window for end-to-end tests: a gallery of real clips in a window
titled like Zoom's call window.

    python meeting_window.py --title "Zoom Meeting" --size 1200x675 --grid 3 CLIP ...

Each clip plays in its own tile (letterboxed on a dark background, as the clients draw
them) and loops; every clip starts at the moment the window first shows, so a clip's
moments happen at known times. Prints ``ready`` once the window is on screen.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import cv2
import numpy as np

from companion.ui.qtenv import scrub_cv2_qt_paths

BACKGROUND = (26, 26, 26)
GAP = 6


class Clip:
    """One looping clip decoded on demand into a letterboxed tile."""

    def __init__(self, path: Path, tile: tuple[int, int]) -> None:
        self.capture = cv2.VideoCapture(str(path))
        if not self.capture.isOpened():
            raise SystemExit(f"cannot open {path}")
        fps = self.capture.get(cv2.CAP_PROP_FPS)
        self.fps = fps if 1 < fps < 240 else 25.0
        count = int(self.capture.get(cv2.CAP_PROP_FRAME_COUNT))
        self.frames = max(1, count)
        self.tile = tile
        self.index = -1
        self.image = np.zeros((tile[1], tile[0], 3), np.uint8)
        self.image[:] = BACKGROUND

    def at(self, t: float) -> np.ndarray:
        """The tile at ``t`` seconds after the start (looping)."""
        want = int(t * self.fps) % self.frames
        if want < self.index:
            self.capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
            self.index = -1
        frame = None
        while self.index < want:
            ok, img = self.capture.read()
            if not ok:
                self.frames = max(1, self.index + 1)
                self.capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
                self.index = -1
                return self.image
            self.index += 1
            frame = img
        if frame is not None:
            self.image = letterbox(frame, self.tile)
        return self.image


def letterbox(bgr: np.ndarray, tile: tuple[int, int]) -> np.ndarray:
    """``bgr`` scaled to fit ``tile`` (w, h), centred on the dark background, as RGB."""
    tw, th = tile
    h, w = bgr.shape[:2]
    scale = min(tw / w, th / h)
    nw, nh = max(1, int(w * scale)), max(1, int(h * scale))
    small = cv2.resize(bgr, (nw, nh), interpolation=cv2.INTER_AREA)
    out = np.zeros((th, tw, 3), np.uint8)
    out[:] = BACKGROUND
    x, y = (tw - nw) // 2, (th - nh) // 2
    out[y : y + nh, x : x + nw] = cv2.cvtColor(small, cv2.COLOR_BGR2RGB)
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("clips", nargs="+", type=Path)
    parser.add_argument("--title", default="Zoom Meeting")
    parser.add_argument("--size", default="1200x675")
    parser.add_argument("--grid", type=int, default=0)
    parser.add_argument("--fps", type=float, default=25.0)
    parser.add_argument("--pos", default="40,40")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    x, y = (int(v) for v in args.pos.split(","))
    grid = args.grid or math.ceil(math.sqrt(len(args.clips)))
    rows = math.ceil(len(args.clips) / grid)
    tile = ((width - GAP * (grid + 1)) // grid, (height - GAP * (rows + 1)) // rows)
    clips = [Clip(p, tile) for p in args.clips]

    scrub_cv2_qt_paths()
    from PyQt6.QtCore import Qt, QTimer
    from PyQt6.QtGui import QImage, QPixmap
    from PyQt6.QtWidgets import QApplication, QLabel

    app = QApplication(sys.argv[:1])
    label = QLabel()
    label.setWindowTitle(args.title)
    label.setFixedSize(width, height)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    canvas = np.zeros((height, width, 3), np.uint8)
    canvas[:] = BACKGROUND
    start: list[float] = []

    def render() -> None:
        if not start:
            start.append(time.monotonic())
            sys.stdout.write("ready\n")
            sys.stdout.flush()
        t = time.monotonic() - start[0]
        for i, clip in enumerate(clips):
            r, c = divmod(i, grid)
            x0 = GAP + c * (tile[0] + GAP)
            y0 = GAP + r * (tile[1] + GAP)
            canvas[y0 : y0 + tile[1], x0 : x0 + tile[0]] = clip.at(t)
        image = QImage(canvas.data, width, height, 3 * width, QImage.Format.Format_RGB888)
        label.setPixmap(QPixmap.fromImage(image))

    timer = QTimer()
    timer.timeout.connect(render)
    label.move(x, y)
    label.show()
    timer.start(round(1000 / args.fps))
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
