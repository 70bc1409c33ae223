"""The zoo's pages: which HTML file, on what screen, in what window, with what media."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from companion.errors import InputError

ZOO_DIR = Path(__file__).resolve().parents[3] / "zoo"
"""The hand-written pages, at the repository root (not part of the installed package)."""

SCREEN = (1600, 900)
"""The default screen: a laptop-sized desktop."""
WINDOW = (1440, 820)
WINDOW_AT = (60, 30)


@dataclass(frozen=True)
class Page:
    """One zoo page as the bench shows it."""

    name: str
    html: str
    """File name in `ZOO_DIR`."""
    title: str
    """The window title (replaces the page's own <title>; unique per page)."""
    screen: tuple[int, int] = SCREEN
    window: tuple[int, int] = WINDOW
    """Window size, ignored when ``maximized``."""
    window_at: tuple[int, int] = WINDOW_AT
    maximized: bool = False
    fullscreen: bool = False
    """Chromium's full-screen mode (F11): no window frame, the page fills the screen."""
    media: tuple[int, int] = (640, 360)
    """Size of the prepared webcam media (16:9)."""
    scale: float = 1.0
    """Chromium's device scale factor: 2 is a HiDPI monitor at 200 %, every CSS pixel of
    the page drawn as two by two screen pixels (the screen and window stay in screen
    pixels)."""
    tabs: bool = False
    """A browser window with its tab strip and address bar above the page, as Meet and
    Teams run in a browser tab (False: an app window, nothing above the page)."""

    @property
    def path(self) -> Path:
        return ZOO_DIR / self.html


_SMALL = (320, 180)
PAGES: tuple[Page, ...] = (
    Page("meet_dark_3x3", "meet_dark_3x3.html", "Zoo Meet dark 3x3"),
    Page("meet_webcam_3x2", "meet_webcam_3x2.html", "Zoo Meet webcam 3x2"),
    Page(
        "meet_webcam_3x2_max",
        "meet_webcam_3x2.html",
        "Zoo Meet webcam 3x2 maximized 1080p",
        screen=(1920, 1080),
        maximized=True,
    ),
    Page(
        "meet_webcam_3x2_tab",
        "meet_webcam_3x2.html",
        "Zoo Meet webcam 3x2 in a browser tab",
        screen=(1920, 1080),
        maximized=True,
        tabs=True,
    ),
    Page(
        "meet_webcam_3x2_1440",
        "meet_webcam_3x2.html",
        "Zoo Meet webcam 3x2 maximized 1440p",
        screen=(2560, 1440),
        maximized=True,
        media=(960, 540),
    ),
    Page(
        "meet_narrow_3x2",
        "meet_narrow_3x2.html",
        "Zoo Meet narrow 3x2",
        window=(780, 820),
    ),
    Page(
        "meet_join_leave",
        "meet_join_leave.html",
        "Zoo Meet join and leave maximized 1080p",
        screen=(1920, 1080),
        maximized=True,
    ),
    Page("teams_light_2x2", "teams_light_2x2.html", "Zoo Teams light 2x2"),
    Page("teams_dark_2x2", "teams_dark_2x2.html", "Zoo Teams dark 2x2"),
    Page("teams_light_3x3", "teams_light_3x3.html", "Zoo Teams light 3x3"),
    Page(
        "teams_light_large_speaker",
        "teams_light_large_speaker.html",
        "Zoo Teams light large speaker",
    ),
    Page(
        "teams_together",
        "teams_together.html",
        "Zoo Teams together mode maximized 1080p",
        screen=(1920, 1080),
        maximized=True,
    ),
    Page(
        "meet_phones_3x2",
        "meet_phones_3x2.html",
        "Zoo Meet phones 3x2 maximized 1080p",
        screen=(1920, 1080),
        maximized=True,
    ),
    Page("zoom_gallery_4x4", "zoom_gallery_4x4.html", "Zoo Zoom gallery 4x4"),
    Page(
        "zoom_gallery_6x5",
        "zoom_gallery_6x5.html",
        "Zoo Zoom gallery 6x5 maximized 1080p",
        screen=(1920, 1080),
        maximized=True,
    ),
    Page("zoom_speaker", "zoom_speaker.html", "Zoo Zoom speaker view"),
    Page(
        "zoom_speaker_max",
        "zoom_speaker.html",
        "Zoo Zoom speaker view maximized 1080p",
        screen=(1920, 1080),
        maximized=True,
    ),
    Page("screen_share", "screen_share.html", "Zoo Meet screen share"),
    Page("pinned_speaker", "pinned_speaker.html", "Zoo Meet pinned speaker"),
    Page("gallery_2x2", "gallery_2x2.html", "Zoo gallery 2x2"),
    Page("gallery_5x5", "gallery_5x5.html", "Zoo gallery 5x5", media=_SMALL),
    Page(
        "gallery_5x5_4k",
        "gallery_5x5.html",
        "Zoo gallery 5x5 maximized 4K at 200%",
        screen=(3840, 2160),
        maximized=True,
        media=_SMALL,
        scale=2.0,
    ),
    Page(
        "gallery_7x7",
        "gallery_7x7.html",
        "Zoo gallery 7x7",
        screen=(1920, 1080),
        maximized=True,
        media=_SMALL,
    ),
)

_PLACEHOLDER = re.compile(r"\{\{(clip|raw|still):([A-Za-z0-9_.\-]+)\}\}")
_MODES = {"clip": "fill", "raw": "raw", "still": "still"}
"""What each placeholder asks for: a clip padded to 16:9 (``fill``), a clip in its own
shape (``raw``), or a still image shown as it is (``still``, a profile photo)."""
_TITLE = re.compile(r"<title>.*?</title>", re.DOTALL)


def find_page(name_or_path: str) -> Page:
    """A catalogued page by name, or any HTML file (shown in the default window)."""
    for page in PAGES:
        if page.name == name_or_path:
            return page
    path = Path(name_or_path)
    if path.suffix.lower() in (".html", ".htm") and path.is_file():
        text = path.read_text(encoding="utf-8")
        found = _TITLE.search(text)
        title = re.sub(r"<.*?>", "", found.group(0)).strip() if found else path.stem
        return Page(path.stem, str(path.resolve()), title or path.stem)
    names = ", ".join(p.name for p in PAGES)
    raise InputError(f"no zoo page {name_or_path!r} (pages: {names}, all, or an HTML file)")


def in_window(page: Page, window: tuple[int, int] | str, screen: tuple[int, int] | None) -> Page:
    """``page`` shown in another window: a size, ``maximized`` or ``fullscreen``, on
    ``screen`` when given (an HTML file of a call as it looks maximized on a monitor)."""
    if window == "maximized":
        shown = replace(page, maximized=True, fullscreen=False)
    elif window == "fullscreen":
        shown = replace(page, maximized=False, fullscreen=True)
    elif isinstance(window, tuple):
        shown = replace(page, window=window, maximized=False, fullscreen=False)
    else:
        raise InputError(f"a window is WxH, maximized or fullscreen, got {window!r}")
    return shown if screen is None else replace(shown, screen=screen)


def placeholders(text: str) -> list[tuple[str, str]]:
    """The ``{{clip:NAME}}``, ``{{raw:NAME}}`` and ``{{still:NAME}}`` media a page uses, as
    (mode, file name)."""
    seen: dict[tuple[str, str], None] = {}
    for kind, name in _PLACEHOLDER.findall(text):
        seen[(_MODES[kind], name)] = None
    return list(seen)


def render(text: str, title: str, media: dict[tuple[str, str], Path], base: Path) -> str:
    """The page with its title set, media placeholders replaced by file URLs, and a <base>
    so its stylesheet and script still load from ``base``."""

    def url(match: re.Match[str]) -> str:
        return media[(_MODES[match.group(1)], match.group(2))].resolve().as_uri()

    text = _PLACEHOLDER.sub(url, text)
    safe = title.replace("&", "&amp;").replace("<", "&lt;")
    text = _TITLE.sub(lambda _: f"<title>{safe}</title>", text, count=1)
    base_tag = f'<base href="{base.resolve().as_uri()}/">'
    return re.sub(r"<head>", lambda _: "<head>\n" + base_tag, text, count=1)
