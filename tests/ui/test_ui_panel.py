"""The panel: watching indicator, pause, participant pickers, and the markers layer."""

from __future__ import annotations

from PyQt6.QtGui import QColor
from pytestqt.qtbot import QtBot

from companion.model import Box
from companion.ui import theme
from companion.ui.layout import overlaps
from companion.ui.markers import MarkerLayer, build_markers
from companion.ui.panel import Panel


def test_pause_button_asks_to_pause_then_resume(qtbot: QtBot) -> None:
    panel = Panel("Ctrl+Alt+P")
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.pause_toggled) as blocker:
        panel.pause_button.click()
    assert blocker.args == [True]
    panel.set_paused(True)
    assert panel.pause_button.text() == "Resume"
    with qtbot.waitSignal(panel.pause_toggled) as blocker:
        panel.pause_button.click()
    assert blocker.args == [False]


def test_indicator_shows_the_state_without_blinking(qtbot: QtBot) -> None:
    panel = Panel("Ctrl+Alt+P")
    qtbot.addWidget(panel)
    panel.set_state("Watching", '"Zoom Meeting" · 9 people', theme.WATCHING)
    assert panel.indicator.colour == theme.WATCHING
    assert panel.state_label.text() == "Watching"
    panel.set_state("Paused", "Nothing is being watched.", theme.PAUSED)
    assert panel.indicator.colour == theme.PAUSED


def test_pickers_list_participants_and_report_choices(qtbot: QtBot) -> None:
    panel = Panel("Ctrl+Alt+P")
    qtbot.addWidget(panel)
    panel.set_participants(["p1", "p2", "p3"])
    assert [panel.me_box.itemText(i) for i in range(panel.me_box.count())] == [
        "not marked",
        "p1",
        "p2",
        "p3",
    ]
    with qtbot.waitSignal(panel.me_changed) as blocker:
        panel.me_box.setCurrentIndex(2)
        panel.me_box.activated.emit(2)
    assert blocker.args == ["p2"]
    panel.set_participants(["p1", "p3"])
    assert panel.me_box.currentText() == "p2", "a marked participant who flickered out stays"
    with qtbot.waitSignal(panel.focus_changed) as blocker:
        panel.focus_box.setCurrentIndex(0)
        panel.focus_box.activated.emit(0)
    assert blocker.args == [None]


def test_the_users_own_tile_keeps_a_me_marker_once_it_is_left_out() -> None:
    window = Box(0, 0, 800, 450)
    tiles = [Box(20, 10, 380, 430), Box(410, 10, 380, 430)]
    faces = [("p2", Box(520, 60, 90, 110))]  # p1 marked as me: no longer analysed
    markers = build_markers(window, faces, focus=None, me="p1", tiles=tiles, me_tile=tiles[0])
    assert [(m.label, m.style) for m in markers] == [("p2", "normal"), ("me", "me")]
    bar = markers[1].bar
    assert tiles[0].contains_point(bar.cx, bar.cy) and bar.y > tiles[0].y + tiles[0].h * 0.9


def test_marker_layer_draws_thin_bars_off_the_faces(qtbot: QtBot) -> None:
    window = Box(0, 0, 800, 450)
    faces = [("p1", Box(100, 60, 90, 110)), ("p2", Box(520, 60, 90, 110))]
    tiles = [Box(20, 10, 380, 430), Box(410, 10, 380, 430)]
    markers = build_markers(window, faces, focus="p2", me="p1", tiles=tiles)
    assert [m.label for m in markers] == ["me", "p2"]
    assert [m.style for m in markers] == ["me", "focus"]
    layer = MarkerLayer()
    qtbot.addWidget(layer)
    layer.set_markers(window, markers)
    assert layer.isVisible()
    painted = layer.painted_boxes()
    assert painted and not any(overlaps(p, f) for p in painted for _, f in faces)
    image = layer.grab().toImage()
    bar = markers[1].bar
    colour = image.pixelColor(round(bar.cx), round(bar.cy))
    assert colour == QColor(theme.FOCUS)
    layer.set_markers(window, [])
    assert not layer.isVisible()
    assert layer.painted_boxes() == []


def test_markers_stay_put_when_faces_sway(qtbot: QtBot) -> None:
    window = Box(0, 0, 800, 450)
    layer = MarkerLayer()
    qtbot.addWidget(layer)
    layer.set_markers(window, build_markers(window, [("p1", Box(100, 60, 90, 110))], None, None))
    first = layer.markers[0].bar
    swayed = build_markers(window, [("p1", Box(103, 62, 90, 110))], None, None)
    layer.set_markers(window, swayed)
    assert layer.markers[0].bar == first
    moved = build_markers(window, [("p1", Box(300, 60, 90, 110))], None, None)
    layer.set_markers(window, moved)
    assert layer.markers[0].bar != first
