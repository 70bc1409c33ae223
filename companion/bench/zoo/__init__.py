"""The layout zoo: call pages drawn by a real browser, scored against companion's live path.

`zoo/` at the repository root holds hand-written HTML pages that look like Meet, Teams and
Zoom call windows, each tile playing a real clip. `companion bench --page NAME` prepares the
clips as WebM (`media`), opens the page in chromium (`browser`), runs ``companion run
--headless --attach TITLE`` against that window, and scores the participants it reports
against the page's tiles (`score`).
"""
