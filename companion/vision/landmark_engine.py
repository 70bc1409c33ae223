"""One Face Landmarker for every participant: MediaPipe's per-frame steps on shared networks.

MediaPipe's Face Landmarker task (VIDEO mode, one face) does, per frame: find the face
with the detector when it has no region from the last frame; cut the region (grown 1.5
times around the landmarks, turned so the eyes lie level) into the landmark network;
drop the face when its presence score falls to 0.5 or below; map the landmarks back;
smooth them with a one-euro filter; read blendshapes and the head's transform from the
smoothed landmarks. `TrackedFace` holds the little that is per person (the region and
the filter); `LandmarkEngine` holds the networks, loaded once. Outputs agree with
MediaPipe's own to within float rounding (tests/test_landmark_engine.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from companion import facemesh as fm
from companion.model import RGBImage
from companion.vision.face_detection import (
    FaceDetection,
    detect_faces,
    detection_rect,
    detector_crop,
)
from companion.vision.face_geometry import FaceGeometry
from companion.vision.face_networks import FaceNetworks, NetworkTimer
from companion.vision.landmark_filter import LandmarkFilter
from companion.vision.rotated_crop import (
    RotatedRect,
    TensorCrop,
    rect_to_image,
    rotation_between,
)

LANDMARK_INPUT = 256
MIN_PRESENCE = 0.5
"""The landmarker's default detection and presence confidence, as the pipeline used it."""

BLENDSHAPE_POINTS = (
    0, 1, 4, 5, 6, 7, 8, 10, 13, 14, 17, 21, 33, 37, 39, 40, 46, 52, 53, 54, 55, 58, 61, 63,
    65, 66, 67, 70, 78, 80, 81, 82, 84, 87, 88, 91, 93, 95, 103, 105, 107, 109, 127, 132,
    133, 136, 144, 145, 146, 148, 149, 150, 152, 153, 154, 155, 157, 158, 159, 160, 161,
    162, 163, 168, 172, 173, 176, 178, 181, 185, 191, 195, 197, 234, 246, 249, 251, 263,
    267, 269, 270, 276, 282, 283, 284, 285, 288, 291, 293, 295, 296, 297, 300, 308, 310,
    311, 312, 314, 317, 318, 321, 323, 324, 332, 334, 336, 338, 356, 361, 362, 365, 373,
    374, 375, 377, 378, 379, 380, 381, 382, 384, 385, 386, 387, 388, 389, 390, 397, 398,
    400, 402, 405, 409, 415, 454, 466, 468, 469, 470, 471, 472, 473, 474, 475, 476, 477,
)  # fmt: skip
"""The 146 landmarks the blendshape network reads, in its order."""

_ROTATION_FROM = (fm.EYE_R_OUTER, fm.EYE_L_OUTER)
"""The outer eye corners: the line between them sets the next region's rotation."""

_REGION_SCALE = 1.5
_F32 = np.float32


@dataclass(frozen=True)
class Landmarks:
    """One face on one frame, in normalized image coordinates (x, y in 0-1, z on the x
    scale), with the 52 blendshape scores and the 4x4 canonical-face-to-camera transform."""

    points: npt.NDArray[np.float32]
    blendshapes: npt.NDArray[np.float32]
    transform: npt.NDArray[np.float64]


