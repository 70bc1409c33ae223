"""Build the real pipeline: the bundled model's networks, loaded once and shared."""

from __future__ import annotations

from companion.vision.detector import WindowFaceDetector
from companion.vision.face_networks import NetworkTimer
from companion.vision.landmark_engine import LandmarkEngine
from companion.vision.landmarker import CropLandmarker
from companion.vision.model_file import read_model
from companion.vision.pipeline import Pipeline, PipelineConfig


def open_pipeline(
    config: PipelineConfig | None = None, timer: NetworkTimer | None = None
) -> Pipeline:
    """A pipeline on the verified bundled model. Close it when done.

    The default config is for live use (one core); recorded videos use
    `PipelineConfig.offline`, which landmarks everyone on every frame. ``timer`` sums the
    CPU time spent inside the networks (for `companion bench`). One `LandmarkEngine`
    serves the detector and every participant.
    """
    config = config or PipelineConfig()
    engine = LandmarkEngine(read_model(), timer)
    return Pipeline(WindowFaceDetector(engine), lambda: CropLandmarker(engine), config)
