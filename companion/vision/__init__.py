"""Face finding, landmarking, tracking and scheduling.

The only package that imports MediaPipe, and only in the modules that need it
(`landmarker`, `detector`), so importing this package alone stays light.
"""
