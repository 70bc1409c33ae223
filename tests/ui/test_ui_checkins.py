"""The user's side of the check-in ideas: "I asked", snoozing, the calm routine, the reflection."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from idle_pipeline import REGION, NoFaces, NoLandmarks
from pytestqt.qtbot import QtBot

from companion.capture.windows import WindowInfo
from companion.capture.windows.follow import CLOSED, SEARCHING, WATCHING, FixedRegion, TargetState
from companion.live import LiveRunner, LiveSession, LiveUpdate
from companion.model import Box, Cluster
from companion.prompts.pacing import Hold, PacingConfig, Prompter
from companion.prompts.session import CheckInTally, default_routine
from companion.settings import Settings
from companion.ui.app import Overlay, OverlayOptions
from companion.ui.card import PromptCard
from companion.ui.checkins import call_ended
from companion.ui.session_cards import CalmRoutineCard, ReflectionCardWidget
from companion.vision.pipeline import Pipeline

WINDOW = WindowInfo(7, "Zoom Meeting", "zoom", 1, REGION, REGION)


def _cluster(t: float, pid: str = "p1") -> Cluster:
    return Cluster(pid, "tension", ("brow_lower", "lip_press"), t - 0.6, t - 0.1)


def _overlay(tmp_path: Path, prompter: Prompter) -> Overlay:
    def session() -> LiveSession:
        return LiveSession(Pipeline(NoFaces(), NoLandmarks), None, prompter)

    runner = LiveRunner(lambda: FixedRegion(REGION), session)
    runner.set_paused(True)  # commands still run; nothing is captured
    options = OverlayOptions(settings_path=tmp_path / "settings.json")
    return Overlay(options, Settings(first_run_done=True), runner)


def _prompter() -> Prompter:
    """A prompter without warm-up, allowing several cards a minute."""
    return Prompter("meeting", PacingConfig(warmup_s=0.0, settle_s=0.0, max_per_minute=10))


@contextlib.contextmanager
def _card_showing(
    qtbot: QtBot, tmp_path: Path, prompter: Prompter
) -> Iterator[tuple[Overlay, PromptCard]]:
    """A running overlay showing a card the prompter offered, stopped afterwards."""
    prompt = prompter.offer(_cluster(time.monotonic()), time.monotonic())
    assert prompt is not None
    overlay = _overlay(tmp_path, prompter)
    qtbot.addWidget(overlay.panel)
    overlay.start()
    try:
        overlay.show_prompt(prompt, Box(200, 80, 90, 110))
        card = overlay.card
        assert isinstance(card, PromptCard)
        qtbot.addWidget(card)
        yield overlay, card
    finally:
        overlay.stop()


def test_i_asked_on_a_card_is_counted_for_the_user(qtbot: QtBot, tmp_path: Path) -> None:
    prompter = _prompter()
    with _card_showing(qtbot, tmp_path, prompter) as (overlay, card):
        card.asked_button.click()
        assert overlay.card is None
        qtbot.waitUntil(lambda: prompter.tally.acted_on == 1, timeout=10_000)
        assert prompter.tally == CheckInTally(shown=1, acted_on=1)


def test_snoozing_from_the_panel_closes_the_card_and_holds_ideas_back(
    qtbot: QtBot, tmp_path: Path
) -> None:
    prompter = _prompter()
    with _card_showing(qtbot, tmp_path, prompter) as (overlay, card):
        overlay.panel.ideas_menu.snooze_actions[30].trigger()
        qtbot.waitUntil(lambda: prompter.tally.snoozes == 1, timeout=10_000)
        qtbot.waitUntil(lambda: not card.isVisible(), timeout=5_000)
        now = time.monotonic()
        assert prompter.consider(_cluster(now, "p2"), now).hold == Hold.SNOOZED
        line = overlay.checkins.snooze_line()
        assert line == "Ideas snoozed, 30 min left"
        overlay.panel.ideas_menu.snooze_actions[10].trigger()  # the longer snooze stands
        assert overlay.checkins.snooze_line() == "Ideas snoozed, 30 min left"
        overlay.panel.ideas_menu.resume_action.trigger()  # type: ignore[union-attr]
        assert overlay.checkins.snooze_line() is None

        decisions = []  # asked in the worker, after the resume (commands run in order)

        def consider(session: LiveSession) -> None:
            now = time.monotonic()
            decisions.append(prompter.consider(_cluster(now, "p3"), now))

        overlay.runner.call(consider)
        qtbot.waitUntil(lambda: bool(decisions), timeout=10_000)
        assert decisions[0].prompt is not None


def test_the_calm_routine_steps_through_and_closes_itself(qtbot: QtBot) -> None:
    routine = default_routine()
    now = [100.0]
    card = CalmRoutineCard(routine, lambda: now[0])
    qtbot.addWidget(card)
    card.start()
    assert card.isVisible() and card.step_label.text() == routine.steps[0].text
    counted = next(i for i, step in enumerate(routine.steps) if step.counts)
    start = routine.starts()[counted]
    now[0] = 100.0 + start + 0.01
    card.tick()
    assert card.step_label.text() == routine.steps[counted].text
    assert card.count_label.text() == "1"
    now[0] = 100.0 + routine.total_s + 0.1
    with qtbot.waitSignal(card.finished, timeout=1_000):
        card.tick()
    assert not card.isVisible()


def test_the_calm_routine_opens_from_the_ideas_menu(qtbot: QtBot, tmp_path: Path) -> None:
    overlay = _overlay(tmp_path, _prompter())
    qtbot.addWidget(overlay.panel)
    overlay.panel.ideas_menu.calm_action.trigger()  # type: ignore[union-attr]
    (card,) = overlay.checkins.cards
    assert isinstance(card, CalmRoutineCard) and card.isVisible()
    qtbot.addWidget(card)
    card.close_button.click()  # "Skip"
    assert overlay.checkins.cards == []


def _update(status: str, window: WindowInfo | None = WINDOW) -> LiveUpdate:
    region = REGION if status == WATCHING else None
    return LiveUpdate(TargetState(status, region, window))


@pytest.mark.parametrize(
    ("before", "now", "ended"),
    [
        (_update(WATCHING), _update(CLOSED, None), True),  # the call window closed
        (_update(WATCHING, None), _update(CLOSED, None), False),  # a chosen region: no call
        (_update(SEARCHING, None), _update(CLOSED, None), False),  # never watched
        (None, _update(CLOSED, None), False),  # first update
        (_update(WATCHING), _update(WATCHING), False),  # still in the call
    ],
)
def test_a_call_ends_when_the_watched_window_closes(
    before: LiveUpdate | None, now: LiveUpdate, ended: bool
) -> None:
    assert call_ended(before, now) is ended


def test_the_reflection_after_a_call_counts_only_the_users_own_clicks(
    qtbot: QtBot, tmp_path: Path
) -> None:
    prompter = _prompter()
    t = time.monotonic()
    assert prompter.offer(_cluster(t), t) is not None
    prompter.acted_on(t)
    overlay = _overlay(tmp_path, prompter)
    qtbot.addWidget(overlay.panel)
    overlay.start()
    try:
        assert overlay.checkins.watch(_update(WATCHING), _update(CLOSED, None))
        qtbot.waitUntil(lambda: bool(overlay.checkins.cards) or overlay.checkins.poll() is not None)
        (card,) = overlay.checkins.cards
        assert isinstance(card, ReflectionCardWidget)
        qtbot.addWidget(card)
        lines = [label.text() for label in card.line_labels]
        assert lines == ["One check-in idea came up.", "You took one up."]
        assert card.isVisible()
        card.close_button.click()
        assert overlay.checkins.cards == []
    finally:
        overlay.stop()
