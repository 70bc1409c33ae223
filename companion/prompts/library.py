"""The phrasing library: what a prompt card says for each pattern in each context.

The phrasings live in the packaged data file ``phrasings.json`` (schema
``companion.phrasings/1``)::

    {"schema": "companion.phrasings/1",
     "patterns": {"tension": {"movement": "brows drew together and lips pressed, briefly",
                              "meeting": ["Good moment to ask: “Any concerns so far?”", ...],
                              "interviewer": [...], "candidate": [...], "one-on-one": [...]},
                  "drop": {...}, "masked": {...}, "general": {...}},
     "notices": {"meeting": "...", "interviewer": "...", "candidate": "...",
                 "one-on-one": "..."}}

Every pattern has a neutral ``movement`` line (what moved, never what it means) and at
least `MIN_PHRASINGS` lines per context, each under 80 characters. ``general`` is used for a
pattern that has no entry of its own (a rule the user added). ``notices`` holds the
sentence the user can paste in the call chat to let others know. The file is checked on
load; every problem is reported with its place in the file.
"""

from __future__ import annotations

import functools
import json
import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from companion.errors import CompanionError
from companion.prompts.guard import find_banned

SCHEMA = "companion.phrasings/1"
PHRASINGS_FILE = "phrasings.json"
CONTEXTS: tuple[str, ...] = ("meeting", "interviewer", "candidate", "one-on-one")
"""Who the user is in the call; the values of ``--context``."""
PATTERNS: tuple[str, ...] = ("tension", "drop", "masked")
"""The cluster patterns of DESIGN.md; each must have its own phrasings."""
GENERAL = "general"
"""Phrasings for a pattern without its own entry."""
MIN_PHRASINGS = 5
MAX_LINE_CHARS = 79
"""The main line of a card must stay under 80 characters."""
MAX_NOTICE_CHARS = 240
MAX_ERRORS_SHOWN = 8

_PATTERN_NAME = re.compile(r"[a-z][a-z0-9_-]*")

ABSENT: Any = object()
"""Stands for a missing key (``obj.get(name, ABSENT)``); `Problems.keys` reports those."""


class PromptDataError(CompanionError):
    """A prompt data file that cannot be used (exit code 3, like any unusable input)."""

    exit_code = 3


@dataclass(frozen=True)
class PhraseLibrary:
    """Validated phrasings, movement lines and notice sentences."""

    phrasings: Mapping[str, Mapping[str, tuple[str, ...]]]
    movements: Mapping[str, str]
    notices: Mapping[str, str]

    @property
    def patterns(self) -> tuple[str, ...]:
        """Every pattern with its own phrasings, ``general`` included."""
        return tuple(self.phrasings)

    def key(self, pattern: str) -> str:
        """The entry used for ``pattern``: its own, or ``general`` when it has none."""
        return pattern if pattern in self.phrasings else GENERAL

    def lines(self, pattern: str, context: str) -> tuple[str, ...]:
        """The phrasings for ``pattern`` in ``context``."""
        _check_context(context)
        return self.phrasings[self.key(pattern)][context]

    def movement(self, pattern: str) -> str:
        """The neutral line saying what moved for ``pattern``."""
        return self.movements[self.key(pattern)]

    def notice(self, context: str) -> str:
        """The sentence that lets the other participants know, for ``context``."""
        _check_context(context)
        return self.notices[context]


def _check_context(context: str) -> None:
    if context not in CONTEXTS:
        raise ValueError(f"unknown context {context!r}; expected one of {', '.join(CONTEXTS)}")


class Rotation:
    """Picks lines in a shuffled order in which no line comes back soon.

    After a line is picked it sits out the next `gap` picks (``len(lines) - 2`` by
    default, at least 1 when there are two lines or more), so a card never repeats the
    card before it and the choice still varies. Deterministic for a given ``seed``.
    """

    def __init__(self, lines: Sequence[str], seed: int | str = 0, gap: int | None = None) -> None:
        if not lines:
            raise ValueError("a rotation needs at least one line")
        self.lines = tuple(lines)
        n = len(self.lines)
        default_gap = min(n - 1, max(1, n - 2))
        self.gap = default_gap if gap is None else gap
        if not 0 <= self.gap < n:
            raise ValueError(f"gap must be between 0 and {n - 1}, got {self.gap}")
        self._rng = random.Random(str(seed))
        self._recent: list[int] = []

    def next(self) -> str:
        """The next line."""
        blocked = set(self._recent)
        choices = [i for i in range(len(self.lines)) if i not in blocked]
        pick = self._rng.choice(choices)
        if self.gap:
            self._recent = [*self._recent, pick][-self.gap :]
        return self.lines[pick]


def read_packaged_json(name: str) -> Any:
    """Decode a JSON data file shipped in this package."""
    text = (resources.files(__package__) / name).read_text(encoding="utf-8")
    return decode_json(text, name)


def decode_json(text: str, source: str) -> Any:
    """Decode JSON text, turning a syntax error into a `PromptDataError` naming ``source``."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise PromptDataError(
            f"{source}: not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from exc


@functools.cache
def default_library() -> PhraseLibrary:
    """The packaged phrasings (loaded and checked once)."""
    return parse_library(read_packaged_json(PHRASINGS_FILE), PHRASINGS_FILE)


def load_library(path: Path) -> PhraseLibrary:
    """Load and check a phrasings file the user edited."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise PromptDataError(f"{path}: cannot read ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise PromptDataError(f"{path}: not UTF-8 text") from exc
    return parse_library(decode_json(text, str(path)), str(path))


