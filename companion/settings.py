"""User settings: one JSON file with a schema version, saved atomically.

A missing file gives the defaults. An unreadable file gives the defaults plus a notice
for the user, and is moved aside (``settings.json.unreadable``, numbered if that exists)
so nothing the user set is silently lost and the notice comes once. A file written by a
newer version is left as it is, for that version, and the notice comes at each start.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import platformdirs

from companion.atomic import write_text_atomic
from companion.errors import OutputError
from companion.prompts.library import CONTEXTS, PATTERNS

log = logging.getLogger(__name__)

SCHEMA = "companion.settings"
SCHEMA_VERSION = 1
SENSITIVITIES = ("low", "medium", "high")
PACINGS = ("rare", "normal", "often")


@dataclass(frozen=True)
class Settings:
    """Everything the user can change. Defaults are the calm choice."""

    context: str = "meeting"
    """Who the user is in the call: meeting, interviewer, candidate or one-on-one."""
    sensitivity: str = "medium"
    """How strong a movement must be to count: low, medium or high."""
    patterns: dict[str, bool] = field(default_factory=lambda: dict.fromkeys(PATTERNS, True))
    """Which cluster patterns may lead to a prompt."""
    cpu_budget: float = 0.5
    """Share of the machine's processor time the analysis may use (0.1 to 1.0)."""
    pacing: str = "normal"
    """How often prompts may come: rare, normal or often."""
    first_run_done: bool = False
    """Whether the first-run explanation was read."""

    def pattern_enabled(self, pattern: str) -> bool:
        """Whether prompts for ``pattern`` may be shown (unknown patterns are on)."""
        return self.patterns.get(pattern, True)

    def to_json(self) -> dict[str, Any]:
        """The file's JSON object."""
        return {
            "schema": SCHEMA,
            "version": SCHEMA_VERSION,
            "context": self.context,
            "sensitivity": self.sensitivity,
            "patterns": dict(self.patterns),
            "cpu_budget": self.cpu_budget,
            "pacing": self.pacing,
            "first_run_done": self.first_run_done,
        }


@dataclass(frozen=True)
class LoadedSettings:
    """Settings as loaded, with a notice for the user when the file could not be used."""

    settings: Settings
    notice: str | None = None


def default_path() -> Path:
    """Where settings live for this user (platformdirs' config folder)."""
    return platformdirs.user_config_path("companion", appauthor=False) / "settings.json"


def load_settings(path: Path | None = None) -> LoadedSettings:
    """Read the settings file; never raises for a bad file (see the module doc)."""
    path = path or default_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return LoadedSettings(Settings())
    except (OSError, UnicodeDecodeError) as exc:
        return _fallback(path, f"could not be read ({exc})")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return _fallback(path, f"is not valid JSON (line {exc.lineno})")
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        return _fallback(path, "is not a Companion settings file")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        return _fallback(path, "has no schema version")
    if version > SCHEMA_VERSION:
        return LoadedSettings(
            Settings(),
            f"The settings file {path.name} was written by a newer Companion (version "
            f"{version}); using the defaults and leaving the file as it is.",
        )
    settings, problems = _from_json(data)
    if problems:
        notice = (
            f"Some settings in {path.name} were not understood ({', '.join(problems)}); "
            "those are back to their defaults."
        )
        return LoadedSettings(settings, notice)
    return LoadedSettings(settings)


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write the settings file whole or not at all; returns its path."""
    path = path or default_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{path.parent}: cannot create the settings folder ({exc})") from exc
    write_text_atomic(path, json.dumps(settings.to_json(), indent=2) + "\n")
    return path


def _fallback(path: Path, why: str) -> LoadedSettings:
    backup = _free_name(path.with_name(path.name + ".unreadable"))
    try:
        path.replace(backup)
        kept = f" It was moved to {backup.name}."
    except OSError:
        log.warning("could not move %s aside", path, exc_info=True)
        kept = ""
    return LoadedSettings(
        Settings(), f"The settings file {path.name} {why}; using the defaults.{kept}"
    )


def _free_name(path: Path) -> Path:
    """``path``, or ``path`` with the first free number appended (an older copy stays)."""
    candidate, n = path, 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.{n}")
        n += 1
    return candidate


def _from_json(data: dict[str, Any]) -> tuple[Settings, list[str]]:
    base = Settings()
    problems: list[str] = []
    values: dict[str, Any] = {}
    for name, allowed in (
        ("context", CONTEXTS),
        ("sensitivity", SENSITIVITIES),
        ("pacing", PACINGS),
    ):
        if name in data:
            if data[name] in allowed:
                values[name] = data[name]
            else:
                problems.append(name)
    if "cpu_budget" in data:
        budget = data["cpu_budget"]
        if isinstance(budget, int | float) and not isinstance(budget, bool) and budget > 0:
            values["cpu_budget"] = min(1.0, max(0.1, float(budget)))
        else:
            problems.append("cpu_budget")
    if "patterns" in data:
        raw = data["patterns"]
        if isinstance(raw, dict) and all(isinstance(v, bool) for v in raw.values()):
            values["patterns"] = {**base.patterns, **{str(k): v for k, v in raw.items()}}
        else:
            problems.append("patterns")
    if "first_run_done" in data:
        if isinstance(data["first_run_done"], bool):
            values["first_run_done"] = data["first_run_done"]
        else:
            problems.append("first_run_done")
    return replace(base, **values), problems
