"""The moments of a self-tape review, found in one face's movement events (pure, no I/O).

Flags, each from the events of `companion.review.signals` (cue names of DESIGN.md):

- ``smile_without_eyes``: lip corners up while the eyes stay as they are at rest (no
  narrowing, lower lid not pushed up, no squint);
- ``blink_burst``: blinks coming much faster than the person's own rate over the take;
- ``lip_press``: lips pressed together or thinned;
- ``brow_lower``: brows drawn down and together;
- ``off_lens``: head or eyes turned away from the lens, or eyes lowered and held there;
- ``contradiction``: two movements that pull opposite ways at the same time;
- ``flicking``: the expression switching back and forth between kinds within seconds.

Flags whose stretches of time overlap become one moment, so moments never overlap and one
beat of the take is listed once, with everything that moved in it. A moment is led by its
strongest flag (the clearest movement in it): that flag names it, picks its tip and the
frame it shows.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from companion.cues.take import EYES_HELD
from companion.model import CueEvent

FLAGS: tuple[str, ...] = (
    "contradiction",
    "smile_without_eyes",
    "brow_lower",
    "lip_press",
    "off_lens",
    "blink_burst",
    "flicking",
)
"""Every flag, in order of priority (which leads a moment when two are as strong)."""

SMILES = frozenset({"smile", "one_sided_smile"})
CONTRADICTIONS: tuple[tuple[frozenset[str], frozenset[str]], ...] = (
    (SMILES, frozenset({"brow_lower"})),
    (SMILES, frozenset({"mouth_corners_down"})),
    (SMILES, frozenset({"inner_brow_raise"})),
    (frozenset({"brow_raise"}), frozenset({"brow_lower"})),
)
"""Pairs of movements that pull opposite ways when they happen at once."""
FAMILIES: dict[str, str] = {
    "smile": "smile",
    "one_sided_smile": "smile",
    "eye_smile": "smile",
    "brow_lower": "tight",
    "lip_press": "tight",
    "mouth_corners_down": "tight",
    "nose_wrinkle": "tight",
    "brow_raise": "raised",
    "inner_brow_raise": "raised",
}
"""Kinds of expression, for spotting an expression that flicks between kinds."""
OFF_LENS = frozenset({"look_away", "gaze_down", EYES_HELD})
OTHER_CUES = frozenset(FAMILIES) | {"head_down"}
"""Cues listed as other movements when no moment covers them."""

EyesEngagement = Callable[[float, float], float]
"""How engaged the eyes were from ``start`` to ``end`` (1: clearly narrowed)."""


@dataclass(frozen=True)
class MomentParams:
    """Thresholds of the flags."""

    brief_s: float = CueEvent.MICRO_MAX_S
    """A moment shorter than this is brief."""
    eyes_engaged: float = 0.6
    """Typical eye engagement during a smile at or above this: the eyes joined in."""
    blink_gap_s: float = 1.0
    """Blinks this close together run into each other."""
    burst_min: int = 3
    """Blinks needed for a burst ..."""
    burst_factor: float = 2.0
    """... at this many times the person's own rate over the take, or more."""
    overlap_s: float = 0.1
    """Two movements must overlap this long to count as at once."""
    flicker_window_s: float = 3.0
    """Expression changes starting within this many seconds of each other ..."""
    flicker_switches: int = 3
    """... with this many switches of kind among them make a flicking moment."""


@dataclass(frozen=True)
class Flag:
    """One thing worth a look: its kind, when, and the cues behind it."""

    kind: str
    start: float
    end: float
    apex: float
    cues: tuple[str, ...]
    strength: float = 0.0
    """The strongest of its events, in units of a clear movement."""

    @property
    def duration(self) -> float:
        """Seconds from start to end."""
        return self.end - self.start


