"""The language guard: no user-facing text names a feeling or an intention.

What is scanned (new files are picked up automatically):

- product text, where no exception exists: every string literal in ``companion/**.py``
  (messages, ``--help`` text, UI labels, log lines, report text, f-string parts), every
  packaged data file under ``companion/`` (JSON keys and values, other text files whole),
  and every text file under ``packaging/``;
- documentation, ``README.md`` and ``docs/**``: a document may *mention* a banned word to
  explain the rule by quoting it ("nervous", “seems”, ``feels``: at most 40 characters
  inside the quotes); any word it *uses* is caught like product text.

Left out, with the reason: docstrings of modules that never show them (developer notes;
a module that reads ``__doc__`` or ``getdoc`` has its docstrings scanned), comments
(not in the program), ``companion/prompts/banned.txt`` (the list itself), ``tests/`` and
``scripts/`` (not shipped to users), ``LICENSE`` and ``NOTICE`` (legal texts quoted
verbatim).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from companion.prompts.guard import (
    BANNED_FILE,
    banned_terms,
    blank_mentions,
    find_banned,
    line_of,
    parse_terms,
    python_user_strings,
)

REPO = Path(__file__).resolve().parent.parent
CORE = (
    "angry annoyed frustrated upset sad disappointed afraid nervous anxious guilty lying "
    "deceptive bored contempt disgusted confused seems feels is_hiding"
)
SKIP_DIRS = {"__pycache__"}


def _files(root: Path) -> Iterator[Path]:
    if not root.exists():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not SKIP_DIRS.intersection(path.parts):
            yield path


def _text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None


def _json_strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def findings(path: Path, root: Path) -> list[str]:
    """Every banned word in one file, as ``rel/path:line: 'word' in ...`` lines."""
    rel = path.relative_to(root).as_posix()
    text = _text(path)
    if text is None:
        return []
    out: list[str] = []
    if rel == "README.md" or rel.startswith("docs/"):
        prose = blank_mentions(text)
        for hit in find_banned(prose):
            line = text.splitlines()[line_of(prose, hit.start) - 1].strip()
            out.append(f"{rel}:{line_of(prose, hit.start)}: {hit.found!r} in {line!r}")
    elif path.suffix == ".py":
        for number, literal in python_user_strings(text, rel):
            out += [f"{rel}:{number}: {h.found!r} in {literal!r}" for h in find_banned(literal)]
    elif path.suffix == ".json":
        for literal in _json_strings(json.loads(text)):
            out += [f"{rel}: {h.found!r} in {literal!r}" for h in find_banned(literal)]
    else:
        for hit in find_banned(text):
            out.append(f"{rel}:{line_of(text, hit.start)}: {hit.found!r}")
    return out


def scanned_files(root: Path) -> list[Path]:
    """The user-facing files of a repository laid out like this one."""
    files = [p for p in _files(root / "companion") if p.name != BANNED_FILE]
    files += list(_files(root / "packaging"))
    files += list(_files(root / "docs"))
    if (root / "README.md").exists():
        files.append(root / "README.md")
    return files


def scan_repository(root: Path) -> list[str]:
    """Every banned word in every user-facing file under ``root``."""
    return [f for path in scanned_files(root) for f in findings(path, root)]


# -- the repository ------------------------------------------------------------------------


@pytest.mark.parametrize("path", scanned_files(REPO), ids=lambda p: p.relative_to(REPO).as_posix())
def test_user_facing_text_never_names_a_feeling(path: Path) -> None:
    found = findings(path, REPO)
    assert not found, "banned words (companion/prompts/banned.txt):\n" + "\n".join(found)


def test_the_scan_covers_the_product() -> None:
    rels = {p.relative_to(REPO).as_posix() for p in scanned_files(REPO)}
    for expected in (
        "companion/cli.py",
        "companion/prompts/phrasings.json",
        "companion/prompts/session.json",
        "README.md",
        "docs/ethics.md",
    ):
        assert expected in rels
    assert "companion/prompts/banned.txt" not in rels


# -- the list and the matcher --------------------------------------------------------------


def test_the_list_holds_the_core_words() -> None:
    terms = banned_terms()
    for word in CORE.split():
        assert word.replace("_", " ") in terms


def test_matching_is_whole_word_and_case_insensitive() -> None:
    assert [h.term for h in find_banned("She SEEMS fine; he Feels it.")] == ["seems", "feels"]
    assert [h.term for h in find_banned("a sad-looking face")] == ["sad"]
    assert [h.term for h in find_banned("he is\n  hiding it")] == ["is hiding"]
    assert find_banned("a crusade, unseemly, feelsgood, disguised, is_hiding") == []
    assert find_banned("hiding the card; it lies inside the box; no lie detection") == []


def test_the_list_format_is_checked() -> None:
    assert parse_terms("# note\n\nSad\nis  hiding\n") == ("sad", "is hiding")
    with pytest.raises(ValueError, match="listed twice"):
        parse_terms("sad\nSAD\n")
    with pytest.raises(ValueError, match="not a word or phrase"):
        parse_terms("sad|upset\n")


def test_python_strings_include_messages_and_skip_unread_docstrings() -> None:
    source = '''
"""Module notes: a person never seems anything."""
import logging
log = logging.getLogger(__name__)

def warn(n: int) -> str:
    """Docstring mentioning feels, for developers."""
    log.warning("participant %d looks nervous", n)
    return f"p{n} is {n} and upset"
'''
    literals = [text for _, text in python_user_strings(source)]
    assert "participant %d looks nervous" in literals
    assert " and upset" in literals
    assert not any("seems" in text or "feels" in text for text in literals)
    shown = source + "\nHELP = __doc__\n"
    assert any("seems" in text for _, text in python_user_strings(shown))


def test_docs_may_quote_a_word_but_not_use_it() -> None:
    assert find_banned(blank_mentions('Never "nervous", “seems” or `feels`.')) == []
    assert [h.term for h in find_banned(blank_mentions("The speaker seems nervous."))] == [
        "seems",
        "nervous",
    ]
    long_quote = '"' + "a long quoted sentence in which someone seems " * 2 + '"'
    assert find_banned(blank_mentions(long_quote))


# -- the guard fails when a banned word is added --------------------------------------------


def _mini_repo(root: Path) -> None:
    (root / "companion" / "prompts").mkdir(parents=True)
    (root / "docs").mkdir()
    for name in ("phrasings.json", "session.json", BANNED_FILE):
        shutil.copy(REPO / "companion" / "prompts" / name, root / "companion" / "prompts" / name)
    (root / "companion" / "overlay.py").write_text(
        'LABEL = "Check in"\n\ndef tip() -> str:\n    return f"Card {1}: ask a question"\n',
        encoding="utf-8",
    )
    (root / "README.md").write_text('# Tool\n\nIt never writes "angry".\n', encoding="utf-8")
    (root / "docs" / "guide.md").write_text("Ask, don't assume.\n", encoding="utf-8")


def test_guard_is_clean_on_a_clean_tree(tmp_path: Path) -> None:
    _mini_repo(tmp_path)
    assert scan_repository(tmp_path) == []


def test_guard_fails_when_a_banned_word_is_added(tmp_path: Path) -> None:
    _mini_repo(tmp_path)
    data = tmp_path / "companion" / "prompts" / "phrasings.json"
    doc = json.loads(data.read_text(encoding="utf-8"))
    doc["patterns"]["drop"]["meeting"][0] = "They look Disappointed. Ask why."
    data.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    ui = tmp_path / "companion" / "overlay.py"
    ui.write_text(ui.read_text() + 'log_line = f"{1} seems frustrated"\n', encoding="utf-8")
    (tmp_path / "docs" / "guide.md").write_text("Ask.\nNot when someone is lying.\n")
    (tmp_path / "packaging").mkdir()
    (tmp_path / "packaging" / "companion.desktop").write_text("Comment=Spot bored people\n")

    found = scan_repository(tmp_path)
    assert any("phrasings.json: 'Disappointed'" in f for f in found)
    assert any(f.startswith("companion/overlay.py:5: 'seems'") for f in found)
    assert any("'frustrated'" in f for f in found)
    assert any(f.startswith("docs/guide.md:2: 'lying'") for f in found)
    assert any(f.startswith("packaging/companion.desktop:1: 'bored'") for f in found)
    assert len(found) == 5
