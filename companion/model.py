"""Frozen values passed between the pipeline stages.

Every stage takes and returns these; none of them knows about MediaPipe, Qt or mss.
Times are seconds: monotonic capture time for live sources, video time for files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt

LANDMARK_COUNT = 478

BLENDSHAPE_NAMES: tuple[str, ...] = (
    "_neutral",
    "browDownLeft",
    "browDownRight",
    "browInnerUp",
    "browOuterUpLeft",
    "browOuterUpRight",
    "cheekPuff",
    "cheekSquintLeft",
    "cheekSquintRight",
    "eyeBlinkLeft",
    "eyeBlinkRight",
    "eyeLookDownLeft",
    "eyeLookDownRight",
    "eyeLookInLeft",
    "eyeLookInRight",
    "eyeLookOutLeft",
    "eyeLookOutRight",
    "eyeLookUpLeft",
    "eyeLookUpRight",
    "eyeSquintLeft",
    "eyeSquintRight",
    "eyeWideLeft",
    "eyeWideRight",
    "jawForward",
    "jawLeft",
    "jawOpen",
    "jawRight",
    "mouthClose",
    "mouthDimpleLeft",
    "mouthDimpleRight",
    "mouthFrownLeft",
    "mouthFrownRight",
    "mouthFunnel",
    "mouthLeft",
    "mouthLowerDownLeft",
    "mouthLowerDownRight",
    "mouthPressLeft",
    "mouthPressRight",
    "mouthPucker",
    "mouthRight",
    "mouthRollLower",
    "mouthRollUpper",
    "mouthShrugLower",
    "mouthShrugUpper",
    "mouthSmileLeft",
    "mouthSmileRight",
    "mouthStretchLeft",
    "mouthStretchRight",
    "mouthUpperUpLeft",
    "mouthUpperUpRight",
    "noseSneerLeft",
    "noseSneerRight",
)
"""The 52 blendshape names in the order of `Face.blendshapes` (MediaPipe's order)."""

BLENDSHAPE_INDEX: dict[str, int] = {name: i for i, name in enumerate(BLENDSHAPE_NAMES)}

RGBImage = npt.NDArray[np.uint8]
FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle in pixels: left, top, width, height."""

    x: float
    y: float
    w: float
    h: float

    def __post_init__(self) -> None:
        if not all(np.isfinite(v) for v in (self.x, self.y, self.w, self.h)):
            raise ValueError(f"box has a non-finite coordinate: {self}")
        if self.w < 0 or self.h < 0:
            raise ValueError(f"box has a negative size: {self}")

    @property
    def cx(self) -> float:
        """Horizontal centre."""
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        """Vertical centre."""
        return self.y + self.h / 2

    @property
    def area(self) -> float:
        """Width times height."""
        return self.w * self.h

    def overlap(self, other: Box) -> float:
        """Area shared with another box (0 when they do not meet)."""
        ix = max(0.0, min(self.x + self.w, other.x + other.w) - max(self.x, other.x))
        iy = max(0.0, min(self.y + self.h, other.y + other.h) - max(self.y, other.y))
        return ix * iy

    def iou(self, other: Box) -> float:
        """Intersection over union with another box (0 when either is empty)."""
        inter = self.overlap(other)
        union = self.area + other.area - inter
        return inter / union if union > 0 else 0.0

    def contains_point(self, x: float, y: float) -> bool:
        """Whether the point lies inside the box (edges included)."""
        return self.x <= x <= self.x + self.w and self.y <= y <= self.y + self.h

    def as_list(self, ndigits: int = 1) -> list[float]:
        """``[x, y, w, h]`` rounded, as written into JSON."""
        return [round(float(v), ndigits) for v in (self.x, self.y, self.w, self.h)]

    @staticmethod
    def median(rows: npt.ArrayLike) -> Box:
        """The median of boxes given as rows of ``x, y, w, h``, each coordinate apart
        (a face's usual place and size over many frames)."""
        stack = np.asarray(rows, dtype=np.float64).reshape(-1, 4)
        x, y, w, h = (float(v) for v in np.median(stack, axis=0))
        return Box(x, y, w, h)


@dataclass(frozen=True, eq=False)
class Frame:
    """RGB pixels with the time they were captured and the screen rectangle they came from.

    ``t`` is stamped once, at capture; nothing downstream reads the clock.
    """

    pixels: RGBImage
    t: float
    region: Box
    index: int = 0

    def __post_init__(self) -> None:
        p = self.pixels
        if p.dtype != np.uint8 or p.ndim != 3 or p.shape[2] != 3:
            raise ValueError(f"frame pixels must be HxWx3 uint8 RGB, got {p.dtype} {p.shape}")
        if p.shape[0] < 1 or p.shape[1] < 1:
            raise ValueError(f"frame has no pixels: {p.shape}")
        if not np.isfinite(self.t):
            raise ValueError("frame time must be finite")

    @property
    def width(self) -> int:
        """Width in pixels."""
        return int(self.pixels.shape[1])

    @property
    def height(self) -> int:
        """Height in pixels."""
        return int(self.pixels.shape[0])


@dataclass(frozen=True)
class HeadPose:
    """Head rotation in degrees: yaw (left/right), pitch (up/down), roll (tilt)."""

    yaw: float
    pitch: float
    roll: float


@dataclass(frozen=True, eq=False)
class Face:
    """One landmarked face at one moment.

    ``landmarks`` are 478 points (x, y in frame pixels, z on the same scale as x);
    ``blendshapes`` are the 52 scores in `BLENDSHAPE_NAMES` order.
    """

    landmarks: FloatArray
    blendshapes: FloatArray
    pose: HeadPose
    t: float

    def __post_init__(self) -> None:
        if self.landmarks.shape != (LANDMARK_COUNT, 3):
            raise ValueError(f"face landmarks must be (478, 3), got {self.landmarks.shape}")
        if self.blendshapes.shape != (len(BLENDSHAPE_NAMES),):
            raise ValueError(f"face blendshapes must be (52,), got {self.blendshapes.shape}")

    @cached_property
    def box(self) -> Box:
        """The tight box around the landmarks (measured once: the pipeline asks often)."""
        xy = self.landmarks[:, :2]
        x0, y0 = (float(v) for v in xy.min(axis=0))
        x1, y1 = (float(v) for v in xy.max(axis=0))
        return Box(x0, y0, x1 - x0, y1 - y0)

    def blendshape(self, name: str) -> float:
        """One blendshape score by its MediaPipe name."""
        return float(self.blendshapes[BLENDSHAPE_INDEX[name]])


@dataclass(frozen=True)
class Participant:
    """A person followed across frames under a stable id such as ``p1``."""

    id: str
    box: Box
    first_seen: float
    last_seen: float

    def __post_init__(self) -> None:
        if self.last_seen < self.first_seen:
            raise ValueError(f"participant {self.id} last seen before first seen")


@dataclass(frozen=True)
class CueEvent:
    """One brief movement of one participant, named from the cue vocabulary."""

    participant: str
    cue: str
    start: float
    end: float
    peak: float
    strength: float

    MICRO_MAX_S = 0.5

    def __post_init__(self) -> None:
        if not self.start <= self.peak <= self.end:
            raise ValueError(f"event peak {self.peak} outside [{self.start}, {self.end}]")

    @property
    def duration(self) -> float:
        """Seconds from onset to offset."""
        return self.end - self.start

    @property
    def micro(self) -> bool:
        """True when the movement lasted under half a second."""
        return self.duration < self.MICRO_MAX_S


@dataclass(frozen=True)
class Cluster:
    """Movements of one participant that came together in a known pattern."""

    participant: str
    pattern: str
    cues: tuple[str, ...]
    start: float
    end: float

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"cluster ends before it starts: {self}")
        if not self.cues:
            raise ValueError("a cluster needs at least one cue")


@dataclass(frozen=True)
class Prompt:
    """A check-in idea shown to the user: an open question, never a verdict."""

    participant: str
    pattern: str
    t: float
    text: str
    detail: str = field(default="")
