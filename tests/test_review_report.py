"""`companion review` on a real clip with the real model: the report, the JSON, bad input."""

from __future__ import annotations

import base64
import json
import os
import re
import stat
import subprocess
import sys
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from companion.cli import main
from companion.errors import OutputError
from companion.prompts.guard import find_banned
from companion.review.report import default_out_dir, write_report_dir
from companion.review.run import run_review

ClipFinder = Callable[[str], Path]
SECONDS = 5.0
"""The clip is cut to its first seconds: a lip press with mouth corners pulled down at
3.83-4.37 s (labelled clear in shared/data/labels) and smiles before it."""


class _Page(HTMLParser):
    """Collects what the tests check: every tag with its attributes, and the visible text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        if tag == "style":
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)


def _cut(source: Path, out: Path, seconds: float) -> Path:
    capture = cv2.VideoCapture(str(source))
    fps = capture.get(cv2.CAP_PROP_FPS)
    writer: cv2.VideoWriter | None = None
    for _ in range(round(seconds * fps)):
        ok, frame = capture.read()
        if not ok:
            break
        if writer is None:
            size = (frame.shape[1], frame.shape[0])
            writer = cv2.VideoWriter(str(out), cv2.VideoWriter_fourcc(*"MJPG"), fps, size)
        writer.write(frame)
    capture.release()
    assert writer is not None
    writer.release()
    return out


@pytest.fixture(scope="module")
def reviewed(clip: ClipFinder, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The clip reviewed once through the command line: its page, JSON and exit code."""
    folder = tmp_path_factory.mktemp("review")
    video = _cut(clip("liveportrait_d19.mp4"), folder / "take.avi", SECONDS)
    json_out = folder / "moments.json"
    code = main(["review", str(video), "--json", str(json_out)])
    report = default_out_dir(video) / "index.html"
    html = report.read_text(encoding="utf-8")
    page = _Page()
    page.feed(html)
    return {
        "code": code,
        "html": html,
        "page": page,
        "doc": json.loads(json_out.read_text()),
        "folder": folder,
    }


