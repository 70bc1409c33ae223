"""Self-tape review: the moments of your own recording, as a report and in a replay player.

- the recording: one pass of the pipeline over the video (`companion.offline.recording`);
- `traces`, `detect`, `signals`: the main face against its own resting face (cue engine
  events plus the review's own blinks, eye line, brows and smiles, and the traces plotted);
- `moments`: the flags of self-tape practice, found in those events (pure, no I/O);
- `wording`: every sentence the report and the player show;
- `plot`, `thumbs`, `html`: the timeline image, the face thumbnails and the page;
- `report`, `run`: the review as data and JSON, the report folder, ``companion review``.
The player itself lives in `companion.ui.review_player` (the only place for Qt).
"""