class Problems:
    """Collects problems found in a data file, each with its place in the file."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.found: list[str] = []

    def add(self, where: str, problem: str) -> None:
        """Record one problem at ``where`` (a dotted path such as ``patterns.drop``)."""
        self.found.append(f"{where}: {problem}" if where else problem)

    def raise_if_any(self) -> None:
        """Raise one `PromptDataError` listing the problems, if there are any."""
        if not self.found:
            return
        shown = "; ".join(self.found[:MAX_ERRORS_SHOWN])
        more = len(self.found) - MAX_ERRORS_SHOWN
        tail = f"; and {more} more" if more > 0 else ""
        raise PromptDataError(f"{self.source}: {shown}{tail}")

    def mapping(self, value: object, where: str) -> dict[str, Any] | None:
        """``value`` if it is a JSON object, else record a problem and return None."""
        if isinstance(value, dict):
            return value
        if value is ABSENT:
            return None
        self.add(where, f"must be an object, found {_kind(value)}")
        return None

    def keys(self, obj: Mapping[str, Any], where: str, required: Sequence[str]) -> None:
        """Record missing and unknown keys of ``obj``."""
        for name in required:
            if name not in obj:
                self.add(where, f"{name!r} is missing")
        for name in obj:
            if name not in required:
                self.add(where, f"unknown key {name!r}; expected {', '.join(map(repr, required))}")

    def text(self, value: object, where: str, max_chars: int) -> str | None:
        """Check one user-facing line: a plain string, short enough, no banned words.

        Returns the line when it passes, else None (problems recorded; nothing is
        recorded for `ABSENT`, which `keys` reports as missing).
        """
        if value is ABSENT:
            return None
        if not isinstance(value, str):
            self.add(where, f"must be a string, found {_kind(value)}")
            return None
        ok = True
        if not value.strip():
            self.add(where, "is empty")
            return None
        if value != value.strip() or "  " in value:
            self.add(where, "has extra spaces")
            ok = False
        if any(ch in value for ch in "\n\r\t"):
            self.add(where, "must be one line")
            ok = False
        if len(value) > max_chars:
            self.add(where, f"is {len(value)} characters; keep it to {max_chars}")
            ok = False
        if value.count("“") != value.count("”") or value.count('"') % 2:
            self.add(where, "has unbalanced quotation marks")
            ok = False
        for hit in find_banned(value):
            self.add(where, f"uses {hit.found!r}, a word Companion never writes about a person")
            ok = False
        return value if ok else None


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return "a string" if isinstance(value, str) else "a value"


def parse_library(doc: object, source: str) -> PhraseLibrary:
    """Check a decoded ``companion.phrasings/1`` document and build the library."""
    if not isinstance(doc, dict):
        raise PromptDataError(f"{source}: top level must be an object, found {_kind(doc)}")
    root: dict[str, Any] = doc
    problems = Problems(source)
    problems.keys(root, "top level", ("schema", "patterns", "notices"))
    if root.get("schema") != SCHEMA:
        problems.add("schema", f"must be {SCHEMA!r}, found {root.get('schema')!r}")
    phrasings: dict[str, dict[str, tuple[str, ...]]] = {}
    movements: dict[str, str] = {}
    patterns = problems.mapping(root.get("patterns", ABSENT), "patterns")
    if patterns is not None:
        for name in (*PATTERNS, GENERAL):
            if name not in patterns:
                problems.add("patterns", f"pattern {name!r} is missing")
        for name, entry in patterns.items():
            where = f"patterns.{name}"
            if not _PATTERN_NAME.fullmatch(name):
                problems.add(where, "a pattern name is lower-case letters, digits, _ and -")
            parsed = _parse_pattern(problems, entry, where)
            if parsed is not None:
                movements[name], phrasings[name] = parsed
    notices: dict[str, str] = {}
    notice_doc = problems.mapping(root.get("notices", ABSENT), "notices")
    if notice_doc is not None:
        problems.keys(notice_doc, "notices", CONTEXTS)
        for context in CONTEXTS:
            if context in notice_doc:
                line = problems.text(notice_doc[context], f"notices.{context}", MAX_NOTICE_CHARS)
                if line is not None:
                    notices[context] = line
    problems.raise_if_any()
    return PhraseLibrary(phrasings=phrasings, movements=movements, notices=notices)


def _parse_pattern(
    problems: Problems, entry: object, where: str
) -> tuple[str, dict[str, tuple[str, ...]]] | None:
    obj = problems.mapping(entry, where)
    if obj is None:
        return None
    problems.keys(obj, where, ("movement", *CONTEXTS))
    movement = problems.text(obj.get("movement", ABSENT), f"{where}.movement", MAX_LINE_CHARS)
    by_context: dict[str, tuple[str, ...]] = {}
    for context in CONTEXTS:
        if context not in obj:
            continue
        lines = _parse_lines(problems, obj[context], f"{where}.{context}")
        if lines is not None:
            by_context[context] = lines
    if movement is None or len(by_context) != len(CONTEXTS):
        return None
    return movement, by_context


def _parse_lines(problems: Problems, value: object, where: str) -> tuple[str, ...] | None:
    if not isinstance(value, list):
        problems.add(where, f"must be a list of phrasings, found {_kind(value)}")
        return None
    if len(value) < MIN_PHRASINGS:
        problems.add(where, f"has {len(value)} phrasings; at least {MIN_PHRASINGS} are needed")
    lines: list[str] = []
    seen: set[str] = set()
    for i, item in enumerate(value):
        line = problems.text(item, f"{where}[{i}]", MAX_LINE_CHARS)
        if line is None:
            continue
        folded = line.casefold()
        if folded in seen:
            problems.add(f"{where}[{i}]", "repeats an earlier phrasing")
        seen.add(folded)
        lines.append(line)
    if len(lines) != len(value) or len(lines) < MIN_PHRASINGS:
        return None
    return tuple(lines)
