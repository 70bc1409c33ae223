"""Frames from a video file, stamped with video time (variable frame rate included)."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# FFmpeg prints decoder complaints straight to stderr; the CLI reports problems itself.
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")

import cv2
import numpy as np

from companion.closing import Closeable
from companion.errors import InputError
from companion.model import Box, Frame

log = logging.getLogger(__name__)

_DEFAULT_FPS = 30.0
_TRUNCATION_MIN_FRAMES = 5


SOUND_SUFFIXES = frozenset(
    {".aac", ".aif", ".aiff", ".flac", ".m4a", ".mp3", ".oga", ".ogg", ".opus", ".wav", ".wma"}
)
"""Files named as sound: OpenCV opens no file without a video track, and these say why."""


@dataclass(frozen=True)
class VideoInfo:
    """What the container says about a video before decoding it."""

    path: Path
    width: int
    height: int
    fps: float
    frame_count: int


class VideoFileSource(Closeable):
    """Decode a video file (mp4, mov, mpg, gif, ...) into RGB frames with video-time stamps.

    Timestamps come from each frame's presentation time, so variable-frame-rate files keep
    their real timing. Opening checks the file and decodes the first frame, so a bad file
    fails here with an `InputError` naming it, not later mid-analysis.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._check_path()
        self._capture = cv2.VideoCapture(str(self.path))
        if not self._capture.isOpened():
            raise InputError(
                self._unusable("not a readable video (unknown format or codec, or no video track)")
            )
        ok, first = self._capture.read()
        if not ok or first is None:
            self._capture.release()
            raise InputError(self._unusable("no frame could be decoded (unsupported codec?)"))
        self._first: np.ndarray | None = first
        self._first_ms = float(self._capture.get(cv2.CAP_PROP_POS_MSEC))
        fps = float(self._capture.get(cv2.CAP_PROP_FPS))
        self.info = VideoInfo(
            path=self.path,
            width=int(first.shape[1]),
            height=int(first.shape[0]),
            fps=fps if np.isfinite(fps) and 0 < fps < 1000 else _DEFAULT_FPS,
            frame_count=max(0, int(self._capture.get(cv2.CAP_PROP_FRAME_COUNT))),
        )
        self.frames_decoded = 0

    def _check_path(self) -> None:
        if not self.path.exists():
            raise InputError(f"{self.path}: no such file")
        if self.path.is_dir():
            raise InputError(f"{self.path}: is a folder, not a video file")
        try:
            size = self.path.stat().st_size
            with self.path.open("rb"):
                pass
        except OSError as exc:
            raise InputError(f"{self.path}: cannot be read ({exc.strerror})") from exc
        if size == 0:
            raise InputError(f"{self.path}: file is empty")

    def _unusable(self, why: str) -> str:
        """The message for a file OpenCV cannot read: ``why``, unless it is named as sound."""
        if self.path.suffix.lower() in SOUND_SUFFIXES:
            return f"{self.path} has no video track, only sound"
        return f"{self.path}: {why}"

    def frames(self) -> Iterator[Frame]:
        """Yield every decodable frame once; stamps increase strictly."""
        if self._first is None:
            return
        nominal = 1.0 / self.info.fps
        region = Box(0, 0, self.info.width, self.info.height)
        pending: np.ndarray | None = self._first
        pending_ms = self._first_ms
        self._first = None
        last_t = -np.inf
        index = 0
        while pending is not None:
            t = pending_ms / 1000.0
            if not np.isfinite(t) or t <= last_t:
                # Some containers repeat or omit a stamp; keep time moving forward.
                t = index * nominal if last_t == -np.inf else last_t + nominal
            last_t = t
            rgb = np.asarray(cv2.cvtColor(pending, cv2.COLOR_BGR2RGB), dtype=np.uint8)
            yield Frame(pixels=rgb, t=t, region=region, index=index)
            index += 1
            self.frames_decoded = index
            ok, nxt = self._capture.read()
            pending = nxt if ok else None
            pending_ms = float(self._capture.get(cv2.CAP_PROP_POS_MSEC)) if ok else 0.0
        if self.truncated:
            log.info(
                "%s: decoded %d of %d frames; the file may be truncated",
                self.path.name,
                index,
                self.info.frame_count,
            )

    @property
    def truncated(self) -> bool:
        """After `frames` ran out: whether clearly fewer frames decoded than the header says.

        Headers often count a few frames more than decode (edit lists, a dropped last
        frame), so a shortfall counts only when it is at least 5 frames and 5%.
        """
        missing = self.info.frame_count - self.frames_decoded
        return missing >= _TRUNCATION_MIN_FRAMES and missing > 0.05 * self.info.frame_count

    def close(self) -> None:
        """Release the decoder."""
        self._capture.release()
        self._first = None
