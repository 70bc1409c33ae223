"""The language guard: words Companion never writes about a person, and how to find them.

The list itself lives in one packaged file, ``banned.txt``; everything that checks text
(the prompt library on load, the repository-wide test) goes through `find_banned`.
Matching is whole-word and case-insensitive, so "sad" is caught in "Sad?" but not in
"crusade", and the words of a phrase match across any whitespace, line breaks included.

Two helpers pick out the text a person reads:

- `python_user_strings` lists the string literals of a Python module (messages, help
  text, UI labels, log lines), leaving out docstrings, which are developer notes, unless
  the module reads ``__doc__`` (then its docstrings may be shown, and they count).
- `blank_mentions` blanks short quoted or backticked spans in Markdown, so a document
  can *mention* a banned word to explain the rule (``never "nervous"``) while any word it
  *uses* is still caught.
"""

from __future__ import annotations

import ast
import functools
import re
from dataclasses import dataclass
from importlib import resources

BANNED_FILE = "banned.txt"

MENTION_MAX_CHARS = 40
"""A quoted span longer than this is prose, not a mention, and is scanned like the rest."""

_DOC_READERS = frozenset({"__doc__", "getdoc"})

_SPAN = f"{{1,{MENTION_MAX_CHARS}}}"
_MENTION = re.compile(rf'"[^"\n]{_SPAN}"|“[^”\n]{_SPAN}”|`[^`\n]{_SPAN}`')


@dataclass(frozen=True)
class Hit:
    """One banned term found in a text: the term as listed, and where it matched."""

    term: str
    start: int
    end: int
    found: str


def parse_terms(text: str) -> tuple[str, ...]:
    """The terms of a list in the ``banned.txt`` format (comments and blanks skipped).

    Raises ``ValueError`` on a duplicate or on a term that is not letters, spaces,
    hyphens and apostrophes.
    """
    terms: list[str] = []
    seen: set[str] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        term = " ".join(line.lower().split())
        if not re.fullmatch(r"[a-z][a-z' -]*[a-z]", term):
            raise ValueError(f"{BANNED_FILE} line {number}: not a word or phrase: {raw!r}")
        if term in seen:
            raise ValueError(f"{BANNED_FILE} line {number}: {term!r} is listed twice")
        seen.add(term)
        terms.append(term)
    if not terms:
        raise ValueError(f"{BANNED_FILE}: the list is empty")
    return tuple(terms)


@functools.cache
def banned_terms() -> tuple[str, ...]:
    """Every banned word and phrase, lower case, in the order of the packaged list."""
    text = (resources.files(__package__) / BANNED_FILE).read_text(encoding="utf-8")
    return parse_terms(text)


def compile_terms(terms: tuple[str, ...]) -> re.Pattern[str]:
    """One case-insensitive whole-word pattern matching any of ``terms``."""
    alternatives = sorted(
        (r"\s+".join(re.escape(word) for word in term.split()) for term in terms),
        key=len,
        reverse=True,
    )
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


@functools.cache
def _default_pattern() -> re.Pattern[str]:
    return compile_terms(banned_terms())


def find_banned(text: str, terms: tuple[str, ...] | None = None) -> list[Hit]:
    """Every banned term in ``text``, in order of appearance.

    ``terms`` defaults to the packaged list; pass another list to check against it.
    """
    pattern = _default_pattern() if terms is None else compile_terms(terms)
    return [
        Hit(
            term=" ".join(m.group(0).lower().split()),
            start=m.start(),
            end=m.end(),
            found=m.group(0),
        )
        for m in pattern.finditer(text)
    ]


def python_user_strings(source: str, filename: str = "<source>") -> list[tuple[int, str]]:
    """``(line, text)`` for each string literal a user could read in a Python module.

    Includes the literal parts of f-strings, log messages and exception messages.
    Docstrings are left out unless the module reads them (``__doc__``, ``getdoc``).
    """
    tree = ast.parse(source, filename=filename)
    skip: set[int] = set()
    if not _reads_docstrings(tree):
        skip = {id(node) for node in _docstring_nodes(tree)}
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            found.append((node.lineno, node.value))
    found.sort(key=lambda item: item[0])
    return found


def _reads_docstrings(tree: ast.Module) -> bool:
    """Whether the module uses ``__doc__`` or ``getdoc`` (say, as ``--help`` text)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in _DOC_READERS:
            return True
        if isinstance(node, ast.Attribute) and node.attr in _DOC_READERS:
            return True
    return False


def _docstring_nodes(tree: ast.Module) -> list[ast.Constant]:
    owners: list[ast.AST] = [tree]
    owners += [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
    ]
    nodes: list[ast.Constant] = []
    for owner in owners:
        body = getattr(owner, "body", [])
        if body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                nodes.append(value)
    return nodes


def blank_mentions(markdown: str) -> str:
    """``markdown`` with short quoted and backticked spans replaced by spaces.

    Positions and line breaks are kept, so hits found afterwards point at the right line.
    """
    return _MENTION.sub(lambda m: " " * len(m.group(0)), markdown)


def line_of(text: str, offset: int) -> int:
    """The 1-based line number of character ``offset`` in ``text``."""
    return text.count("\n", 0, offset) + 1
