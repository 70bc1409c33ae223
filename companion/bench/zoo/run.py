"""``companion bench --page``: a zoo page in chromium, companion's live path against it.

For each page: prepare its media, find or start an X display, open the page, wait until
every video plays, then run ``companion run --headless --attach TITLE --events-jsonl FILE
--exit-after S`` as a child process and score its ``participants`` lines against the
page's tiles. Chromium, and any Xvfb started here, are always stopped afterwards.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from companion.bench.zoo.browser import Browser, Layout, Tile, prepare_page, screenshot
from companion.bench.zoo.catalog import PAGES, Page, find_page
from companion.bench.zoo.score import Relayout, TileSpec, score, snapshots_from_events
from companion.bench.zoo.xserver import display_for, has_window_manager
from companion.model import Box

log = logging.getLogger(__name__)

SCHEMA = "companion.zoo/1"
CHILD_GRACE_S = 90.0
"""Beyond ``--seconds``: how long the companion child may take to start and stop."""
POLL_S = 0.1
"""How often companion's events file is looked at while it runs (see `RunClock`)."""


@dataclass(frozen=True)
class ZooConfig:
    """What to run."""

    pages: Sequence[Page]
    seconds: float = 15.0
    screen: tuple[int, int] | None = None
    """Size of the Xvfb started when ``$DISPLAY`` is unset (default: each page's own)."""
    shots: Path | None = None
    """Where to save a screenshot of each page and companion's verbose log of its run."""
    clips: Path | None = None


def pages_named(name: str) -> list[Page]:
    """``all`` or one page (a catalogue name or an HTML file)."""
    return list(PAGES) if name == "all" else [find_page(name)]


def run_zoo(config: ZooConfig, progress: Callable[[str], None]) -> dict[str, Any]:
    """Run every page of ``config`` in turn; the ``companion.zoo/1`` document."""
    from companion.bench.runner import default_clip_dir

    clips = config.clips or default_clip_dir()
    results = []
    for page in config.pages:
        progress(f"{page.name}: preparing")
        try:
            results.append(_run_page(page, config, clips, progress))
        except Exception as exc:  # one broken page must not hide the others' figures
            log.info("page %s failed", page.name, exc_info=True)
            results.append({"page": page.name, "title": page.title, "error": str(exc)})
    return {"schema": SCHEMA, "seconds": config.seconds, "pages": results}


def _run_page(
    page: Page, config: ZooConfig, clips: Path, progress: Callable[[str], None]
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix=f"companion-zoo-{page.name}-") as tmp:
        work = Path(tmp)
        html = prepare_page(page, clips, work)
        log_file = None if config.shots is None else config.shots / f"{page.name}.log"
        with display_for(config.screen or page.screen) as display:
            notes: list[str] = []
            if not display.started and not has_window_manager(display.name):
                notes.append(f"no window manager on {display.name}: windows are not placed")
            if page.maximized and display.size != page.screen:
                notes.append(
                    f"screen is {display.size[0]}x{display.size[1]}, the page is "
                    f"meant for {page.screen[0]}x{page.screen[1]}"
                )
            progress(f"{page.name}: opening chromium on {display.name}")
            browser = Browser(page, html, display.name, work)
            try:
                layout = browser.wait_playing()
                window = browser.window()
                layout = browser.layout() or layout
                tiles = layout.on_screen(window.box)
                if page.maximized and window.frame.w < display.size[0] - 2:
                    notes.append(f"window not maximized: {window.frame.as_list(0)}")
                shot = None
                if config.shots is not None:
                    shot = screenshot(display.name, window.frame, config.shots / f"{page.name}.png")
                progress(
                    f"{page.name}: {layout.playing} videos playing; companion runs "
                    f"{config.seconds:g} s"
                )
                clock = RunClock(work / "events.jsonl")
                events, child = _run_companion(
                    page.title, display.name, config.seconds, work, log_file, clock.poll
                )
                shown = browser.layouts()
            finally:
                browser.close()
        snaps = snapshots_from_events(events)
        specs = [TileSpec(t.name, t.box, t.faces) for t in tiles]
        relayouts = clock.relayouts(shown, specs, window.box)
        result = score(snaps, specs, relayouts)
        if relayouts:
            tiles = tuple(Tile(t.name, t.box, t.faces) for t in relayouts[-1].tiles)
        doc: dict[str, Any] = {
            "page": page.name,
            "title": page.title,
            "screen": list(display.size),
            "maximized": page.maximized,
            "window": window.box.as_list(0),
            "viewport": list(layout.viewport),
            "dpr": layout.dpr,
            "videos": layout.videos,
            "declared_faces": layout.faces,
            **result.as_dict(),
            "tiles": [_tile_doc(t, n) for t, n in zip(tiles, result.per_tile_found, strict=True)],
            "participants_last": _last_participants(events),
            "companion_exit": child["exit"],
            "notes": notes,
        }
        if layout.faces != result.expected:
            notes.append(f"page declares {layout.faces} faces, its tiles {result.expected}")
        if shot is not None:
            doc["screenshot"] = str(shot)
        if log_file is not None:
            doc["log"] = str(log_file)
        if child["exit"] != 0:
            doc["error"] = child.get("stderr_tail") or f"companion exited {child['exit']}"
        return doc


def _tile_doc(tile: Tile, found: int) -> dict[str, Any]:
    return {"name": tile.name, "box": tile.box.as_list(0), "faces": tile.faces, "found": found}


