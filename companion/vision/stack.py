"""Build the real pipeline: the bundled model behind MediaPipe's detector and landmarker."""

from __future__ import annotations

from companion.pipeline import Pipeline, PipelineConfig
from companion.vision.detector import TiledFaceFinder
from companion.vision.landmarker import CropLandmarker
from companion.vision.model_file import detector_bytes, read_model


def open_pipeline(config: PipelineConfig | None = None) -> Pipeline:
    """A pipeline on the verified bundled model. Close it when done."""
    config = config or PipelineConfig()
    model = read_model()
    finder = TiledFaceFinder(detector_bytes(model), min_face=config.min_face)
    return Pipeline(finder, lambda: CropLandmarker(model), config)
