"""MediaPipe Face Landmarker on one participant's crop: landmarks, blendshapes, head pose."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from mediapipe.tasks.python import vision as mp_vision

from companion.closing import Closeable
from companion.model import BLENDSHAPE_NAMES, Box, Face, RGBImage
from companion.vision.imaging import crop_fitted
from companion.vision.mp_runtime import MonotonicMillis, to_mp_image, video_landmarker
from companion.vision.pose import pose_from_matrix

CROP_MAX_SIDE = 256
"""Crops are scaled down to this side before landmarking: the networks read 192 px or less."""


@dataclass
class ModelTimer:
    """CPU seconds spent inside MediaPipe's own landmark calls, summed over landmarkers."""

    clock: Callable[[], float]
    seconds: float = 0.0
    calls: int = 0


class CropLandmarker(Closeable):
    """One Face Landmarker in VIDEO mode, fed square crops of one participant.

    VIDEO mode lets MediaPipe track from the previous landmarks instead of re-detecting
    every frame, so each participant keeps its own instance. Call `close` (or use it as a
    context manager): MediaPipe's own finaliser is unreliable at interpreter exit.
    """

    def __init__(
        self, model: bytes, min_confidence: float = 0.5, timer: ModelTimer | None = None
    ) -> None:
        self._landmarker: mp_vision.FaceLandmarker | None = video_landmarker(
            model, num_faces=1, min_confidence=min_confidence
        )
        self._millis = MonotonicMillis()
        self._timer = timer

    def landmark(
        self, pixels: RGBImage, crop: Box, t: float, within: Box | None = None
    ) -> Face | None:
        """Landmark the face inside ``crop`` of ``pixels``; coordinates come back in frame pixels.

        The crop may reach past the frame edges, or past ``within`` (the participant's
        gallery tile): the outside reads as black, so a neighbour's face never gets in.
        Returns None when no face is there.
        """
        if self._landmarker is None:
            raise RuntimeError("landmarker used after close()")
        image, scale = crop_fitted(pixels, crop, CROP_MAX_SIDE, within)
        mp_image = to_mp_image(image)
        timer = self._timer
        started = timer.clock() if timer is not None else 0.0
        result = self._landmarker.detect_for_video(mp_image, self._millis(t))
        if timer is not None:
            timer.seconds += timer.clock() - started
            timer.calls += 1
        if not result.face_landmarks:
            return None
        points = np.array([(p.x, p.y, p.z) for p in result.face_landmarks[0]], dtype=np.float32)
        points[:, [0, 2]] *= np.float32(image.shape[1] / scale)
        points[:, 1] *= np.float32(image.shape[0] / scale)
        points[:, 0] += np.float32(crop.x)
        points[:, 1] += np.float32(crop.y)
        blendshapes = _blendshapes(result.face_blendshapes[0])
        pose = pose_from_matrix(result.facial_transformation_matrixes[0])
        return Face(landmarks=points, blendshapes=blendshapes, pose=pose, t=t)

    def close(self) -> None:
        """Free MediaPipe's graph. Safe to call twice."""
        if self._landmarker is not None:
            self._landmarker.close()
            self._landmarker = None


def _blendshapes(categories: list[Any]) -> npt.NDArray[np.float32]:
    """The 52 scores in `BLENDSHAPE_NAMES` order (MediaPipe's own order, checked cheaply)."""
    if len(categories) == len(BLENDSHAPE_NAMES) and all(
        categories[i].category_name == BLENDSHAPE_NAMES[i] for i in (0, 1, 25, 51)
    ):
        return np.array([c.score for c in categories], dtype=np.float32)
    scores = {c.category_name: c.score for c in categories}
    return np.array([scores.get(n, 0.0) for n in BLENDSHAPE_NAMES], dtype=np.float32)
