"""MediaPipe's short-range face detector (BlazeFace) decoded in numpy, as its graph does.

The network reads the image letterboxed into 128 x 128 and scores 896 fixed anchors; the
boxes above the score threshold are merged by weighted non-maximum suppression. Values
are float32 in MediaPipe's order, so boxes and keypoints match its own to the bit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from companion.model import RGBImage
from companion.vision.face_networks import FaceNetworks
from companion.vision.rotated_crop import (
    RotatedRect,
    TensorCrop,
    rect_to_image,
    rotation_between,
)

DETECTOR_INPUT = 128
_F32 = np.float32
_MERGE_IOU = 0.5


@dataclass(frozen=True)
class FaceDetection:
    """One face in normalized image coordinates (0-1 across width and height).

    ``keypoints`` are six (x, y): the eye on the image's left, the other eye, nose tip,
    mouth centre, and the two ear tragions.
    """

    score: float
    xmin: float
    ymin: float
    width: float
    height: float
    keypoints: npt.NDArray[np.float32]


def _anchors() -> npt.NDArray[np.float32]:
    """The 896 anchor centres: 16x16 cells with 2 anchors (stride 8), 8x8 cells with 6."""
    centres = []
    for cells, per_cell in ((16, 2), (8, 6)):
        for y in range(cells):
            for x in range(cells):
                centres += [((x + 0.5) / cells, (y + 0.5) / cells)] * per_cell
    return np.array(centres, _F32)


_ANCHORS = _anchors()


def detector_crop() -> TensorCrop:
    """The detector's input: 128 x 128 in [-1, 1], black outside the image."""
    return TensorCrop(DETECTOR_INPUT, (-1.0, 1.0), zero_border=True)


def detect_faces(
    networks: FaceNetworks, crop: TensorCrop, image: RGBImage, min_score: float
) -> list[FaceDetection]:
    """Faces in ``image``, strongest first; ``crop`` is a `detector_crop`."""
    height, width = image.shape[:2]
    side = float(max(width, height))
    letterbox = RotatedRect(
        float(_F32(0.5) * _F32(width)), float(_F32(0.5) * _F32(height)), side, side, 0.0
    )
    tensor = crop(image, letterbox)
    regressors, logits = networks.detect(tensor)
    logits = np.clip(logits.astype(_F32), _F32(-100), _F32(100))
    with np.errstate(over="ignore"):  # exp(100) is inf in float32: a score of 0, as in C
        exp = np.exp(-logits.astype(np.float64)).astype(_F32)
    scores = (_F32(1) / (_F32(1) + exp)).astype(_F32)
    raw = regressors.astype(_F32) / _F32(DETECTOR_INPUT)
    ax, ay = _ANCHORS[:, 0], _ANCHORS[:, 1]
    xc, yc = raw[:, 0] + ax, raw[:, 1] + ay
    half_w, half_h = raw[:, 2] / _F32(2), raw[:, 3] / _F32(2)
    xmin, ymin = xc - half_w, yc - half_h
    # MediaPipe stores (xmin, width) and adds them back: keep its rounding.
    xmax = xmin + (xc + half_w - xmin).astype(_F32)
    ymax = ymin + (yc + half_h - ymin).astype(_F32)
    boxes = np.stack([xmin, ymin, xmax, ymax], axis=1).astype(_F32)
    keypoints = np.stack([raw[:, 4::2] + ax[:, None], raw[:, 5::2] + ay[:, None]], axis=2)
    keep = (scores >= _F32(min_score)) & (boxes[:, 2] >= boxes[:, 0]) & (boxes[:, 3] >= boxes[:, 1])
    found = np.nonzero(keep)[0]
    order = [int(i) for i in found[np.argsort(-scores[found], kind="stable")]]
    to_image = rect_to_image(letterbox, width, height)
    return [
        _project(score, box, points, to_image)
        for score, box, points in _merge(order, scores, boxes, keypoints.astype(_F32))
    ]


def _merge(
    order: list[int],
    scores: npt.NDArray[np.float32],
    boxes: npt.NDArray[np.float32],
    keypoints: npt.NDArray[np.float32],
) -> list[tuple[float, npt.NDArray[np.float32], npt.NDArray[np.float32]]]:
    """Weighted non-maximum suppression: each group of boxes overlapping the strongest
    left (IoU over 0.5) becomes their score-weighted mean, with the strongest's score."""
    merged = []
    while order:
        top = order[0]
        group = [i for i in order if _iou(boxes[i], boxes[top]) > _MERGE_IOU]
        rest = [i for i in order if _iou(boxes[i], boxes[top]) <= _MERGE_IOU]
        total = _F32(0)
        corners = np.zeros(4, _F32)
        points = np.zeros((6, 2), _F32)
        for i in group:
            total = _F32(total + scores[i])
            corners = (corners + boxes[i] * scores[i]).astype(_F32)
            points = (points + keypoints[i] * scores[i]).astype(_F32)
        merged.append((float(scores[top]), (corners / total).astype(_F32), points / total))
        if len(rest) == len(order):
            break
        order = rest
    return merged


def _iou(a: npt.NDArray[np.float32], b: npt.NDArray[np.float32]) -> float:
    ix = min(a[2], b[2]) - max(a[0], b[0])
    iy = min(a[3], b[3]) - max(a[1], b[1])
    if ix < 0 or iy < 0:
        return 0.0
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return float(inter / union) if union > 0 else 0.0


def _project(
    score: float,
    box: npt.NDArray[np.float32],
    keypoints: npt.NDArray[np.float32],
    to_image: npt.NDArray[np.float32],
) -> FaceDetection:
    """From the letterboxed input back to the image: the box's bounding box and the points."""
    xmin, ymin = box[0], box[1]
    xmax, ymax = _F32(xmin + _F32(box[2] - xmin)), _F32(ymin + _F32(box[3] - ymin))
    corners = np.array([[xmin, ymin], [xmax, ymin], [xmax, ymax], [xmin, ymax]], _F32)
    moved = _apply(to_image, corners)
    low, high = moved.min(axis=0), moved.max(axis=0)
    return FaceDetection(
        score,
        float(low[0]),
        float(low[1]),
        float(_F32(high[0] - low[0])),
        float(_F32(high[1] - low[1])),
        _apply(to_image, keypoints),
    )


def _apply(
    matrix: npt.NDArray[np.float32], points: npt.NDArray[np.float32]
) -> npt.NDArray[np.float32]:
    x, y = points[:, 0].astype(_F32), points[:, 1].astype(_F32)
    return np.stack(
        [
            x * matrix[0, 0] + y * matrix[0, 1] + matrix[0, 2],
            x * matrix[1, 0] + y * matrix[1, 1] + matrix[1, 2],
        ],
        axis=1,
    ).astype(_F32)


def detection_rect(detection: FaceDetection, width: int, height: int) -> RotatedRect:
    """The landmark network's region for a fresh detection: the box grown 1.5 times,
    turned so the eyes lie level (normalized image units, as MediaPipe keeps it)."""
    w, h = _F32(detection.width), _F32(detection.height)
    cx = _F32(_F32(detection.xmin) + w / _F32(2))
    cy = _F32(_F32(detection.ymin) + h / _F32(2))
    k = detection.keypoints
    rotation = rotation_between(
        k[0, 0] * _F32(width), k[0, 1] * _F32(height), k[1, 0] * _F32(width), k[1, 1] * _F32(height)
    )
    return RotatedRect(float(cx), float(cy), float(w * _F32(1.5)), float(h * _F32(1.5)), rotation)
