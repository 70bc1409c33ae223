"""Settings dialog, first-run explanation, and the OpenCV environment clean-up."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from companion.prompts.guard import find_banned
from companion.prompts.library import default_library
from companion.settings import Settings
from companion.ui.dialogs import WHAT_IT_DOES, FirstRunDialog, SettingsDialog
from companion.ui.qtenv import scrub_cv2_qt_paths


def test_settings_dialog_returns_what_it_shows(qtbot: QtBot) -> None:
    dialog = SettingsDialog(Settings(context="meeting", pacing="normal"))
    qtbot.addWidget(dialog)
    assert dialog.context.currentText() == "a meeting"
    dialog.context.setCurrentText("an interview I am in")
    dialog.pacing.setCurrentText("rare")
    dialog.sensitivity.setCurrentText("high")
    assert dialog.patterns["tension"].text() == "brows + lips"  # movements, not the id
    dialog.patterns["masked"].setChecked(False)
    dialog.cpu.setValue(30)
    chosen = dialog.chosen()
    assert chosen.context == "candidate"
    assert chosen.pacing == "rare"
    assert chosen.sensitivity == "high"
    assert not chosen.pattern_enabled("masked") and chosen.pattern_enabled("tension")
    assert chosen.cpu_budget == 0.3


def test_first_run_offers_the_notice_sentence_for_the_context(qtbot: QtBot) -> None:
    dialog = FirstRunDialog("interviewer")
    qtbot.addWidget(dialog)
    sentence = dialog.sentence.toPlainText()
    assert sentence == default_library().notice("interviewer")
    assert not find_banned(sentence)
    assert not find_banned(WHAT_IT_DOES)
    assert "nothing is recorded" in WHAT_IT_DOES.lower()


def test_opencv_qt_paths_are_removed_and_others_kept(tmp_path: Path) -> None:
    cv2_dir = tmp_path / "site-packages" / "cv2" / "qt"
    env = {
        "QT_QPA_PLATFORM_PLUGIN_PATH": str(cv2_dir / "plugins"),
        "QT_QPA_FONTDIR": str(cv2_dir / "fonts"),
        "PATH": "/usr/bin",
    }
    assert sorted(scrub_cv2_qt_paths(env)) == ["QT_QPA_FONTDIR", "QT_QPA_PLATFORM_PLUGIN_PATH"]
    assert env == {"PATH": "/usr/bin"}
    mine = {"QT_QPA_PLATFORM_PLUGIN_PATH": str(tmp_path / "my-plugins")}
    assert scrub_cv2_qt_paths(mine) == []
    assert "QT_QPA_PLATFORM_PLUGIN_PATH" in mine


def test_region_picker_returns_the_dragged_rectangle(qtbot: QtBot) -> None:
    from PyQt6.QtCore import QPoint, Qt
    from PyQt6.QtTest import QTest

    from companion.model import Box
    from companion.ui.dialogs import RegionPicker

    picker = RegionPicker()
    qtbot.addWidget(picker)
    picker.show()
    origin = picker.geometry().topLeft()
    with qtbot.waitSignal(picker.picked) as blocker:
        QTest.mousePress(picker, Qt.MouseButton.LeftButton, pos=QPoint(50, 40))
        QTest.mouseMove(picker, QPoint(250, 160))
        QTest.mouseRelease(picker, Qt.MouseButton.LeftButton, pos=QPoint(250, 160))
    assert blocker.args == [Box(origin.x() + 50, origin.y() + 40, 200, 120)]
    upwards = RegionPicker()  # dragged from bottom right to top left: the same rectangle
    qtbot.addWidget(upwards)
    upwards.show()
    with qtbot.waitSignal(upwards.picked) as blocker:
        QTest.mousePress(upwards, Qt.MouseButton.LeftButton, pos=QPoint(250, 160))
        QTest.mouseMove(upwards, QPoint(50, 40))
        QTest.mouseRelease(upwards, Qt.MouseButton.LeftButton, pos=QPoint(50, 40))
    assert blocker.args == [Box(origin.x() + 50, origin.y() + 40, 200, 120)]
    assert not picker.isVisible()


def test_first_run_says_how_to_keep_the_overlay_out_of_a_shared_screen(qtbot: QtBot) -> None:
    from companion.ui.sharing import sharing_notice

    notice = sharing_notice("darwin", (15, 1), None, "Ctrl+Alt+P")
    assert notice is not None
    dialog = FirstRunDialog("meeting", notice)
    qtbot.addWidget(dialog)
    assert dialog.sharing_label is not None and notice in dialog.sharing_label.text()
    quiet = FirstRunDialog("meeting", sharing_notice("darwin", (14, 6), None, "Ctrl+Alt+P"))
    qtbot.addWidget(quiet)
    assert quiet.sharing_label is None
