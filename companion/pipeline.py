"""Wires the stages: find faces now and then, follow participants, landmark each one.

Synchronous by design: `Pipeline.step` takes one frame and returns what it saw. The UI
owns the worker thread; `companion analyze` calls it in a loop. Face finding and
landmarking come in through small protocols, so this module never imports MediaPipe and
tests can drive it with fakes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from companion.model import Box, Face, Frame, Participant, RGBImage
from companion.vision.tiling import Detection
from companion.vision.tracker import ParticipantTracker, Track, TrackerConfig


class FaceFinder(Protocol):
    """Finds face boxes anywhere in a frame."""

    def find(self, pixels: RGBImage, within: Box | None = None) -> list[Detection]:
        """Faces found, in frame pixels."""
        ...

    def close(self) -> None:
        """Release native resources."""
        ...


class Landmarker(Protocol):
    """Landmarks the single face inside a crop of a frame."""

    def landmark(self, pixels: RGBImage, crop: Box, t: float) -> Face | None:
        """The face in ``crop``, in frame coordinates, or None."""
        ...

    def close(self) -> None:
        """Release native resources."""
        ...


@dataclass
class PipelineConfig:
    """How often to search for faces and how to crop them."""

    detect_interval_s: float = 1.0
    """Full face search this often even when every participant is tracked."""
    lost_detect_interval_s: float = 0.25
    """Search this often while some participant is missing."""
    min_face: float = 40.0
    """Smallest face height in frame pixels worth finding."""
    crop_from_landmarks: float = 1.6
    """Crop side as a multiple of the landmark box's larger side."""
    crop_from_detection: float = 2.4
    """Crop side as a multiple of a detector box (which spans eyes to mouth only)."""
    exclude: tuple[Box, ...] = ()
    """Regions never analysed, such as the user's own self-view tile."""
    duplicate_iou: float = 0.5
    tracker: TrackerConfig = field(default_factory=TrackerConfig)


@dataclass(frozen=True)
class StepResult:
    """What one frame showed."""

    t: float
    participants: tuple[Participant, ...]
    faces: Mapping[str, Face]
    """Faces landmarked in this frame, by participant id."""
    searched: bool
    """Whether a full face search ran on this frame."""


class Pipeline:
    """Face finding, participant tracking and per-participant landmarking for a stream."""

    def __init__(
        self,
        finder: FaceFinder,
        make_landmarker: Callable[[], Landmarker],
        config: PipelineConfig | None = None,
    ) -> None:
        self.config = config or PipelineConfig()
        self._finder = finder
        self._make_landmarker = make_landmarker
        self._tracker = ParticipantTracker(self.config.tracker)
        self._landmarkers: dict[int, Landmarker] = {}
        self._last_search = -float("inf")
        self._missing = True

    def step(self, frame: Frame) -> StepResult:
        """Process one frame: search if due, then landmark every tracked face."""
        t = frame.t
        searched = self._search_due(t)
        if searched:
            detections = [d for d in self._finder.find(frame.pixels) if not self._excluded(d.box)]
            self._tracker.update([d.box for d in detections], t)
            self._last_search = t
        faces: dict[str, Face] = {}
        self._missing = False
        for track in self._tracker.tracks:
            face = self._landmark(track, frame)
            if face is None:
                self._tracker.miss(track.key)
                self._missing = True
                continue
            self._tracker.observe(track.key, face.box, t)
            if track.id is not None:
                faces[track.id] = face
        self._drop_duplicates(faces)
        for gone in self._tracker.expire(t):
            self._release(gone.key)
        self._release_orphans()
        return StepResult(t, tuple(self._tracker.participants()), faces, searched)

    def close(self) -> None:
        """Close the finder and every landmarker."""
        for key in list(self._landmarkers):
            self._release(key)
        self._finder.close()

    def _search_due(self, t: float) -> bool:
        since = t - self._last_search
        if not self._tracker.tracks:
            return since >= self.config.lost_detect_interval_s
        interval = (
            self.config.lost_detect_interval_s if self._missing else self.config.detect_interval_s
        )
        return since >= interval

    def _excluded(self, box: Box) -> bool:
        return any(region.contains_point(box.cx, box.cy) for region in self.config.exclude)

    def _landmark(self, track: Track, frame: Frame) -> Face | None:
        track.crop = self._crop_for(track)
        landmarker = self._landmarkers.get(track.key)
        if landmarker is None:
            landmarker = self._landmarkers[track.key] = self._make_landmarker()
        return landmarker.landmark(frame.pixels, track.crop, frame.t)

    def _crop_for(self, track: Track) -> Box:
        config = self.config
        factor = config.crop_from_landmarks if track.from_landmarks else config.crop_from_detection
        side = max(track.box.w, track.box.h) * factor
        wanted = Box(track.box.cx - side / 2, track.box.cy - side / 2, side, side)
        old = track.crop
        if old is not None and _close_enough(old, wanted):
            return old
        return wanted

    def _drop_duplicates(self, faces: dict[str, Face]) -> None:
        """Two tracks on one face (a fast move can cause it): keep the older one."""
        confirmed = [t for t in self._tracker.tracks if t.confirmed and t.id in faces]
        for i, older in enumerate(confirmed):
            for newer in confirmed[i + 1 :]:
                if newer.id in faces and older.box.iou(newer.box) > self.config.duplicate_iou:
                    faces.pop(newer.id, None)
                    self._tracker.remove(newer.key)

    def _release_orphans(self) -> None:
        live = {t.key for t in self._tracker.tracks}
        for key in [k for k in self._landmarkers if k not in live]:
            self._release(key)

    def _release(self, key: int) -> None:
        landmarker = self._landmarkers.pop(key, None)
        if landmarker is not None:
            landmarker.close()


def _close_enough(old: Box, wanted: Box) -> bool:
    """Keep the previous crop while the face stays near its middle at a similar size.

    A steady crop lets the landmarker track from its last result instead of re-detecting.
    """
    shift = max(abs(old.cx - wanted.cx), abs(old.cy - wanted.cy))
    ratio = wanted.w / old.w if old.w else 0.0
    return shift < 0.12 * old.w and 0.85 < ratio < 1.18