def _last_participants(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for line in reversed(events):
        if line.get("type") == "participants":
            people: list[dict[str, Any]] = line["participants"]
            return people
    return []


class RunClock:
    """When companion's run started, on the wall clock the page stamps its layouts with:
    the least delay between an events line's time and its appearance in the file, looked
    at every `POLL_S` while it runs. Puts the page's tile changes on the run's clock."""

    def __init__(self, events_path: Path) -> None:
        self._events_path = events_path
        self._read_to = 0
        """Bytes of the file looked at (whole lines only)."""
        self._run_start = math.inf

    def poll(self) -> None:
        """Look at the lines that appeared since the last call."""
        now = time.time()
        try:
            with self._events_path.open("rb") as events:
                events.seek(self._read_to)
                new = events.read()
        except FileNotFoundError:
            return
        whole = new[: new.rfind(b"\n") + 1]  # a line still being written waits
        self._read_to += len(whole)
        for raw in whole.splitlines():
            with contextlib.suppress(ValueError):
                t = float(json.loads(raw).get("t", 0.0))
                self._run_start = min(self._run_start, now - t)

    def relayouts(
        self, layouts: Sequence[Layout], first: Sequence[TileSpec], client: Box
    ) -> list[Relayout]:
        """When (seconds since companion's run started; before it, negative) the page's
        tiles moved from ``first``, and where they went; none when they never moved or the
        run wrote no line."""
        out: list[Relayout] = []
        shown = tuple(first)
        if not math.isfinite(self._run_start):
            return out
        for layout in layouts:
            if layout.at is None:
                continue
            specs = tuple(TileSpec(t.name, t.box, t.faces) for t in layout.on_screen(client))
            if _moved(shown, specs):
                out.append(Relayout(round(layout.at - self._run_start, 3), specs))
                shown = specs
        return out


def _moved(before: Sequence[TileSpec], after: Sequence[TileSpec]) -> bool:
    """Whether tiles appeared, went, or moved by more than a pixel or two."""
    if [t.name for t in before] != [t.name for t in after]:
        return True
    return any(
        max(abs(a.box.x - b.box.x), abs(a.box.y - b.box.y))
        + max(abs(a.box.w - b.box.w), abs(a.box.h - b.box.h))
        > 2
        for a, b in zip(before, after, strict=True)
    )


def _run_companion(
    title: str,
    display: str,
    seconds: float,
    work: Path,
    log_file: Path | None = None,
    poll: Callable[[], None] | None = None,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """``companion run --headless --attach TITLE`` for ``seconds``; its events and outcome.

    With ``log_file``, companion runs verbose and its whole log is written there; ``poll``
    is called every `POLL_S` while it runs.
    """
    events_path = work / "events.jsonl"
    config_home = work / "config"
    config_home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY",)}
    env.update(DISPLAY=display, XDG_CONFIG_HOME=str(config_home), XDG_SESSION_TYPE="x11")
    verbose = [] if log_file is None else ["-v"]
    args = [sys.executable, "-m", "companion", *verbose, "run", "--headless", "--attach", title]
    args += ["--events-jsonl", str(events_path), "--exit-after", f"{seconds:g}"]
    started = time.monotonic()
    deadline = started + seconds + CHILD_GRACE_S
    with (work / "companion.stderr").open("w+", encoding="utf-8") as err:
        child = subprocess.Popen(args, env=env, stdin=subprocess.DEVNULL, stdout=err, stderr=err)
        while child.poll() is None and time.monotonic() < deadline:
            if poll is not None:
                poll()
            time.sleep(POLL_S)
        if child.poll() is None:
            child.kill()
            child.wait()
            code = -1
        else:
            code = child.returncode
        if poll is not None:
            poll()
        err.seek(0)
        stderr = err.read()
    if code == -1:
        stderr += "\ncompanion did not stop in time"
    outcome: dict[str, Any] = {"exit": code, "wall_s": round(time.monotonic() - started, 1)}
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        log_file.write_text(stderr, encoding="utf-8")
    tail = [line for line in stderr.splitlines() if line.strip()][-3:]
    if tail:
        outcome["stderr_tail"] = " | ".join(tail)
    return _read_events(events_path), outcome


def _read_events(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    lines: list[dict[str, Any]] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        try:
            lines.append(json.loads(raw))
        except json.JSONDecodeError:
            continue  # a line cut short when the child was stopped
    return lines


def table(doc: dict[str, Any]) -> str:
    """The readable summary: one row per page."""
    w = max([22, *(len(p["page"]) for p in doc["pages"])])
    head = (
        f"{'page':<{w}} {'found':>7} {'max':>4} {'false':>5} {'dup':>4} {'idsw':>4} "
        f"{'t_all':>6}  {'screen':<12}  note"
    )
    rows = [head, "-" * len(head)]
    for p in doc["pages"]:
        if "faces_expected" not in p:
            rows.append(f"{p['page']:<{w}} error: {p.get('error', '?')}")
            continue
        t_all = "-" if p["time_to_all_s"] is None else f"{p['time_to_all_s']:.1f}"
        found = f"{p['faces_found']}/{p['faces_expected']}"
        screen = "x".join(str(v) for v in p["screen"])
        if p.get("dpr", 1.0) != 1.0:
            screen += f"@{p['dpr']:g}x"
        note = p.get("error") or "; ".join(p.get("notes", []))
        rows.append(
            f"{p['page']:<{w}} {found:>7} {p['faces_found_max']:>4} "
            f"{p['false_participants']:>5} {p['duplicates']:>4} {p['id_switches']:>4} "
            f"{t_all:>6}  {screen:<12}  {note}"
        )
    rows.append(
        "found: faces found at the end / expected; max: most found at once; false: ids seen "
        "in no-face tiles or outside tiles; dup: most duplicates at once; idsw: id switches; "
        "t_all: seconds until everyone was found"
    )
    return "\n".join(rows)
