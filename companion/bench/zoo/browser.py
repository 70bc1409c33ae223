"""A zoo page in a real chromium window: media prepared, layout read back, window found.

The page's script logs ``ZOO {json}`` once a second and whenever a tile moves (tile
rectangles in viewport CSS pixels, how many videos play); chromium prints console
messages on stderr with ``--enable-logging=stderr``, which goes to a log file read here.
The window is found by its title with companion's X11 lister; the viewport sits at the
bottom of its client area (chromium draws nothing above the page in ``--app`` mode, and
its tab strip and address bar above it in a browser window), so tiles map to screen
pixels as
``client + (client size - viewport size) + css * dpr``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from companion.bench.zoo.catalog import Page, placeholders, render
from companion.bench.zoo.media import cache_dir, prepare
from companion.capture.windows import WindowInfo
from companion.errors import InputError
from companion.model import Box

log = logging.getLogger(__name__)

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
_ZOO_LINE = re.compile(r'"ZOO (\{.*\})", source:')


@dataclass(frozen=True)
class Tile:
    """One tile of a page on the screen, and how many faces it shows."""

    name: str
    box: Box
    faces: int


@dataclass(frozen=True)
class Layout:
    """The last ``ZOO`` line of a page."""

    title: str
    faces: int
    tiles: tuple[Tile, ...]
    """In viewport CSS pixels."""
    videos: int
    playing: int
    errors: int
    viewport: tuple[float, float]
    dpr: float
    at: float | None = None
    """When the page logged it (the epoch's seconds, the page's clock)."""

    @staticmethod
    def parse(doc: dict[str, Any]) -> Layout:
        tiles = tuple(
            Tile(
                str(t.get("name", "")),
                Box(float(t["x"]), float(t["y"]), float(t["w"]), float(t["h"])),
                int(t["faces"]),
            )
            for t in doc["tiles"]
        )
        return Layout(
            title=str(doc.get("title", "")),
            faces=int(doc.get("faces") or sum(t.faces for t in tiles)),
            tiles=tiles,
            videos=int(doc.get("videos", 0)),
            playing=int(doc.get("playing", 0)),
            errors=int(doc.get("errors", 0)),
            viewport=(float(doc["vw"]), float(doc["vh"])),
            dpr=float(doc.get("dpr", 1.0)),
            at=float(doc["now"]) / 1000 if "now" in doc else None,
        )

    def on_screen(self, client: Box) -> tuple[Tile, ...]:
        """The tiles in screen pixels, given the window's client area."""
        vw, vh = self.viewport[0] * self.dpr, self.viewport[1] * self.dpr
        x0 = client.x + max(0.0, (client.w - vw) / 2)
        y0 = client.y + max(0.0, client.h - vh)
        d = self.dpr
        return tuple(
            Tile(t.name, Box(x0 + t.box.x * d, y0 + t.box.y * d, t.box.w * d, t.box.h * d), t.faces)
            for t in self.tiles
        )


