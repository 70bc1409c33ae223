"""A pipeline for overlay tests that never finds anyone (the runner stays paused)."""

from __future__ import annotations

from companion.model import Box, Face, RGBImage
from companion.vision.tiling import Detection

REGION = Box(0, 0, 640, 360)


class NoFaces:
    """A face detector for a pipeline that is never stepped (the runner stays paused)."""

    def detect(self, pixels: RGBImage, window: Box, within: Box | None = None) -> list[Detection]:
        return []

    def close(self) -> None:
        pass


class NoLandmarks:
    def landmark(
        self, pixels: RGBImage, crop: Box, t: float, within: Box | None = None
    ) -> Face | None:
        return None

    def close(self) -> None:
        pass
