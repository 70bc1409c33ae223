"""Head pose from MediaPipe's facial transformation matrix (pure numpy)."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from companion.model import HeadPose


def pose_from_matrix(matrix: npt.ArrayLike) -> HeadPose:
    """Yaw, pitch and roll in degrees from a 4x4 face-to-camera transform.

    The rotation is taken from the upper 3x3 block with any uniform scale removed, and
    decomposed as R = Rz(roll) @ Ry(yaw) @ Rx(pitch). Zero for all three is a face looking
    straight at the camera, upright.
    """
    m = np.asarray(matrix, dtype=np.float64)
    if m.shape != (4, 4):
        raise ValueError(f"transformation matrix must be 4x4, got {m.shape}")
    rot = m[:3, :3]
    scale = np.linalg.norm(rot, axis=0)
    if np.any(scale < 1e-9):
        raise ValueError("transformation matrix has a degenerate rotation")
    rot = rot / scale
    yaw = math.asin(float(np.clip(-rot[2, 0], -1.0, 1.0)))
    pitch = math.atan2(float(rot[2, 1]), float(rot[2, 2]))
    roll = math.atan2(float(rot[1, 0]), float(rot[0, 0]))
    return HeadPose(yaw=math.degrees(yaw), pitch=math.degrees(pitch), roll=math.degrees(roll))
