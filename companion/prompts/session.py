"""Before and after the call: the calm routine and the private reflection card.

Both read their wording from the packaged ``session.json`` (schema
``companion.session/1``) and are pure: the routine is a step sequencer that takes the
seconds elapsed, and the card is built from a `CheckInTally` of the user's own clicks.
The tally has no participant, pattern or movement in it, so the card cannot say anything
about anyone else.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass

from companion.prompts.library import (
    ABSENT,
    MAX_LINE_CHARS,
    Problems,
    PromptDataError,
    read_packaged_json,
)

SCHEMA = "companion.session/1"
SESSION_FILE = "session.json"
STEP_SECONDS_MAX = 30.0


@dataclass(frozen=True)
class CalmStep:
    """One step of the routine: what to show, for how long, and how many counts in it."""

    text: str
    seconds: float
    counts: int = 0


@dataclass(frozen=True)
class CalmMoment:
    """Where the routine is at one moment."""

    index: int
    text: str
    count: int | None
    """1..counts during a counted step (``Breathe out for four counts``), else None."""
    step_left_s: float
    total_left_s: float


@dataclass(frozen=True)
class CalmRoutine:
    """The optional pre-call routine (about 20 seconds) as a sequence of timed steps."""

    title: str
    steps: tuple[CalmStep, ...]

    @property
    def total_s(self) -> float:
        """Length of the whole routine in seconds."""
        return sum(step.seconds for step in self.steps)

    def starts(self) -> tuple[float, ...]:
        """Seconds from the beginning at which each step starts."""
        out: list[float] = []
        elapsed = 0.0
        for step in self.steps:
            out.append(elapsed)
            elapsed += step.seconds
        return tuple(out)

    def at(self, elapsed_s: float) -> CalmMoment | None:
        """The step showing ``elapsed_s`` seconds after the start; None once it is over."""
        if not math.isfinite(elapsed_s) or elapsed_s < 0:
            raise ValueError(f"elapsed time must be a finite number >= 0, got {elapsed_s}")
        total = self.total_s
        for index, (start, step) in enumerate(zip(self.starts(), self.steps, strict=True)):
            into = elapsed_s - start
            if into < step.seconds:
                count = None
                if step.counts:
                    count = min(step.counts, int(into / (step.seconds / step.counts)) + 1)
                return CalmMoment(
                    index=index,
                    text=step.text,
                    count=count,
                    step_left_s=step.seconds - into,
                    total_left_s=total - elapsed_s,
                )
        return None


@dataclass(frozen=True)
class CheckInTally:
    """The user's own check-ins in one call: counts of what *they* did with the cards.

    ``shown`` cards end one of three ways: ``acted_on`` (the user took the idea up),
    ``set_aside`` (dismissed, "not now", or snoozed while showing) or ``passed`` (left
    to expire). ``snoozes`` counts the times the user paused the ideas.
    """

    shown: int = 0
    acted_on: int = 0
    set_aside: int = 0
    passed: int = 0
    snoozes: int = 0


@dataclass(frozen=True)
class ReflectionTexts:
    """The wording of the reflection card, from ``session.json``."""

    title: str
    subtitle: str
    counts: Mapping[str, Mapping[str, str]]
    closing: str


@dataclass(frozen=True)
class ReflectionCard:
    """The private card shown after a call: only counts of the user's own actions."""

    title: str
    subtitle: str
    lines: tuple[str, ...]
    closing: str


_COUNTED = ("shown", "acted_on", "set_aside", "passed", "snoozes")


def reflection_card(tally: CheckInTally, texts: ReflectionTexts | None = None) -> ReflectionCard:
    """The reflection card for ``tally``; a count of zero gets no line, except ``shown``."""
    texts = texts or default_session()[1]
    lines: list[str] = []
    for name in _COUNTED:
        n = int(getattr(tally, name))
        forms = texts.counts[name]
        if n == 0 and "zero" not in forms:
            continue
        form = "zero" if n == 0 else "one" if n == 1 else "many"
        lines.append(forms[form].replace("{n}", str(n)))
    return ReflectionCard(texts.title, texts.subtitle, tuple(lines), texts.closing)


@functools.cache
def default_session() -> tuple[CalmRoutine, ReflectionTexts]:
    """The packaged calm routine and reflection wording (loaded and checked once)."""
    return parse_session(read_packaged_json(SESSION_FILE), SESSION_FILE)


def default_routine() -> CalmRoutine:
    """The packaged calm routine."""
    return default_session()[0]


