"""MediaPipe's short-range face detector, run on one window of a frame at a time."""

from __future__ import annotations

from mediapipe.tasks.python import vision as mp_vision

from companion.closing import Closeable
from companion.model import Box, RGBImage
from companion.vision.facepoints import points_from_keypoints
from companion.vision.imaging import crop_fitted
from companion.vision.mp_runtime import base_options, to_mp_image
from companion.vision.tiling import Detection

DETECTOR_INPUT = 128


class WindowFaceDetector(Closeable):
    """Finds faces inside one window of a frame, scaled to the detector's 128 px input.

    The detector sees faces filling roughly 15-80% of its input, so callers choose windows
    a few face heights across (see `tiling.search_windows`). A call costs a few
    milliseconds whatever the window's size.
    """

    def __init__(self, detector_model: bytes, min_score: float = 0.6) -> None:
        options = mp_vision.FaceDetectorOptions(
            base_options=base_options(detector_model),
            running_mode=mp_vision.RunningMode.IMAGE,
            min_detection_confidence=min_score,
        )
        self._detector: mp_vision.FaceDetector | None = mp_vision.FaceDetector.create_from_options(
            options
        )

    def detect(self, pixels: RGBImage, window: Box, within: Box | None = None) -> list[Detection]:
        """Faces inside ``window``, in frame pixels.

        Parts outside the frame, or outside ``within`` (the searched tile), read as black.
        """
        if self._detector is None:
            raise RuntimeError("face detector used after close()")
        image, scale = crop_fitted(pixels, window, 2 * DETECTOR_INPUT, within)
        height, width = image.shape[:2]
        found: list[Detection] = []
        for det in self._detector.detect(to_mp_image(image)).detections:
            bb = det.bounding_box
            box = Box(
                window.x + bb.origin_x / scale,
                window.y + bb.origin_y / scale,
                bb.width / scale,
                bb.height / scale,
            )
            points = None
            if len(det.keypoints) >= 4:
                points = points_from_keypoints(
                    [
                        (window.x + k.x * width / scale, window.y + k.y * height / scale)
                        for k in det.keypoints
                    ]
                )
            score = float(det.categories[0].score) if det.categories else 0.0
            found.append(Detection(box, score, points))
        return found

    def close(self) -> None:
        """Free MediaPipe's graph. Safe to call twice."""
        if self._detector is not None:
            self._detector.close()
            self._detector = None
