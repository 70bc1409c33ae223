"""The face's pose in 3-D, as MediaPipe's geometry pipeline computes its transformation matrix.

The bundle holds a canonical face (468 vertices, in centimetres) and weights for 33 of
them. The landmarks are placed in a perspective camera (63 degree vertical field of
view), their depth is recovered by two rounds of scale estimation, and a weighted
orthogonal Procrustes fit maps the canonical face onto them. Computed in float64 (MediaPipe
uses float32): rotations agree to about 1e-6.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Iterator

import numpy as np
import numpy.typing as npt

from companion.errors import ModelError

VERTICAL_FOV_DEGREES = 63.0
NEAR = 1.0
MESH_POINTS = 468

Matrix = npt.NDArray[np.float64]


class FaceGeometry:
    """The canonical face of one bundle and the fit of it to landmarks."""

    def __init__(self, metadata: bytes) -> None:
        canonical, weights = _read_metadata(metadata)
        # Only the weighted vertices enter the fit; the other 435 have weight 0.
        self._used = np.nonzero(weights)[0]
        # The canonical side of every fit: each point scaled by the root of its weight,
        # and centred on the weighted mean.
        self._root = np.sqrt(weights[self._used])
        self._total = float(weights.sum())
        self._source = canonical[:, self._used] * self._root
        centre = (self._source * self._root).sum(axis=1) / self._total
        self._centred = self._source - np.outer(centre, self._root)
        self._spread = float((self._centred * self._source).sum())

    def transform(self, landmarks: npt.NDArray[np.float32], width: int, height: int) -> Matrix:
        """The 4x4 transform from the canonical face to camera space for landmarks given
        in normalized image coordinates (x, y in 0-1, z on the x scale)."""
        view_h = 2.0 * NEAR * math.tan(0.5 * math.radians(VERTICAL_FOV_DEGREES))
        view_w = width * view_h / height
        screen = landmarks[self._used].T.astype(np.float64)
        screen[1] = 1.0 - screen[1]
        screen[0] = screen[0] * view_w - 0.5 * view_w
        screen[1] = screen[1] * view_h - 0.5 * view_h
        screen[2] = screen[2] * view_w
        depth_offset = float((landmarks[:MESH_POINTS, 2].astype(np.float64) * view_w).mean())
        flat = screen.copy()
        flat[2] *= -1
        first = self._scale(flat)
        second = self._scale(_unproject(screen, first, depth_offset))
        return self._fit(_unproject(screen, first * second, depth_offset))

    def _scale(self, points: Matrix) -> float:
        """The scale of the fit onto ``points`` (3 x N), without its rotation."""
        cross = (points * self._root) @ self._centred.T
        singular = np.linalg.svd(cross, compute_uv=False)
        # The fit's rotation flips its weakest axis when the cross-covariance is a reflection.
        signed = singular[0] + singular[1] + math.copysign(singular[2], np.linalg.det(cross))
        return abs(float(signed / self._spread))

    def _fit(self, points: Matrix) -> Matrix:
        """The scaled rotation and translation that best map the canonical face onto
        ``points`` (3 x N) under the weights: an orthogonal Procrustes fit."""
        target = points * self._root
        u, _, vt = np.linalg.svd(target @ self._centred.T)
        if np.linalg.det(u) * np.linalg.det(vt) < 0:
            u[:, 2] *= -1
        rotation = u @ vt
        scaled = float(((rotation @ self._centred) * target).sum() / self._spread) * rotation
        translation = ((target - scaled @ self._source) * self._root).sum(axis=1) / self._total
        out = np.eye(4)
        out[:3, :3] = scaled
        out[:3, 3] = translation
        return out


def _unproject(screen: Matrix, scale: float, depth_offset: float) -> Matrix:
    out = screen.copy()
    out[2] = (out[2] - depth_offset + NEAR) / scale
    out[0] = out[0] * out[2] / NEAR
    out[1] = out[1] * out[2] / NEAR
    out[2] *= -1
    return out


def _read_metadata(data: bytes) -> tuple[Matrix, Matrix]:
    """Canonical vertices (3 x 468) and per-vertex weights from the bundle's
    ``GeometryPipelineMetadata`` protobuf: field 1 the mesh (field 3: packed float
    vertex buffer of x, y, z, u, v), field 2 the weighted landmark ids (1: id, 2: weight)."""
    vertices: list[float] = []
    weights = np.zeros(MESH_POINTS)
    for number, value in _fields(data):
        if number == 1 and isinstance(value, bytes):
            for inner, item in _fields(value):
                if inner == 3 and isinstance(item, bytes):
                    vertices += np.frombuffer(item, "<f4").tolist()
                elif inner == 3 and isinstance(item, float):
                    vertices.append(item)
        elif number == 2 and isinstance(value, bytes):
            entry = dict(_fields(value))
            index, weight = entry.get(1, 0), entry.get(2, 0.0)
            if isinstance(index, int) and isinstance(weight, float) and 0 <= index < MESH_POINTS:
                weights[index] = weight
    if len(vertices) != MESH_POINTS * 5 or not weights.any():
        raise ModelError("face model bundle has an unreadable canonical face")
    canonical = np.array(vertices, np.float32).reshape(-1, 5)[:, :3].T.astype(np.float64)
    return canonical, weights


def _fields(data: bytes) -> Iterator[tuple[int, int | float | bytes]]:
    """The (field number, value) pairs of one protobuf message: varints, 32-bit floats and
    length-delimited bytes (the only wire types the metadata uses)."""
    i = 0
    while i < len(data):
        key, i = _varint(data, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _varint(data, i)
            yield number, value
        elif wire == 5:
            yield number, struct.unpack_from("<f", data, i)[0]
            i += 4
        elif wire == 2:
            size, i = _varint(data, i)
            yield number, data[i : i + size]
            i += size
        else:
            raise ModelError(f"face model bundle: unexpected protobuf wire type {wire}")


def _varint(data: bytes, i: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = data[i]
        i += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, i
