"""MediaPipe's Face Landmarker used directly: the reference the landmark engine is held to.

What `companion bench` compares the pipeline with: the cost of MediaPipe's own landmark
call on a prepared face crop, and the naive approach of running the landmarker on the
whole frame with ``num_faces`` set to the number of tiles. `MediaPipeFace` is one
person's MediaPipe landmarker, for the tests that check the engine agrees with it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from mediapipe.tasks.python import vision as mp_vision

from companion.closing import Closeable
from companion.model import BLENDSHAPE_NAMES, Box, RGBImage
from companion.vision.landmark_engine import Landmarks, MonotonicMillis
from companion.vision.mp_runtime import to_mp_image, video_landmarker


def raw_seconds_per_face(
    model: bytes,
    sequences: Sequence[Sequence[RGBImage]],
    clock: Callable[[], float],
    fps: float = 30.0,
    warmup: int = 3,
) -> tuple[float, int]:
    """CPU seconds per landmark call, timing only MediaPipe's own call.

    Each sequence is one face's crops on consecutive frames (as the pipeline feeds them);
    a fresh landmarker in VIDEO mode runs over it, so tracking from the previous frame
    works as in the pipeline. Returns (seconds per call, calls timed).
    """
    total = 0.0
    calls = 0
    for crops in sequences:
        images = [to_mp_image(np.ascontiguousarray(c)) for c in crops]
        landmarker = video_landmarker(model, 1)
        try:
            for i, image in enumerate(images):
                started = clock()
                landmarker.detect_for_video(image, round(i * 1000 / fps))
                if i >= warmup:
                    total += clock() - started
                    calls += 1
        finally:
            landmarker.close()
    return (total / calls if calls else float("nan")), calls


class NaiveLandmarker(Closeable):
    """The whole frame into one Face Landmarker asking for ``num_faces`` faces."""

    def __init__(self, model: bytes, num_faces: int) -> None:
        self._landmarker: mp_vision.FaceLandmarker | None = video_landmarker(model, num_faces)
        self._millis = MonotonicMillis()

    def faces(self, pixels: RGBImage, t: float) -> list[Box]:
        """Boxes (frame pixels) of the faces the landmarker returns for this frame."""
        if self._landmarker is None:
            raise RuntimeError("landmarker used after close()")
        height, width = pixels.shape[:2]
        result = self._landmarker.detect_for_video(to_mp_image(pixels), self._millis(t))
        boxes = []
        for face in result.face_landmarks:
            xs = [p.x * width for p in face]
            ys = [p.y * height for p in face]
            boxes.append(Box(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)))
        return boxes

    def close(self) -> None:
        """Free MediaPipe's graph. Safe to call twice."""
        if self._landmarker is not None:
            self._landmarker.close()
            self._landmarker = None


class MediaPipeFace(Closeable):
    """MediaPipe's own Face Landmarker in VIDEO mode on one person's images."""

    def __init__(self, model: bytes) -> None:
        self._landmarker: mp_vision.FaceLandmarker | None = video_landmarker(model, 1)
        self._millis = MonotonicMillis()

    def landmark(self, image: RGBImage, t: float) -> Landmarks | None:
        """Landmarks in normalized image coordinates, as `TrackedFace.landmark` returns them."""
        if self._landmarker is None:
            raise RuntimeError("landmarker used after close()")
        result = self._landmarker.detect_for_video(to_mp_image(image), self._millis(t))
        if not result.face_landmarks:
            return None
        points = np.array([(p.x, p.y, p.z) for p in result.face_landmarks[0]], dtype=np.float32)
        return Landmarks(
            points,
            _blendshapes(result.face_blendshapes[0]),
            np.asarray(result.facial_transformation_matrixes[0], dtype=np.float64),
        )

    def close(self) -> None:
        """Free MediaPipe's graph. Safe to call twice."""
        if self._landmarker is not None:
            self._landmarker.close()
            self._landmarker = None


def _blendshapes(categories: list[Any]) -> npt.NDArray[np.float32]:
    """The 52 scores in `BLENDSHAPE_NAMES` order."""
    scores = {c.category_name: c.score for c in categories}
    return np.array([scores.get(n, 0.0) for n in BLENDSHAPE_NAMES], dtype=np.float32)
