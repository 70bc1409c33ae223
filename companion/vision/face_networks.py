"""The three networks of the bundled Face Landmarker, loaded once into LiteRT interpreters.

MediaPipe's Face Landmarker task builds a graph (and loads every network) per instance; a
call is its networks plus a few small steps, which `landmark_engine` writes out. Here the
weights are read once from the bundle and shared by every participant.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from ai_edge_litert.interpreter import Interpreter

from companion.errors import ModelError

DETECTOR_MEMBER = "face_detector.tflite"
LANDMARKS_MEMBER = "face_landmarks_detector.tflite"
BLENDSHAPES_MEMBER = "face_blendshapes.tflite"
GEOMETRY_MEMBER = "geometry_pipeline_metadata_landmarks.binarypb"

Tensor = npt.NDArray[np.float32]


def bundle_member(model: bytes, name: str) -> bytes:
    """One file of the `.task` bundle (a zip), or `ModelError` naming what is missing."""
    try:
        with zipfile.ZipFile(io.BytesIO(model)) as bundle:
            return bundle.read(name)
    except (zipfile.BadZipFile, KeyError) as exc:
        raise ModelError(f"face model bundle has no {name}") from exc


@dataclass
class NetworkTimer:
    """CPU seconds spent inside the three networks, and landmark calls: the model's own
    cost, against which `companion bench` measures the pipeline."""

    clock: Callable[[], float]
    seconds: float = 0.0
    calls: int = 0


class _Network:
    """One LiteRT interpreter on one thread, fed one input tensor."""

    def __init__(self, weights: bytes, timer: NetworkTimer | None) -> None:
        self._timer = timer
        self._interpreter = Interpreter(model_content=weights, num_threads=1)
        self._interpreter.allocate_tensors()
        self._input = self._interpreter.get_input_details()[0]["index"]
        self._outputs = [d["index"] for d in self._interpreter.get_output_details()]

    def __call__(self, tensor: Tensor) -> list[Tensor]:
        timer = self._timer
        started = timer.clock() if timer is not None else 0.0
        self._interpreter.set_tensor(self._input, tensor)
        self._interpreter.invoke()
        if timer is not None:
            timer.seconds += timer.clock() - started
        return [np.asarray(self._interpreter.get_tensor(i)) for i in self._outputs]


class FaceNetworks:
    """The face detector, landmark and blendshape networks of one bundle, loaded once.

    Not thread-safe: one pipeline (one thread) owns one instance.
    """

    def __init__(self, model: bytes, timer: NetworkTimer | None = None) -> None:
        self._timer = timer
        self._detector = _Network(bundle_member(model, DETECTOR_MEMBER), timer)
        self._landmarks = _Network(bundle_member(model, LANDMARKS_MEMBER), timer)
        self._blendshapes = _Network(bundle_member(model, BLENDSHAPES_MEMBER), timer)
        self.geometry = bundle_member(model, GEOMETRY_MEMBER)
        """The canonical face model and its weights (a serialized protobuf)."""

    def detect(self, tensor: Tensor) -> tuple[Tensor, Tensor]:
        """Short-range detector on a (128, 128, 3) tensor in [-1, 1]: box regressors
        (896, 16) and score logits (896,)."""
        regressors, scores = self._detector(tensor[None])
        return regressors[0], scores[0, :, 0]

    def landmarks(self, tensor: Tensor) -> tuple[Tensor, float]:
        """Landmark network on a (256, 256, 3) tensor in [0, 1]: 478 points in input pixels
        (x, y, z) and the face presence logit."""
        outputs = self._landmarks(tensor[None])
        if self._timer is not None:
            self._timer.calls += 1
        return outputs[0].reshape(478, 3), float(outputs[1].reshape(-1)[0])

    def blendshapes(self, points: Tensor) -> Tensor:
        """Blendshape network on (146, 2) landmark pixels: the 52 scores."""
        return self._blendshapes(points[None])[0].reshape(-1)
