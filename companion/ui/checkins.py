"""The user's side of the check-in ideas: snoozing them, the calm routine, the reflection.

`CheckIns` sits between the ideas menus (panel and tray) and the live worker. The worker
owns the prompter, so questions about the user's check-ins are sent to it as commands and
its answers come back through a queue that `poll` empties on the UI thread.
"""

from __future__ import annotations

import logging
import queue
import time
from collections.abc import Callable

from PyQt6.QtWidgets import QWidget

from companion.capture.windows.follow import CLOSED
from companion.live import LiveRunner, LiveUpdate
from companion.prompts.session import CheckInTally, default_routine, reflection_card
from companion.ui.ideas import IdeasMenu
from companion.ui.session_cards import CalmRoutineCard, ReflectionCardWidget

log = logging.getLogger(__name__)


def call_ended(before: LiveUpdate | None, now: LiveUpdate) -> bool:
    """Whether the meeting window being watched in ``before`` has closed by ``now``."""
    return (
        before is not None
        and before.target.watching
        and before.target.window is not None
        and now.target.status == CLOSED
    )


class CheckIns:
    """Snooze and resume, the calm routine and the private reflection card."""

    def __init__(
        self,
        runner: LiveRunner,
        place: Callable[[object], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.runner = runner
        self._place = place
        self._clock = clock
        self._answers: queue.SimpleQueue[CheckInTally | None] = queue.SimpleQueue()
        self.snoozed_until: float | None = None
        """When the snooze ends (monotonic seconds), or None: the prompter's own end, kept
        on this thread for the status line (a longer snooze wins, as in the prompter)."""
        self.cards: list[object] = []
        """The session cards showing (kept referenced while they are up)."""
        self._hidden: list[QWidget] = []

    def connect(self, menu: IdeasMenu) -> None:
        """Make ``menu``'s actions work."""
        menu.snooze_requested.connect(self.snooze)
        menu.resume_requested.connect(self.resume)
        menu.calm_requested.connect(self.show_calm_routine)
        menu.checkins_requested.connect(self.ask_for_checkins)

    def snooze(self, minutes: int) -> None:
        """No check-in ideas for ``minutes`` (a card showing closes)."""
        now = self._clock()
        self.snoozed_until = max(self.snoozed_until or now, now + minutes * 60.0)
        self.runner.call(lambda s: s.snooze(minutes, now))

    def resume(self) -> None:
        """Check-in ideas may come again."""
        self.snoozed_until = None
        now = self._clock()
        self.runner.call(lambda s: s.resume_ideas(now))

    def snooze_line(self) -> str | None:
        """A status line while ideas are snoozed, e.g. "Ideas snoozed, 9 min left"."""
        if self.snoozed_until is None:
            return None
        left = self.snoozed_until - self._clock()
        if left <= 0:
            self.snoozed_until = None
            return None
        return f"Ideas snoozed, {max(1, round(left / 60))} min left"

    def show_calm_routine(self) -> CalmRoutineCard:
        """The optional calm routine, about 20 seconds, closing by itself."""
        card = CalmRoutineCard(default_routine(), self._clock)
        self._keep(card)
        card.start()
        return card

    def ask_for_checkins(self) -> None:
        """Show the reflection card for the call so far (once the worker answers)."""
        answers = self._answers
        self.runner.call(lambda s: answers.put(s.checkins()))

    def watch(self, before: LiveUpdate | None, now: LiveUpdate) -> bool:
        """When the call window has closed, end the call's tally and ask for the reflection
        card (it shows once the worker answers); returns whether the call ended.
        """
        if not call_ended(before, now):
            return False
        answers, t = self._answers, self._clock()
        self.snoozed_until = None  # the next call starts with a fresh prompter
        log.info("the meeting window closed: showing the check-in reflection")
        self.runner.call(lambda s: answers.put(s.end_call(t)))
        return True

    def poll(self) -> ReflectionCardWidget | None:
        """Show a reflection card for an answer from the worker, if one came."""
        try:
            tally = self._answers.get_nowait()
        except queue.Empty:
            return None
        if tally is None:
            return None
        card = ReflectionCardWidget(reflection_card(tally))
        self._keep(card)
        card.show()
        return card

    def hide_cards(self) -> None:
        """Hide the session cards showing (pausing hides the overlay); `show_cards` brings
        them back. A routine hidden meanwhile runs on and closes at its end."""
        for card in self.cards:
            if isinstance(card, QWidget) and card.isVisible():
                self._hidden.append(card)
                card.hide()

    def show_cards(self) -> None:
        """Show again the session cards `hide_cards` hid that are still open."""
        hidden, self._hidden = self._hidden, []
        for card in hidden:
            if card in self.cards:
                card.show()

    def _keep(self, card: CalmRoutineCard | ReflectionCardWidget) -> None:
        self.cards.append(card)
        card.finished.connect(lambda: self.cards.remove(card))
        self._place(card)
