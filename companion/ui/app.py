"""The overlay application: panel, markers, prompt card and tray around a `LiveRunner`.

The runner works in its own thread (capture, window finding and the models all live
there); this side polls its `Mailbox` a dozen times a second and shows only the latest
update, so the UI never waits for a frame and a slow frame is simply skipped.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from companion.live import EventsLog, LiveRunner, LiveSession, LiveUpdate
from companion.model import Box, Prompt
from companion.settings import Settings, load_settings, save_settings
from companion.ui.qtenv import scrub_cv2_qt_paths

if TYPE_CHECKING:
    from PyQt6.QtCore import QPoint

log = logging.getLogger(__name__)

SELF_CHECK_MS = 1500
"""How long ``--self-check`` keeps the overlay up before checking it and quitting."""

POLL_MS = 80


@dataclass(frozen=True)
class OverlayOptions:
    """What ``companion run`` was asked for."""

    attach: str | None = None
    region: Box | None = None
    """Capture coordinates (physical pixels on X11 and Windows)."""
    exit_after: float | None = None
    settings_path: Path | None = None
    self_check: bool = False
    """Start everything, confirm the panel is up, and quit (for installers and packaging)."""


def _application() -> object:
    """The QApplication, created once with the overlay's style."""
    scrub_cv2_qt_paths()
    from PyQt6.QtWidgets import QApplication

    from companion.ui import theme

    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
        app.setApplicationName("companion")
        app.setApplicationDisplayName("Companion")
        app.setQuitOnLastWindowClosed(False)
        app.setStyleSheet(theme.STYLE)
    return app


def show_message(text: str) -> None:
    """A plain message box (used where the overlay cannot run, such as Wayland)."""
    _application()
    from PyQt6.QtWidgets import QMessageBox

    QMessageBox.information(None, "Companion", text)


def run_overlay(
    options: OverlayOptions,
    make_runner: Callable[[Settings, EventsLog | None], LiveRunner],
    events: EventsLog | None = None,
) -> int:
    """Run the overlay until the user quits (or ``exit_after`` passes); the exit code."""
    app = _application()
    from PyQt6.QtCore import QTimer
    from PyQt6.QtWidgets import QApplication

    assert isinstance(app, QApplication)
    loaded = load_settings(options.settings_path)
    overlay = Overlay(options, loaded.settings, make_runner(loaded.settings, events), events)
    if loaded.notice:
        overlay.notify(loaded.notice)
    _quit_on_interrupt(app)
    overlay.start()
    seen_up: list[bool] = []
    if options.self_check:

        def check() -> None:
            seen_up.append(overlay.panel.isVisible())
            app.quit()

        QTimer.singleShot(SELF_CHECK_MS, check)
    try:
        app.exec()
    finally:
        overlay.stop()
    if options.self_check:
        panel_up = seen_up == [True]
        state = "ok" if panel_up else "failed"
        sys.stdout.write(f"self-check {state}: overlay up on Qt platform {app.platformName()}\n")
        return 0 if panel_up else 1
    return 0


def _quit_on_interrupt(app: object) -> None:
    """Ctrl+C in the terminal quits cleanly instead of aborting inside Qt's event loop."""
    from PyQt6.QtCore import QTimer
    from PyQt6.QtWidgets import QApplication

    assert isinstance(app, QApplication)
    signal.signal(signal.SIGINT, lambda *_: app.quit())
    # Python only runs signal handlers between bytecodes: wake it now and then.
    ticker = QTimer(app)
    ticker.timeout.connect(lambda: None)
    ticker.start(250)


