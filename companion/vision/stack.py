"""Build the real pipeline: the bundled model behind MediaPipe's detector and landmarker."""

from __future__ import annotations

from companion.vision.detector import WindowFaceDetector
from companion.vision.landmarker import CropLandmarker, ModelTimer
from companion.vision.model_file import detector_bytes, read_model
from companion.vision.pipeline import Pipeline, PipelineConfig


def open_pipeline(
    config: PipelineConfig | None = None, timer: ModelTimer | None = None
) -> Pipeline:
    """A pipeline on the verified bundled model. Close it when done.

    The default config is for live use (one core); recorded videos use
    `PipelineConfig.offline`, which landmarks everyone on every frame. ``timer`` sums the
    CPU time of MediaPipe's own landmark calls (for `companion bench`).
    """
    config = config or PipelineConfig()
    model = read_model()
    detector = WindowFaceDetector(detector_bytes(model))
    return Pipeline(detector, lambda: CropLandmarker(model, timer=timer), config)
