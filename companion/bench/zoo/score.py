"""Scoring the participants a live run reported against a page's tiles (pure, no I/O).

Each ``participants`` line of the events JSONL is a snapshot that holds until the next
one. A participant belongs to the tile that holds its box's centre. In a snapshot:

- found: over tiles with faces, ``min(participants in the tile, faces in the tile)``;
- false: participants in a tile with no face (an avatar, a name card) or in no tile;
- duplicates: in a tile with faces, the participants beyond its face count, or (if
  more) those whose box overlaps an earlier participant's with IoU above `DUP_IOU`.

Over the run: ``found`` is the last snapshot's, ``time_to_all_s`` the first time found
reached the expected count, ``false_participants`` the distinct ids ever false,
``duplicates`` the most in any snapshot. Warm-up ends when everyone is found (or, when
that never happens, when found first reaches its best); after it, ``id_switches`` counts
ids first seen then, and ids that appear in a tile where another id vanished within
`REPLACE_S` (the tracker lost someone and started over).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from companion.model import Box

DUP_IOU = 0.3
REPLACE_S = 2.0


@dataclass(frozen=True)
class Snapshot:
    """The participants at time ``t`` (seconds since the run started), boxes on screen."""

    t: float
    participants: tuple[tuple[str, Box], ...]


@dataclass(frozen=True)
class TileSpec:
    """A tile on the screen and how many faces it shows."""

    name: str
    box: Box
    faces: int


@dataclass
class ZooScore:
    """How a run did on one page."""

    expected: int
    found: int = 0
    found_max: int = 0
    time_to_all_s: float | None = None
    false_participants: int = 0
    duplicates: int = 0
    id_switches: int = 0
    warmup_end_s: float | None = None
    snapshots: int = 0
    final_count: int = 0
    per_tile_found: list[int] = field(default_factory=list)
    false_ids: list[str] = field(default_factory=list)
    switched_ids: list[str] = field(default_factory=list)
    duplicates_seen: Snapshot | None = None
    """The snapshot with the most duplicates, to see where they were."""

    @property
    def everyone(self) -> bool:
        return self.expected > 0 and self.found == self.expected

    def as_dict(self) -> dict[str, Any]:
        return {
            "faces_expected": self.expected,
            "faces_found": self.found,
            "faces_found_max": self.found_max,
            "time_to_all_s": self.time_to_all_s,
            "false_participants": self.false_participants,
            "duplicates": self.duplicates,
            "id_switches": self.id_switches,
            "warmup_end_s": self.warmup_end_s,
            "snapshots": self.snapshots,
            "participants_final": self.final_count,
            "false_ids": self.false_ids,
            "switched_ids": self.switched_ids,
            "duplicates_seen": None
            if self.duplicates_seen is None
            else {
                "t": self.duplicates_seen.t,
                "participants": [
                    {"id": pid, "box": box.as_list(1)}
                    for pid, box in self.duplicates_seen.participants
                ],
            },
        }


def snapshots_from_events(lines: Iterable[Mapping[str, Any]]) -> list[Snapshot]:
    """The ``participants`` lines of an events log, in order."""
    found: list[Snapshot] = []
    for line in lines:
        if line.get("type") != "participants":
            continue
        people = tuple(
            (str(p["id"]), Box(*(float(v) for v in p["box"]))) for p in line["participants"]
        )
        found.append(Snapshot(float(line["t"]), people))
    return found


def tile_of(box: Box, tiles: Sequence[TileSpec]) -> int | None:
    """The index of the tile holding ``box``'s centre (the smallest when nested), or None."""
    cx, cy = box.x + box.w / 2, box.y + box.h / 2
    holding = [i for i, t in enumerate(tiles) if t.box.contains_point(cx, cy)]
    if not holding:
        return None
    return min(holding, key=lambda i: tiles[i].box.area)


@dataclass(frozen=True)
class _Counted:
    found: int
    per_tile: list[int]
    false_ids: list[str]
    duplicates: int
    where: dict[str, int | None]


def _count(snap: Snapshot, tiles: Sequence[TileSpec]) -> _Counted:
    where = {pid: tile_of(box, tiles) for pid, box in snap.participants}
    members: dict[int, list[str]] = {}
    false_ids: list[str] = []
    for pid, _ in snap.participants:
        index = where[pid]
        if index is None or tiles[index].faces <= 0:
            false_ids.append(pid)
        else:
            members.setdefault(index, []).append(pid)
    overlapping: set[str] = set()
    for j, (pid_j, box_j) in enumerate(snap.participants):
        if any(box_j.iou(box_i) > DUP_IOU for _, box_i in snap.participants[:j]):
            overlapping.add(pid_j)
    per_tile = [0] * len(tiles)
    duplicates = 0
    for index, ids in members.items():
        faces = tiles[index].faces
        per_tile[index] = min(len(ids), faces)
        excess = max(0, len(ids) - faces)
        duplicates += max(excess, sum(1 for pid in ids if pid in overlapping))
    return _Counted(sum(per_tile), per_tile, false_ids, duplicates, where)


def score(snapshots: Sequence[Snapshot], tiles: Sequence[TileSpec]) -> ZooScore:
    """Score a run's snapshots against ``tiles`` (see the module notes)."""
    result = ZooScore(expected=sum(max(0, t.faces) for t in tiles))
    result.per_tile_found = [0] * len(tiles)
    result.snapshots = len(snapshots)
    if not snapshots:
        return result
    counted = [_count(s, tiles) for s in snapshots]
    false_ids: dict[str, None] = {}
    for snap, c in zip(snapshots, counted, strict=True):
        for pid in c.false_ids:
            false_ids[pid] = None
        if c.duplicates > result.duplicates:
            result.duplicates = c.duplicates
            result.duplicates_seen = snap
        if c.found > result.found_max:
            result.found_max = c.found
            result.warmup_end_s = snap.t
        if result.time_to_all_s is None and result.expected and c.found == result.expected:
            result.time_to_all_s = snap.t
    result.false_ids = list(false_ids)
    result.false_participants = len(false_ids)
    last = counted[-1]
    result.found = last.found
    result.per_tile_found = last.per_tile
    result.final_count = len(snapshots[-1].participants)
    if result.time_to_all_s is not None:
        result.warmup_end_s = result.time_to_all_s
    result.switched_ids = _switches(snapshots, counted, result.warmup_end_s)
    result.id_switches = len(result.switched_ids)
    return result


def _switches(
    snapshots: Sequence[Snapshot], counted: Sequence[_Counted], warmup_end: float | None
) -> list[str]:
    if warmup_end is None:
        return []
    seen: set[str] = set()
    vanished: dict[int | None, list[float]] = {}
    switched: dict[str, None] = {}
    previous: dict[str, int | None] = {}
    for snap, c in zip(snapshots, counted, strict=True):
        for pid, index in previous.items():
            if pid not in c.where:
                vanished.setdefault(index, []).append(snap.t)
        for pid, index in c.where.items():
            if pid in seen:
                continue
            seen.add(pid)
            if snap.t > warmup_end or (
                index is not None and any(snap.t - t <= REPLACE_S for t in vanished.get(index, []))
            ):
                switched[pid] = None
        previous = dict(c.where)
    return list(switched)
