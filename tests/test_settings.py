"""Settings: one JSON file with a schema version, atomic save, bad files fall back."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from companion.settings import (
    SCHEMA_VERSION,
    LoadedSettings,
    Settings,
    default_path,
    load_settings,
    save_settings,
)


def test_round_trip_keeps_every_field(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    chosen = replace(
        Settings(),
        context="interviewer",
        sensitivity="low",
        patterns={"tension": True, "drop": False, "masked": True},
        cpu_budget=0.3,
        pacing="rare",
        first_run_done=True,
    )
    save_settings(chosen, path)
    loaded = load_settings(path)
    assert loaded.notice is None
    assert loaded.settings == chosen
    assert not loaded.settings.pattern_enabled("drop")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["version"] == SCHEMA_VERSION
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]


def test_missing_file_gives_defaults_quietly(tmp_path: Path) -> None:
    loaded = load_settings(tmp_path / "nothing.json")
    assert loaded.settings == Settings()
    assert loaded.notice is None


def test_save_creates_the_folder(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "settings.json"
    save_settings(Settings(pacing="often"), path)
    assert load_settings(path).settings.pacing == "often"


def test_corrupt_file_gives_defaults_a_notice_and_a_kept_copy(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    broken = '{"schema": "companion.settings", "version": 1, "context": "interv'
    path.write_text(broken, encoding="utf-8")
    loaded = load_settings(path)
    assert loaded.settings == Settings()
    assert loaded.notice is not None and "not valid JSON" in loaded.notice
    assert (tmp_path / "settings.json.unreadable").read_text(encoding="utf-8") == broken
    assert load_settings(path) == LoadedSettings(Settings())  # the notice came once
    path.write_text(broken + "again", encoding="utf-8")
    assert load_settings(path).notice is not None
    # the first copy stays; the second gets a number
    assert (tmp_path / "settings.json.unreadable").read_text(encoding="utf-8") == broken
    assert (tmp_path / "settings.json.unreadable.1").read_text(encoding="utf-8") == broken + "again"
    save_settings(replace(loaded.settings, context="candidate"), path)
    assert load_settings(path).settings.context == "candidate"


def test_binary_garbage_is_handled_like_a_corrupt_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(b"\xff\xfe\x00garbage")
    loaded = load_settings(path)
    assert loaded.settings == Settings()
    assert loaded.notice is not None


def test_file_from_a_newer_version_is_not_trusted(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps({"schema": "companion.settings", "version": SCHEMA_VERSION + 1, "pacing": "x"}),
        encoding="utf-8",
    )
    loaded = load_settings(path)
    assert loaded.settings == Settings()
    assert loaded.notice is not None and "newer" in loaded.notice
    assert path.exists()  # left for the newer version, so this says so at every start
    assert load_settings(path).notice == loaded.notice


def test_a_bad_value_falls_back_for_that_field_only(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    doc = {
        "schema": "companion.settings",
        "version": 1,
        "context": "one-on-one",
        "sensitivity": "extreme",
        "cpu_budget": 7,
        "patterns": {"drop": False},
    }
    path.write_text(json.dumps(doc), encoding="utf-8")
    loaded = load_settings(path)
    assert loaded.settings.context == "one-on-one"
    assert loaded.settings.sensitivity == Settings().sensitivity
    assert loaded.settings.cpu_budget == 1.0
    assert loaded.settings.patterns == {"tension": True, "drop": False, "masked": True}
    assert loaded.notice is not None and "sensitivity" in loaded.notice


def test_default_path_is_a_per_user_config_file() -> None:
    path = default_path()
    assert path.name == "settings.json"
    assert "companion" in path.parts
