"""The cue engine: faces over time in, movement events and clusters out, per participant.

    engine = CueEngine()                 # packaged rules; CueEngine(rules=path) for a copy
    update = engine.update(t, faces)     # faces: participant id -> Face landmarked at t
    update.events, update.clusters, update.ready
    engine.finish(t)                     # at the end of a video

Each participant gets a baseline learned in their first seconds (`BaselineConfig.warmup_s`)
and corrected from their recent frames once they have been seen a while (`Baseline`).
Until it is ready nothing is scored for them (``ready[pid]`` is False). When it becomes
ready, the warm-up frames are scored against it, so a movement in the very first seconds
is still reported, late, in that update. After that every frame is scored as it comes.
A face in profile, or with its head turned or tilted away from where it rests (see
`CueConfig.max_yaw_deg`), counts neither towards the warm-up nor the baseline, and only
where it looks (`look_away`, `head_down`) is read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from companion.cues.baseline import Baseline, BaselineConfig, Mask, Vector
from companion.cues.events import EventDetector, EventParams, RawEvent, acceptable
from companion.cues.rules import ClusterMatcher, Pattern, load_rules
from companion.cues.scoring import (
    CUES,
    MEASURE_FLOOR,
    Units,
    frozen_measures,
    head_away,
    intensities,
)
from companion.cues.signals import LOWER_FACE, MEASURES, M, measure
from companion.cues.speech import SpeechConfig, SpeechState
from companion.model import Cluster, CueEvent, Face

_LOWER_FACE = np.array([name in LOWER_FACE for name in MEASURES], dtype=bool)
_WHERE_LOOKING = np.array(
    [
        name in ("pitch", "yaw", "iris_drop", "bs_look_down", "gaze_side", "gaze_up")
        for name in MEASURES
    ],
    dtype=bool,
)
"""Where the head and eyes point: only followed slowly, never re-learned from the recent
frames (see `Baseline`). People look at notes and other screens for long stretches, and a
face's muscles, not its direction, are what the neutral is for."""
_POSE_CUES = frozenset({"look_away", "head_down"})
_FACE_CUES = np.array([cue not in _POSE_CUES for cue in CUES], dtype=bool)
"""The cues read from the face itself rather than from where the head points."""

_DEFAULT_EVENTS: dict[str, EventParams] = {
    "blink": EventParams(off=0.7, min_duration_s=0.0, merge_gap_s=0.0, max_duration_s=0.5),
    "look_away": EventParams(min_duration_s=0.3, merge_gap_s=0.3),
    "brow_lower": EventParams(min_duration_s=0.1),
}
"""A blink is closed for one frame up to half a second (longer is eyes closed) and blinks
are never joined: a quick double blink is two, for a blink rate. A look away lasts long
enough to see (a glance is not one) and the eyes passing the lens on the way does not
split it. A brow lowering may be briefer than the other movements: nothing else moves the
brows that fast (speech and smiles move the mouth), and a flash of drawn brows a tenth
to a fifth of a second long is one of the brief movements the engine is for (chosen on
the tune clips; see docs/benchmarks.md)."""