@dataclass(frozen=True)
class Moment:
    """A stretch of the take with one or more flags, and everything that moved in it."""

    start: float
    end: float
    apex: float
    flags: tuple[Flag, ...]
    """Strongest first (ties in order of priority, `FLAGS`)."""
    moved: tuple[str, ...]
    """Cues of every event in the moment, in order of onset (blinks only in a burst)."""
    brief: bool

    @property
    def duration(self) -> float:
        """Seconds from start to end."""
        return self.end - self.start

    @property
    def kinds(self) -> tuple[str, ...]:
        """The flag kinds, without repeats, the strongest first."""
        return tuple(dict.fromkeys(f.kind for f in self.flags))


def find_moments(
    events: Sequence[CueEvent],
    eyes: EyesEngagement,
    seen_s: float,
    params: MomentParams | None = None,
) -> list[Moment]:
    """The moments of one face's ``events`` (seen for ``seen_s`` seconds), in time order."""
    p = params or MomentParams()
    flags = find_flags(events, eyes, seen_s, p)
    return [_moment(group, events, p) for group in _group(flags)]


def find_flags(
    events: Sequence[CueEvent],
    eyes: EyesEngagement,
    seen_s: float,
    params: MomentParams | None = None,
) -> list[Flag]:
    """Every flag in ``events``, sorted by start."""
    p = params or MomentParams()
    flags: list[Flag] = []
    for e in events:
        if e.cue in SMILES and eyes(e.start, e.end) < p.eyes_engaged:
            flags.append(_flag("smile_without_eyes", e))
        elif e.cue in ("lip_press", "brow_lower"):
            flags.append(_flag(e.cue, e))
        elif e.cue in OFF_LENS:
            flags.append(_flag("off_lens", e))
    flags = _dedupe(flags)
    flags += blink_bursts(events, seen_s, p)
    flags += contradictions(events, p)
    flags += flicking(events, p)
    return sorted(flags, key=lambda f: (f.start, FLAGS.index(f.kind)))


