"""The zoo's chromium leaves nothing behind it once closed."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from xhelpers import XServer, _need

from companion.bench.zoo.browser import Browser
from companion.bench.zoo.catalog import find_page

pytestmark = pytest.mark.e2e


def test_a_closed_browser_leaves_nothing_in_the_temp_dir(
    xserver: XServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _need("chromium")
    # where chromium puts its singleton socket (a short path: pytest's are too long for one)
    temp = Path(tempfile.mkdtemp(prefix="zoo-temp-"))
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", None)  # read TMPDIR again
    page = find_page("teams_light_2x2")
    html = tmp_path / "page.html"
    html.write_text(f"<!doctype html><title>{page.title}</title><body>", encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    browser = Browser(page, html, xserver.display, work)
    try:
        browser.window(timeout=60)
    finally:
        browser.close()
        left = list(temp.iterdir())
        shutil.rmtree(temp)
    assert left == []
    assert [p.name for p in work.iterdir()] == ["chromium.log"]
