"""The overlay's tool windows stay shown while the meeting app is active (macOS NSPanels).

Qt reads ``WA_MacAlwaysShowToolWindow`` when it creates a window, so every tool window must
carry it from its constructor; joining all Spaces goes through pyobjc, played here by a
stand-in ``objc`` module.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from companion.prompts.session import CheckInTally, default_routine, reflection_card
from companion.ui import toolwindows
from companion.ui.card import PromptCard
from companion.ui.markers import MarkerLayer
from companion.ui.panel import Panel
from companion.ui.session_cards import CalmRoutineCard, ReflectionCardWidget
from companion.ui.toolwindows import (
    NS_CAN_JOIN_ALL_SPACES,
    NS_FULL_SCREEN_AUXILIARY,
    NS_FULL_SCREEN_NONE,
    NS_FULL_SCREEN_PRIMARY,
    NS_MOVE_TO_ACTIVE_SPACE,
    all_spaces_behavior,
    keep_in_view,
)

NS_MANAGED = 1 << 2
NS_IGNORES_CYCLE = 1 << 6


TOOL_WINDOWS: dict[str, Callable[[], QWidget]] = {
    "panel": lambda: Panel("Ctrl+Alt+P"),
    "markers": MarkerLayer,
    "prompt card": lambda: PromptCard("Good moment to ask: 'Any concerns so far?'"),
    "calm routine card": lambda: CalmRoutineCard(default_routine()),
    "reflection card": lambda: ReflectionCardWidget(
        reflection_card(CheckInTally(shown=2, acted_on=1))
    ),
}


@pytest.mark.parametrize("name", list(TOOL_WINDOWS))
def test_every_tool_window_stays_shown_when_the_app_is_inactive(qtbot: QtBot, name: str) -> None:
    widget = TOOL_WINDOWS[name]()
    qtbot.addWidget(widget)
    assert widget.windowType() == Qt.WindowType.Tool
    assert widget.testAttribute(Qt.WidgetAttribute.WA_MacAlwaysShowToolWindow)
    widget.show()
    # Qt hands the attribute on to the native window as it creates it.
    assert widget.windowHandle().property("_q_macAlwaysShowToolWindow") is True  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("current", "expected"),
    [
        (0, NS_CAN_JOIN_ALL_SPACES | NS_FULL_SCREEN_AUXILIARY),
        # What Qt gives its panels: auxiliary, moved to the active Space.
        (
            NS_FULL_SCREEN_AUXILIARY | NS_MOVE_TO_ACTIVE_SPACE,
            NS_CAN_JOIN_ALL_SPACES | NS_FULL_SCREEN_AUXILIARY,
        ),
        (
            NS_FULL_SCREEN_PRIMARY | NS_MANAGED,
            NS_MANAGED | NS_CAN_JOIN_ALL_SPACES | NS_FULL_SCREEN_AUXILIARY,
        ),
        (NS_FULL_SCREEN_NONE, NS_CAN_JOIN_ALL_SPACES | NS_FULL_SCREEN_AUXILIARY),
        (
            NS_IGNORES_CYCLE | NS_CAN_JOIN_ALL_SPACES | NS_FULL_SCREEN_AUXILIARY,
            NS_IGNORES_CYCLE | NS_CAN_JOIN_ALL_SPACES | NS_FULL_SCREEN_AUXILIARY,
        ),
    ],
)
def test_all_spaces_behavior(current: int, expected: int) -> None:
    assert all_spaces_behavior(current) == expected
    assert all_spaces_behavior(expected) == expected


class _NSWindow:
    def __init__(self, behavior: int) -> None:
        self.behavior = behavior
        self.sets = 0

    def collectionBehavior(self) -> int:  # noqa: N802 (AppKit name)
        return self.behavior

    def setCollectionBehavior_(self, value: int) -> None:  # noqa: N802 (AppKit name)
        self.behavior = value
        self.sets += 1


def test_on_macos_the_window_joins_all_spaces_each_time_it_is_shown(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    ns_window = _NSWindow(NS_FULL_SCREEN_AUXILIARY | NS_MOVE_TO_ACTIVE_SPACE)
    views: list[int] = []

    def objc_object(c_void_p: int) -> Any:
        views.append(c_void_p)
        return SimpleNamespace(window=lambda: ns_window)

    monkeypatch.setitem(sys.modules, "objc", SimpleNamespace(objc_object=objc_object))
    monkeypatch.setattr(sys, "platform", "darwin")
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.setWindowFlags(Qt.WindowType.Tool | Qt.WindowType.FramelessWindowHint)
    keep_in_view(widget)
    monkeypatch.setattr(sys, "platform", "linux")
    widget.show()
    assert ns_window.behavior == NS_CAN_JOIN_ALL_SPACES | NS_FULL_SCREEN_AUXILIARY
    widget.hide()
    widget.show()
    assert ns_window.sets == 2
    assert views == [int(widget.winId())] * 2


def test_without_pyobjc_showing_still_works(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "objc", None)  # import fails
    monkeypatch.setattr(toolwindows, "_failed", False)
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.setWindowFlags(Qt.WindowType.Tool)
    assert toolwindows.join_all_spaces(widget) is False
    widget.show()
    assert widget.isVisible()