def parse_session(doc: object, source: str) -> tuple[CalmRoutine, ReflectionTexts]:
    """Check a decoded ``companion.session/1`` document and build its two parts."""
    if not isinstance(doc, dict):
        raise PromptDataError(f"{source}: top level must be an object")
    problems = Problems(source)
    problems.keys(doc, "top level", ("schema", "calm_routine", "reflection"))
    if doc.get("schema") != SCHEMA:
        problems.add("schema", f"must be {SCHEMA!r}, found {doc.get('schema')!r}")
    routine = _parse_routine(problems, doc.get("calm_routine", ABSENT))
    texts = _parse_reflection(problems, doc.get("reflection", ABSENT))
    problems.raise_if_any()
    if routine is None or texts is None:
        raise PromptDataError(f"{source}: incomplete")
    return routine, texts


def _parse_routine(problems: Problems, value: object) -> CalmRoutine | None:
    obj = problems.mapping(value, "calm_routine")
    if obj is None:
        return None
    problems.keys(obj, "calm_routine", ("title", "steps"))
    title = problems.text(obj.get("title", ABSENT), "calm_routine.title", MAX_LINE_CHARS)
    raw_steps = obj.get("steps", ABSENT)
    if raw_steps is ABSENT:
        return None
    if not isinstance(raw_steps, list) or not raw_steps:
        problems.add("calm_routine.steps", "must be a non-empty list")
        return None
    steps: list[CalmStep] = []
    for i, raw in enumerate(raw_steps):
        step = _parse_step(problems, raw, f"calm_routine.steps[{i}]")
        if step is not None:
            steps.append(step)
    if title is None or len(steps) != len(raw_steps):
        return None
    return CalmRoutine(title, tuple(steps))


def _parse_step(problems: Problems, value: object, where: str) -> CalmStep | None:
    obj = problems.mapping(value, where)
    if obj is None:
        return None
    optional = {"counts": 0}
    problems.keys({**optional, **obj}, where, ("text", "seconds", *optional))
    text = problems.text(obj.get("text", ABSENT), f"{where}.text", MAX_LINE_CHARS)
    seconds = obj.get("seconds", ABSENT)
    counts = obj.get("counts", optional["counts"])
    ok = text is not None
    if seconds is not ABSENT and not (isinstance(seconds, int | float) and _in_range(seconds)):
        problems.add(f"{where}.seconds", f"must be a number of seconds in (0, {STEP_SECONDS_MAX}]")
        ok = False
    if not isinstance(counts, int) or isinstance(counts, bool) or counts < 0:
        problems.add(f"{where}.counts", "must be a whole number >= 0")
        ok = False
    if not ok or text is None or not isinstance(seconds, int | float):
        return None
    return CalmStep(text, float(seconds), int(counts))


def _in_range(seconds: float) -> bool:
    return not isinstance(seconds, bool) and 0 < seconds <= STEP_SECONDS_MAX


def _parse_reflection(problems: Problems, value: object) -> ReflectionTexts | None:
    obj = problems.mapping(value, "reflection")
    if obj is None:
        return None
    problems.keys(obj, "reflection", ("title", "subtitle", *_COUNTED, "closing"))
    title = problems.text(obj.get("title", ABSENT), "reflection.title", MAX_LINE_CHARS)
    subtitle = problems.text(obj.get("subtitle", ABSENT), "reflection.subtitle", MAX_LINE_CHARS)
    closing = problems.text(obj.get("closing", ABSENT), "reflection.closing", MAX_LINE_CHARS)
    counts: dict[str, dict[str, str]] = {}
    for name in _COUNTED:
        raw = obj.get(name, ABSENT)
        if raw is ABSENT:
            continue
        forms = _parse_forms(problems, raw, f"reflection.{name}", zero=name == "shown")
        if forms is not None:
            counts[name] = forms
    if title is None or subtitle is None or closing is None or len(counts) != len(_COUNTED):
        return None
    return ReflectionTexts(title, subtitle, counts, closing)


def _parse_forms(
    problems: Problems, value: object, where: str, zero: bool
) -> dict[str, str] | None:
    obj = problems.mapping(value, where)
    if obj is None:
        return None
    names = ("zero", "one", "many") if zero else ("one", "many")
    problems.keys(obj, where, names)
    forms: dict[str, str] = {}
    for name in names:
        line = problems.text(obj.get(name, ABSENT), f"{where}.{name}", MAX_LINE_CHARS)
        if line is None:
            continue
        rest = line.replace("{n}", "")
        if "{" in rest or "}" in rest or (name == "many") != ("{n}" in line):
            problems.add(f"{where}.{name}", "only the 'many' form has a {n}, and nothing else")
            continue
        forms[name] = line
    return forms if len(forms) == len(names) else None