@dataclass(frozen=True)
class CueConfig:
    """Every tunable of the engine, with the values chosen on the labelled clips."""

    baseline: BaselineConfig = field(default_factory=BaselineConfig)
    speech: SpeechConfig = field(default_factory=SpeechConfig)
    units: Units = field(default_factory=Units)
    events: EventParams = field(default_factory=EventParams)
    """Event thresholds for every cue without an entry in ``per_cue``."""
    per_cue: Mapping[str, EventParams] = field(default_factory=lambda: dict(_DEFAULT_EVENTS))
    speech_cues: frozenset[str] = frozenset({"lip_press", "mouth_corners_down"})
    """Cues that speech imitates: lips close for /p/ /b/ /m/ and the corners move with them."""
    speech_factor: float = 1.5
    """While speaking, those cues must reach this many times their usual ``on`` ..."""
    speech_min_s: float = 0.4
    """... and last this long (a /p/ /b/ /m/ closure lasts about 0.1 s)."""
    strength_full: float = 2.0
    """Peak intensity that counts as strength 1 (an intensity of 1 is a clear movement)."""
    min_closed_samples: int = 5
    """Frames with closed lips needed in the warm-up for a closed-lips baseline."""
    lost_after_s: float = 1.0
    """A participant unseen this long has their open events closed at their last frame
    (longer than the gap between two samples of a participant the scheduler round-robins)."""
    max_yaw_deg: float = 40.0
    """A face turned further than this from the camera (towards profile) is not read for
    facial movements, nor learned from: its far side is hidden and its landmarks guessed.
    Nor is a face while its head looks away (`companion.cues.scoring.head_away` at 1 or
    more: a turn of `Units.yaw_deg` or a tilt of `Units.tilt_deg` from where it rests): the
    pose correction of the measures is least trusted on a turn or a nod, and on the clips
    tried, turns were read as drawn brows and pressed lips and false clusters on neutral
    talkers came as their heads went down. The face stays unread until the head's turn is
    over (an event of the turn with `look_away`'s thresholds has ended), not only
    while it is at 1 or more: on the way back the turn is smaller but the correction no
    better. A tilt stops the reading only while it lasts (kept unread until the tilt was
    over, a self-tape lost a frown held with the head down). Eyes that look away leave the
    face's landmarks as they are: they do not stop it being read."""

    def params(self, cue: str) -> EventParams:
        """Event thresholds of one cue."""
        return self.per_cue.get(cue, self.events)

    def with_sensitivity(self, level: str) -> CueConfig:
        """This configuration with every event threshold scaled for the user's choice.

        ``low`` asks for clearer movements (thresholds x1.25), ``high`` notices smaller
        ones (x0.8); ``medium`` is the tuned default.
        """
        if level not in SENSITIVITY_SCALE:
            raise ValueError(f"sensitivity must be one of {sorted(SENSITIVITY_SCALE)}: {level!r}")
        k = SENSITIVITY_SCALE[level]

        def scaled(e: EventParams) -> EventParams:
            return replace(e, on=e.on * k, off=e.off * k)

        per_cue = {cue: scaled(e) for cue, e in self.per_cue.items()}
        return replace(self, events=scaled(self.events), per_cue=per_cue)


SENSITIVITY_SCALE: Mapping[str, float] = {"low": 1.25, "medium": 1.0, "high": 0.8}
"""How the overlay's sensitivity setting scales the event thresholds."""


@dataclass(frozen=True)
class CueUpdate:
    """What one call of `CueEngine.update` or `CueEngine.finish` produced."""

    events: list[CueEvent]
    """Events that ended by this update (complete onset..offset)."""
    clusters: list[Cluster]
    """Clusters completed by this update."""
    ready: dict[str, bool]
    """Whether each participant seen so far has a ready baseline (scored only when True)."""


@dataclass(frozen=True)
class Reading:
    """One participant's last scored frame: the neutral it was measured against (every
    measure of `MEASURES`) and the intensity of every cue of `CUES`."""

    neutral: Vector
    intensity: Vector


def in_profile(measures: Vector, config: CueConfig) -> Mask:
    """Whether each face (a `MEASURES` vector, or one per row) is turned towards profile,
    past `CueConfig.max_yaw_deg`: neither read for facial movements nor learned from."""
    return np.asarray(np.abs(measures[..., M["yaw"]]) > config.max_yaw_deg)


def unread(measures: Vector, head: Vector, turning: Mask | bool, config: CueConfig) -> Mask:
    """Whether each face is not read for facial movements, only for where it looks: in
    profile (`in_profile`), its head turned or tilted away (``head``, its
    `companion.cues.scoring.head_away`, at 1 or more) or a turn of the head still under
    way (``turning``); see `CueConfig.max_yaw_deg` for why.

    ``measures`` are `MEASURES` vectors, one face or one per row. The one rule of the
    engine, and of the whole-take traces that must agree with it.
    """
    return np.asarray(
        in_profile(measures, config) | (head.max(axis=-1) >= 1.0) | np.asarray(turning, dtype=bool)
    )


