"""The shared landmark engine agrees with MediaPipe's own Face Landmarker on real clips.

Each person's crops are fed to both, frame by frame, as the pipeline feeds them: the
crop follows the face and changes size now and then, and faces leave and come back.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from mediapipe.tasks.python import vision as mp_vision

from companion.capture.video import VideoFileSource
from companion.model import Box, RGBImage
from companion.vision.detector import WindowFaceDetector
from companion.vision.face_networks import DETECTOR_MEMBER, bundle_member
from companion.vision.imaging import CROP_MAX_SIDE, crop_fitted
from companion.vision.landmark_engine import LandmarkEngine, TrackedFace
from companion.vision.model_file import read_model
from companion.vision.mp_runtime import base_options, to_mp_image
from companion.vision.rawmodel import MediaPipeFace

MAX_PX = 0.05
MAX_BLENDSHAPE = 0.01
MAX_TRANSFORM = 0.01

Crops = list[tuple[RGBImage, float]]


@pytest.fixture(scope="module")
def model() -> bytes:
    return read_model()


@pytest.fixture(scope="module")
def engine(model: bytes) -> LandmarkEngine:
    return LandmarkEngine(model)


def _crops(path: Path, face: Box, frames: int, every: int = 1) -> Crops:
    """Square crops around ``face`` (frame pixels), as `CropLandmarker` prepares them;
    the crop is re-centred by a few pixels and resized every 20 frames, as the pipeline's
    crop does when a face moves."""
    out: Crops = []
    source = VideoFileSource(path)
    try:
        for i, frame in enumerate(itertools.islice(source.frames(), 0, frames * every, every)):
            grow = 1.0 + 0.15 * ((i // 20) % 3)
            side = max(face.w, face.h) * grow
            crop = Box(face.cx - side / 2 + (i // 20) % 2 * 4, face.cy - side / 2, side, side)
            out.append((crop_fitted(frame.pixels, crop, CROP_MAX_SIDE)[0], frame.t))
    finally:
        source.close()
    return out


def _agree(model: bytes, engine: LandmarkEngine, crops: Crops) -> int:
    """Feed both landmarkers; assert agreement on every frame. Returns the frames with a face."""
    compared = 0
    ours = TrackedFace(engine)
    with MediaPipeFace(model) as theirs:
        for image, t in crops:
            want = theirs.landmark(image, t)
            got = ours.landmark(image, t)
            assert (want is None) == (got is None), f"presence differs at {t:.2f} s"
            if want is None or got is None:
                continue
            h, w = image.shape[:2]
            scale = np.array([w, h, w], np.float32)
            px = np.abs((got.points - want.points) * scale).max()
            assert px <= MAX_PX, f"landmarks differ by {px:.4f} px at {t:.2f} s"
            assert np.abs(got.blendshapes - want.blendshapes).max() <= MAX_BLENDSHAPE
            assert np.abs(got.transform - want.transform).max() <= MAX_TRANSFORM
            compared += 1
    return compared


def test_engine_agrees_with_mediapipe_on_a_self_tape(
    model: bytes, engine: LandmarkEngine, clip: Callable[[str], Path]
) -> None:
    crops = _crops(clip("liveportrait_d19.mp4"), Box(120, 90, 280, 330), 90)
    assert _agree(model, engine, crops) == len(crops)


def test_engine_agrees_with_mediapipe_on_a_small_face_at_25_fps(
    model: bytes, engine: LandmarkEngine, clip: Callable[[str], Path]
) -> None:
    crops = _crops(clip("pcavs_vox_Audio_Source_00104.mp4"), Box(60, 40, 110, 140), 60)
    assert _agree(model, engine, crops) > 50


def test_engine_agrees_with_mediapipe_when_the_face_leaves_and_returns(
    model: bytes, engine: LandmarkEngine, clip: Callable[[str], Path]
) -> None:
    """A person of the four-people meeting room at 35 px, with stretches of empty crop
    between (detector path on return, smoothing restarted)."""
    person = _crops(clip("jctvc_FourPeople_1280x720_60.mp4"), Box(1120, 200, 100, 110), 60, every=2)
    empty = [(np.zeros_like(person[0][0]), 0.0)] * 5
    crops: Crops = []
    for i, (image, _) in enumerate(person[:20] + empty + person[20:40] + empty + person[40:]):
        crops.append((image, i / 30))
    compared = _agree(model, engine, crops)
    assert compared > 40


def test_window_detector_matches_mediapipes_detector_task(
    model: bytes, engine: LandmarkEngine, clip: Callable[[str], Path]
) -> None:
    options = mp_vision.FaceDetectorOptions(
        base_options=base_options(bundle_member(model, DETECTOR_MEMBER)),
        running_mode=mp_vision.RunningMode.IMAGE,
        min_detection_confidence=0.6,
    )
    ours = WindowFaceDetector(engine)
    with mp_vision.FaceDetector.create_from_options(options) as theirs:
        compared = 0
        for name in ("jctvc_FourPeople_1280x720_60.mp4", "liveportrait_d19.mp4"):
            source = VideoFileSource(clip(name))
            frame = next(iter(source.frames()))
            source.close()
            h, w = frame.pixels.shape[:2]
            columns = [Box(x, -20, w / 4, h * 0.6) for x in np.arange(0, w, w / 4)]
            for window in [Box(0, 0, w, h), Box(w * 0.6, h * 0.1, w * 0.5, h * 0.5), *columns]:
                image, scale = crop_fitted(frame.pixels, window, 256)
                want = sorted(
                    theirs.detect(to_mp_image(image)).detections,
                    key=lambda d: d.bounding_box.origin_x,
                )
                got = sorted(ours.detect(frame.pixels, window), key=lambda d: d.box.x)
                assert len(got) == len(want)
                for a, b in zip(got, want, strict=True):
                    bb = b.bounding_box
                    assert a.box.x == pytest.approx(window.x + bb.origin_x / scale)
                    assert a.box.w == pytest.approx(bb.width / scale)
                    assert a.box.h == pytest.approx(bb.height / scale)
                    assert a.score == pytest.approx(b.categories[0].score, abs=1e-5)
                    compared += 1
        assert compared >= 6
