"""Whole recorded videos: recorded once, then analysed, evaluated, tuned or reviewed.

- `recording`: one pass of the offline pipeline over a video, kept as arrays (`record`);
- `analysis`: the cue engine replayed over a recording, ``companion.analysis/1``;
- `evaluation`: analyses scored against hand labels, and the fixed tune/validation split;
- `tuning`: settings searched on the tune clips by replaying their recordings;
- `early_movement`: the recordings with a movement put before them, to test the neutral.

The self-tape review (`companion.review`) reads the same recordings.
"""