def unread_samples(t: Vector, measures: Vector, head: Vector, config: CueConfig) -> Mask:
    """`unread` for a recorded face's samples at times ``t`` (rows of ``measures`` and of
    their ``head`` values), with the head's turns followed as the engine follows them: a
    sample is unread when a turn was under way as it came."""
    detector = EventDetector(config.params("look_away"))
    turning = np.zeros(len(t), dtype=bool)
    for i, (ti, v) in enumerate(zip(t.tolist(), head[:, 0].tolist(), strict=True)):
        turning[i] = detector.active
        detector.update(ti, v)
    return unread(measures, head, turning, config)


class _Person:
    """Everything the engine keeps about one participant."""

    def __init__(self, pid: str, config: CueConfig, patterns: tuple[Pattern, ...]) -> None:
        self.pid = pid
        self.config = config
        self.baseline = Baseline(
            MEASURE_FLOOR, config.baseline, M["mouth_activity"], _LOWER_FACE, _WHERE_LOOKING
        )
        self.speech = SpeechState(config.speech)
        self.detectors = {cue: EventDetector(config.params(cue)) for cue in CUES}
        self.head_turn = EventDetector(config.params("look_away"))
        """The head's turns (`head_away`), which keep the face unread while under way (a
        tilt does not: a face that nods while it frowns is read as soon as it is back)."""
        self.matcher = ClusterMatcher(patterns)
        self.closed: Baseline | None = None
        """Baseline of the frames with closed lips (None: too few in the warm-up)."""
        self.warmup: list[tuple[float, Vector, bool]] = []
        self.last_t: float | None = None
        self.reading: Reading | None = None
        """The last scored frame's neutral and intensities (None before the baseline)."""
        self.away = False
        """Unseen for longer than ``lost_after_s``, with open events already closed."""

    def observe(self, t: float, x: Vector, events: list[CueEvent], clusters: list[Cluster]) -> None:
        self.last_t = t
        self.away = False
        speaking = self.speech.update(t, float(x[M["lip_gap"]]))
        if self.baseline.ready:
            self._score(t, x, speaking, events, clusters)
            return
        if self._in_profile(x):
            return
        self.warmup.append((t, x, speaking))
        if self.baseline.add_warmup(t, x):
            closed = [w[1] for w in self.warmup if self._lips_closed(w[1])]
            if len(closed) >= self.config.min_closed_samples:
                self.closed = Baseline.from_samples(
                    closed,
                    MEASURE_FLOOR,
                    self.config.baseline,
                    M["mouth_activity"],
                    _LOWER_FACE,
                    _WHERE_LOOKING,
                )
            for wt, wx, wspeaking in self.warmup:
                self._score(wt, wx, wspeaking, events, clusters)
            self.warmup = []

    def _in_profile(self, x: Vector) -> bool:
        return bool(in_profile(x, self.config))

    def _lips_closed(self, x: Vector) -> bool:
        return bool(x[M["lip_gap"]] < self.config.units.lips_closed)

    def close(self, events: list[CueEvent], clusters: list[Cluster]) -> None:
        self.away = True
        self.head_turn.finish()
        for cue, detector in self.detectors.items():
            self._emit(cue, detector.finish(), events, clusters)

    def _score(
        self,
        t: float,
        x: Vector,
        speaking: bool,
        events: list[CueEvent],
        clusters: list[Cluster],
    ) -> None:
        rest, closed = self.baseline.centre, self.closed
        assert rest is not None
        values = intensities(
            x,
            rest,
            self.config.units,
            None if closed is None else closed.centre,
            self.baseline.spread,
        )
        cfg = self.config
        head = head_away(x, rest, cfg.units, self.baseline.spread)
        turned = bool(unread(x, head, self.head_turn.active, cfg))
        self.head_turn.update(t, float(head[0]))
        if turned:
            values[_FACE_CUES] = 0.0
        self.reading = Reading(rest.copy(), values.copy())
        for cue, value, of_face in zip(CUES, values, _FACE_CUES, strict=True):
            if turned and of_face:
                # Not read is not at rest: the face's movements skip this frame as if it
                # were not sampled, so a movement held through a nod is one event and
                # one still there when the head comes back does not start there.
                continue
            detector = self.detectors[cue]
            if cue in cfg.speech_cues:
                strict_on = cfg.params(cue).on * cfg.speech_factor
                raw = detector.update(t, float(value), strict_on=strict_on, strict=speaking)
            else:
                raw = detector.update(t, float(value))
            self._emit(cue, raw, events, clusters)
        if turned:
            return
        active = np.array([self.detectors[c].active for c in CUES], dtype=bool)
        frozen = frozen_measures(active)
        self.baseline.follow(t, x, frozen)
        if closed is not None and self._lips_closed(x):
            closed.follow(t, x, frozen)

    def _emit(
        self,
        cue: str,
        raw: RawEvent | None,
        events: list[CueEvent],
        clusters: list[Cluster],
    ) -> None:
        if raw is None:
            return
        cfg = self.config
        strict_min = cfg.speech_min_s if cue in cfg.speech_cues else None
        if not acceptable(raw, cfg.params(cue), strict_min):
            return
        event = CueEvent(
            participant=self.pid,
            cue=cue,
            start=raw.start,
            end=raw.end,
            peak=raw.peak_t,
            strength=float(min(1.0, max(0.0, raw.peak / cfg.strength_full))),
        )
        events.append(event)
        clusters.extend(self.matcher.add(event))


