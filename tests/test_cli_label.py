"""``companion label``: what it checks before opening, the file it starts, going on with one."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from companion.cli import main
from companion.offline.labelling import LabelSheet

ClipFinder = Callable[[str], Path]
NAME = "grid_pwij3p.mpg"


class _Window:
    """Stands in for the labelling window: keeps what it was opened on and marks one
    movement the way its keys would."""

    def __init__(self) -> None:
        self.opened: list[tuple[Path, LabelSheet, Path]] = []

    def __call__(self, video: Path, sheet: LabelSheet, out: Path) -> int:
        self.opened.append((video, sheet, out))
        sheet.toggle(0, "brow_lower", 5)
        sheet.toggle(0, "brow_lower", 9)
        sheet.save(out)
        return 0


@pytest.fixture
def window(monkeypatch: pytest.MonkeyPatch) -> _Window:
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    fake = _Window()
    monkeypatch.setattr("companion.ui.label_tool.show_label_tool", fake)
    return fake


def test_the_first_run_finds_the_people_and_the_second_goes_on(
    window: _Window, clip: ClipFinder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    video, out = clip(NAME), tmp_path / f"{NAME}.json"
    assert main(["label", str(video), "--out", str(out), "--cues", "brow_lower,lip_press"]) == 0
    assert f"people found: 1; labels: {out}" in capsys.readouterr().out
    doc = json.loads(out.read_text())
    assert doc["source"] == NAME and (doc["fps"], doc["frames"]) == (25.0, 75)
    assert doc["labeled_cues"] == ["brow_lower", "lip_press"]
    (person,) = doc["participants"]
    assert [e["start_s"] for e in person["events"]] == [0.2]
    assert main(["label", str(video), "--out", str(out)]) == 0
    assert f"going on with {out}" in capsys.readouterr().out
    _, sheet, _ = window.opened[-1]
    assert sheet.labeled_cues == ["brow_lower", "lip_press"]
    assert [e.start_s for e in sheet.people[0].events] == [0.2, 0.2]


def test_unknown_cues_are_refused_before_anything_runs(
    window: _Window, clip: ClipFinder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["label", str(clip(NAME)), "--cues", "brow_lower,frown"])
    assert exit_info.value.code == 2
    assert "expected one to nine different cues of: brow_lower" in capsys.readouterr().err
    assert window.opened == []


def test_a_file_that_is_no_video_is_an_input_error(
    window: _Window, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    video = tmp_path / "notes.mp4"
    video.write_text("not a video")
    assert main(["label", str(video), "--out", str(tmp_path / "x.json")]) == 3
    assert "notes.mp4" in capsys.readouterr().err
    assert not (tmp_path / "x.json").exists() and window.opened == []


@pytest.mark.skipif(sys.platform != "linux", reason="the display check differs by system")
def test_without_a_display_it_says_so_before_the_analysis(
    monkeypatch: pytest.MonkeyPatch,
    clip: ClipFinder,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "XDG_SESSION_TYPE"):
        monkeypatch.delenv(name, raising=False)
    out = tmp_path / "x.json"
    assert main(["label", str(clip(NAME)), "--out", str(out)]) == 3
    assert capsys.readouterr().err.startswith("companion: error: no display found")
    assert not out.exists()
