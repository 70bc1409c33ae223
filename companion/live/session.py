"""One frame through the pipeline, the cue engine and the prompter: `LiveSession`, what it
returns (`LiveResult`) and the seams it talks to.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from companion.model import Box, Cluster, CueEvent, Face, Frame, Participant, Prompt
from companion.prompts.pacing import PacingConfig
from companion.prompts.session import CheckInTally
from companion.settings import Settings
from companion.vision.pipeline import Pipeline, StepResult

PACING: dict[str, tuple[int, float]] = {
    "rare": (2, 300.0),
    "often": (8, 90.0),
}
"""Cards per ten minutes and seconds between cards about one person, for each
``Settings.pacing`` choice other than ``normal`` (the prompter's defaults)."""

ME_TILE_SCALE = (2.6, 2.0)
"""A face box grown by this much (width, height) covers its tile when no tile was found."""


class CueUpdateLike(Protocol):
    """What `companion.cues.engine.CueUpdate` carries."""

    events: list[CueEvent]
    clusters: list[Cluster]
    ready: dict[str, bool]


class CueEngineLike(Protocol):
    """The seam of `companion.cues.engine.CueEngine`."""

    def update(self, t: float, faces: Mapping[str, Face]) -> Any:
        """Feed faces landmarked at ``t``; returns a CueUpdate."""
        ...

    def forget(self, participant_id: str) -> None:
        """Drop a participant's state."""
        ...


class PrompterLike(Protocol):
    """The seam of `companion.prompts.pacing.Prompter`."""

    context: str
    """Whose wording the cards use (a `Settings.context`); may change mid-call."""
    config: PacingConfig
    """The pacing rules; may change mid-call."""

    def offer(self, cluster: Cluster, t: float) -> Prompt | None:
        """A prompt for ``cluster`` unless pacing holds it back."""
        ...

    def baselines(self, ready: Mapping[str, bool], t: float) -> None:
        """Which participants' baselines are ready."""
        ...

    def forget(self, participant_id: str) -> None:
        """A participant left."""
        ...

    def dismiss(self, t: float) -> bool:
        """The user closed the card."""
        ...

    def not_now(self, t: float) -> bool:
        """The user asked for quiet for a while."""
        ...

    def acted_on(self, t: float) -> bool:
        """The user took the card's idea up."""
        ...

    def snooze(self, minutes: float, t: float) -> bool:
        """No cards for ``minutes``."""
        ...

    def resume(self, t: float) -> None:
        """End a snooze early."""
        ...

    def end(self, t: float) -> CheckInTally:
        """The call ended: the user's own check-ins in it."""
        ...

    @property
    def tally(self) -> CheckInTally:
        """The user's own check-ins so far."""
        ...


@dataclass(frozen=True)
class Seen:
    """A participant as the overlay needs it: id and face box in screen coordinates."""

    id: str
    box: Box


@dataclass(frozen=True)
class LiveResult:
    """What one frame produced."""

    t: float
    region: Box
    participants: tuple[Seen, ...]
    events: tuple[CueEvent, ...] = ()
    clusters: tuple[Cluster, ...] = ()
    prompt: Prompt | None = None
    tiles: tuple[Box, ...] = ()
    """Gallery tiles (video rectangles) in screen coordinates, when the frame is a gallery."""
    me_tile: Box | None = None
    """The user's own tile (`LiveSession.mark_me`), kept out of analysis, in screen
    coordinates."""


class LiveSession:
    """Runs one frame through the pipeline, the cue engine and the prompter.

    ``engine`` and ``prompter`` may be None (participants only). Settings decide which
    patterns may prompt. The user's own tile (`mark_me`) is kept out of face finding
    through ``PipelineConfig.exclude`` and out of everything reported.
    """

    def __init__(
        self,
        pipeline: Pipeline,
        engine: CueEngineLike | None = None,
        prompter: PrompterLike | None = None,
        settings: Settings | None = None,
    ) -> None:
        self.pipeline = pipeline
        self.engine = engine
        self.prompter = prompter
        self.settings = settings or Settings()
        self._boxes: dict[str, Box] = {}
        self._known: set[str] = set()
        """Participants followed now."""
        self._gone_since: dict[str, float] = {}
        """Participants no longer followed, and since when: kept until they cannot come
        back under their id (`_forget_gone`)."""
        self._last_t = -float("inf")
        self._tiles: tuple[Box, ...] = ()
        self.update_settings(self.settings)

    def step(self, frame: Frame) -> LiveResult:
        """Analyse one frame."""
        result = self.pipeline.step(frame)
        self._last_t = max(self._last_t, result.t)
        kept = result.participants
        self._boxes = {p.id: p.box for p in kept}
        self._forget_gone(set(self._boxes), result.t)
        events, clusters, prompt = self._cues(result, result.faces)
        seen = tuple(Seen(p.id, to_screen(p.box, frame)) for p in _by_id(kept))
        self._tiles = result.tiles if len(result.tiles) > 1 else ()
        tiles = tuple(to_screen(b, frame) for b in self._tiles)
        excluded = self.pipeline.config.exclude
        me_tile = to_screen(excluded[0], frame) if excluded else None
        return LiveResult(result.t, frame.region, seen, events, clusters, prompt, tiles, me_tile)

    def mark_me(self, participant_id: str | None) -> Box | None:
        """Exclude ``participant_id``'s tile from analysis (None clears it).

        Returns the excluded region in frame pixels, or None.
        """
        box = self._boxes.get(participant_id) if participant_id is not None else None
        if box is None:
            self.pipeline.config.exclude = ()
            return None
        found = next((b for b in self._tiles if b.contains_point(box.cx, box.cy)), None)
        if found is not None:
            self.pipeline.config.exclude = (found,)
            return found
        sw, sh = ME_TILE_SCALE
        tile = Box(
            max(0.0, box.cx - box.w * sw / 2),
            max(0.0, box.cy - box.h * sh / 2),
            box.w * sw,
            box.h * sh,
        )
        self.pipeline.config.exclude = (tile,)
        return tile

    def set_focus(self, participant_id: str | None) -> None:
        """The participant the user is talking to, sampled at full rate (None: automatic)."""
        self.pipeline.focus = participant_id

    def update_settings(self, settings: Settings) -> None:
        """Apply new settings: the CPU budget, the context and the pacing at once (the
        prompter keeps its snooze, quiet spells and tally); a new sensitivity gets a new
        cue engine (baselines are learned again).
        """
        old, self.settings = self.settings, settings
        scheduler = self.pipeline.config.scheduler
        if scheduler.budget_cores is not None:  # None: an offline pipeline, no limit wanted
            scheduler.budget_cores = settings.cpu_budget * (os.cpu_count() or 1)
        if self.prompter is not None:
            self.prompter.context = settings.context
            if settings.pacing != old.pacing:
                self.prompter.config = pacing_config(settings)
        if settings.sensitivity != old.sensitivity and self.engine is not None:
            self.engine = open_engine(settings)

    def dismiss(self, t: float) -> None:
        """The user closed the prompt card at ``t`` (never earlier than the last frame)."""
        if self.prompter is not None:
            self.prompter.dismiss(max(t, self._last_t))

    def not_now(self, t: float) -> None:
        """The user pressed "not now" on the card."""
        if self.prompter is not None:
            self.prompter.not_now(max(t, self._last_t))

    def acted_on(self, t: float) -> None:
        """The user pressed "I asked" on the card."""
        if self.prompter is not None:
            self.prompter.acted_on(max(t, self._last_t))

    def snooze(self, minutes: float, t: float) -> None:
        """No check-in ideas for ``minutes`` (closes a card that is showing)."""
        if self.prompter is not None:
            self.prompter.snooze(minutes, max(t, self._last_t))

    def resume_ideas(self, t: float) -> None:
        """Check-in ideas may come again (ends a snooze)."""
        if self.prompter is not None:
            self.prompter.resume(max(t, self._last_t))

    def checkins(self) -> CheckInTally | None:
        """The user's own check-ins in this call so far (None without a prompter)."""
        return self.prompter.tally if self.prompter is not None else None

    def end_call(self, t: float) -> CheckInTally | None:
        """The call ended at ``t``: its check-ins; the next call starts a fresh prompter."""
        if self.prompter is None:
            return None
        tally = self.prompter.end(max(t, self._last_t))
        self.prompter = open_prompter(self.settings)
        return tally

    def _forget_gone(self, kept: set[str], t: float) -> None:
        """Forget the participants gone longer than the tracker remembers them
        (`TrackerConfig.reid_memory_s`).

        Until then the same person may come back under the same id (a face missed for a
        while, an id freed at a strange look and taken back, a gallery that reflowed): they
        keep their neutral, their open evidence and their pacing, as a recording's analysis
        keeps them. Forgotten at once, such a person's neutral was learned again from
        whatever their face did next, and their next card was not held back.
        """
        for pid in kept:
            self._gone_since.pop(pid, None)
        for pid in self._known - kept:
            self._gone_since.setdefault(pid, t)
        self._known = set(kept)
        memory = self.pipeline.config.tracker.reid_memory_s
        for pid, since in list(self._gone_since.items()):
            if t - since < memory:
                continue
            del self._gone_since[pid]
            if self.engine is not None:
                self.engine.forget(pid)
            if self.prompter is not None:
                self.prompter.forget(pid)

    def _cues(
        self, result: StepResult, faces: Mapping[str, Face]
    ) -> tuple[tuple[CueEvent, ...], tuple[Cluster, ...], Prompt | None]:
        if self.engine is None:
            return (), (), None
        update: CueUpdateLike = self.engine.update(result.t, faces)
        prompt = None
        if self.prompter is not None:
            self.prompter.baselines(update.ready, result.t)
        for cluster in update.clusters:
            if prompt is None and self.prompter is not None and self._may_prompt(cluster):
                prompt = self.prompter.offer(cluster, result.t)
        return tuple(update.events), tuple(update.clusters), prompt

    def _may_prompt(self, cluster: Cluster) -> bool:
        return self.settings.pattern_enabled(cluster.pattern) and (
            cluster.participant in self._known
        )


def to_screen(box: Box, frame: Frame) -> Box:
    """A box in frame pixels as screen (capture) coordinates."""
    r = frame.region
    sx, sy = r.w / frame.width, r.h / frame.height
    return Box(r.x + box.x * sx, r.y + box.y * sy, box.w * sx, box.h * sy)


def _by_id(participants: Sequence[Participant]) -> list[Participant]:
    return sorted(participants, key=lambda p: (len(p.id), p.id))


def open_cues(settings: Settings) -> tuple[CueEngineLike, PrompterLike]:
    """The cue engine (packaged rules) and the prompter for ``settings``."""
    return open_engine(settings), open_prompter(settings)


def open_engine(settings: Settings) -> CueEngineLike:
    """The cue engine with the packaged rules at the chosen sensitivity."""
    from companion.cues.engine import CueConfig, CueEngine

    return CueEngine(rules=None, config=CueConfig().with_sensitivity(settings.sensitivity))


def pacing_config(settings: Settings) -> PacingConfig:
    """The pacing rules for ``settings``' pacing choice."""
    config = PacingConfig()
    if settings.pacing in PACING:
        per_ten, cooldown = PACING[settings.pacing]
        config = replace(config, max_per_ten_minutes=per_ten, participant_cooldown_s=cooldown)
    return config


def open_prompter(settings: Settings) -> PrompterLike:
    """The prompter for ``settings``' context and pacing choice."""
    from companion.prompts.pacing import Prompter

    return Prompter(context=settings.context, config=pacing_config(settings))
