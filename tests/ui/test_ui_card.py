"""The prompt card shows the question, closes on a button, and fades out by itself."""

from __future__ import annotations

import itertools

from PyQt6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from companion.ui.card import CARD_SIZE, PromptCard

QUESTION = "Good moment to ask: 'Any concerns so far?'"
MOVED = "brows drew together, lips pressed"


def test_card_shows_the_question_and_what_moved(qtbot: QtBot) -> None:
    card = PromptCard(QUESTION, MOVED)
    qtbot.addWidget(card)
    card.present()
    qtbot.waitExposed(card)
    assert card.isVisible()
    assert card.text == QUESTION
    assert card.detail_label.text() == MOVED
    assert (card.width(), card.height()) == CARD_SIZE
    qtbot.waitUntil(lambda: card.windowOpacity() > 0.9)


def test_dismiss_closes_the_card_and_says_so(qtbot: QtBot) -> None:
    card = PromptCard(QUESTION, MOVED)
    qtbot.addWidget(card)
    card.present()
    with qtbot.waitSignals([card.dismissed, card.finished]):
        card.dismiss_button.click()
    assert not card.isVisible()


def test_not_now_closes_the_card_without_dismissing(qtbot: QtBot) -> None:
    card = PromptCard(QUESTION)
    qtbot.addWidget(card)
    card.present()
    dismissed: list[bool] = []
    card.dismissed.connect(lambda: dismissed.append(True))
    with qtbot.waitSignals([card.not_now, card.finished]):
        card.not_now_button.click()
    assert not card.isVisible()
    assert dismissed == []
    assert not card.detail_label.isVisibleTo(card)


def test_card_fades_out_by_itself(qtbot: QtBot) -> None:
    card = PromptCard(QUESTION, MOVED, lifetime_s=0.3, fade_ms=600)
    qtbot.addWidget(card)
    seen: list[float] = []
    sampler = QTimer()
    sampler.timeout.connect(lambda: seen.append(card.windowOpacity()))
    sampler.start(15)
    card.present()
    with qtbot.waitSignal(card.finished, timeout=10_000):
        pass
    sampler.stop()
    assert not card.isVisible()
    peak = seen.index(max(seen))
    fading = seen[peak:]
    assert max(seen) > 0.9
    assert any(0.05 < v < 0.85 for v in fading), "no intermediate opacity: it vanished at once"
    assert all(a >= b - 1e-6 for a, b in itertools.pairwise(fading)), "flashed"
