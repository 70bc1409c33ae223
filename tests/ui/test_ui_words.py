"""The words on the overlay's windows as they are drawn: none banned, no pattern id shown,
none cut off.

The language guard (tests/test_language_guard.py) reads the string literals of the code;
this reads the widgets themselves, so that text put together at run time (a headline
with a count, a pattern's label from the rules file, a card's title) is checked too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QComboBox,
    QLabel,
    QWidget,
)
from pytestqt.qtbot import QtBot

from companion.cues.rules import load_rules
from companion.prompts.guard import find_banned
from companion.settings import Settings
from companion.ui import theme
from companion.ui.card import PromptCard
from companion.ui.dialogs import FirstRunDialog, SettingsDialog
from companion.ui.panel import Panel

TITLE_BAR_BUTTONS = 120
"""Width a window manager's title bar keeps for its buttons and margins, about."""
BUTTON_PADDING = 4
"""Side padding of the overlay's buttons, at least (theme.STYLE)."""
PATTERN_IDS = re.compile(
    r"\b(" + "|".join(re.escape(p.name) for p in load_rules()) + r")\b", re.IGNORECASE
)


def _texts(root: QWidget) -> Iterator[tuple[QWidget, str]]:
    yield root, root.windowTitle()
    for widget in [root, *root.findChildren(QWidget)]:
        yield widget, widget.toolTip()
        if isinstance(widget, QLabel | QAbstractButton):
            yield widget, widget.text()
        if isinstance(widget, QComboBox):
            for i in range(widget.count()):
                yield widget, widget.itemText(i)


def _cut_off(root: QWidget) -> list[str]:
    """Labels and buttons narrower than their text (word-wrapped labels excepted)."""
    cut = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisible() or not isinstance(widget, QLabel | QAbstractButton):
            continue
        if isinstance(widget, QLabel) and (widget.wordWrap() or not widget.text()):
            continue
        needs = widget.fontMetrics().horizontalAdvance(widget.text())
        room = widget.contentsRect().width()
        if isinstance(widget, QAbstractButton):
            room -= 2 * BUTTON_PADDING
        if room < needs:
            cut.append(f"{widget.text()!r}: {room} < {needs} px")
    return cut


@pytest.fixture(autouse=True)
def _the_overlays_style(qapp: QApplication) -> Iterator[None]:
    """The style sheet the overlay runs with (fonts and paddings decide what fits)."""
    before = qapp.styleSheet()
    qapp.setStyleSheet(theme.STYLE)
    yield
    qapp.setStyleSheet(before)


def _panels(qtbot: QtBot) -> Iterator[QWidget]:
    for crowded in (False, True):
        panel = Panel("Ctrl+Alt+P")
        qtbot.addWidget(panel)
        panel.set_state("Watching", '"Zoom Meeting" \u00b7 12 people', theme.WATCHING, "12 people")
        panel.set_participants([f"p{i}" for i in range(1, 13)])
        panel.set_shortcut("Ctrl+Alt+P", everywhere=False)  # the longer hint
        panel.set_crowded(crowded)
        yield panel


def _windows(qtbot: QtBot) -> Iterator[QWidget]:
    yield from _panels(qtbot)
    card = PromptCard(
        "Would a quick check-in help here?", "brows drew together, lips pressed", about="p12"
    )
    qtbot.addWidget(card)
    yield card
    settings = SettingsDialog(Settings())
    qtbot.addWidget(settings)
    yield settings
    first_run = FirstRunDialog("meeting", None)
    qtbot.addWidget(first_run)
    yield first_run


@pytest.mark.parametrize("which", ["panel", "pill", "card", "settings", "first_run"])
def test_every_word_on_the_windows_is_allowed_and_whole(qtbot: QtBot, which: str) -> None:
    windows = dict(
        zip(["panel", "pill", "card", "settings", "first_run"], _windows(qtbot), strict=True)
    )
    window = windows[which]
    window.show()
    qtbot.waitExposed(window)
    banned = [(t, [h.term for h in find_banned(t)]) for _, t in _texts(window) if find_banned(t)]
    assert not banned
    ids = [t for w, t in _texts(window) if PATTERN_IDS.search(t) and isinstance(w, QCheckBox)]
    assert not ids, "patterns are named by their movements where the user sees them"
    assert not _cut_off(window)
    if not window.windowFlags() & Qt.WindowType.FramelessWindowHint:
        # the window manager's title bar: the title, " \u2014 Companion" that Qt adds on
        # X11, and the bar's own buttons
        title = f"{window.windowTitle()} \u2014 Companion"
        assert window.fontMetrics().horizontalAdvance(title) + TITLE_BAR_BUTTONS <= window.width()