class LandmarkEngine:
    """The networks and canonical face of one bundle, shared by every `TrackedFace`."""

    def __init__(self, model: bytes, timer: NetworkTimer | None = None) -> None:
        self.networks = FaceNetworks(model, timer)
        self.geometry = FaceGeometry(self.networks.geometry)
        self._detector_crop = detector_crop()
        self._landmark_crop = TensorCrop(LANDMARK_INPUT, (0.0, 1.0), zero_border=False)

    def detect(self, image: RGBImage, min_score: float) -> list[FaceDetection]:
        """Faces in the whole of ``image`` (normalized coordinates), strongest first."""
        return detect_faces(self.networks, self._detector_crop, image, min_score)

    def landmark(self, image: RGBImage, rect: RotatedRect) -> tuple[npt.NDArray[np.float32], float]:
        """Raw landmarks (normalized image coordinates) in region ``rect`` (normalized),
        and the face presence score."""
        height, width = image.shape[:2]
        w, h = _F32(width), _F32(height)
        pixels = RotatedRect(
            float(_F32(rect.cx) * w),
            float(_F32(rect.cy) * h),
            float(_F32(rect.w) * w),
            float(_F32(rect.h) * h),
            rect.rotation,
        )
        tensor = self._landmark_crop(image, pixels)
        raw, logit = self.networks.landmarks(tensor)
        presence = 1.0 / (1.0 + math.exp(-logit))
        unit = raw.astype(_F32) / _F32(LANDMARK_INPUT)
        m = rect_to_image(pixels, width, height)
        # MediaPipe measures the region's width as the image of the unit x step, in float32.
        dx, dy = _F32(m[0, 0] + m[0, 2]) - m[0, 2], _F32(m[1, 0] + m[1, 2]) - m[1, 2]
        z_scale = _F32(math.sqrt(float(dx) ** 2 + float(dy) ** 2))
        points = np.stack(
            [
                unit[:, 0] * m[0, 0] + unit[:, 1] * m[0, 1] + m[0, 2],
                unit[:, 0] * m[1, 0] + unit[:, 1] * m[1, 1] + m[1, 2],
                z_scale * unit[:, 2],
            ],
            axis=1,
        ).astype(_F32)
        return points, presence

    def blendshapes(
        self, points: npt.NDArray[np.float32], width: int, height: int
    ) -> npt.NDArray[np.float32]:
        """The 52 scores from normalized landmarks."""
        chosen = points[list(BLENDSHAPE_POINTS), :2]
        pixels = np.stack([chosen[:, 0] * width, chosen[:, 1] * height], axis=1).astype(_F32)
        return self.networks.blendshapes(pixels)


class TrackedFace:
    """One person's landmarker state: the region to look in next and the smoothing filter.

    `landmark` is one VIDEO-mode call of MediaPipe's Face Landmarker with one face.
    """

    def __init__(self, engine: LandmarkEngine, min_confidence: float = MIN_PRESENCE) -> None:
        self._engine = engine
        self._min_confidence = min_confidence
        self._rect: RotatedRect | None = None
        self._size = (0, 0)
        self._filter = LandmarkFilter()
        self._millis = MonotonicMillis()

    def landmark(self, image: RGBImage, t: float) -> Landmarks | None:
        """The face in ``image`` at time ``t`` (seconds), or None when there is none."""
        engine = self._engine
        height, width = image.shape[:2]
        t_ns = self._millis(t) * 1_000_000
        if (width, height) != self._size:
            # MediaPipe's smoothing starts afresh when the image changes size.
            self._filter = LandmarkFilter()
            self._size = (width, height)
        rect = self._rect
        if rect is None:
            found = engine.detect(image, self._min_confidence)
            if not found:
                self._lost()
                return None
            rect = detection_rect(found[0], width, height)
        raw, presence = engine.landmark(image, rect)
        if not presence > self._min_confidence:
            self._lost()
            return None
        self._rect = _next_rect(raw, width, height)
        size = np.array([width, height, width], _F32)
        smoothed = self._filter.smooth((raw * size).astype(_F32), t_ns) / size
        points = smoothed.astype(_F32)
        blendshapes = engine.blendshapes(points, width, height)
        transform = engine.geometry.transform(points, width, height)
        return Landmarks(points, blendshapes, transform)

    def _lost(self) -> None:
        self._rect = None
        self._filter = LandmarkFilter()


def _next_rect(points: npt.NDArray[np.float32], width: int, height: int) -> RotatedRect:
    """The next frame's region: the landmarks' bounding box made square in pixels and grown
    1.5 times, turned so the outer eye corners lie level (normalized units)."""
    x, y = points[:, 0], points[:, 1]
    xmin, xmax, ymin, ymax = x.min(), x.max(), y.min(), y.max()
    w, h = _F32(xmax - xmin), _F32(ymax - ymin)
    cx, cy = _F32(xmin + w / _F32(2)), _F32(ymin + h / _F32(2))
    fw, fh = _F32(width), _F32(height)
    a, b = _ROTATION_FROM
    rotation = rotation_between(
        points[a, 0] * fw, points[a, 1] * fh, points[b, 0] * fw, points[b, 1] * fh
    )
    side = max(w * fw, h * fh)
    scale = _F32(_REGION_SCALE)
    return RotatedRect(
        float(cx),
        float(cy),
        float(_F32(side / fw) * scale),
        float(_F32(side / fh) * scale),
        rotation,
    )


class MonotonicMillis:
    """Turns seconds into the strictly increasing integer milliseconds a video stream has."""

    def __init__(self) -> None:
        self._last = -1

    def __call__(self, t: float) -> int:
        ms = round(t * 1000.0)
        if ms <= self._last:
            ms = self._last + 1
        self._last = ms
        return ms
