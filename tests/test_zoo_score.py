"""The layout zoo's scoring, page rendering and media padding, on tables (no browser)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from companion.bench.zoo.browser import Layout, prepare_page
from companion.bench.zoo.catalog import PAGES, ZOO_DIR, find_page, in_window, placeholders, render
from companion.bench.zoo.media import fill_16_9
from companion.bench.zoo.run import RunClock, table
from companion.bench.zoo.score import (
    Relayout,
    TileSpec,
    score,
    snapshots_from_events,
    tile_of,
)
from companion.cli import main
from companion.errors import InputError
from companion.model import Box

# A 2x2 page: two single faces, a camera-off avatar, a meeting-room tile of two.
TILES = [
    TileSpec("a", Box(0, 0, 100, 100), 1),
    TileSpec("b", Box(100, 0, 100, 100), 1),
    TileSpec("avatar", Box(0, 100, 100, 100), 0),
    TileSpec("room", Box(100, 100, 200, 100), 2),
]
A, B, AV = [30, 30, 40, 40], [130, 30, 40, 40], [30, 130, 40, 40]
R1, R2 = [120, 130, 40, 40], [220, 130, 40, 40]
OUT = [400, 400, 20, 20]


def line(t: float, **people: Sequence[float]) -> dict[str, Any]:
    return {
        "type": "participants",
        "t": t,
        "count": len(people),
        "participants": [{"id": pid, "box": list(box)} for pid, box in people.items()],
    }


CASES = [
    # (name, events, found, found_max, time_to_all, false, duplicates, switches)
    ("nothing", [], 0, 0, None, 0, 0, 0),
    ("all found", [line(1.0, p1=A, p2=B), line(2.5, p1=A, p2=B, p3=R1, p4=R2)], 4, 4, 2.5, 0, 0, 0),
    ("avatar and chrome", [line(1.0, p1=A, p2=AV, p3=OUT)], 1, 1, None, 2, 0, 0),
    ("two in one face tile", [line(1.0, p1=A, p2=[40, 40, 40, 40], p3=B)], 2, 2, None, 0, 1, 0),
    (
        "two boxes on one face of the room: found by the count rule, but a duplicate",
        [line(1.0, p1=A, p2=B, p3=R1, p4=[122, 132, 40, 40])],
        4,
        4,
        1.0,
        0,
        1,
        0,
    ),
    (
        "lost at the end",
        [line(1.0, p1=A, p2=B, p3=R1, p4=R2), line(9.0, p1=A, p3=R1, p4=R2)],
        3,
        4,
        1.0,
        0,
        0,
        0,
    ),
    (
        "new id after warm-up",
        [line(1.0, p1=A, p2=B, p3=R1, p4=R2), line(5.0, p1=A, p3=R1, p4=R2, p5=B)],
        4,
        4,
        1.0,
        0,
        0,
        1,
    ),
    (
        "replaced during warm-up",
        [line(1.0, p1=A), line(2.0), line(3.0, p2=A), line(4.0, p2=A, p3=B, p4=R1, p5=R2)],
        4,
        4,
        4.0,
        0,
        0,
        1,
    ),
    (
        "a later face in another tile is no switch during warm-up",
        [line(1.0, p1=A), line(2.0, p1=A, p2=B), line(3.0, p1=A, p2=B, p3=R1, p4=R2)],
        4,
        4,
        3.0,
        0,
        0,
        0,
    ),
]


@pytest.mark.parametrize(
    ("events", "found", "found_max", "t_all", "false", "dups", "switches"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_score_table(
    events: list[dict[str, Any]],
    found: int,
    found_max: int,
    t_all: float | None,
    false: int,
    dups: int,
    switches: int,
) -> None:
    others = [{"type": "target", "t": 0.1, "status": "watching"}]
    result = score(snapshots_from_events(others + events), TILES)
    assert result.expected == 4
    assert (result.found, result.found_max, result.time_to_all_s) == (found, found_max, t_all)
    assert (result.false_participants, result.duplicates, result.id_switches) == (
        false,
        dups,
        switches,
    )


# A page of two tiles that reflows at 5 s, when C joins: three narrower tiles, A last.
BEFORE = [TileSpec("A", Box(0, 0, 100, 100), 1), TileSpec("B", Box(100, 0, 100, 100), 1)]
AFTER = (
    TileSpec("C", Box(0, 0, 66, 100), 1),
    TileSpec("B", Box(66, 0, 66, 100), 1),
    TileSpec("A", Box(132, 0, 66, 100), 1),
)
A_NOW, B_NOW, C_NOW = [150, 30, 30, 30], [80, 30, 30, 30], [20, 30, 30, 30]
REFLOW_CASES = [
    # (name, events after the reflow, false, duplicates, switches)
    ("everyone followed, the newcomer named", [line(6.0, p1=A_NOW, p2=B_NOW, p3=C_NOW)], 0, 0, 0),
    (
        "the old boxes for a moment, then followed",
        [line(5.2, p1=A, p2=B), line(5.4, p1=A_NOW, p2=B_NOW, p3=C_NOW)],
        0,
        0,
        0,
    ),
    ("A started over in their new tile", [line(6.0, p4=A_NOW, p2=B_NOW, p3=C_NOW)], 0, 0, 1),
    ("two on the newcomer", [line(8.0, p1=A_NOW, p2=B_NOW, p3=C_NOW, p4=C_NOW)], 0, 1, 1),
    ("a new id outside every tile", [line(8.0, p1=A_NOW, p2=B_NOW, p3=[300, 0, 9, 9])], 1, 0, 1),
    (
        "A let go where C now is, found in their new tile, then C named",
        [
            line(5.1, p1=A, p2=B_NOW),  # A's old place is in C's tile now
            line(5.2, p2=B_NOW),
            line(5.4, p1=A_NOW, p2=B_NOW),
            line(5.8, p1=A_NOW, p2=B_NOW, p3=C_NOW),
        ],
        0,
        0,
        0,
    ),
]


@pytest.mark.parametrize(
    ("after", "false", "dups", "switches"),
    [c[1:] for c in REFLOW_CASES],
    ids=[c[0] for c in REFLOW_CASES],
)
def test_a_page_that_reflows_is_scored_against_the_tiles_it_shows_then(
    after: list[dict[str, Any]], false: int, dups: int, switches: int
) -> None:
    events = [line(1.0, p1=A, p2=B), *after]
    result = score(snapshots_from_events(events), BEFORE, [Relayout(5.0, AFTER)])
    assert (result.expected, result.time_to_all_s) == (3, 1.0)
    assert (result.false_participants, result.duplicates, result.id_switches) == (
        false,
        dups,
        switches,
    )


def test_who_was_found_at_the_end_is_not_read_while_the_tiles_settle() -> None:
    # A speaker view swapped its two people at 5 s; the run ended 0.3 s later, before A
    # was followed to their new place. The last settled snapshot says who was found.
    swapped = (
        TileSpec("B", Box(0, 0, 100, 100), 1),
        TileSpec("A", Box(100, 0, 100, 100), 1),
    )
    events = [line(1.0, p1=A, p2=B), line(5.3, p2=[20, 30, 30, 30])]
    result = score(snapshots_from_events(events), BEFORE, [Relayout(5.0, swapped)])
    assert (result.found, result.per_tile_found) == (2, [1, 1])
    settled = [*events, line(7.0, p2=[20, 30, 30, 30])]
    result = score(snapshots_from_events(settled), BEFORE, [Relayout(5.0, swapped)])
    assert (result.found, result.per_tile_found) == (1, [1, 0])
    # Someone joined 0.3 s before the end and was found at once: found too.
    joined = [line(1.0, p1=A, p2=B), line(5.3, p1=A_NOW, p2=B_NOW, p3=C_NOW)]
    result = score(snapshots_from_events(joined), BEFORE, [Relayout(5.0, AFTER)])
    assert (result.found, result.expected) == (3, 3)
    # Someone left 0.3 s before the end: found among those still shown.
    left = (TileSpec("B", Box(0, 0, 200, 100), 1),)
    result = score(snapshots_from_events(events), BEFORE, [Relayout(5.0, left)])
    assert (result.found, result.expected, result.per_tile_found) == (1, 1, [1])


def test_the_pages_tile_changes_are_put_on_companions_clock(tmp_path: Path) -> None:
    events = tmp_path / "events.jsonl"
    clock = RunClock(events)
    clock.poll()  # no file yet
    events.write_text('{"type": "target", "t": 0.5}\n{"type": "participants", "t": 0.')
    clock.poll()  # the first line appeared now: the run started half a second ago
    start = time.time() - 0.5
    with events.open("a") as more:
        more.write('3, "count": 0, "participants": []}\n')  # an earlier line, read late
    clock.poll()

    def shown(at: float, *names: str) -> Layout:
        tiles = [
            {"name": n, "x": 100 * i, "y": 0, "w": 100, "h": 100, "faces": 1}
            for i, n in enumerate(names)
        ]
        doc = {"tiles": tiles, "vw": 800, "vh": 600, "now": 1000 * at}
        return Layout.parse(doc)

    first = [TileSpec("A", Box(0, 40, 100, 100), 1), TileSpec("B", Box(100, 40, 100, 100), 1)]
    layouts = [shown(start - 5, "A", "B"), shown(start + 1, "A", "B")]
    layouts.append(shown(start + 3, "C", "A", "B"))  # C joined at the front
    (change,) = clock.relayouts(layouts, first, Box(0, 40, 800, 600))
    assert change.t == pytest.approx(3.0, abs=0.1)
    assert [(t.name, t.box.x, t.box.y) for t in change.tiles] == [
        ("C", 0, 40),
        ("A", 100, 40),
        ("B", 200, 40),
    ]


def test_the_snapshot_with_the_most_duplicates_is_kept_to_show_where_they_were() -> None:
    events = [line(1.0, p1=A, p2=B), line(2.0, p1=A, p2=B, p3=[40, 40, 40, 40]), line(3.0, p1=A)]
    result = score(snapshots_from_events(events), TILES)
    seen = result.as_dict()["duplicates_seen"]
    assert result.duplicates == 1 and seen is not None
    assert seen["t"] == 2.0 and [p["id"] for p in seen["participants"]] == ["p1", "p2", "p3"]


def test_tile_of_takes_the_centre_and_the_smallest_enclosing_tile() -> None:
    tiles = [TileSpec("page", Box(0, 0, 500, 500), 0), TileSpec("a", Box(0, 0, 100, 100), 1)]
    assert tile_of(Box(80, 80, 40, 40), tiles) == 1  # centre (100, 100) on the edge of a
    assert tile_of(Box(90, 90, 40, 40), tiles) == 0
    assert tile_of(Box(600, 0, 10, 10), tiles) is None


def test_layout_maps_viewport_pixels_to_the_screen() -> None:
    doc = {
        "title": "Zoo x",
        "faces": 1,
        "tiles": [{"name": "a", "x": 10, "y": 20, "w": 100, "h": 50, "faces": 1}],
        "videos": 1,
        "playing": 1,
        "errors": 0,
        "vw": 800,
        "vh": 560,
        "dpr": 1,
    }
    layout = Layout.parse(doc)
    # the client area is 600 high: 40 px of browser bar above the page
    (tile,) = layout.on_screen(Box(100, 200, 800, 600))
    assert tile.box == Box(110, 260, 100, 50)
    assert tile.faces == 1


def test_every_page_declares_its_faces_and_media(tmp_path: Path) -> None:
    seen = set()
    for page in PAGES:
        text = page.path.read_text(encoding="utf-8")
        assert "data-zoo-faces=" in text and "zoo.js" in text, page.name
        media = placeholders(text)
        assert media, page.name
        fake = {key: tmp_path / f"{key[1]}.webm" for key in media}
        out = render(text, page.title, fake, ZOO_DIR)
        assert f"<title>{page.title}</title>" in out
        assert "{{" not in out and ZOO_DIR.as_uri() in out
        seen.add(page.title)
    assert len(seen) == len(PAGES), "titles must be unique"


def test_a_still_on_a_page_is_the_shared_data_photo_itself(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "clips").mkdir(parents=True)
    (data / "stills").mkdir()
    photo = data / "stills" / "face.jpg"
    photo.write_bytes(b"jpeg")
    html = tmp_path / "roster.html"
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    html.write_text(
        '<html><head><title>Roster</title></head><body data-zoo-faces="0">'
        '<img src="{{still:face.jpg}}"><img src="{{still:face.jpg}}"></body></html>',
        encoding="utf-8",
    )
    page = find_page(str(html))
    assert placeholders(html.read_text(encoding="utf-8")) == [("still", "face.jpg")]
    out = prepare_page(page, data / "clips", out_dir).read_text(encoding="utf-8")
    assert out.count(f'src="{photo.resolve().as_uri()}"') == 2
    photo.unlink()
    with pytest.raises(InputError, match="no such still"):
        prepare_page(page, data / "clips", out_dir)


def test_fill_pads_a_square_clip_to_16_9_with_its_own_picture() -> None:
    square = np.zeros((100, 100, 3), np.uint8)
    square[:, :50] = 200
    out = fill_16_9(square, (320, 180))
    assert out.shape == (180, 320, 3)
    assert out[:, 70:250].shape[1] == 180  # the clip sits in the middle, full height
    assert out[90, 5].max() > 0, "the sides are the blurred picture, not black bars"


def test_a_page_file_can_be_shown_maximized_on_a_larger_screen(tmp_path: Path) -> None:
    # A call page written elsewhere, run as most people hold a call: maximized at 1080p.
    html = tmp_path / "call.html"
    html.write_text("<html><head><title>Standup</title></head><body></body></html>")
    page = find_page(str(html))
    assert (page.window, page.maximized) == ((1440, 820), False)
    big = in_window(page, "maximized", (1920, 1080))
    assert (big.maximized, big.fullscreen, big.screen, big.title) == (
        True,
        False,
        (1920, 1080),
        "Standup",
    )
    small = in_window(big, (800, 600), None)
    assert (small.window, small.maximized, small.screen) == ((800, 600), False, (1920, 1080))
    assert in_window(page, "fullscreen", None).fullscreen


def test_a_page_can_be_drawn_as_on_a_hidpi_monitor(monkeypatch: pytest.MonkeyPatch) -> None:
    assert find_page("gallery_5x5_4k").scale == 2.0
    seen: list[float] = []

    def fake_run(config: Any, progress: Any) -> dict[str, Any]:
        seen.extend(page.scale for page in config.pages)
        return {"pages": []}

    monkeypatch.setattr("companion.bench.zoo.run.run_zoo", fake_run)
    assert main(["bench", "--page", "gallery_2x2", "--scale", "1.5"]) == 0
    assert seen == [1.5]
    with pytest.raises(SystemExit) as stop:
        main(["bench", "--page", "gallery_2x2", "--scale", "0"])
    assert stop.value.code == 2


def test_a_window_that_is_neither_a_size_nor_a_state_is_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["bench", "--page", "gallery_2x2", "--window", "huge"])
    assert stop.value.code == 2
    assert "--window" in capsys.readouterr().err


def test_the_table_keeps_its_columns_under_long_page_names() -> None:
    row = {
        "faces_expected": 8,
        "faces_found": 8,
        "faces_found_max": 8,
        "false_participants": 0,
        "duplicates": 0,
        "id_switches": 0,
        "time_to_all_s": 0.9,
        "screen": [1600, 900],
    }
    hidpi = {**row, "screen": [3840, 2160], "dpr": 2.0, "notes": ["a note"]}
    doc = {
        "pages": [
            {"page": "teams_light_large_speaker", **row, "notes": ["a note"]},
            {"page": "gallery_2x2", **hidpi},
        ]
    }
    head, _, long, short, _ = table(doc).splitlines()
    found = head.index("found") + len("found")
    assert long.index("8/8") + 3 == found == short.index("8/8") + 3
    assert "3840x2160@2x" in short
    assert long.index("a note") == head.index("note") == short.index("a note")
