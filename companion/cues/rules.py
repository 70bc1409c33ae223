"""Cluster patterns from an editable rules file, and the matcher that finds them in events.

The packaged default is ``companion/cues/patterns.json``; a user may point the engine at a
copy. The file is checked on load and every problem is reported with the file name and the
pattern it is in, so a typo in a cue name fails loudly instead of silently never matching.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from companion.cues.scoring import CUES
from companion.errors import InputError
from companion.model import Cluster, CueEvent

RULES_SCHEMA = "companion.patterns/1"
MAX_WITHIN_S = 10.0
_PATTERN_KEYS = {"name", "label", "steps", "ordered", "within_s", "also", "about"}


class RulesError(InputError):
    """A rules file that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class Pattern:
    """Movements that come together: one event per step, close in time."""

    name: str
    steps: tuple[frozenset[str], ...]
    """Each step is satisfied by an event of any one of its cues."""
    within_s: float
    ordered: bool = False
    also: frozenset[str] = frozenset()
    """Cues added to a cluster when present nearby, never required."""
    about: str = ""
    label: str = ""
    """What the user sees: the movements, such as "brows + lips" (the name is an id)."""

    @property
    def shown(self) -> str:
        """The label, or the name when the rules file gives none."""
        return self.label or self.name

    @property
    def cues(self) -> frozenset[str]:
        """Every cue the pattern can use."""
        return self.required | self.also

    @property
    def required(self) -> frozenset[str]:
        """The cues of its steps: an event of one of these can complete the pattern."""
        return frozenset().union(*self.steps)


def default_rules_text() -> str:
    """The text of the packaged rules file."""
    return (resources.files("companion.cues") / "patterns.json").read_text(encoding="utf-8")


