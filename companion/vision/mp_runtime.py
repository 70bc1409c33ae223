"""Shared MediaPipe plumbing: options, images and strictly increasing timestamps."""

from __future__ import annotations

import numpy as np
from mediapipe import Image, ImageFormat
from mediapipe.tasks.python import BaseOptions
from mediapipe.tasks.python import vision as mp_vision

from companion.model import RGBImage


def base_options(model: bytes) -> BaseOptions:
    """Options that load a network from bytes in memory (never from a path or the network)."""
    return BaseOptions(model_asset_buffer=model)


def video_landmarker(
    model: bytes, num_faces: int = 1, min_confidence: float = 0.5
) -> mp_vision.FaceLandmarker:
    """MediaPipe's Face Landmarker in VIDEO mode with blendshapes and head pose: the
    reference the landmark engine is held to, and the bench's naive baseline."""
    options = mp_vision.FaceLandmarkerOptions(
        base_options=base_options(model),
        running_mode=mp_vision.RunningMode.VIDEO,
        num_faces=num_faces,
        min_face_detection_confidence=min_confidence,
        min_face_presence_confidence=min_confidence,
        min_tracking_confidence=min_confidence,
        output_face_blendshapes=True,
        output_facial_transformation_matrixes=True,
    )
    return mp_vision.FaceLandmarker.create_from_options(options)


def to_mp_image(rgb: RGBImage) -> Image:
    """Wrap an RGB array for MediaPipe (which needs C-contiguous memory)."""
    return Image(image_format=ImageFormat.SRGB, data=np.ascontiguousarray(rgb))
