"""Scoring the participants a live run reported against a page's tiles (pure, no I/O).

Each ``participants`` line of the events JSONL is a snapshot that holds until the next
one. A participant belongs to the tile that holds its box's centre. In a snapshot:

- found: over tiles with faces, ``min(participants in the tile, faces in the tile)``;
- false: participants in a tile with no face (an avatar, a name card) or in no tile;
- duplicates: in a tile with faces, the participants beyond its face count, or (if
  more) those whose box overlaps an earlier participant's with IoU above `DUP_IOU`.

Over the run: ``found`` counts who was found at the end, in the last snapshot or, when
that came while the tiles settled (see below), in the last settled one; ``time_to_all_s``
is the first time found reached the expected count, ``false_participants`` the distinct
ids ever false, ``duplicates`` the most in any snapshot. Warm-up ends when everyone is
found (or, when that never happens, when found first reaches its best); after it,
``id_switches`` counts ids first seen then, and ids that appear in a tile where another id
vanished within `REPLACE_S` (the tracker lost someone and started over).

A page whose tiles move (someone joins or leaves and the gallery reflows) gives its later
layouts as `Relayout`: each snapshot is scored against the tiles shown at its time, a tile
is a person (by name) wherever it moved, and someone who joined after warm-up may get an
id then. For `SETTLE_S` after a reflow the tracker is still following the faces to their
new places: those snapshots count for neither false participants nor duplicates, and
who was found in the last settled one counts as found at the end (a speaker view that
switched just before the run ended; someone who joined is found in the last one).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from companion.model import Box

DUP_IOU = 0.3
REPLACE_S = 2.0
SETTLE_S = 1.5


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


@dataclass(frozen=True)
class Relayout:
    """From ``t`` (seconds since the run started) the page shows ``tiles``."""

    t: float
    tiles: tuple[TileSpec, ...]


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
    expected: int
    per_tile: list[int]
    false_ids: list[str]
    duplicates: int
    where: dict[str, str | None]
    """Each participant's tile, by name."""
    settling: bool
    """Whether the page's tiles moved less than `SETTLE_S` ago."""


def _count(snap: Snapshot, tiles: Sequence[TileSpec], settling: bool) -> _Counted:
    index_of = {pid: tile_of(box, tiles) for pid, box in snap.participants}
    members: dict[int, list[str]] = {}
    false_ids: list[str] = []
    for pid, _ in snap.participants:
        index = index_of[pid]
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
    where = {pid: None if i is None else tiles[i].name for pid, i in index_of.items()}
    expected = sum(max(0, t.faces) for t in tiles)
    return _Counted(sum(per_tile), expected, per_tile, false_ids, duplicates, where, settling)


def _in_final(
    snap: Snapshot,
    counted: _Counted,
    tiles: Sequence[TileSpec],
    relayouts: Sequence[Relayout],
    final: Sequence[TileSpec],
) -> list[int]:
    """A snapshot's faces found per tile, in the order of the final tiles: by name when the
    tiles changed since (someone who left is not among them)."""
    shown = list(_shown_at(snap.t, tiles, relayouts)[0])
    if shown == list(final):
        return counted.per_tile
    found_in = dict(zip((t.name for t in shown), counted.per_tile, strict=True))
    return [found_in.get(t.name, 0) for t in final]


def _shown_at(
    t: float, tiles: Sequence[TileSpec], relayouts: Sequence[Relayout]
) -> tuple[Sequence[TileSpec], float]:
    """The tiles the page shows at ``t``, and since when (-inf: from the start)."""
    shown, since = tiles, -math.inf
    for change in relayouts:
        if change.t <= t:
            shown, since = change.tiles, change.t
    return shown, since


def score(
    snapshots: Sequence[Snapshot],
    tiles: Sequence[TileSpec],
    relayouts: Sequence[Relayout] = (),
) -> ZooScore:
    """Score a run's snapshots against ``tiles``, and after each of ``relayouts`` (in time
    order) against its tiles (see the module notes)."""
    final = relayouts[-1].tiles if relayouts else tiles
    result = ZooScore(expected=sum(max(0, t.faces) for t in final))
    result.per_tile_found = [0] * len(final)
    result.snapshots = len(snapshots)
    if not snapshots:
        return result
    counted = []
    for snap in snapshots:
        shown, since = _shown_at(snap.t, tiles, relayouts)
        counted.append(_count(snap, shown, snap.t - since < SETTLE_S))
    false_ids: dict[str, None] = {}
    for snap, c in zip(snapshots, counted, strict=True):
        if not c.settling:
            for pid in c.false_ids:
                false_ids[pid] = None
            if c.duplicates > result.duplicates:
                result.duplicates = c.duplicates
                result.duplicates_seen = snap
        if c.found > result.found_max:
            result.found_max = c.found
            result.warmup_end_s = snap.t
        if result.time_to_all_s is None and c.expected and c.found == c.expected:
            result.time_to_all_s = snap.t
    result.false_ids = list(false_ids)
    result.false_participants = len(false_ids)
    settled = max((i for i, c in enumerate(counted) if not c.settling), default=None)
    ends = {len(counted) - 1} if settled is None else {settled, len(counted) - 1}
    per_tile = [_in_final(snapshots[i], counted[i], tiles, relayouts, final) for i in ends]
    result.per_tile_found = [max(found) for found in zip(*per_tile, strict=True)]
    result.found = sum(result.per_tile_found)
    result.final_count = len(snapshots[-1].participants)
    if result.time_to_all_s is not None:
        result.warmup_end_s = result.time_to_all_s
    if result.warmup_end_s is not None:
        present = {t.name for t in _shown_at(result.warmup_end_s, tiles, relayouts)[0]}
        result.switched_ids = _switches(snapshots, counted, result.warmup_end_s, present)
    result.id_switches = len(result.switched_ids)
    return result


def _switches(
    snapshots: Sequence[Snapshot],
    counted: Sequence[_Counted],
    warmup_end: float,
    present: set[str],
) -> list[str]:
    """Ids first seen after warm-up (but a first id for someone who joined since), and ids
    in a tile whose id vanished within `REPLACE_S` and is not back elsewhere (a tile that
    moved leaves its old place to someone else); tiles by name (``present``: the tiles
    shown when warm-up ended)."""
    seen: set[str] = set()
    named: set[str | None] = set()
    vanished: dict[str | None, list[tuple[float, str]]] = {}
    switched: dict[str, None] = {}
    previous: dict[str, str | None] = {}
    for snap, c in zip(snapshots, counted, strict=True):
        for pid, tile in previous.items():
            if pid not in c.where:
                vanished.setdefault(tile, []).append((snap.t, pid))
        for pid, tile in c.where.items():
            if pid in seen:
                continue
            seen.add(pid)
            joined = tile is not None and tile not in present and tile not in named
            replaced = tile is not None and any(
                snap.t - t <= REPLACE_S and gone not in c.where
                for t, gone in vanished.get(tile, [])
            )
            if (snap.t > warmup_end and not joined) or replaced:
                switched[pid] = None
            named.add(tile)
        previous = dict(c.where)
    return list(switched)