class CueEngine:
    """Movement events and clusters for every participant of a call or video."""

    def __init__(
        self,
        rules: str | Path | None = None,
        config: CueConfig | None = None,
        patterns: tuple[Pattern, ...] | None = None,
    ) -> None:
        """``rules`` is a rules file (None: the packaged one); ``patterns``, rules already
        loaded (`companion.cues.rules.load_rules`), takes its place when given."""
        self.config = config or CueConfig()
        self.patterns = patterns if patterns is not None else load_rules(rules)
        self._people: dict[str, _Person] = {}

    def update(self, t: float, faces: Mapping[str, Face]) -> CueUpdate:
        """Score the faces landmarked at ``t`` (participants absent were not sampled)."""
        return self.update_measures(t, {pid: measure(face) for pid, face in faces.items()})

    def update_measures(self, t: float, measures: Mapping[str, Vector]) -> CueUpdate:
        """`update` from precomputed `companion.cues.signals.measure` vectors."""
        events: list[CueEvent] = []
        clusters: list[Cluster] = []
        for pid, x in measures.items():
            person = self._people.get(pid)
            if person is None:
                person = self._people[pid] = _Person(pid, self.config, self.patterns)
            person.observe(t, x, events, clusters)
        for pid, person in self._people.items():
            if person.away or pid in measures or person.last_t is None:
                continue
            if t - person.last_t > self.config.lost_after_s:
                person.close(events, clusters)
        return CueUpdate(events, clusters, self.ready())

    def reading(self, participant_id: str) -> Reading | None:
        """The neutral and cue intensities of the participant's last scored frame; None
        while their baseline is being learned (their warm-up frames are scored once it
        is ready, against it)."""
        person = self._people.get(participant_id)
        return None if person is None else person.reading

    def ready(self) -> dict[str, bool]:
        """Whether each participant seen so far has a ready baseline."""
        return {pid: p.baseline.ready for pid, p in self._people.items()}

    def forget(self, participant_id: str) -> None:
        """Free a participant's state (they left); unknown ids are ignored."""
        self._people.pop(participant_id, None)

    def finish(self, t: float) -> CueUpdate:
        """Close every event still under way (end of a video).

        ``t`` is the end time; each event ends at its last frame above threshold, at or
        before it.
        """
        events: list[CueEvent] = []
        clusters: list[Cluster] = []
        for person in self._people.values():
            person.close(events, clusters)
        return CueUpdate(events, clusters, self.ready())
