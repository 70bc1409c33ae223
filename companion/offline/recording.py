"""One pass of the offline pipeline over a video, kept as arrays: the one recorder.

    recording = record_file(path, progress=bar)     # opens, runs, closes
    for index, t, rows in recording.samples(): ...  # frame by frame, for the cue engine

Only small vectors are kept per face and frame (the cue measures, pose, blendshapes and
the box), never pixels, so a long recording fits in memory. Everything that
reads a whole video records it once with this module and works on the `Recording`:
`companion analyze` replays the cue engine over it (`companion.offline.analysis`), the
evaluation and the tuning search replay it under other settings, and the self-tape review
reads its main face (`companion.review`).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from companion.capture.video import VideoFileSource
from companion.cues.baseline import BaselineConfig
from companion.cues.signals import MEASURES, measure
from companion.model import BLENDSHAPE_NAMES, Box, Face
from companion.vision.pipeline import Pipeline

log = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
Float32Array = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]
T = TypeVar("T")
Tick = Callable[[int], None]
"""Called with the number of frames done so far."""
Progress = Callable[[int, str], contextlib.AbstractContextManager[Tick]]
"""``progress(total_frames, label)`` -> a context giving the per-frame tick (a progress bar)."""


@dataclass(frozen=True, eq=False)
class FaceSeries:
    """One participant's samples over a recording, one row per landmarked frame."""

    participant: str
    t: FloatArray
    """Video time of each sample, seconds, increasing."""
    frame: IntArray
    """Index of the video frame each sample came from."""
    measures: FloatArray
    """`companion.cues.signals.MEASURES` per sample, shape (n, len(MEASURES))."""
    boxes: FloatArray
    """Face box per sample, shape (n, 4): x, y, w, h in video pixels."""
    pose: FloatArray
    """Head pose per sample, shape (n, 3): yaw, pitch and roll in degrees."""
    blendshapes: Float32Array
    """MediaPipe's 52 blendshape scores per sample, shape (n, 52), as the model gave them."""

    def __post_init__(self) -> None:
        n = len(self.t)
        shapes = {
            "frame": (self.frame.shape, (n,)),
            "measures": (self.measures.shape, (n, len(MEASURES))),
            "boxes": (self.boxes.shape, (n, 4)),
            "pose": (self.pose.shape, (n, 3)),
            "blendshapes": (self.blendshapes.shape, (n, len(BLENDSHAPE_NAMES))),
        }
        for name, (got, want) in shapes.items():
            if got != want:
                raise ValueError(f"{name} has shape {got}, expected {want}")

    def __len__(self) -> int:
        return len(self.t)

    def box(self, row: int) -> Box:
        """The face box of sample ``row``."""
        x, y, w, h = (float(v) for v in self.boxes[row])
        return Box(x, y, w, h)

    def rows(self, keep: IntArray) -> FaceSeries:
        """The samples ``keep`` (indices into this series), in that order."""
        return replace(
            self,
            t=self.t[keep],
            frame=self.frame[keep],
            measures=self.measures[keep],
            boxes=self.boxes[keep],
            pose=self.pose[keep],
            blendshapes=self.blendshapes[keep],
        )

    @property
    def median_area(self) -> float:
        """Median face box area in square pixels (0 without samples)."""
        if not len(self):
            return 0.0
        return float(np.median(self.boxes[:, 2] * self.boxes[:, 3]))


@dataclass(frozen=True, eq=False)
class Recording:
    """What one pass over a video collected: the time of every frame and every face's series."""

    source: str
    fps: float
    width: int
    height: int
    frame_t: FloatArray
    """Video time of every decoded frame, with or without faces, seconds."""
    faces: dict[str, FaceSeries]
    """Each participant's samples, in the order they were first seen."""
    truncated: bool = False
    """The file ended before its header said it would (what was decoded is kept)."""
    declared_frames: int = 0
    """Frames the file's header announced (0: unknown)."""

    @property
    def frames(self) -> int:
        """Frames decoded."""
        return len(self.frame_t)

    @property
    def duration_s(self) -> float:
        """From the first frame to the end of the last one."""
        return float(self.frame_t[-1]) + 1.0 / self.fps if self.frames else 0.0

    def samples(self) -> Iterator[tuple[int, float, dict[str, int]]]:
        """Every frame in order: its index, its time, and the row of each face sampled in it."""
        rows = {pid: 0 for pid in self.faces}
        for index, t in enumerate(self.frame_t):
            here: dict[str, int] = {}
            for pid, series in self.faces.items():
                row = rows[pid]
                if row < len(series) and series.frame[row] == index:
                    here[pid] = row
                    rows[pid] = row + 1
            yield index, float(t), here

    def retimed(self, order: IntArray, t: FloatArray) -> Recording:
        """A recording whose frame k is this one's frame ``order[k]``, at time ``t[k]``
        (frames may repeat: a stretch looped, a clip with a lead put before it)."""
        faces = {}
        for pid, series in self.faces.items():
            row_of = np.full(self.frames, -1, dtype=np.int64)
            row_of[series.frame] = np.arange(len(series))
            rows = row_of[order]
            kept = np.flatnonzero(rows >= 0)
            moved = series.rows(rows[kept])
            faces[pid] = replace(moved, t=t[kept].astype(np.float64), frame=kept.astype(np.int64))
        return replace(self, frame_t=np.asarray(t, dtype=np.float64), faces=faces)