class Overlay:
    """Wires the widgets to a runner. Create after the QApplication."""

    def __init__(
        self,
        options: OverlayOptions,
        settings: Settings,
        runner: LiveRunner,
        events: EventsLog | None = None,
    ) -> None:
        from PyQt6.QtCore import QTimer
        from PyQt6.QtGui import QKeySequence, QShortcut

        from companion.ui.checkins import CheckIns
        from companion.ui.hotkey import SHORTCUT_TEXT, GlobalHotkey
        from companion.ui.markers import MarkerLayer
        from companion.ui.panel import Panel
        from companion.ui.tray import Tray

        self.options = options
        self.settings = settings
        self.runner = runner
        self.events = events
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=runner.run, args=(self._stop,), name="companion-live", daemon=True
        )
        self.hotkey = GlobalHotkey()
        self.panel = Panel(SHORTCUT_TEXT)
        self.markers = MarkerLayer()
        self.card: object | None = None
        self.tray = Tray() if Tray.available() else None
        self.last: LiveUpdate | None = None
        self.error_shown: str | None = None
        self.focus: str | None = None
        self.me: str | None = None
        self.about: str | None = None
        """The participant the card showing now is about (their marker is highlighted)."""
        self._notice: str | None = None
        # Widgets, not id()s: cards come and go per prompt and CPython reuses the id of a
        # freed one, which would let a new card skip both exclusion and masking.
        self._excluded: weakref.WeakSet[object] = weakref.WeakSet()
        """Widgets the OS keeps out of screen captures (the rest are painted over)."""
        self._tried: weakref.WeakSet[object] = weakref.WeakSet()
        self._dialogs: list[object] = []
        self._first_run_at: QPoint | None = None
        """Where the overlay last put the first-run window (None: not yet)."""
        self._shortcut = QShortcut(QKeySequence(SHORTCUT_TEXT), self.panel)
        self._timer = QTimer()
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self.poll)
        self.checkins = CheckIns(runner, self._place_beside_panel)
        self._connect()

    def _connect(self) -> None:
        from PyQt6.QtCore import Qt
        from PyQt6.QtWidgets import QApplication

        self.panel.pause_toggled.connect(self.set_paused)
        self.panel.focus_changed.connect(self._set_focus)
        self.panel.me_changed.connect(self._set_me)
        self.panel.settings_requested.connect(self.open_settings)
        self.panel.region_requested.connect(self.pick_region)
        self.checkins.connect(self.panel.ideas_menu)
        self.panel.ideas_menu.snooze_requested.connect(lambda _: self._close_card())
        self._shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
        self._shortcut.activated.connect(lambda: self.set_paused(not self.runner.paused))
        if self.tray is not None:
            self.tray.pause_action.triggered.connect(
                lambda: self.set_paused(not self.runner.paused)
            )
            self.tray.panel_action.triggered.connect(self.panel.show)
            self.tray.settings_action.triggered.connect(self.open_settings)
            self.tray.region_action.triggered.connect(self.pick_region)
            self.tray.quit_action.triggered.connect(QApplication.quit)
            self.checkins.connect(self.tray.ideas_menu)
            self.tray.ideas_menu.snooze_requested.connect(lambda _: self._close_card())

    def start(self) -> None:
        """Show the panel, start the worker, the poll timer and the shortcut."""
        from PyQt6.QtCore import QTimer
        from PyQt6.QtWidgets import QApplication

        from companion.ui.hotkey import SHORTCUT_TEXT

        self.panel.set_shortcut(SHORTCUT_TEXT, everywhere=self.hotkey.start())
        self.panel.set_state(
            "Starting", self._notice or "Looking for the meeting window", "#8d96a1"
        )
        self.panel.show()
        self._exclude(self.panel)
        if self.tray is not None:
            self.tray.show()
        self._thread.start()
        self._timer.start()
        if not self.settings.first_run_done:
            self.show_first_run()
        if self.options.exit_after is not None:
            QTimer.singleShot(round(self.options.exit_after * 1000), QApplication.quit)

    def stop(self) -> None:
        """Stop the worker (waits a little for it) and release the shortcut."""
        self._timer.stop()
        self._stop.set()
        self._thread.join(timeout=10.0)
        self.hotkey.stop()

    def notify(self, message: str) -> None:
        """A message shown once in the panel (settings problems and the like)."""
        self._notice = message
        log.warning("%s", message)

    # -- reacting to the worker ------------------------------------------------------

    def poll(self) -> None:
        """Take the latest update, if any, and show it."""
        if self.hotkey.take():
            self.set_paused(not self.runner.paused)
        self.checkins.poll()
        update = self.runner.mailbox.take()
        if update is None:
            return
        if self.checkins.watch(self.last, update):
            self._close_card()
        self.last = update
        if update.error is not None:
            self._show_error(update.error)
            return
        self._show_state(update)
        self._show_markers(update)
        if not self.panel.pinned:
            self._place_panel(update)
        self._place_first_run(update)
        if update.prompt is not None:
            self.show_prompt(update.prompt, update.prompt_box)
        self._publish_masks()

    def _show_error(self, message: str) -> None:
        from companion.ui import theme

        self.markers.set_markers(Box(0, 0, 0, 0), [])
        if self.error_shown == message:
            return
        self.error_shown = message
        self.panel.set_state("Stopped", message, theme.ERROR)
        if self.tray is not None:
            self.tray.set_state(self.runner.paused, theme.ERROR, "stopped")
            self.tray.icon.showMessage("Companion stopped", message)

    def _show_state(self, update: LiveUpdate) -> None:
        from companion.ui import theme

        target = update.target
        short = ""
        if update.paused:
            state, colour, status = "Paused", theme.PAUSED, "Nothing is being watched."
        elif target.watching:
            state, colour = "Watching", theme.WATCHING
            count = len(update.participants)
            short = f"{count} {'person' if count == 1 else 'people'}"
            where = f'"{target.window.title}"' if target.window else "the chosen region"
            status = f"{where} \u00b7 {short} \u00b7 {update.analysed_fps:.0f} fps"
        else:
            state, colour, status = "Waiting", theme.WAITING, target.describe()
        snoozed = self.checkins.snooze_line()
        if snoozed:
            status = f"{status}\n{snoozed}"
        if self._notice:
            status = f"{status}\n{self._notice}"
        self.panel.set_state(state, status, colour, short)
        self.panel.set_paused(update.paused)
        self.panel.set_participants([p.id for p in update.participants])
        if self.tray is not None:
            self.tray.set_state(update.paused, colour, state.lower())

    def _show_markers(self, update: LiveUpdate) -> None:
        from companion.ui.geometry import to_logical
        from companion.ui.markers import build_markers

        region = update.target.region
        if update.paused or not update.target.watching or region is None:
            self.markers.set_markers(Box(0, 0, 0, 0), [])
            return
        faces = [(p.id, to_logical(p.box)) for p in update.participants]
        window = to_logical(region)
        tiles = [to_logical(t) for t in update.tiles]
        me_tile = to_logical(update.me_tile) if update.me_tile is not None else None
        markers = build_markers(window, faces, self.focus, self.me, tiles, me_tile, self.about)
        self.markers.set_markers(window, markers)
        self._exclude(self.markers)

    def _scene(self) -> tuple[Box, list[Box], list[Box]]:
        """The meeting window (or watched region), face boxes and tiles, in logical pixels;
        the whole screen and nothing on it before the meeting is found."""
        from companion.ui.geometry import to_logical, virtual_screen

        last = self.last
        target = last.target if last is not None else None
        anchor = None
        if target is not None and target.watching:
            anchor = target.window.frame if target.window is not None else target.region
        if last is None or anchor is None:
            return virtual_screen(), [], []
        faces = [to_logical(p.box) for p in last.participants]
        return to_logical(anchor), faces, [to_logical(t) for t in last.tiles]

    def _first_run_dialog(self) -> object | None:
        from companion.ui.dialogs import FirstRunDialog

        return next(
            (d for d in self._dialogs if isinstance(d, FirstRunDialog) and d.isVisible()), None
        )

    def _taken(self, *skip: object) -> list[Box]:
        """Screen boxes of the overlay's own windows that others must not cover."""
        from PyQt6.QtWidgets import QWidget

        from companion.ui.geometry import from_rect

        widgets = (self.panel, self._first_run_dialog(), self.card)
        return [
            from_rect(w.frameGeometry())
            for w in widgets
            if isinstance(w, QWidget) and w.isVisible() and w not in skip
        ]

    def _place_panel(self, update: LiveUpdate) -> None:
        from companion.ui.geometry import from_rect, to_rect, virtual_screen
        from companion.ui.layout import place_panel
        from companion.ui.panel import PANEL_SIZE, PILL_SIZE

        if not update.target.watching:
            return
        window, faces, tiles = self._scene()
        place = place_panel(
            PANEL_SIZE,
            PILL_SIZE,
            window,
            virtual_screen(),
            faces,
            tiles,
            taken=self._taken(self.panel),
            expanded=self.panel.expanded,
            now=from_rect(self.panel.frameGeometry()),
        )
        self.panel.set_crowded(not place.beside)
        rect = to_rect(place.box)
        if self.panel.geometry().topLeft() != rect.topLeft():
            self.panel.move(rect.topLeft())

    def _place_beside_panel(self, widget: object, face: Box | None = None) -> None:
        """Put a card or dialog where it covers the least of the call, near the panel, and
        off ``face`` too (the card's person, in physical pixels)."""
        from PyQt6.QtWidgets import QWidget

        from companion.ui.geometry import from_rect, to_logical, to_rect, virtual_screen
        from companion.ui.layout import place_card

        if not isinstance(widget, QWidget):
            return
        window, faces, tiles = self._scene()
        if face is not None:
            faces.append(to_logical(face))
        frame = from_rect(widget.frameGeometry())
        panel = from_rect(self.panel.frameGeometry())
        taken = self._taken(self.panel, widget)
        box = place_card((frame.w, frame.h), panel, window, virtual_screen(), faces, tiles, taken)
        widget.move(to_rect(box).topLeft())

    def _place_first_run(self, update: LiveUpdate) -> None:
        """Keep the first-run window off the meeting's faces until the user moves it.

        Shown at start, it sits beside the panel, before anyone is found. While it stays
        where it was put, it moves again whenever a face or the panel comes under it; once
        the user drags it, it stays. What it covers is painted out of the analysis.
        """
        from PyQt6.QtWidgets import QWidget

        from companion.ui.geometry import from_rect
        from companion.ui.layout import head_of, overlaps

        dialog = self._first_run_dialog()
        if not isinstance(dialog, QWidget) or not update.target.watching:
            return
        if self._first_run_at is not None and dialog.pos() != self._first_run_at:
            return  # moved by the user
        _, faces, _ = self._scene()
        here = from_rect(dialog.frameGeometry())
        covered = [*(head_of(f) for f in faces), *self._taken(dialog)]
        if self._first_run_at is None or any(overlaps(here, b) for b in covered):
            self._place_beside_panel(dialog)
            self._first_run_at = dialog.pos()

    def show_prompt(self, prompt: Prompt, face: Box | None) -> None:
        """Show ``prompt`` on a card beside the panel, naming the person it is about, whose
        marker is highlighted while the card shows (replacing any card still showing)."""
        from companion.ui.card import PromptCard

        old = self.card
        if isinstance(old, PromptCard):
            old.finished.disconnect()
            old.hide()
            old.deleteLater()
            self.card = None
        card = PromptCard(prompt.text, prompt.detail, about=prompt.participant)
        self._place_beside_panel(card, face)
        card.asked.connect(lambda: self.runner.call(_asked))
        card.dismissed.connect(lambda: self.runner.call(_dismiss))
        card.not_now.connect(lambda: self.runner.call(_not_now))
        card.finished.connect(self._card_gone)
        self.card = card
        self.about = prompt.participant
        card.present()
        self._exclude(card)
        if self.last is not None:
            self._show_markers(self.last)
        self._publish_masks()

    def _close_card(self) -> None:
        from companion.ui.card import PromptCard

        if isinstance(self.card, PromptCard):
            self.card.fade_out()

    def _card_gone(self) -> None:
        self.card = None
        self.about = None
        if self.last is not None:
            self._show_markers(self.last)
        self._publish_masks()

    def _publish_masks(self) -> None:
        """Tell the worker which screen rectangles our own windows cover (X11 needs it)."""
        from PyQt6.QtWidgets import QApplication

        from companion.ui.geometry import from_rect, to_physical

        boxes = [] if self.markers in self._excluded else self.markers.painted_boxes()
        for widget in QApplication.topLevelWidgets():
            if widget is self.markers or not widget.isVisible() or widget in self._excluded:
                continue
            boxes.append(from_rect(widget.frameGeometry()))
        self.runner.set_masks([to_physical(b) for b in boxes])

    def _exclude(self, widget: object) -> None:
        from PyQt6.QtWidgets import QWidget

        from companion.ui.exclusion import exclude_from_capture

        # One try per shown widget: where the OS cannot exclude it (X11) the answer does not
        # change, and the poll timer calls this every tick for the markers.
        if isinstance(widget, QWidget) and widget not in self._tried and widget.isVisible():
            self._tried.add(widget)
            if exclude_from_capture(widget):
                self._excluded.add(widget)

    # -- user actions ----------------------------------------------------------------

    def set_paused(self, paused: bool) -> None:
        """Pause or resume watching.

        Pausing also hides what shows about the people in the call, so that it can be used
        before sharing the screen where the others would see the overlay
        (`companion.ui.sharing`): the markers, the check-in card (closed) and the session
        cards (shown again on resuming). The panel stays.
        """
        from companion.ui.card import PromptCard

        self.runner.set_paused(paused)
        self.panel.set_paused(paused)
        if self.events is not None:
            self.events.note(time.monotonic(), "pause" if paused else "resume")
        if paused:
            self.markers.set_markers(Box(0, 0, 0, 0), [])
            if isinstance(self.card, PromptCard):
                self.card.close_now()
            self.checkins.hide_cards()
        else:
            self.checkins.show_cards()

    def _set_focus(self, pid: object) -> None:
        self.focus = pid if isinstance(pid, str) else None
        focus = self.focus
        self.runner.call(lambda s: s.set_focus(focus))

    def _set_me(self, pid: object) -> None:
        self.me = pid if isinstance(pid, str) else None
        me = self.me
        self.runner.call(lambda s: _mark_me(s, me))

    def open_settings(self) -> None:
        """The settings dialog; saved settings apply at once."""
        from companion.ui.dialogs import SettingsDialog

        dialog = SettingsDialog(self.settings)
        if dialog.exec():
            self.settings = dialog.chosen()
            self._save()
            chosen = self.settings
            self.runner.call(lambda s: s.update_settings(chosen))

    def show_first_run(self) -> None:
        """What it does and does not do, the sentence for the chat, and, where a shared
        screen shows the overlay, how to keep it out (`companion.ui.sharing`)."""
        from companion.ui.dialogs import FirstRunDialog
        from companion.ui.exclusion import windows_build
        from companion.ui.hotkey import SHORTCUT_TEXT
        from companion.ui.sharing import mac_version, sharing_notice

        sharing = sharing_notice(sys.platform, mac_version(), windows_build(), SHORTCUT_TEXT)
        dialog = FirstRunDialog(self.settings.context, sharing)
        dialog.accepted.connect(self._first_run_read)
        self._dialogs.append(dialog)
        dialog.show()
        self._place_beside_panel(dialog)

    def _first_run_read(self) -> None:
        self.settings = replace(self.settings, first_run_done=True)
        self._save()

    def pick_region(self) -> None:
        """Let the user drag a rectangle to watch instead of a window."""
        from companion.ui.dialogs import RegionPicker

        picker = RegionPicker()
        picker.picked.connect(self._region_picked)
        self._dialogs.append(picker)
        picker.show()

    def _region_picked(self, box: object) -> None:
        from companion.capture.windows.follow import FixedRegion
        from companion.ui.geometry import to_physical

        if isinstance(box, Box):
            region = to_physical(box)
            self.runner.set_target(lambda: FixedRegion(region))

    def _save(self) -> None:
        try:
            save_settings(self.settings, self.options.settings_path)
        except Exception as exc:
            self.notify(f"Settings could not be saved: {exc}")


def _asked(session: LiveSession) -> None:
    session.acted_on(time.monotonic())


def _dismiss(session: LiveSession) -> None:
    session.dismiss(time.monotonic())


def _not_now(session: LiveSession) -> None:
    session.not_now(time.monotonic())


def _mark_me(session: LiveSession, pid: str | None) -> None:
    session.mark_me(pid)