def blink_bursts(
    events: Sequence[CueEvent], seen_s: float, params: MomentParams | None = None
) -> list[Flag]:
    """Runs of blinks at well above the person's own rate over the take."""
    p = params or MomentParams()
    blinks = sorted((e for e in events if e.cue == "blink"), key=lambda e: e.peak)
    if len(blinks) < p.burst_min or seen_s <= 0:
        return []
    own_rate = len(blinks) / seen_s
    runs: list[list[CueEvent]] = [[blinks[0]]]
    for blink in blinks[1:]:
        if blink.peak - runs[-1][-1].peak <= p.blink_gap_s:
            runs[-1].append(blink)
        else:
            runs.append([blink])
    flags = []
    for run in runs:
        span = max(run[-1].peak - run[0].peak, p.blink_gap_s)
        if len(run) >= p.burst_min and len(run) / span >= p.burst_factor * own_rate:
            apex = run[len(run) // 2].peak
            strength = max(e.strength for e in run)
            cues = ("blink",) * len(run)
            flags.append(Flag("blink_burst", run[0].start, run[-1].end, apex, cues, strength))
    return flags


def contradictions(events: Sequence[CueEvent], params: MomentParams | None = None) -> list[Flag]:
    """Pairs of opposite movements that overlap in time (`CONTRADICTIONS`)."""
    p = params or MomentParams()
    flags = []
    for one, other in CONTRADICTIONS:
        for a in (e for e in events if e.cue in one):
            for b in (e for e in events if e.cue in other):
                start, end = max(a.start, b.start), min(a.end, b.end)
                if end - start >= p.overlap_s:
                    apex = min(max(b.peak, start), end)
                    strength = min(a.strength, b.strength)
                    flags.append(Flag("contradiction", start, end, apex, (a.cue, b.cue), strength))
    return _dedupe(flags)


def flicking(events: Sequence[CueEvent], params: MomentParams | None = None) -> list[Flag]:
    """Stretches where the expression switches kind (`FAMILIES`) again and again.

    A flag covers at most ``flicker_window_s`` of starts: an expressive take that keeps
    changing gives several short flags, never one that spans the whole take.
    """
    p = params or MomentParams()
    moves = sorted((e for e in events if e.cue in FAMILIES), key=lambda e: e.start)
    flags = []
    i = 0
    while i < len(moves):
        window = [e for e in moves[i:] if e.start - moves[i].start <= p.flicker_window_s]
        kinds = [FAMILIES[e.cue] for e in window]
        switches = sum(1 for a, b in itertools.pairwise(kinds) if a != b)
        if switches >= p.flicker_switches:
            cues = tuple(dict.fromkeys(e.cue for e in window))
            apex = window[len(window) // 2].peak
            end, strength = max(e.end for e in window), max(e.strength for e in window)
            flags.append(Flag("flicking", window[0].start, end, apex, cues, strength))
            i += len(window)
        else:
            i += 1
    return flags


def _flag(kind: str, e: CueEvent) -> Flag:
    return Flag(kind, e.start, e.end, e.peak, (e.cue,), e.strength)


def _dedupe(flags: list[Flag], fraction: float = 0.5) -> list[Flag]:
    """Flags of one kind that mostly cover each other (by ``fraction`` of the shorter one)
    become one, keeping the stronger one's apex and the cues of both."""
    out: list[Flag] = []
    for f in sorted(flags, key=lambda f: (f.kind, f.start)):
        last = out[-1] if out else None
        if last is not None and last.kind == f.kind:
            overlap = min(last.end, f.end) - max(last.start, f.start)
            if overlap >= 0 and overlap >= fraction * min(last.duration, f.duration):
                stronger = f if f.strength > last.strength else last
                cues = tuple(dict.fromkeys(last.cues + f.cues))
                end, strength = max(last.end, f.end), stronger.strength
                out[-1] = Flag(f.kind, last.start, end, stronger.apex, cues, strength)
                continue
        out.append(f)
    return out


def _group(flags: list[Flag]) -> list[list[Flag]]:
    """Flags (sorted by start) whose stretches overlap, directly or through others."""
    groups: list[list[Flag]] = []
    end = float("-inf")
    for flag in flags:
        if groups and flag.start < end:
            groups[-1].append(flag)
            end = max(end, flag.end)
        else:
            groups.append([flag])
            end = flag.end
    return groups


def _moment(group: list[Flag], events: Sequence[CueEvent], p: MomentParams) -> Moment:
    flags = tuple(sorted(group, key=lambda f: (-f.strength, FLAGS.index(f.kind), f.start)))
    start = min(f.start for f in flags)
    end = max(f.end for f in flags)
    bursts = any(f.kind == "blink_burst" for f in flags)
    moved = tuple(
        dict.fromkeys(
            e.cue
            for e in sorted(events, key=lambda e: e.start)
            if _mostly_inside(e, start, end) and (e.cue != "blink" or bursts)
        )
    )
    return Moment(start, end, flags[0].apex, flags, moved, end - start < p.brief_s)


def _mostly_inside(e: CueEvent, start: float, end: float) -> bool:
    """Whether at least half of event ``e`` falls between ``start`` and ``end``."""
    overlap = min(e.end, end) - max(e.start, start)
    return overlap >= 0 and overlap >= 0.5 * e.duration


def other_movements(events: Sequence[CueEvent], moments: Sequence[Moment]) -> list[Flag]:
    """Movements outside every moment (smiles with the eyes, raised brows, ...), as flags of
    kind ``movement``; events of one stretch are joined."""
    kept = [
        e
        for e in sorted(events, key=lambda e: e.start)
        if e.cue in OTHER_CUES and not any(_mostly_inside(e, m.start, m.end) for m in moments)
    ]
    return _dedupe([Flag("movement", e.start, e.end, e.peak, (e.cue,)) for e in kept])
