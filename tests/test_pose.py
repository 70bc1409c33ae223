"""Head pose from a face-to-camera transform."""

from __future__ import annotations

import math

import numpy as np
import pytest

from companion.vision.pose import pose_from_matrix


def _rot(yaw: float, pitch: float, roll: float, scale: float = 1.0) -> np.ndarray:
    y, p, r = (math.radians(v) for v in (yaw, pitch, roll))
    rx = np.array([[1, 0, 0], [0, math.cos(p), -math.sin(p)], [0, math.sin(p), math.cos(p)]])
    ry = np.array([[math.cos(y), 0, math.sin(y)], [0, 1, 0], [-math.sin(y), 0, math.cos(y)]])
    rz = np.array([[math.cos(r), -math.sin(r), 0], [math.sin(r), math.cos(r), 0], [0, 0, 1]])
    m = np.eye(4)
    m[:3, :3] = scale * (rz @ ry @ rx)
    m[:3, 3] = (1, 2, -40)
    return m


@pytest.mark.parametrize(
    ("yaw", "pitch", "roll"), [(0, 0, 0), (20, 0, 0), (0, -15, 0), (0, 0, 30), (10, 12, -8)]
)
def test_angles_round_trip_even_with_scale(yaw: float, pitch: float, roll: float) -> None:
    pose = pose_from_matrix(_rot(yaw, pitch, roll, scale=1.7))
    assert (pose.yaw, pose.pitch, pose.roll) == pytest.approx((yaw, pitch, roll), abs=1e-6)


def test_rejects_wrong_shape_and_degenerate_matrix() -> None:
    with pytest.raises(ValueError):
        pose_from_matrix(np.eye(3))
    with pytest.raises(ValueError):
        pose_from_matrix(np.zeros((4, 4)))
