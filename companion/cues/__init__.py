"""Cue engine: per-frame signals, per-person baselines, movement events and clusters.

Pure numpy; no Qt and no MediaPipe. The entry point is `companion.cues.engine.CueEngine`;
`companion.cues.take` reads a finished take whole (the self-tape review's mode).
"""