def _column_slices(widths: dict[str, int]) -> dict[str, slice]:
    """Consecutive column ranges of the given widths, by name."""
    out, at = {}, 0
    for name, width in widths.items():
        out[name] = slice(at, at + width)
        at += width
    return out


_SLICES = _column_slices({"t": 1, "frame": 1, "measures": len(MEASURES), "boxes": 4, "pose": 3})
"""Where each part of a sample sits in a row of `_Rows`' float array."""
_WIDTH = max(s.stop for s in _SLICES.values())


class _Rows:
    """One face's samples as they come, in arrays that double when full: a long video's
    samples cost about their own bytes, not a Python object each."""

    def __init__(self) -> None:
        self.n = 0
        self._floats = np.empty((64, _WIDTH), dtype=np.float64)
        self._scores = np.empty((64, len(BLENDSHAPE_NAMES)), dtype=np.float32)

    def add(self, frame_index: int, face: Face) -> None:
        try:
            x = measure(face)
        except ValueError:  # eye centres on one point: no face to measure
            return
        if self.n == len(self._floats):
            self._floats = np.concatenate([self._floats, np.empty_like(self._floats)])
            self._scores = np.concatenate([self._scores, np.empty_like(self._scores)])
        b, pose = face.box, face.pose
        row = self._floats[self.n]
        row[_SLICES["t"]] = face.t
        row[_SLICES["frame"]] = frame_index
        row[_SLICES["measures"]] = x
        row[_SLICES["boxes"]] = (b.x, b.y, b.w, b.h)
        row[_SLICES["pose"]] = (pose.yaw, pose.pitch, pose.roll)
        self._scores[self.n] = face.blendshapes
        self.n += 1

    def series(self, participant: str) -> FaceSeries:
        floats = self._floats[: self.n]

        def column(name: str) -> FloatArray:
            return floats[:, _SLICES[name]].copy()

        return FaceSeries(
            participant=participant,
            t=column("t")[:, 0],
            frame=column("frame")[:, 0].astype(np.int64),
            measures=column("measures"),
            boxes=column("boxes"),
            pose=column("pose"),
            blendshapes=self._scores[: self.n].copy(),
        )


def record(
    source: VideoFileSource,
    pipeline: Pipeline,
    on_frame: Tick | None = None,
) -> Recording:
    """Run ``pipeline`` over every frame of ``source`` and keep each face's samples.

    ``on_frame`` is called with the number of frames done so far (for a progress bar).
    """
    rows: dict[str, _Rows] = {}
    times: list[float] = []
    for frame in source.frames():
        result = pipeline.step(frame)
        for pid, face in result.faces.items():
            rows.setdefault(pid, _Rows()).add(len(times), face)
        times.append(frame.t)
        if on_frame is not None:
            on_frame(len(times))
    faces = {pid: r.series(pid) for pid, r in rows.items()}
    log.info("recorded %d frames, faces: %s", len(times), {p: len(s) for p, s in faces.items()})
    return Recording(
        source=Path(source.path).name,
        fps=source.info.fps,
        width=source.info.width,
        height=source.info.height,
        frame_t=np.asarray(times, dtype=np.float64),
        faces=faces,
        truncated=source.truncated,
        declared_frames=source.info.frame_count,
    )


@contextlib.contextmanager
def no_progress(total: int, label: str) -> Iterator[Tick]:
    """A `Progress` that shows nothing."""
    yield lambda done: None


def process_file(
    path: Path,
    work: Callable[[VideoFileSource, Pipeline, Tick], T],
    *,
    prepare: Callable[[], None] | None = None,
    progress: Progress = no_progress,
) -> T:
    """``work(source, pipeline, tick)`` on the video at ``path``, closing both whatever happens.

    The source is the video, the pipeline the offline one. The video is opened first, so an
    unusable one is reported (`InputError`) before anything else; then ``prepare`` runs
    (the place to check outputs), and only then is the face model loaded. ``progress``
    shows the frames done while ``work`` runs.
    """
    from companion.vision.pipeline import PipelineConfig
    from companion.vision.stack import open_pipeline

    with VideoFileSource(path) as source:
        if prepare is not None:
            prepare()
        pipeline = open_pipeline(PipelineConfig.offline())
        try:
            with progress(source.info.frame_count, path.name) as tick:
                return work(source, pipeline, tick)
        finally:
            pipeline.close()


def record_file(
    path: Path,
    *,
    prepare: Callable[[], None] | None = None,
    progress: Progress = no_progress,
) -> Recording:
    """`record` of the video at ``path`` with the offline pipeline (see `process_file`)."""
    return process_file(path, record, prepare=prepare, progress=progress)


def main_face(recording: Recording) -> FaceSeries | None:
    """The user's face: the one seen longest and largest (samples times median area).

    None when no face was landmarked often enough for the engine to learn its resting face
    (`BaselineConfig.min_samples`); fewer samples are a stray detection or a face seen too
    briefly to review.
    """
    enough = BaselineConfig().min_samples
    kept = [s for s in recording.faces.values() if len(s) >= enough]
    if not kept:
        return None
    return max(kept, key=lambda s: len(s) * s.median_area)