def find_chromium() -> str:
    """The chromium executable; `InputError` when there is none."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found is not None:
            return found
    raise InputError("chromium is not installed (Debian: apt-get install chromium)")


def prepare_page(page: Page, clips: Path, out_dir: Path, cache: Path | None = None) -> Path:
    """Make the page's media (cached) and write the page, ready to open, into ``out_dir``.

    Clips come from ``clips``, stills (``{{still:NAME}}``) from the ``stills`` folder beside
    it, as the shared data holds them."""
    if not page.path.is_file():
        raise InputError(f"{page.path}: no such page")
    text = page.path.read_text(encoding="utf-8")
    folder = cache if cache is not None else cache_dir()
    media = {
        (mode, name): _still(clips.parent / "stills" / name)
        if mode == "still"
        else prepare(clips / name, mode, page.media, folder)
        for mode, name in placeholders(text)
    }
    rendered = out_dir / f"{page.name}.html"
    rendered.write_text(render(text, page.title, media, page.path.parent), encoding="utf-8")
    return rendered


def _still(path: Path) -> Path:
    if not path.is_file():
        raise InputError(f"{path}: no such still (set COMPANION_TEST_DATA)")
    return path


class Browser:
    """Chromium showing one page on ``display``; `close` ends its whole process group."""

    def __init__(self, page: Page, html: Path, display: str, work: Path) -> None:
        self.page = page
        self.display = display
        self.log_path = work / "chromium.log"
        self._profile = tempfile.mkdtemp(prefix="profile-", dir=work)
        args = [
            find_chromium(),
            "--no-sandbox",
            "--test-type",  # no "unsupported command-line flag" bar above the page
            f"--user-data-dir={self._profile}",
            html.resolve().as_uri() if page.tabs else f"--app={html.resolve().as_uri()}",
            "--autoplay-policy=no-user-gesture-required",
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            "--enable-logging=stderr",
            "--v=0",
            "--disable-features=Translate,MediaRouter",
            "--password-store=basic",
        ]
        if page.scale != 1.0:
            args.append(f"--force-device-scale-factor={page.scale:g}")
        if page.fullscreen:
            args.append("--start-fullscreen")
        elif page.maximized:
            args.append("--start-maximized")
        else:
            args += [
                f"--window-size={page.window[0]},{page.window[1]}",
                f"--window-position={page.window_at[0]},{page.window_at[1]}",
            ]
        env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY",)}
        env["DISPLAY"] = display
        env["HOME"] = self._profile  # no dconf or keyring of the user's
        # A terminated chromium leaves its singleton socket's folder in the temp dir: give it
        # one of its own, removed on close (short: a socket's path has at most 107 bytes).
        self._temp = tempfile.mkdtemp(prefix="companion-chromium-")
        env["TMPDIR"] = self._temp
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            args,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=self._log,
            start_new_session=True,
        )

    def layout(self) -> Layout | None:
        """The page's latest ``ZOO`` line, or None before the first."""
        found = self.layouts()
        return found[-1] if found else None

    def layouts(self) -> list[Layout]:
        """Every ``ZOO`` line the page has logged, in order."""
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return []
        return [Layout.parse(json.loads(doc)) for doc in _ZOO_LINE.findall(text)]

    def wait_playing(self, timeout: float = 60.0, settle: float = 2.0) -> Layout:
        """Wait until every video plays and the layout holds, then ``settle`` seconds more."""
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                code = self.process.returncode
                raise InputError(f"chromium exited ({code}); see {self.log_path}")
            layout = self.layout()
            if layout is not None and layout.errors:
                raise InputError(f"{self.page.name}: {layout.errors} video(s) failed to load")
            if layout is not None and layout.videos and layout.playing == layout.videos:
                break
            if time.monotonic() > deadline:
                got = "no ZOO line" if layout is None else f"{layout.playing}/{layout.videos} play"
                raise InputError(f"{self.page.name}: the videos did not start ({got})")
            time.sleep(0.25)
        time.sleep(settle)
        final = self.layout()
        assert final is not None
        return final

    def window(self, timeout: float = 20.0) -> WindowInfo:
        """The page's window: its title is the page's, or, in a browser window, begins
        with it (chromium adds its own name)."""
        from companion.capture.windows.x11 import X11Lister

        lister = X11Lister(self.display)
        deadline = time.monotonic() + timeout
        try:
            while True:
                for w in lister.windows():
                    mine = w.title == self.page.title or (
                        self.page.tabs and w.title.startswith(f"{self.page.title} - ")
                    )
                    if mine and not w.minimized:
                        return w
                if time.monotonic() > deadline:
                    raise InputError(f"no window titled {self.page.title!r} appeared")
                time.sleep(0.25)
        finally:
            lister.close()

    def close(self) -> None:
        """End chromium and every process it started; remove its profile."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        # helpers (zygote, renderers) may outlive the main process briefly
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self._log.close()
        shutil.rmtree(self._profile, ignore_errors=True)
        shutil.rmtree(self._temp, ignore_errors=True)


def screenshot(display: str, region: Box, path: Path) -> Path:
    """Save ``region`` of ``display`` as a PNG."""
    import mss
    import mss.tools

    path.parent.mkdir(parents=True, exist_ok=True)
    area = {
        "left": int(region.x),
        "top": int(region.y),
        "width": int(region.w),
        "height": int(region.h),
    }
    with mss.MSS(display=display) as sct:
        shot = sct.grab(area)
        mss.tools.to_png(shot.rgb, shot.size, output=str(path))
    return path
