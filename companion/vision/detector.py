"""Find faces anywhere in a frame with MediaPipe's detector run over multi-scale tiles."""

from __future__ import annotations

from types import TracebackType

from mediapipe.tasks.python import vision as mp_vision

from companion.model import Box, RGBImage
from companion.vision.imaging import crop_padded, fit_within
from companion.vision.mp_runtime import base_options, to_mp_image
from companion.vision.tiling import Detection, suppress_overlaps, tile_grid, touches_inner_edge

DETECTOR_INPUT = 128


class TiledFaceFinder:
    """Searches overlapping tiles at several scales and merges what it finds.

    ``min_face`` is the smallest face height (frame pixels) it should find. Cost grows
    with the number of tiles, so callers run it periodically, not every frame.
    """

    def __init__(self, detector_model: bytes, min_face: float = 40, min_score: float = 0.6) -> None:
        options = mp_vision.FaceDetectorOptions(
            base_options=base_options(detector_model),
            running_mode=mp_vision.RunningMode.IMAGE,
            min_detection_confidence=min_score,
        )
        self._detector: mp_vision.FaceDetector | None = mp_vision.FaceDetector.create_from_options(
            options
        )
        self.min_face = min_face
        self._grid: tuple[tuple[int, int], list[Box]] | None = None

    def find(self, pixels: RGBImage, within: Box | None = None) -> list[Detection]:
        """Faces in the frame (or only in ``within``), best first, duplicates merged."""
        if self._detector is None:
            raise RuntimeError("face finder used after close()")
        h, w = pixels.shape[:2]
        x0, y0 = 0, 0
        if within is not None:
            x0, y0 = max(0, int(within.x)), max(0, int(within.y))
            x1, y1 = min(w, int(within.x + within.w)), min(h, int(within.y + within.h))
            pixels = pixels[y0:y1, x0:x1]
            h, w = pixels.shape[:2]
            if h < 8 or w < 8:
                return []
        found: list[Detection] = []
        for tile in self._tiles(w, h):
            image, scale = fit_within(crop_padded(pixels, tile), 2 * DETECTOR_INPUT)
            for det in self._detector.detect(to_mp_image(image)).detections:
                bb = det.bounding_box
                box = Box(
                    tile.x + bb.origin_x / scale,
                    tile.y + bb.origin_y / scale,
                    bb.width / scale,
                    bb.height / scale,
                )
                if touches_inner_edge(box, tile, w, h):
                    continue
                score = float(det.categories[0].score) if det.categories else 0.0
                found.append(Detection(Box(box.x + x0, box.y + y0, box.w, box.h), score))
        return suppress_overlaps(found)

    def _tiles(self, width: int, height: int) -> list[Box]:
        if self._grid is None or self._grid[0] != (width, height):
            self._grid = ((width, height), tile_grid(width, height, self.min_face))
        return self._grid[1]

    def close(self) -> None:
        """Free MediaPipe's graph. Safe to call twice."""
        if self._detector is not None:
            self._detector.close()
            self._detector = None

    def __enter__(self) -> TiledFaceFinder:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
