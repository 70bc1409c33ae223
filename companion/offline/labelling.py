"""Hand labels marked frame by frame: the document behind ``companion label``.

A `LabelSheet` is one clip's `companion.labels/1` document while it is being written. A
movement is marked by two presses on its key, at its first frame and at its last; the
event then runs from the start of the first frame to the end of the last, ``start_s =
first / fps`` and ``end_s = (last + 1) / fps``, so a movement seen in one frame only lasts
one frame. Clusters are marked the same way. Every change is kept in memory; the tool
saves the sheet after each one, so nothing is lost when it is closed or killed.

The people come from one pass of the offline pipeline (the boxes `companion eval` pairs
detections with), or, when an earlier labels file is opened again, from that file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from companion.atomic import write_json_atomic
from companion.cues.baseline import BaselineConfig
from companion.cues.scoring import CUES
from companion.errors import InputError
from companion.model import Box
from companion.offline.evaluation import LABELS_SCHEMA, read_labels
from companion.offline.recording import FaceSeries, Recording

DEFAULT_CUES = ("brow_lower", "lip_press", "mouth_corners_down", "inner_brow_raise", "smile")
"""The cues a clip is labelled for unless told otherwise: those the evaluation scores."""
SAME_PERSON_IOU = 0.5
"""Two face series whose median boxes overlap this much and never at once are one person
seen twice (the tracker lost them for a while)."""


@dataclass
class LabelledSpan:
    """One labelled event (``name`` a cue) or cluster (``name`` a pattern), in seconds."""

    name: str
    start_s: float
    end_s: float
    confidence: str = "clear"

    def covers(self, t: float) -> bool:
        """Whether the frame that starts at ``t`` lies inside the span."""
        return self.start_s - 1e-6 <= t < self.end_s - 1e-6


@dataclass
class PersonLabels:
    """Everything labelled about one person of the clip."""

    box: Box
    events: list[LabelledSpan] = field(default_factory=list)
    clusters: list[LabelledSpan] = field(default_factory=list)
    sustained: set[str] = field(default_factory=set)
    """Cues held from the first frame to the last: `companion eval` ignores them here."""

    def to_json(self) -> dict[str, Any]:
        """The participant object of the labels file."""
        return {
            "box": [round(v, 1) for v in self.box.as_list()],
            "events": [
                {
                    "cue": e.name,
                    "start_s": round(e.start_s, 3),
                    "end_s": round(e.end_s, 3),
                    "confidence": e.confidence,
                }
                for e in sorted(self.events, key=lambda e: (e.start_s, e.name))
            ],
            "clusters": [
                {"pattern": c.name, "start_s": round(c.start_s, 3), "end_s": round(c.end_s, 3)}
                for c in sorted(self.clusters, key=lambda c: (c.start_s, c.name))
            ],
            "sustained": sorted(self.sustained),
        }


@dataclass(frozen=True)
class Mark:
    """A movement whose first frame is marked and whose last is not yet."""

    person: int
    name: str
    is_cue: bool
    first: int


class LabelSheet:
    """One clip's labels being written: people, their events and clusters, open marks."""

    def __init__(
        self,
        source: str,
        fps: float,
        frames: int,
        people: Sequence[PersonLabels],
        *,
        labeled_cues: Sequence[str] = DEFAULT_CUES,
        neutral: bool = False,
        notes: str = "",
    ) -> None:
        if fps <= 0 or frames <= 0:
            raise ValueError(f"need a positive frame rate and frame count, got {fps}, {frames}")
        self.source = source
        self.fps = fps
        self.frames = frames
        self.people = list(people)
        self.labeled_cues = list(labeled_cues)
        self.neutral = neutral
        self.notes = notes
        self.marks: list[Mark] = []

    @classmethod
    def from_recording(
        cls, recording: Recording, labeled_cues: Sequence[str] = DEFAULT_CUES
    ) -> LabelSheet:
        """A blank sheet for the people one pass of the pipeline found, left to right."""
        unknown = [c for c in labeled_cues if c not in CUES]
        if unknown:
            raise InputError(f"unknown cue(s) {', '.join(unknown)}; known: {', '.join(CUES)}")
        boxes = person_boxes(list(recording.faces.values()))
        return cls(
            recording.source,
            recording.fps,
            recording.frames,
            [PersonLabels(b) for b in boxes],
            labeled_cues=labeled_cues,
        )

    @classmethod
    def load(cls, path: Path, source: str, fps: float, frames: int) -> LabelSheet:
        """The sheet of an earlier labels file for ``source``, to go on with."""
        doc = read_labels(path)
        if doc["source"] != source:
            raise InputError(f"{path}: labels {doc['source']!r}, not {source!r}")
        people = []
        for i, p in enumerate(doc["participants"]):
            try:
                box = Box(*(float(v) for v in p["box"]))
                events = [
                    LabelledSpan(
                        e["cue"],
                        float(e["start_s"]),
                        float(e["end_s"]),
                        e.get("confidence", "clear"),
                    )
                    for e in p.get("events", [])
                ]
                clusters = [
                    LabelledSpan(c["pattern"], float(c["start_s"]), float(c["end_s"]))
                    for c in p.get("clusters", [])
                ]
            except (KeyError, TypeError, ValueError) as exc:
                raise InputError(f"{path}: participant {i + 1} is malformed ({exc})") from exc
            people.append(PersonLabels(box, events, clusters, set(p.get("sustained", []))))
        fps, frames = float(doc.get("fps") or fps), int(doc.get("frames") or frames)
        if fps <= 0 or frames <= 0:
            raise InputError(f"{path}: neither the file nor the video gives fps and frames")
        return cls(
            source,
            fps,
            frames,
            people,
            labeled_cues=doc["labeled_cues"],
            neutral=bool(doc.get("neutral", False)),
            notes=str(doc.get("notes", "")),
        )

    def time_of(self, frame: int) -> float:
        """When frame ``frame`` starts, seconds."""
        return frame / self.fps

    def toggle(
        self, person: int, name: str, frame: int, *, is_cue: bool = True
    ) -> LabelledSpan | None:
        """Mark ``name`` at ``frame``: the first press opens it, the second closes it.

        Returns the span made by a closing press (between the two frames, in either
        order, both included), None for an opening one.
        """
        self._check_person(person)
        for mark in self.marks:
            if mark.person == person and mark.name == name and mark.is_cue == is_cue:
                self.marks.remove(mark)
                first, last = sorted((mark.first, frame))
                span = LabelledSpan(name, self.time_of(first), self.time_of(last + 1))
                people = self.people[person]
                (people.events if is_cue else people.clusters).append(span)
                return span
        self.marks.append(Mark(person, name, is_cue, frame))
        return None

    def at(self, person: int, frame: int) -> list[LabelledSpan]:
        """The person's events and clusters that cover ``frame``."""
        self._check_person(person)
        t = self.time_of(frame)
        p = self.people[person]
        return [s for s in (*p.events, *p.clusters) if s.covers(t)]

    def remove_at(self, person: int, frame: int) -> int:
        """Remove the person's open marks, or else their spans that cover ``frame``;
        returns how many went."""
        open_marks = [m for m in self.marks if m.person == person]
        if open_marks:
            self.marks = [m for m in self.marks if m.person != person]
            return len(open_marks)
        gone = self.at(person, frame)
        p = self.people[person]
        p.events = [e for e in p.events if all(e is not g for g in gone)]
        p.clusters = [c for c in p.clusters if all(c is not g for g in gone)]
        return len(gone)

    def flip_confidence(self, person: int, frame: int) -> int:
        """Turn the person's events at ``frame`` from clear to subtle or back; how many."""
        mine = self.people[person].events
        events = [s for s in self.at(person, frame) if any(s is e for e in mine)]
        for e in events:
            e.confidence = "subtle" if e.confidence == "clear" else "clear"
        return len(events)

    def toggle_sustained(self, person: int, cue: str) -> bool:
        """Mark ``cue`` as held through the whole clip for the person, or unmark it;
        returns whether it is now sustained."""
        self._check_person(person)
        held = self.people[person].sustained
        if cue in held:
            held.discard(cue)
            return False
        held.add(cue)
        return True

    def to_json(self) -> dict[str, Any]:
        """The `companion.labels/1` document (open marks are not part of it)."""
        return {
            "schema": LABELS_SCHEMA,
            "source": self.source,
            "fps": round(self.fps, 3),
            "frames": self.frames,
            "labeled_cues": list(self.labeled_cues),
            "participants": [p.to_json() for p in self.people],
            "neutral": self.neutral,
            "notes": self.notes,
        }

    def save(self, path: Path) -> None:
        """Write the document to ``path`` in one step."""
        write_json_atomic(path, self.to_json())

    def _check_person(self, person: int) -> None:
        if not 0 <= person < len(self.people):
            raise IndexError(f"no person {person} (the clip has {len(self.people)})")


def person_boxes(series: Sequence[FaceSeries]) -> list[Box]:
    """One median face box per person, left to right.

    Series too short to learn a neutral from are strays. Two series that look like one
    person seen twice (`SAME_PERSON_IOU`, never sampled in the same frame) are one person.
    """
    enough = BaselineConfig().min_samples
    people: list[list[FaceSeries]] = []
    for s in sorted((s for s in series if len(s) >= enough), key=len, reverse=True):
        for group in people:
            same_place = _median_box(group).iou(Box.median(s.boxes)) > SAME_PERSON_IOU
            apart = not any(np.intersect1d(g.frame, s.frame).size for g in group)
            if same_place and apart:
                group.append(s)
                break
        else:
            people.append([s])
    return sorted((_median_box(g) for g in people), key=lambda b: b.x)


def _median_box(group: Sequence[FaceSeries]) -> Box:
    return Box.median(np.vstack([s.boxes for s in group]))