def load_rules(path: str | Path | None = None) -> tuple[Pattern, ...]:
    """Patterns from ``path`` (None: the packaged default), checked; raises `RulesError`."""
    if path is None:
        return parse_rules(default_rules_text(), "companion/cues/patterns.json")
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise RulesError(f"{file}: cannot read rules file ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise RulesError(f"{file}: rules file is not UTF-8 text") from exc
    return parse_rules(text, str(file))


def parse_rules(text: str, origin: str) -> tuple[Pattern, ...]:
    """Patterns from the JSON ``text`` of a rules file; ``origin`` names it in errors."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RulesError(
            f"{origin}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from exc
    if not isinstance(doc, dict):
        raise RulesError(f"{origin}: expected a JSON object with 'schema' and 'patterns'")
    if doc.get("schema") != RULES_SCHEMA:
        raise RulesError(f"{origin}: 'schema' must be {RULES_SCHEMA!r}, got {doc.get('schema')!r}")
    raw = doc.get("patterns")
    if not isinstance(raw, list) or not raw:
        raise RulesError(f"{origin}: 'patterns' must be a non-empty list")
    patterns = [_parse_pattern(item, i, origin) for i, item in enumerate(raw)]
    names = [p.name for p in patterns]
    for name in names:
        if names.count(name) > 1:
            raise RulesError(f"{origin}: pattern {name!r} is defined more than once")
    return tuple(patterns)


def _parse_pattern(item: Any, index: int, origin: str) -> Pattern:
    where = f"{origin}: pattern #{index + 1}"
    if not isinstance(item, dict):
        raise RulesError(f"{where}: expected an object")
    name = item.get("name")
    if not isinstance(name, str) or not name.isidentifier():
        raise RulesError(f"{where}: 'name' must be a word such as 'tension', got {name!r}")
    where = f"{origin}: pattern {name!r}"
    unknown = sorted(set(item) - _PATTERN_KEYS)
    if unknown:
        allowed = ", ".join(sorted(_PATTERN_KEYS))
        raise RulesError(f"{where}: unknown key(s) {', '.join(unknown)}; allowed: {allowed}")
    steps_raw = item.get("steps")
    if not isinstance(steps_raw, list) or len(steps_raw) < 2:
        raise RulesError(f"{where}: 'steps' must list at least two cues (one cue is not a cluster)")
    steps = tuple(_parse_step(step, where) for step in steps_raw)
    within = item.get("within_s")
    if (
        isinstance(within, bool)
        or not isinstance(within, int | float)
        or not 0 < within <= MAX_WITHIN_S
    ):
        raise RulesError(f"{where}: 'within_s' must be a number of seconds in (0, {MAX_WITHIN_S}]")
    ordered = item.get("ordered", False)
    if not isinstance(ordered, bool):
        raise RulesError(f"{where}: 'ordered' must be true or false")
    also_raw = item.get("also", [])
    if not isinstance(also_raw, list):
        raise RulesError(f"{where}: 'also' must be a list of cues")
    also = frozenset(_cue(c, where) for c in also_raw)
    about, label = item.get("about", ""), item.get("label", "")
    if not isinstance(about, str) or not isinstance(label, str):
        raise RulesError(f"{where}: 'about' and 'label' must be text")
    return Pattern(name, steps, float(within), ordered, also, about, label)


def _parse_step(step: Any, where: str) -> frozenset[str]:
    if isinstance(step, str):
        return frozenset({_cue(step, where)})
    if isinstance(step, list) and step:
        return frozenset(_cue(c, where) for c in step)
    raise RulesError(f"{where}: each step must be a cue name or a non-empty list of cue names")


def _cue(name: Any, where: str) -> str:
    if name not in CUES:
        raise RulesError(f"{where}: unknown cue {name!r}; known cues: {', '.join(CUES)}")
    return str(name)


def _gap(a: CueEvent, b: CueEvent) -> float:
    """Seconds between two events' intervals (0 when they overlap)."""
    return max(0.0, max(a.start, b.start) - min(a.end, b.end))


class ClusterMatcher:
    """Finds patterns among one participant's finished events.

    Each finished event is offered once (`add`); a cluster is reported as soon as its last
    needed event has finished. An event takes part in at most one cluster per pattern, so a
    long movement does not raise the same pattern again and again.
    """

    def __init__(self, patterns: Sequence[Pattern], memory_s: float = 30.0) -> None:
        self.patterns = tuple(patterns)
        self.memory_s = memory_s
        self._events: list[tuple[CueEvent, set[str]]] = []
        """Recent events, each with the patterns it has already taken part in."""

    def add(self, event: CueEvent) -> list[Cluster]:
        """Offer one finished event; returns the clusters it completes."""
        self._events = [(e, used) for e, used in self._events if event.end - e.end <= self.memory_s]
        self._events.append((event, set()))
        found = []
        for pattern in self.patterns:
            cluster = self._match(pattern, event)
            if cluster is not None:
                found.append(cluster)
        return found

    def _match(self, pattern: Pattern, new: CueEvent) -> Cluster | None:
        if new.cue not in pattern.required:
            return None
        pool = [e for e, used in self._events if pattern.name not in used]
        best: tuple[float, tuple[CueEvent, ...]] | None = None
        for combo in self._combinations(pattern, pool, new):
            span = max(e.end for e in combo) - min(e.start for e in combo)
            if best is None or span < best[0]:
                best = (span, combo)
        if best is None:
            return None
        chosen = best[1]
        for e, used in self._events:
            if any(e is c for c in chosen):
                used.add(pattern.name)
        extras = [
            e
            for e in pool
            if e.cue in pattern.also
            and all(e is not c for c in chosen)
            and min(_gap(e, c) for c in chosen) <= pattern.within_s
        ]
        members = sorted((*chosen, *extras), key=lambda e: (e.start, e.cue))
        cues = tuple(dict.fromkeys(e.cue for e in members))
        return Cluster(
            participant=new.participant,
            pattern=pattern.name,
            cues=cues,
            start=min(e.start for e in members),
            end=max(e.end for e in members),
        )

    @staticmethod
    def _combinations(
        pattern: Pattern, pool: Iterable[CueEvent], new: CueEvent
    ) -> Iterable[tuple[CueEvent, ...]]:
        """Every assignment of events to steps that uses ``new`` and satisfies the timing."""
        pool = list(pool)
        per_step = [[e for e in pool if e.cue in step] for step in pattern.steps]
        for combo in itertools.product(*per_step):
            if all(e is not new for e in combo) or len({id(e) for e in combo}) < len(combo):
                continue
            if pattern.ordered:
                ok = all(
                    b.start >= a.start and b.start - a.end <= pattern.within_s
                    for a, b in itertools.pairwise(combo)
                )
            else:
                ok = all(
                    _gap(a, b) <= pattern.within_s for a, b in itertools.combinations(combo, 2)
                )
            if ok:
                yield combo