def test_the_review_succeeds_with_the_default_folder(reviewed: dict[str, Any]) -> None:
    assert reviewed["code"] == 0
    assert (reviewed["folder"] / "take-review" / "index.html").is_file()
    leftovers = [p.name for p in reviewed["folder"].iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_the_page_is_self_contained(reviewed: dict[str, Any]) -> None:
    html: str = reviewed["html"]
    assert html.startswith("<!DOCTYPE html>")
    assert not re.search(r"https?://", html)
    assert "<script" not in html and "<link" not in html and "@import" not in html
    sources = [attrs.get("src", "") for tag, attrs in reviewed["page"].tags if tag == "img"]
    assert sources and all(s.startswith("data:image/") for s in sources)
    timeline = [s for s in sources if s.startswith("data:image/png;base64,")]
    assert len(timeline) == 1
    png = np.frombuffer(base64.b64decode(timeline[0].split(",", 1)[1]), np.uint8)
    assert cv2.imdecode(png, cv2.IMREAD_COLOR).shape[1] >= 800


def test_the_page_lists_the_lip_press_with_a_face_thumbnail(reviewed: dict[str, Any]) -> None:
    items = [attrs for tag, attrs in reviewed["page"].tags if tag == "li"]
    assert items, "no moments listed"
    press = [a for a in items if "lip_press" in a["data-flags"].split()]
    assert any(float(a["data-start"]) < 4.37 and float(a["data-end"]) > 3.83 for a in press)
    thumbs = [
        attrs["poster"]
        for tag, attrs in reviewed["page"].tags
        if tag == "video" and attrs.get("poster", "").startswith("data:image/jpeg")
    ]
    assert len(thumbs) == len(items)
    image = cv2.imdecode(
        np.frombuffer(base64.b64decode(thumbs[0].split(",", 1)[1]), np.uint8), cv2.IMREAD_COLOR
    )
    assert image.shape[:2] == (168, 168) and image.std() > 10  # a picture, not a black square


def test_each_moment_plays_from_the_recording_beside_the_report(reviewed: dict[str, Any]) -> None:
    items = [attrs for tag, attrs in reviewed["page"].tags if tag == "li"]
    videos = [attrs["src"] for tag, attrs in reviewed["page"].tags if tag == "video"]
    assert len(videos) == len(items)
    page_dir = default_out_dir(reviewed["folder"] / "take.avi")
    for src, item in zip(videos, items, strict=True):
        path, fragment = src.split("#t=")
        assert (page_dir / path).resolve() == (reviewed["folder"] / "take.avi").resolve()
        start, end = (float(v) for v in fragment.split(","))
        assert start == pytest.approx(float(item["data-start"]), abs=0.01)
        assert end == pytest.approx(float(item["data-end"]), abs=0.01)


def test_json_has_the_same_moments_as_the_page(reviewed: dict[str, Any]) -> None:
    doc = reviewed["doc"]
    assert doc["schema"] == "companion.review/1"
    items = [attrs for tag, attrs in reviewed["page"].tags if tag == "li"]
    assert [
        (float(a["data-start"]), float(a["data-end"]), float(a["data-apex"]), a["data-flags"])
        for a in items
    ] == [(m["start_s"], m["end_s"], m["apex_s"], " ".join(m["flags"])) for m in doc["moments"]]
    text = " ".join(reviewed["page"].text)
    for m in doc["moments"]:
        assert m["title"] in text and m["tip"] in text
        assert 0 <= m["apex_frame"] < doc["frames"]
        assert m["brief"] == (m["duration_s"] < 0.5)
    assert doc["duration_s"] == pytest.approx(SECONDS, abs=0.1)


def test_the_page_names_no_feeling_and_scores_no_one(reviewed: dict[str, Any]) -> None:
    text = " ".join(reviewed["page"].text)
    assert find_banned(text) == []
    assert "%" not in text and "score" not in text.lower()


def test_missing_video_is_one_line_and_no_folder(tmp_path: Path) -> None:
    video = tmp_path / "missing.mp4"
    done = subprocess.run(
        [sys.executable, "-m", "companion", "review", str(video)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 3
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "no such file" in lines[0]
    assert list(tmp_path.iterdir()) == []


def test_output_folder_in_a_missing_place_fails_before_any_work(
    clip: ClipFinder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "nowhere" / "report"
    code = main(["review", str(clip("liveportrait_d19.mp4")), "--out", str(out)])
    assert code == 5
    assert "does not exist" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_no_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: Path, target: Path) -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "rename", refuse)
    with pytest.raises(OSError):
        write_report_dir(tmp_path / "report", "<!DOCTYPE html>")
    assert list(tmp_path.iterdir()) == []


def test_a_file_in_the_way_is_refused(tmp_path: Path) -> None:
    (tmp_path / "report").write_text("mine")
    with pytest.raises(OutputError, match="not a folder"):
        write_report_dir(tmp_path / "report", "<!DOCTYPE html>")
    assert (tmp_path / "report").read_text() == "mine"


def test_a_new_report_folder_keeps_to_the_users_umask(tmp_path: Path) -> None:
    old = os.umask(0o077)
    try:
        page = write_report_dir(tmp_path / "report", "<!DOCTYPE html>")
    finally:
        os.umask(old)
    assert stat.S_IMODE(page.parent.stat().st_mode) == 0o700  # thumbnails of the user's face
    assert stat.S_IMODE(page.stat().st_mode) == 0o600


def test_a_file_where_the_report_goes_is_refused_before_the_video_is_analysed(
    clip: ClipFinder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def never(*args: object) -> None:
        raise AssertionError("the video was analysed")

    monkeypatch.setattr("companion.review.run.review_video", never)
    (tmp_path / "report").write_text("mine")
    with pytest.raises(OutputError, match="not a folder"):
        run_review(clip("grid_bbaf2n.mpg"), out_dir=tmp_path / "report")
    assert (tmp_path / "report").read_text() == "mine"
