"""One participant's landmarker: their crop of the frame through the shared landmark engine."""

from __future__ import annotations

import numpy as np

from companion.closing import Closeable
from companion.model import Box, Face, RGBImage
from companion.vision.imaging import CROP_MAX_SIDE, crop_fitted
from companion.vision.landmark_engine import MIN_PRESENCE, LandmarkEngine, TrackedFace
from companion.vision.pose import pose_from_matrix


class CropLandmarker(Closeable):
    """Follows one participant in square crops of the frame.

    Its state is the face's region and smoothing filter (`TrackedFace`); the networks
    belong to the `LandmarkEngine` every participant shares, so a new participant costs
    no model load and no memory beyond a few arrays.
    """

    def __init__(self, engine: LandmarkEngine, min_confidence: float = MIN_PRESENCE) -> None:
        self._face: TrackedFace | None = TrackedFace(engine, min_confidence)

    def landmark(
        self, pixels: RGBImage, crop: Box, t: float, within: Box | None = None
    ) -> Face | None:
        """Landmark the face inside ``crop`` of ``pixels``; coordinates come back in frame pixels.

        The crop may reach past the frame edges, or past ``within`` (the participant's
        gallery tile): the outside reads as black, so a neighbour's face never gets in.
        Returns None when no face is there.
        """
        if self._face is None:
            raise RuntimeError("landmarker used after close()")
        image, scale = crop_fitted(pixels, crop, CROP_MAX_SIDE, within)
        found = self._face.landmark(image, t)
        if found is None:
            return None
        points = found.points.copy()
        points[:, [0, 2]] *= np.float32(image.shape[1] / scale)
        points[:, 1] *= np.float32(image.shape[0] / scale)
        points[:, 0] += np.float32(crop.x)
        points[:, 1] += np.float32(crop.y)
        return Face(
            landmarks=points,
            blendshapes=found.blendshapes,
            pose=pose_from_matrix(found.transform),
            t=t,
        )

    def close(self) -> None:
        """Forget the face. Safe to call twice."""
        self._face = None
