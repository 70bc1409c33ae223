"""The labelling tool on a real clip: keys mark movements, and the file follows each one."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PyQt6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from companion.model import Box
from companion.offline.evaluation import load_labels
from companion.offline.labelling import LabelSheet, PersonLabels
from companion.ui.label_tool import LabelTool

ClipFinder = Callable[[str], Path]
NAME = "jctvc_FourPeople_1280x720_60.mp4"


@pytest.fixture
def tool(qtbot: QtBot, clip: ClipFinder, tmp_path: Path) -> Iterator[LabelTool]:
    """The tool on a clip of four people (their boxes given), shown offscreen."""
    boxes = [Box(100, 200, 120, 150), Box(400, 200, 120, 150), Box(700, 200, 120, 150)]
    sheet = LabelSheet(NAME, 60.0, 600, [PersonLabels(b) for b in boxes])
    widget = LabelTool(clip(NAME), sheet, tmp_path / f"{NAME}.json")
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.close()


def _saved(tool: LabelTool) -> dict:  # type: ignore[type-arg]
    return json.loads(tool.out.read_text())


def test_a_movement_is_marked_by_its_first_and_last_frame(qtbot: QtBot, tool: LabelTool) -> None:
    tool.seek_frame(30)
    qtbot.keyClick(tool, Qt.Key.Key_2)  # lip_press, the second cue
    assert not tool.out.exists()  # nothing to write until the span is whole
    assert "lip_press from frame 31" in tool.status_label.text()
    qtbot.keyClick(tool, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(tool, Qt.Key.Key_Right)
    assert tool.index == 41
    qtbot.keyClick(tool, Qt.Key.Key_2)
    (event,) = _saved(tool)["participants"][0]["events"]
    assert event == {"cue": "lip_press", "start_s": 0.5, "end_s": 0.7, "confidence": "clear"}
    assert "saved" in tool.status_label.text()
    assert "lip_press 0.50-0.70 s (clear)" in tool.here_label.text()
    qtbot.keyClick(tool, Qt.Key.Key_C)
    assert _saved(tool)["participants"][0]["events"][0]["confidence"] == "subtle"
    qtbot.keyClick(tool, Qt.Key.Key_X)
    assert _saved(tool)["participants"][0]["events"] == []


def test_tab_labels_the_next_person_and_patterns_have_letters(
    qtbot: QtBot, tool: LabelTool
) -> None:
    qtbot.keyClick(tool, Qt.Key.Key_Tab)
    assert tool.person == 1 and "Person 2 of 3" in tool.person_label.text()
    tool.seek_frame(60)
    qtbot.keyClick(tool, Qt.Key.Key_T)
    tool.seek_frame(120)
    qtbot.keyClick(tool, Qt.Key.Key_T)
    qtbot.keyClick(tool, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(tool, Qt.Key.Key_N)
    doc = _saved(tool)
    first, second, third = doc["participants"]
    assert second["clusters"] == [{"pattern": "tension", "start_s": 1.0, "end_s": 2.017}]
    assert second["sustained"] == ["brow_lower"]
    assert first["clusters"] == third["clusters"] == []
    assert doc["neutral"] is True
    qtbot.keyClick(tool, Qt.Key.Key_Tab)
    qtbot.keyClick(tool, Qt.Key.Key_Tab)
    assert tool.person == 0


def test_notes_are_written_and_the_file_is_what_eval_reads(qtbot: QtBot, tool: LabelTool) -> None:
    tool.notes.setFocus()
    qtbot.keyClicks(tool.notes, "three people at a table")
    qtbot.keyClick(tool.notes, Qt.Key.Key_Return)
    assert tool.hasFocus()  # the keys label again at once
    qtbot.keyClick(tool, Qt.Key.Key_5)
    qtbot.keyClick(tool, Qt.Key.Key_End)
    qtbot.keyClick(tool, Qt.Key.Key_5)
    (doc,) = load_labels([tool.out.parent])
    assert doc["notes"] == "three people at a table"
    assert doc["participants"][0]["events"][0]["end_s"] == pytest.approx(tool.duration_s, abs=0.02)


def test_a_click_on_the_timeline_seeks_and_an_open_mark_follows(
    qtbot: QtBot, tool: LabelTool
) -> None:
    timeline = tool.timeline
    qtbot.keyClick(tool, Qt.Key.Key_1)
    x = round(timeline.x_of(tool.duration_s / 2))
    qtbot.mouseClick(timeline, Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert abs(tool.t - tool.duration_s / 2) < 0.2
    assert timeline.open[("brow_lower", True)] == 0.0
    assert timeline.end_of_frame_s == pytest.approx(tool.t + 1 / 60)
    picture = tool.video_label.pixmap()
    assert picture is not None and not picture.isNull()


def test_a_file_that_cannot_be_written_is_said_and_nothing_is_dropped(
    qtbot: QtBot, clip: ClipFinder, tmp_path: Path
) -> None:
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("a file where the labels' folder should be")
    sheet = LabelSheet(NAME, 60.0, 600, [PersonLabels(Box(100, 200, 120, 150))])
    tool = LabelTool(clip(NAME), sheet, blocker / f"{NAME}.json")
    qtbot.addWidget(tool)
    tool.show()
    qtbot.keyClick(tool, Qt.Key.Key_1)
    qtbot.keyClick(tool, Qt.Key.Key_Right)
    qtbot.keyClick(tool, Qt.Key.Key_1)
    assert "NOT SAVED" in tool.status_label.text()
    assert len(sheet.people[0].events) == 1  # kept, to be written by the next change
    tool.out = tmp_path / f"{NAME}.json"  # the folder is back
    qtbot.keyClick(tool, Qt.Key.Key_N)
    assert len(_saved(tool)["participants"][0]["events"]) == 1
    tool.close()
