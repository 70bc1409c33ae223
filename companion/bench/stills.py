"""Faces the pipeline finds in a still image (a gallery screenshot), as a figure."""

from __future__ import annotations

from companion.model import Box, Frame, Participant, RGBImage


def faces_in_still(pixels: RGBImage, steps: int = 5) -> list[Participant]:
    """Participants found after showing the same image for ``steps`` frames.

    Uses the offline settings (everyone landmarked on every frame): the first frame finds
    the faces, the next ones confirm them with landmarks. Nothing moves in a screenshot, so
    every face found counts (`PipelineConfig.alive_level` None). Faces as small as 25 px
    come from downscaled screenshots; the layout search handles them per tile.
    """
    from companion.vision.pipeline import PipelineConfig
    from companion.vision.stack import open_pipeline

    height, width = pixels.shape[:2]
    region = Box(0, 0, width, height)
    config = PipelineConfig.offline()
    config.alive_level = None
    pipeline = open_pipeline(config)
    try:
        result = None
        for i in range(max(1, steps)):
            result = pipeline.step(Frame(pixels, i / 30, region, i))
    finally:
        pipeline.close()
    return list(result.participants) if result is not None else []
