"""The short-range face detector, run on one window of a frame at a time."""

from __future__ import annotations

from companion.closing import Closeable
from companion.model import Box, RGBImage
from companion.vision.facepoints import points_from_keypoints
from companion.vision.imaging import crop_fitted
from companion.vision.landmark_engine import LandmarkEngine
from companion.vision.tiling import Detection

DETECTOR_INPUT = 128


class WindowFaceDetector(Closeable):
    """Finds faces inside one window of a frame, scaled to the detector's 128 px input.

    The detector sees faces filling roughly 15-80% of its input, so callers choose windows
    a few face heights across (see `tiling.search_windows`). A call costs a few
    milliseconds whatever the window's size. The network is the engine's, shared with
    the landmarkers.
    """

    def __init__(self, engine: LandmarkEngine, min_score: float = 0.6) -> None:
        self._engine: LandmarkEngine | None = engine
        self._min_score = min_score

    def detect(self, pixels: RGBImage, window: Box, within: Box | None = None) -> list[Detection]:
        """Faces inside ``window``, in frame pixels.

        Parts outside the frame, or outside ``within`` (the searched tile), read as black.
        """
        if self._engine is None:
            raise RuntimeError("face detector used after close()")
        image, scale = crop_fitted(pixels, window, 2 * DETECTOR_INPUT, within)
        height, width = image.shape[:2]
        found: list[Detection] = []
        for det in self._engine.detect(image, self._min_score):
            # Whole pixels of the window's image, truncated, starting inside it and no
            # larger than it, as MediaPipe's detector task reported them: the search was
            # tuned on these boxes.
            box = Box(
                window.x + max(0, int(det.xmin * width)) / scale,
                window.y + max(0, int(det.ymin * height)) / scale,
                min(int(det.width * width), width) / scale,
                min(int(det.height * height), height) / scale,
            )
            points = points_from_keypoints(
                [
                    (window.x + x * width / scale, window.y + y * height / scale)
                    for x, y in det.keypoints
                ]
            )
            found.append(Detection(box, det.score, points))
        return found

    def close(self) -> None:
        """Let go of the engine. Safe to call twice."""
        self._engine = None
