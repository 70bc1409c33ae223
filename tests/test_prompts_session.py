"""The calm routine sequencer and the private reflection card."""

from __future__ import annotations

import copy
import dataclasses
import json
from importlib import resources
from typing import Any

import pytest

from companion.model import Cluster
from companion.prompts.library import PromptDataError, default_library
from companion.prompts.pacing import PacingConfig, Prompter
from companion.prompts.session import (
    CalmRoutine,
    CalmStep,
    CheckInTally,
    default_routine,
    parse_session,
    reflection_card,
)


def _packaged_doc() -> dict[str, Any]:
    text = (resources.files("companion.prompts") / "session.json").read_text(encoding="utf-8")
    return dict(json.loads(text))


# -- calm routine ----------------------------------------------------------------------------


def test_the_routine_takes_about_twenty_seconds_and_has_the_three_parts() -> None:
    routine = default_routine()
    assert 15 <= routine.total_s <= 25
    texts = [step.text for step in routine.steps]
    counted = [s for s in routine.steps if s.counts == 4]
    assert counted and "breathe out" in counted[0].text.lower()
    assert any("half smile" in t and "soft eyes" in t.lower() for t in texts)
    assert texts[-1] == "Let's get curious."


def test_the_sequencer_walks_the_steps_with_counts() -> None:
    routine = CalmRoutine(
        "Before the call",
        (CalmStep("Settle.", 2), CalmStep("Breathe out.", 4, counts=4), CalmStep("Go.", 1)),
    )
    assert routine.starts() == (0.0, 2.0, 6.0)
    table = [
        (0.0, 0, None, 7.0),  # the start
        (1.99, 0, None, 5.01),  # end of the first step
        (2.0, 1, 1, 5.0),  # the counted step begins: count 1
        (3.0, 1, 2, 4.0),  # one second per count
        (5.99, 1, 4, 1.01),  # the last count
        (6.5, 2, None, 0.5),  # the last step
    ]
    for elapsed, index, count, left in table:
        moment = routine.at(elapsed)
        assert moment is not None
        assert (moment.index, moment.count) == (index, count), elapsed
        assert moment.total_left_s == pytest.approx(left)
    assert routine.at(7.0) is None
    with pytest.raises(ValueError):
        routine.at(-0.1)


def test_session_file_problems_are_reported_with_their_place() -> None:
    doc = copy.deepcopy(_packaged_doc())
    doc["calm_routine"]["steps"][1]["seconds"] = 0
    doc["calm_routine"]["steps"][2]["counts"] = -4
    doc["reflection"]["shown"]["many"] = "Some ideas came up."
    doc["reflection"]["acted_on"]["one"] = "They seemed fine with it."
    with pytest.raises(PromptDataError) as info:
        parse_session(doc, "session.json")
    message = str(info.value)
    assert "calm_routine.steps[1].seconds: must be a number of seconds" in message
    assert "calm_routine.steps[2].counts: must be a whole number >= 0" in message
    assert "reflection.shown.many: only the 'many' form has a {n}" in message
    assert "reflection.acted_on.one: uses 'seemed'" in message


# -- reflection card -------------------------------------------------------------------------


def test_card_lines_follow_the_counts() -> None:
    card = reflection_card(CheckInTally(shown=3, acted_on=2, set_aside=1, passed=0, snoozes=0))
    assert card.lines == ("3 check-in ideas came up.", "You took up 2.", "You set one aside.")
    empty = reflection_card(CheckInTally())
    assert empty.lines == ("No check-in ideas came up this time.",)


def test_the_tally_holds_counts_only() -> None:
    names = {f.name for f in dataclasses.fields(CheckInTally)}
    assert names == {"shown", "acted_on", "set_aside", "passed", "snoozes"}


def _call(others: list[tuple[str, str]], seed: int) -> tuple[Prompter, CheckInTally]:
    """A call in which the user does the same things whoever the cards are about."""
    config = PacingConfig(warmup_s=10, participant_cooldown_s=0)
    prompter = Prompter("meeting", config, seed=seed, start=0.0)
    actions = ["acted_on", "dismiss", None, "acted_on", "not_now", None]
    t = 20.0
    for (who, pattern), action in zip(others, actions, strict=True):
        cluster = Cluster(who, pattern, ("brow_lower", "lip_press"), t - 0.5, t)
        assert prompter.offer(cluster, t) is not None
        if action is not None:
            getattr(prompter, action)(t + 5)
        t += 400.0
    prompter.snooze(10, t)
    return prompter, prompter.end(t + 10)


def test_reflection_counts_only_the_users_own_actions() -> None:
    alice = [("p1", "tension"), ("p1", "drop"), ("p2", "masked")] * 2
    bob = [("p7", "masked"), ("p8", "masked"), ("p9", "head_shake")] * 2
    prompter_a, tally_a = _call(alice, seed=1)
    _, tally_b = _call(bob, seed=2)
    assert tally_a == tally_b == CheckInTally(shown=6, acted_on=2, set_aside=2, passed=2, snoozes=1)
    card = reflection_card(tally_a)
    assert card == reflection_card(tally_b)
    text = " ".join([card.title, card.subtitle, *card.lines, card.closing])
    lib = default_library()
    for private in ("p1", "p2", "tension", "drop", "masked", "brows", "lips", "smile"):
        assert private not in text.split() and private not in text
    for pattern in lib.patterns:
        assert lib.movement(pattern) not in text
    assert prompter_a.tally == tally_a


def test_missing_and_unknown_keys_in_the_session_file() -> None:
    doc = copy.deepcopy(_packaged_doc())
    del doc["calm_routine"]["steps"][0]["text"]
    doc["calm_routine"]["steps"][1]["secs"] = 3
    del doc["reflection"]["passed"]
    with pytest.raises(PromptDataError) as info:
        parse_session(doc, "session.json")
    assert str(info.value) == (
        "session.json: calm_routine.steps[0]: 'text' is missing; "
        "calm_routine.steps[1]: unknown key 'secs'; expected 'text', 'seconds', 'counts'; "
        "reflection: 'passed' is missing"
    )
