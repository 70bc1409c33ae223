"""One pass over a recording: every face's measures per frame, and which face is the user's.

Only small vectors are kept per frame (the cue measures, two eye-line scores and the face
box), never pixels, so a long recording fits in memory. The cue engine is run afterwards on
the main face alone (`companion.review.signals`), which lets the review choose its baseline
window once the whole recording is known.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from companion import facemesh as fm
from companion.capture.video import VideoFileSource
from companion.cues.baseline import BaselineConfig
from companion.cues.signals import MEASURES, measure
from companion.model import Face
from companion.vision.pipeline import Pipeline

log = logging.getLogger(__name__)


_EYE_R, _EYE_L = [fm.EYE_R_OUTER, fm.EYE_R_INNER], [fm.EYE_L_INNER, fm.EYE_L_OUTER]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


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
    gaze: FloatArray
    """Eye-look scores per sample, shape (n, 2): sideways (to the person's left is
    positive) and vertical (up is positive), each from -1 to 1."""
    boxes: FloatArray
    """Face box per sample, shape (n, 4): x, y, w, h in video pixels."""
    eyes: FloatArray
    """Each eye on its own per sample, shape (n, 4): opening of the right and the left eye
    (inter-ocular units) and their squint scores (a one-sided smile narrows one eye)."""

    def __post_init__(self) -> None:
        n = len(self.t)
        shapes = {
            "frame": (self.frame.shape, (n,)),
            "measures": (self.measures.shape, (n, len(MEASURES))),
            "gaze": (self.gaze.shape, (n, 2)),
            "boxes": (self.boxes.shape, (n, 4)),
            "eyes": (self.eyes.shape, (n, 4)),
        }
        for name, (got, want) in shapes.items():
            if got != want:
                raise ValueError(f"{name} has shape {got}, expected {want}")

    def __len__(self) -> int:
        return len(self.t)

    @property
    def median_area(self) -> float:
        """Median face box area in square pixels (0 without samples)."""
        if not len(self):
            return 0.0
        return float(np.median(self.boxes[:, 2] * self.boxes[:, 3]))


@dataclass(frozen=True)
class Recording:
    """What one pass over a video collected."""

    source: str
    fps: float
    frames: int
    duration_s: float
    width: int
    height: int
    faces: dict[str, FaceSeries]
    truncated: bool = False


@dataclass
class _Rows:
    t: list[float] = field(default_factory=list)
    frame: list[int] = field(default_factory=list)
    measures: list[FloatArray] = field(default_factory=list)
    gaze: list[tuple[float, float]] = field(default_factory=list)
    boxes: list[tuple[float, float, float, float]] = field(default_factory=list)
    eyes: list[tuple[float, float, float, float]] = field(default_factory=list)

    def add(self, frame_index: int, face: Face) -> None:
        try:
            x = measure(face)
        except ValueError:
            return
        b = face.box
        self.t.append(face.t)
        self.frame.append(frame_index)
        self.measures.append(x)
        self.gaze.append(eye_line(face))
        self.boxes.append((b.x, b.y, b.w, b.h))
        self.eyes.append(each_eye(face))

    def series(self, participant: str) -> FaceSeries:
        n = len(self.t)
        return FaceSeries(
            participant=participant,
            t=np.asarray(self.t, dtype=np.float64),
            frame=np.asarray(self.frame, dtype=np.int64),
            measures=np.vstack(self.measures) if n else np.zeros((0, len(MEASURES))),
            gaze=np.asarray(self.gaze, dtype=np.float64).reshape(n, 2),
            boxes=np.asarray(self.boxes, dtype=np.float64).reshape(n, 4),
            eyes=np.asarray(self.eyes, dtype=np.float64).reshape(n, 4),
        )


def eye_line(face: Face) -> tuple[float, float]:
    """Where the eyes look, from MediaPipe's eye-look scores: (sideways, vertical).

    Sideways is positive towards the person's left (their left eye looks out, the right
    one in); vertical is positive upwards.
    """
    b = face.blendshape
    side = (
        b("eyeLookOutLeft") + b("eyeLookInRight") - b("eyeLookInLeft") - b("eyeLookOutRight")
    ) / 2
    up = b("eyeLookUpLeft") + b("eyeLookUpRight") - b("eyeLookDownLeft") - b("eyeLookDownRight")
    return float(side), float(up / 2)


def each_eye(face: Face) -> tuple[float, float, float, float]:
    """Opening of the right and the left eye over the inter-ocular distance, and their squints.

    "Right" is the person's right (the left of the image).
    """
    p = face.landmarks[:, :2].astype(np.float64)
    iod = float(np.linalg.norm(p[_EYE_L].mean(axis=0) - p[_EYE_R].mean(axis=0)))
    if not iod > 0:
        return (0.0, 0.0, 0.0, 0.0)
    right = float(np.linalg.norm(p[fm.LID_R_UP] - p[fm.LID_R_LOW])) / iod
    left = float(np.linalg.norm(p[fm.LID_L_UP] - p[fm.LID_L_LOW])) / iod
    b = face.blendshape
    return (right, left, b("eyeSquintRight"), b("eyeSquintLeft"))


def collect(
    source: VideoFileSource,
    pipeline: Pipeline,
    on_frame: Callable[[int], None] | None = None,
) -> Recording:
    """Run ``pipeline`` over every frame of ``source`` and keep each face's measures.

    ``on_frame`` is called with the number of frames done so far (for a progress bar).
    """
    rows: dict[str, _Rows] = {}
    frames = 0
    last_t = 0.0
    for frame in source.frames():
        result = pipeline.step(frame)
        for pid, face in result.faces.items():
            rows.setdefault(pid, _Rows()).add(frame.index, face)
        frames += 1
        last_t = frame.t
        if on_frame is not None:
            on_frame(frames)
    fps = source.info.fps
    faces = {pid: r.series(pid) for pid, r in rows.items()}
    log.info("collected %d frames, faces: %s", frames, {p: len(s) for p, s in faces.items()})
    return Recording(
        source=source.path.name,
        fps=fps,
        frames=frames,
        duration_s=last_t + 1.0 / fps if frames else 0.0,
        width=source.info.width,
        height=source.info.height,
        faces=faces,
        truncated=source.truncated,
    )


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
