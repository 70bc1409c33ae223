"""The overlay around a real LiveRunner: errors shown once, prompt buttons reach the prompter."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from idle_pipeline import REGION, NoFaces, NoLandmarks
from pytestqt.qtbot import QtBot

from companion.capture.windows.follow import FixedRegion
from companion.live import LiveRunner, LiveSession
from companion.model import Box, Cluster, Prompt
from companion.prompts.pacing import PacingConfig, Prompter
from companion.settings import Settings, load_settings
from companion.ui import theme
from companion.ui.app import Overlay, OverlayOptions
from companion.ui.card import PromptCard
from companion.ui.layout import overlaps
from companion.vision.pipeline import Pipeline


def overlay_for(runner: LiveRunner, tmp_path: Path) -> Overlay:
    options = OverlayOptions(settings_path=tmp_path / "settings.json")
    return Overlay(options, Settings(first_run_done=True), runner)


def test_a_worker_error_is_shown_once_and_the_ui_stays_alive(qtbot: QtBot, tmp_path: Path) -> None:
    def broken_session() -> LiveSession:
        raise RuntimeError("the face model could not be loaded")

    runner = LiveRunner(lambda: FixedRegion(REGION), broken_session)
    overlay = overlay_for(runner, tmp_path)
    qtbot.addWidget(overlay.panel)
    overlay.start()
    try:
        qtbot.waitUntil(lambda: overlay.error_shown is not None, timeout=10_000)
        assert overlay.panel.state_label.text() == "Stopped"
        assert "could not be loaded" in overlay.panel.status_label.text()
        assert overlay.panel.indicator.colour == theme.ERROR
        assert overlay.panel.isVisible()
        overlay.panel.pause_button.click()
        assert overlay.panel.pause_button.text() == "Resume"
    finally:
        overlay.stop()


def test_dismissing_a_card_reaches_the_prompter_in_the_worker(qtbot: QtBot, tmp_path: Path) -> None:
    prompter = Prompter("meeting", PacingConfig(warmup_s=0.0, settle_s=0.0))
    now = time.monotonic()
    cluster = Cluster("p1", "tension", ("brow_lower", "lip_press"), now - 0.6, now - 0.1)
    prompt = prompter.offer(cluster, now)
    assert prompt is not None

    def session() -> LiveSession:
        return LiveSession(Pipeline(NoFaces(), NoLandmarks), None, prompter)

    runner = LiveRunner(lambda: FixedRegion(REGION), session)
    runner.set_paused(True)
    overlay = overlay_for(runner, tmp_path)
    qtbot.addWidget(overlay.panel)
    overlay.start()
    try:
        face = Box(200, 80, 90, 110)
        overlay.show_prompt(prompt, face)
        card = overlay.card
        assert isinstance(card, PromptCard)
        qtbot.addWidget(card)
        assert card.isVisible() and card.text == prompt.text
        placed = Box(card.x(), card.y(), card.width(), card.height())
        assert not overlaps(placed, face)
        card.dismiss_button.click()
        assert overlay.card is None
        qtbot.waitUntil(lambda: prompter.tally.set_aside == 1, timeout=10_000)
    finally:
        overlay.stop()


def test_first_run_explains_and_is_remembered(qtbot: QtBot, tmp_path: Path) -> None:
    runner = LiveRunner(
        lambda: FixedRegion(REGION), lambda: LiveSession(Pipeline(NoFaces(), NoLandmarks))
    )
    runner.set_paused(True)
    options = OverlayOptions(settings_path=tmp_path / "settings.json")
    overlay = Overlay(options, Settings(), runner)
    qtbot.addWidget(overlay.panel)
    overlay.start()
    try:
        dialogs = [d for d in overlay._dialogs if d.isVisible()]  # type: ignore[attr-defined]
        assert len(dialogs) == 1
        dialogs[0].accept()  # type: ignore[attr-defined]
        assert load_settings(options.settings_path).settings.first_run_done
    finally:
        overlay.stop()


def test_the_first_run_window_moves_off_the_meetings_faces(qtbot: QtBot, tmp_path: Path) -> None:
    from companion.capture.windows import WindowInfo
    from companion.capture.windows.follow import WATCHING, TargetState
    from companion.live import LiveUpdate, Seen
    from companion.ui.dialogs import FirstRunDialog
    from companion.ui.geometry import from_rect, virtual_screen

    runner = LiveRunner(
        lambda: FixedRegion(REGION), lambda: LiveSession(Pipeline(NoFaces(), NoLandmarks))
    )
    overlay = Overlay(OverlayOptions(settings_path=tmp_path / "settings.json"), Settings(), runner)
    qtbot.addWidget(overlay.panel)
    overlay.show_first_run()  # the worker is not started: this test feeds the updates
    (dialog,) = overlay._dialogs  # type: ignore[attr-defined]
    assert isinstance(dialog, FirstRunDialog)
    qtbot.addWidget(dialog)
    screen = virtual_screen()
    window = Box(screen.x + 10, screen.y + 10, screen.w - 20, screen.h - 20)  # nearly full
    faces = [  # on the left half: the right side has room for the window
        Seen(f"p{i}", Box(window.x + fx * window.w, window.y + fy * window.h, 60, 70))
        for i, (fx, fy) in enumerate([(0.1, 0.15), (0.3, 0.15), (0.1, 0.6), (0.3, 0.6)])
    ]
    info = WindowInfo(1, "Zoom Meeting", "zoom", 1, window, window)
    update = LiveUpdate(TargetState(WATCHING, window, info), participants=tuple(faces))
    runner.mailbox.put(update)
    overlay.poll()
    placed = from_rect(dialog.frameGeometry())
    assert not any(overlaps(placed, f.box) for f in faces)
    dialog.move(dialog.x() + 5, dialog.y())  # moved once: the user may put it anywhere
    where = dialog.pos()
    runner.mailbox.put(update)
    overlay.poll()
    assert dialog.pos() == where
    dialog.accept()


def test_every_new_card_is_excluded_or_masked_though_ids_are_recycled(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    import companion.ui.exclusion as exclusion
    from companion.ui.geometry import from_rect, to_physical

    asked: list[int] = []

    def os_agrees_every_other_card(widget: object) -> bool:
        asked.append(id(widget))
        return len(asked) % 2 == 1

    runner = LiveRunner(
        lambda: FixedRegion(REGION), lambda: LiveSession(Pipeline(NoFaces(), NoLandmarks))
    )
    published: list[tuple[Box, ...]] = []
    monkeypatch.setattr(runner, "set_masks", lambda masks: published.append(tuple(masks)))
    monkeypatch.setattr(exclusion, "exclude_from_capture", os_agrees_every_other_card)
    overlay = overlay_for(runner, tmp_path)  # not started: only cards are shown
    qtbot.addWidget(overlay.panel)
    seen: set[int] = set()
    recycled = 0
    for n in range(12):
        overlay.show_prompt(Prompt("p1", "tension", float(n), f"Ask {n}?"), Box(200, 80, 90, 110))
        card = overlay.card
        assert isinstance(card, PromptCard)
        recycled += id(card) in seen
        seen.add(id(card))
        assert asked[-1] == id(card) and len(asked) == n + 1, "each new card is offered"
        box = to_physical(from_rect(card.frameGeometry()))
        excluded = len(asked) % 2 == 1
        assert (box in published[-1]) != excluded, "masked exactly when the OS refused"
        del card
        gc.collect()  # a card's animation holds it in a cycle: only the collector frees it
    assert recycled, "CPython gave no freed card's id to a new one; the test proves nothing"
    assert isinstance(overlay.card, PromptCard)
    qtbot.addWidget(overlay.card)


def test_pausing_hides_the_markers_and_cards_and_resuming_brings_the_session_cards_back(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """The pause doubles as "hide while I share" where a shared screen shows the overlay."""
    from companion.ui.session_cards import CalmRoutineCard

    prompter = Prompter("meeting", PacingConfig(warmup_s=0.0, settle_s=0.0))
    now = time.monotonic()
    cluster = Cluster("p1", "tension", ("brow_lower", "lip_press"), now - 0.6, now - 0.1)
    prompt = prompter.offer(cluster, now)
    assert prompt is not None
    runner = LiveRunner(
        lambda: FixedRegion(REGION), lambda: LiveSession(Pipeline(NoFaces(), NoLandmarks))
    )
    overlay = overlay_for(runner, tmp_path)  # the worker is not started
    qtbot.addWidget(overlay.panel)
    overlay.show_prompt(prompt, Box(200, 80, 90, 110))
    card = overlay.card
    assert isinstance(card, PromptCard)
    qtbot.addWidget(card)
    routine = overlay.checkins.show_calm_routine()
    qtbot.addWidget(routine)
    assert card.isVisible() and routine.isVisible()

    overlay.set_paused(True)
    assert runner.paused and overlay.markers.markers == []
    assert overlay.card is None and not card.isVisible()  # closed at once, no fade
    assert not routine.isVisible()

    overlay.set_paused(False)
    assert not runner.paused
    assert routine.isVisible() and isinstance(routine, CalmRoutineCard)
    assert overlay.card is None  # a closed check-in card does not come back
    routine.finish()


def test_over_a_maximized_meeting_the_panel_is_a_pill_and_the_card_names_its_person(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from companion.capture.windows import WindowInfo
    from companion.capture.windows.follow import WATCHING, TargetState
    from companion.live import LiveUpdate, Seen
    from companion.ui.dialogs import FirstRunDialog
    from companion.ui.geometry import from_rect, virtual_screen
    from companion.ui.layout import head_of
    from companion.ui.panel import PILL_SIZE

    runner = LiveRunner(
        lambda: FixedRegion(REGION), lambda: LiveSession(Pipeline(NoFaces(), NoLandmarks))
    )
    overlay = Overlay(OverlayOptions(settings_path=tmp_path / "settings.json"), Settings(), runner)
    qtbot.addWidget(overlay.panel)
    overlay.panel.show()
    overlay.show_first_run()  # the worker is not started: this test feeds the updates
    (dialog,) = overlay._dialogs  # type: ignore[attr-defined]
    assert isinstance(dialog, FirstRunDialog)
    qtbot.addWidget(dialog)
    screen = virtual_screen()
    window = Box(screen.x, screen.y, screen.w, screen.h)  # the meeting fills the screen
    tiles = [
        Box(window.x + c * window.w / 3, window.y + 0.1 * window.h + r * 0.4 * window.h,
            window.w / 3 - 8, 0.4 * window.h - 8)
        for r in range(2)
        for c in range(3)
    ]  # fmt: skip
    faces = [
        Seen(f"p{i + 1}", Box(t.x + t.w * 0.4, t.y + t.h * 0.25, t.w * 0.2, t.h * 0.35))
        for i, t in enumerate(tiles)
    ]
    info = WindowInfo(1, "Meet - abc-defg-hij", "meet", 1, window, window)
    update = LiveUpdate(
        TargetState(WATCHING, window, info), participants=tuple(faces), tiles=tuple(tiles)
    )
    runner.mailbox.put(update)
    overlay.poll()
    panel = from_rect(overlay.panel.frameGeometry())
    assert overlay.panel.compact and (panel.w, panel.h) == PILL_SIZE
    assert not any(overlaps(panel, t) for t in tiles)
    assert not overlaps(panel, from_rect(dialog.frameGeometry()))  # nothing covers it
    dialog.accept()

    now = time.monotonic()
    prompt = Prompt("p5", "tension", now, "Maybe ask how this lands for them?", "brows, lips")
    overlay.show_prompt(prompt, faces[4].box)
    card = overlay.card
    assert isinstance(card, PromptCard)
    qtbot.addWidget(card)
    placed = from_rect(card.frameGeometry())
    assert not any(overlaps(placed, head_of(f.box)) for f in faces)
    assert not overlaps(placed, panel)
    assert card.title_label.text().endswith("about p5")
    about = [m for m in overlay.markers.markers if m.style == "about"]
    assert [m.id for m in about] == ["p5"]
    card.close_now()
    qtbot.waitUntil(lambda: overlay.card is None, timeout=5_000)
    assert not any(m.style == "about" for m in overlay.markers.markers)
    overlay.panel.more_button.click()  # the user asks for the whole panel
    assert not overlay.panel.compact
