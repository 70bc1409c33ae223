"""The frozen values between stages reject malformed data."""

from __future__ import annotations

import numpy as np
import pytest

from companion.model import (
    BLENDSHAPE_NAMES,
    Box,
    Cluster,
    CueEvent,
    Face,
    Frame,
    HeadPose,
    Participant,
)


def test_box_iou_of_identical_disjoint_and_half_overlapping() -> None:
    a = Box(0, 0, 10, 10)
    assert a.iou(a) == pytest.approx(1.0)
    assert a.iou(Box(20, 20, 5, 5)) == 0.0
    assert a.iou(Box(5, 0, 10, 10)) == pytest.approx(50 / 150)


@pytest.mark.parametrize("args", [(0, 0, -1, 5), (float("nan"), 0, 1, 1), (0, float("inf"), 1, 1)])
def test_box_rejects_negative_or_non_finite(args: tuple[float, float, float, float]) -> None:
    with pytest.raises(ValueError):
        Box(*args)


def test_a_median_box_takes_each_coordinate_apart() -> None:
    rows = [(10, 20, 30, 40), (12, 18, 34, 44), (100, 19, 31, 400)]  # one stray row
    assert Box.median(rows) == Box(12, 19, 31, 44)
    assert Box.median([(1, 2, 3, 4)]) == Box(1, 2, 3, 4)


def test_frame_accepts_rgb_uint8_only() -> None:
    Frame(np.zeros((4, 5, 3), np.uint8), 0.0, Box(0, 0, 5, 4))
    with pytest.raises(ValueError, match="HxWx3"):
        Frame(np.zeros((4, 5), np.uint8), 0.0, Box(0, 0, 5, 4))
    with pytest.raises(ValueError, match="HxWx3"):
        Frame(np.zeros((4, 5, 4), np.uint8), 0.0, Box(0, 0, 5, 4))
    with pytest.raises(ValueError, match="HxWx3"):
        Frame(np.zeros((4, 5, 3), np.float32), 0.0, Box(0, 0, 5, 4))
    with pytest.raises(ValueError, match="no pixels"):
        Frame(np.zeros((0, 5, 3), np.uint8), 0.0, Box(0, 0, 5, 0))


def _face(points: int = 478, shapes: int = 52) -> Face:
    return Face(
        landmarks=np.zeros((points, 3), np.float32),
        blendshapes=np.zeros(shapes, np.float32),
        pose=HeadPose(0, 0, 0),
        t=0.0,
    )


def test_face_checks_landmark_and_blendshape_shapes() -> None:
    assert _face().blendshape("browDownLeft") == 0.0
    with pytest.raises(ValueError, match="478"):
        _face(points=468)
    with pytest.raises(ValueError, match="52"):
        _face(shapes=51)
    assert len(BLENDSHAPE_NAMES) == 52 == len(set(BLENDSHAPE_NAMES))


def test_face_box_spans_its_landmarks() -> None:
    pts = np.zeros((478, 3), np.float32)
    pts[:, 0] = np.linspace(10, 50, 478)
    pts[:, 1] = np.linspace(20, 80, 478)
    face = Face(pts, np.zeros(52, np.float32), HeadPose(0, 0, 0), 1.0)
    assert face.box == Box(10, 20, 40, 60)


def test_event_micro_is_under_half_a_second_and_peak_inside() -> None:
    assert CueEvent("p1", "lip_press", 1.0, 1.3, 1.1, 0.5).micro
    assert not CueEvent("p1", "lip_press", 1.0, 1.6, 1.1, 0.5).micro
    with pytest.raises(ValueError):
        CueEvent("p1", "lip_press", 1.0, 1.3, 2.0, 0.5)


def test_cluster_and_participant_reject_reversed_times() -> None:
    with pytest.raises(ValueError):
        Cluster("p1", "tension", ("brow_lower",), 2.0, 1.0)
    with pytest.raises(ValueError):
        Cluster("p1", "tension", (), 1.0, 2.0)
    with pytest.raises(ValueError):
        Participant("p1", Box(0, 0, 1, 1), 2.0, 1.0)
