"""The phrasing library: coverage, wording rules, rotation, and checks on the data file."""

from __future__ import annotations

import copy
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from companion.prompts.library import (
    CONTEXTS,
    GENERAL,
    MIN_PHRASINGS,
    PATTERNS,
    PromptDataError,
    Rotation,
    default_library,
    load_library,
    parse_library,
)

QUOTED = re.compile(r"“([^”]+)”")
CLOSED_STARTS = ("are", "am", "do", "does", "did", "is", "was", "were", "can", "could", "will")
PACE_WORDS = ("pause", "slow", "breathe", "breath", "finish", "let", "land", "take", "drop")


def _packaged_doc() -> dict[str, Any]:
    text = (resources.files("companion.prompts") / "phrasings.json").read_text(encoding="utf-8")
    return dict(json.loads(text))


def test_every_pattern_and_context_has_at_least_five_short_phrasings() -> None:
    lib = default_library()
    for pattern in (*PATTERNS, GENERAL):
        for context in CONTEXTS:
            lines = lib.lines(pattern, context)
            assert len(lines) >= MIN_PHRASINGS, (pattern, context)
            assert len(set(lines)) == len(lines), (pattern, context)
            for line in lines:
                assert len(line) < 80, line


def test_each_pattern_has_a_neutral_movement_line() -> None:
    lib = default_library()
    assert lib.movement("tension") == "brows drew together and lips pressed, briefly"
    for pattern in PATTERNS:
        line = lib.movement(pattern)
        assert line.endswith("briefly") and len(line) < 80
    assert lib.movement("a_pattern_added_by_the_user") == lib.movement(GENERAL)


def test_other_people_contexts_offer_open_questions_or_invitations() -> None:
    lib = default_library()
    for pattern in (*PATTERNS, GENERAL):
        for context in ("meeting", "interviewer", "one-on-one"):
            for line in lib.lines(pattern, context):
                quotes = QUOTED.findall(line)
                assert quotes, f"no question or invitation to say: {line}"
                for quote in quotes:
                    first = quote.split()[0].lower()
                    assert first not in CLOSED_STARTS, f"closed question: {line}"


def test_candidate_context_is_about_the_users_own_pace() -> None:
    lib = default_library()
    for pattern in (*PATTERNS, GENERAL):
        for line in lib.lines(pattern, "candidate"):
            advice = QUOTED.split(line)[0].lower()
            assert any(re.search(rf"\b{w}\b", advice) for w in PACE_WORDS), line


def test_phrasings_are_varied_across_the_library() -> None:
    lib = default_library()
    for context in CONTEXTS:
        lines = [line for p in PATTERNS for line in lib.lines(p, context)]
        assert len(set(lines)) == len(lines), context
        openings = {line.split(":")[0] for line in lines}
        assert len(openings) >= 8, (context, sorted(openings))


def test_unknown_pattern_uses_general_phrasings() -> None:
    lib = default_library()
    assert lib.lines("head_shake", "meeting") == lib.lines(GENERAL, "meeting")


def test_notice_sentence_for_each_context() -> None:
    lib = default_library()
    for context in CONTEXTS:
        notice = lib.notice(context)
        assert "on-device helper that notices facial movements" in notice
        assert "nothing is recorded or sent" in notice
    assert "assessment" in lib.notice("interviewer")


def test_unknown_context_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown context 'team'"):
        default_library().lines("tension", "team")


# -- rotation ------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 3, 5, 6, 9])
def test_rotation_never_repeats_within_its_gap(n: int) -> None:
    lines = [f"line {i}" for i in range(n)]
    rotation = Rotation(lines, seed=7)
    picks = [rotation.next() for _ in range(300)]
    window = rotation.gap + 1
    for i in range(len(picks) - window + 1):
        chunk = picks[i : i + window]
        assert len(set(chunk)) == window, (i, chunk)
    assert set(picks) == set(lines)


def test_rotation_of_five_keeps_each_line_away_for_three_cards() -> None:
    rotation = Rotation(["a", "b", "c", "d", "e"], seed=1)
    assert rotation.gap == 3
    picks = [rotation.next() for _ in range(100)]
    last_seen: dict[str, int] = {}
    for i, line in enumerate(picks):
        if line in last_seen:
            assert i - last_seen[line] >= 4
        last_seen[line] = i


def test_rotation_is_reproducible_and_seed_dependent() -> None:
    lines = [f"line {i}" for i in range(6)]
    a, b, c = Rotation(lines, seed=3), Rotation(lines, seed=3), Rotation(lines, seed=4)
    seq_a = [a.next() for _ in range(30)]
    seq_b = [b.next() for _ in range(30)]
    seq_c = [c.next() for _ in range(30)]
    assert seq_a == seq_b
    assert seq_a != seq_c


def test_rotation_is_not_a_fixed_cycle() -> None:
    rotation = Rotation([f"line {i}" for i in range(6)], seed=0)
    picks = [rotation.next() for _ in range(60)]
    cycles = {tuple(picks[i : i + 6]) for i in range(0, 60, 6)}
    assert len(cycles) > 1


