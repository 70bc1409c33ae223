"""Follow each person across frames under a stable id (pure numpy and scipy).

Detections arrive now and then; landmarks of known participants arrive most frames. A
detection that matches no one starts a tentative track, which becomes a participant (and
gets the next id, ``p1``, ``p2``, ...) once landmarks confirm a face there. Tracks survive
short misses and are dropped after ``max_missing_s`` without a sighting.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

from companion.model import Box, Participant

_NO_MATCH = 1e6
MAX_SIZE_RATIO = 2.0


@dataclass
class Track:
    """Mutable state of one followed face."""

    key: int
    box: Box
    first_seen: float
    last_seen: float
    id: str | None = None
    failures: int = 0
    crop: Box | None = field(default=None)
    from_landmarks: bool = False
    """Whether ``box`` comes from landmarks (tight, whole face) or from the detector."""

    @property
    def confirmed(self) -> bool:
        """Whether landmarks have confirmed a face here (it then has an id)."""
        return self.id is not None

    def as_participant(self) -> Participant:
        """The frozen view handed to later stages."""
        if self.id is None:
            raise ValueError("a tentative track is not a participant")
        return Participant(self.id, self.box, self.first_seen, self.last_seen)


@dataclass
class TrackerConfig:
    """Matching and lifetime settings, in seconds and box fractions."""

    max_missing_s: float = 2.0
    """A confirmed participant unseen this long is dropped."""
    tentative_failures: int = 3
    """A tentative track whose crop shows no face this many times is discarded."""
    min_iou: float = 0.05
    max_center_shift: float = 0.6
    """A match may move its centre at most this many box sizes."""


class ParticipantTracker:
    """Assigns detections to tracks with an optimal one-to-one matching."""

    def __init__(self, config: TrackerConfig | None = None) -> None:
        self.config = config or TrackerConfig()
        self._tracks: dict[int, Track] = {}
        self._next_key = 0
        self._next_id = 1

    @property
    def tracks(self) -> list[Track]:
        """All live tracks, tentative ones included, oldest first."""
        return list(self._tracks.values())

    def participants(self) -> list[Participant]:
        """Confirmed participants, oldest first."""
        return [t.as_participant() for t in self._tracks.values() if t.confirmed]

    def update(self, boxes: Sequence[Box], t: float) -> list[Track]:
        """Match detected boxes to tracks; unmatched boxes start tentative tracks.

        Returns the tracks created. Expired tracks are dropped first.
        """
        self.expire(t)
        tracks = list(self._tracks.values())
        matched_boxes: set[int] = set()
        if tracks and boxes:
            cost = np.array([[_match_cost(tr.box, b, self.config) for b in boxes] for tr in tracks])
            rows, cols = linear_sum_assignment(cost)
            for r, c in zip(rows, cols, strict=True):
                if cost[r, c] >= _NO_MATCH:
                    continue
                matched_boxes.add(int(c))
                track = tracks[r]
                if not track.confirmed or track.failures:
                    # The landmarker lost it (or never had it): look where the detector sees it.
                    track.box = boxes[c]
                    track.from_landmarks = False
                    track.crop = None
        created = []
        for i, box in enumerate(boxes):
            if i not in matched_boxes:
                created.append(self._start(box, t))
        return created

    def observe(self, key: int, box: Box, t: float) -> Track:
        """Record that landmarks found the face of track ``key`` at ``box``; confirms it."""
        track = self._tracks[key]
        track.box = box
        track.from_landmarks = True
        track.last_seen = t
        track.failures = 0
        if track.id is None:
            track.id = f"p{self._next_id}"
            self._next_id += 1
            track.first_seen = t
        return track

    def miss(self, key: int) -> None:
        """Record that the track's crop held no face this time."""
        track = self._tracks[key]
        track.failures += 1
        if not track.confirmed and track.failures >= self.config.tentative_failures:
            del self._tracks[key]

    def remove(self, key: int) -> None:
        """Forget a track (for example a duplicate of another)."""
        self._tracks.pop(key, None)

    def expire(self, t: float) -> list[Track]:
        """Drop confirmed tracks unseen for too long; returns them."""
        gone = [
            tr
            for tr in self._tracks.values()
            if tr.confirmed and t - tr.last_seen > self.config.max_missing_s
        ]
        for tr in gone:
            del self._tracks[tr.key]
        return gone

    def _start(self, box: Box, t: float) -> Track:
        track = Track(key=self._next_key, box=box, first_seen=t, last_seen=t)
        self._tracks[track.key] = track
        self._next_key += 1
        return track


def _match_cost(track_box: Box, box: Box, config: TrackerConfig) -> float:
    """1 - IoU plus a centre-shift term; `_NO_MATCH` when the two cannot be one face.

    Detector boxes span eyes to mouth and landmark boxes the whole face, so sizes may
    differ by up to `MAX_SIZE_RATIO` for one face; more than that is another face.
    """
    track_size = max(1.0, float(np.sqrt(track_box.area)))
    ratio = max(1.0, float(np.sqrt(box.area))) / track_size
    if not 1 / MAX_SIZE_RATIO < ratio < MAX_SIZE_RATIO:
        return _NO_MATCH
    shift = float(np.hypot(track_box.cx - box.cx, track_box.cy - box.cy)) / track_size
    iou = track_box.iou(box)
    if iou < config.min_iou and shift > config.max_center_shift:
        return _NO_MATCH
    if shift > 2 * config.max_center_shift:
        return _NO_MATCH
    return (1.0 - iou) + shift
