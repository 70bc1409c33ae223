"""The cluster rules file: validated on load with clear errors; the matcher applies it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from companion.cues.engine import CueEngine
from companion.cues.rules import ClusterMatcher, RulesError, load_rules, parse_rules
from companion.errors import InputError
from companion.model import CueEvent


def _doc(*patterns: dict[str, Any]) -> str:
    return json.dumps({"schema": "companion.patterns/1", "patterns": list(patterns)})


TENSION = {"name": "tension", "steps": ["brow_lower", "lip_press"], "within_s": 1.0}


def test_packaged_rules_hold_the_three_patterns_of_the_design() -> None:
    patterns = {p.name: p for p in load_rules()}
    assert set(patterns) == {"tension", "drop", "masked"}
    tension, drop, masked = patterns["tension"], patterns["drop"], patterns["masked"]
    assert tension.steps == (frozenset({"brow_lower"}), frozenset({"lip_press"}))
    assert tension.within_s == 1.0 and not tension.ordered
    assert drop.also == frozenset({"head_down"})
    assert masked.ordered and masked.within_s == 1.5
    assert masked.steps[0] == frozenset({"gaze_down", "mouth_corners_down"})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not valid JSON (line 1"),
        ("[]", "expected a JSON object"),
        (json.dumps({"schema": "other", "patterns": []}), "'schema' must be"),
        (_doc(), "'patterns' must be a non-empty list"),
        (_doc({**TENSION, "steps": ["brow_lower", "lip_presss"]}), "unknown cue 'lip_presss'"),
        (_doc({**TENSION, "step": ["brow_lower"]}), "unknown key(s) step"),
        (_doc({**TENSION, "steps": ["brow_lower"]}), "at least two cues"),
        (_doc({**TENSION, "steps": ["brow_lower", []]}), "non-empty list of cue names"),
        (_doc({**TENSION, "within_s": -1}), "'within_s' must be a number"),
        (_doc({**TENSION, "within_s": 60}), "'within_s' must be a number"),
        (_doc({**TENSION, "within_s": True}), "'within_s' must be a number"),
        (_doc({**TENSION, "within_s": "1"}), "'within_s' must be a number"),
        (_doc({**TENSION, "ordered": "yes"}), "'ordered' must be true or false"),
        (_doc({**TENSION, "also": ["frown"]}), "unknown cue 'frown'"),
        (_doc({**TENSION, "name": "two words"}), "'name' must be a word"),
        (_doc(TENSION, TENSION), "'tension' is defined more than once"),
        (_doc("tension"), "pattern #1: expected an object"),
    ],
)
def test_bad_rules_are_refused_with_the_file_and_the_problem(text: str, message: str) -> None:
    with pytest.raises(RulesError) as caught:
        parse_rules(text, "my-rules.json")
    assert str(caught.value).startswith("my-rules.json: ")
    assert message in str(caught.value)


def test_errors_name_the_pattern(tmp_path: Path) -> None:
    path = tmp_path / "rules.json"
    path.write_text(_doc(TENSION, {**TENSION, "name": "mine", "within_s": 0}))
    with pytest.raises(RulesError, match=r"rules\.json: pattern 'mine': 'within_s'"):
        load_rules(path)


def test_missing_rules_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read rules file"):
        CueEngine(rules=tmp_path / "nope.json")


def test_a_user_rules_file_replaces_the_default(tmp_path: Path) -> None:
    path = tmp_path / "rules.json"
    path.write_text(_doc({"name": "blinks", "steps": ["blink", "blink"], "within_s": 2.0}))
    assert [p.name for p in CueEngine(rules=path).patterns] == ["blinks"]


def _ev(cue: str, start: float, end: float) -> CueEvent:
    return CueEvent("p1", cue, start, end, start, 0.5)


def _clusters(events: list[CueEvent]) -> list[tuple[str, tuple[str, ...], float, float]]:
    """Offer events in the order they finish; what the packaged patterns make of them."""
    matcher = ClusterMatcher(load_rules())
    found = []
    for event in sorted(events, key=lambda e: e.end):
        found += [(c.pattern, c.cues, c.start, c.end) for c in matcher.add(event)]
    return found


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        pytest.param(
            # brows down, then lips press 0.6 s after the brows relax: tension
            [_ev("brow_lower", 1.0, 1.5), _ev("lip_press", 2.1, 2.4)],
            [("tension", ("brow_lower", "lip_press"), 1.0, 2.4)],
            id="tension-within-a-second",
        ),
        pytest.param(
            # the same two movements 1.5 s apart: nothing
            [_ev("brow_lower", 1.0, 1.5), _ev("lip_press", 3.0, 3.3)],
            [],
            id="tension-too-far-apart",
        ),
        pytest.param(
            # a short press inside a long frown: tension, reported when the press ends
            [_ev("brow_lower", 1.0, 5.0), _ev("lip_press", 2.0, 2.3)],
            [("tension", ("brow_lower", "lip_press"), 1.0, 5.0)],
            id="tension-press-inside-frown",
        ),
        pytest.param(
            # one frown with two presses: one cluster, each event used once per pattern
            [_ev("brow_lower", 1.0, 1.5), _ev("lip_press", 1.2, 1.4), _ev("lip_press", 1.8, 2.0)],
            [("tension", ("brow_lower", "lip_press"), 1.0, 1.5)],
            id="event-used-once",
        ),
        pytest.param(
            # eyes flick down, then a smile 1.2 s later: masked
            [_ev("gaze_down", 1.0, 1.2), _ev("smile", 2.4, 3.0)],
            [("masked", ("gaze_down", "smile"), 1.0, 3.0)],
            id="masked-in-order",
        ),
        pytest.param(
            # a smile first, then the eyes flick down: not masked (the order matters)
            [_ev("smile", 1.0, 1.5), _ev("gaze_down", 1.8, 2.0)],
            [],
            id="masked-wrong-order",
        ),
        pytest.param(
            # inner brows up and corners down with the chin dropping: drop, head_down added
            [_ev("head_down", 0.8, 1.6), _ev("inner_brow_raise", 1.0, 2.0),
             _ev("mouth_corners_down", 1.5, 2.2)],
            [("drop", ("head_down", "inner_brow_raise", "mouth_corners_down"), 0.8, 2.2)],
            id="drop-with-head-down",
        ),
        pytest.param(
            # corners down then a smile is masked; the same corners with inner brows is drop
            [_ev("inner_brow_raise", 1.0, 1.4), _ev("mouth_corners_down", 1.2, 1.6),
             _ev("smile", 2.0, 2.5)],
            [("drop", ("inner_brow_raise", "mouth_corners_down"), 1.0, 1.6),
             ("masked", ("mouth_corners_down", "smile"), 1.2, 2.5)],
            id="two-patterns-share-an-event",
        ),
    ],
)  # fmt: skip
def test_cluster_matching(
    events: list[CueEvent], expected: list[tuple[str, tuple[str, ...], float, float]]
) -> None:
    assert _clusters(events) == expected


def test_every_cluster_of_a_long_call_is_found_when_nobody_keeps_the_events() -> None:
    # the live loop lets finished events go; an event forgotten after the matcher's memory
    # must not make a later one look "already used" (Python reuses the ids of freed objects)
    matcher = ClusterMatcher(load_rules())
    found = 0
    for k in range(300):
        t = 40.0 * k
        matcher.add(_ev("brow_lower", t, t + 0.5))
        found += sum(
            c.pattern == "tension" for c in matcher.add(_ev("lip_press", t + 0.6, t + 0.9))
        )
    assert found == 300


def test_a_step_cue_also_listed_as_an_extra_still_completes_the_pattern() -> None:
    text = _doc({**TENSION, "name": "pair", "also": ["lip_press"]})
    matcher = ClusterMatcher(parse_rules(text, "test"))
    matcher.add(_ev("brow_lower", 1.0, 1.5))
    assert [c.pattern for c in matcher.add(_ev("lip_press", 1.6, 1.9))] == ["pair"]