# -- validation of the data file -----------------------------------------------------------


def _broken(edit: Any) -> dict[str, Any]:
    doc = copy.deepcopy(_packaged_doc())
    edit(doc)
    return doc


def _error(doc: object) -> str:
    with pytest.raises(PromptDataError) as info:
        parse_library(doc, "phrasings.json")
    assert info.value.exit_code == 3
    return str(info.value)


def test_the_packaged_file_passes_its_own_checks() -> None:
    lib = parse_library(_packaged_doc(), "phrasings.json")
    assert set(lib.patterns) == {*PATTERNS, GENERAL}


def test_too_few_phrasings_is_reported_with_its_place() -> None:
    doc = _broken(lambda d: d["patterns"]["drop"].update(meeting=["Ask: “What now?”"]))
    assert "phrasings.json: patterns.drop.meeting: has 1 phrasings; at least 5" in _error(doc)


def test_a_long_line_is_reported() -> None:
    long = "Good moment to ask: “" + "What " * 14 + "do you think?”"

    def edit(d: dict[str, Any]) -> None:
        d["patterns"]["masked"]["candidate"][2] = long

    message = _error(_broken(edit))
    assert f"patterns.masked.candidate[2]: is {len(long)} characters; keep it to 79" in message


def test_a_banned_word_in_a_phrasing_is_reported() -> None:
    def edit(d: dict[str, Any]) -> None:
        d["patterns"]["tension"]["meeting"][0] = "They seem upset. Ask: “All good?”"

    message = _error(_broken(edit))
    assert "patterns.tension.meeting[0]: uses 'seem'" in message
    assert "uses 'upset'" in message


def test_a_banned_word_in_a_movement_line_or_notice_is_reported() -> None:
    def edit(d: dict[str, Any]) -> None:
        d["patterns"]["drop"]["movement"] = "a sad face, briefly"
        d["notices"]["meeting"] = "This tool spots when people are Nervous."

    message = _error(_broken(edit))
    assert "patterns.drop.movement: uses 'sad'" in message
    assert "notices.meeting: uses 'Nervous'" in message


def test_missing_pattern_context_and_unknown_keys_are_reported() -> None:
    def edit(d: dict[str, Any]) -> None:
        del d["patterns"]["masked"]
        d["patterns"]["tension"]["meetng"] = d["patterns"]["tension"].pop("meeting")
        d["extra"] = 1

    message = _error(_broken(edit))
    assert "patterns: pattern 'masked' is missing" in message
    assert "patterns.tension: 'meeting' is missing" in message
    assert "patterns.tension: unknown key 'meetng'" in message
    assert "top level: unknown key 'extra'" in message


def test_wrong_types_and_schema_are_reported() -> None:
    def edit(d: dict[str, Any]) -> None:
        d["schema"] = "companion.phrasings/0"
        d["patterns"]["drop"]["interviewer"] = "How is it going?"
        d["patterns"]["general"]["meeting"][1] = 42

    message = _error(_broken(edit))
    assert "schema: must be 'companion.phrasings/1'" in message
    assert "patterns.drop.interviewer: must be a list of phrasings, found a string" in message
    assert "patterns.general.meeting[1]: must be a string, found a number" in message


def test_duplicates_blank_lines_and_unbalanced_quotes_are_reported() -> None:
    def edit(d: dict[str, Any]) -> None:
        lines = d["patterns"]["tension"]["one-on-one"]
        lines[1] = lines[0].upper()
        lines[2] = "   "
        lines[3] = "Ask: “What happened?"

    message = _error(_broken(edit))
    assert "patterns.tension.one-on-one[1]: repeats an earlier phrasing" in message
    assert "patterns.tension.one-on-one[2]: is empty" in message
    assert "patterns.tension.one-on-one[3]: has unbalanced quotation marks" in message


def test_a_pattern_added_by_the_user_needs_every_context() -> None:
    def edit(d: dict[str, Any]) -> None:
        d["patterns"]["head_shake"] = {"movement": "head turned side to side, briefly"}

    message = _error(_broken(edit))
    for context in CONTEXTS:
        assert f"patterns.head_shake: {context!r} is missing" in message


def test_not_an_object_at_the_top() -> None:
    assert _error([1, 2]) == "phrasings.json: top level must be an object, found a list"


def test_load_library_reports_bad_json_and_missing_files(tmp_path: Path) -> None:
    bad = tmp_path / "phrasings.json"
    bad.write_text('{"schema": "companion.phrasings/1",\n "patterns": }', encoding="utf-8")
    with pytest.raises(PromptDataError, match=r"not valid JSON: .* line 2, column 14"):
        load_library(bad)
    with pytest.raises(PromptDataError, match="cannot read"):
        load_library(tmp_path / "absent.json")


def test_load_library_accepts_an_edited_copy(tmp_path: Path) -> None:
    doc = _packaged_doc()
    doc["patterns"]["tension"]["meeting"][0] = "Good moment to ask: “What worries you least?”"
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    lib = load_library(path)
    assert lib.lines("tension", "meeting")[0] == "Good moment to ask: “What worries you least?”"
