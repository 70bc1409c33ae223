"""Face finding, landmarking, tracking and scheduling, and the pipeline that runs them on
each frame (`companion.vision.pipeline`).

The only package that runs networks: LiteRT in `face_networks` (the landmark engine
every participant shares), MediaPipe only in `rawmodel` and `mp_runtime` (the bench's
baseline and the reference the engine is tested against), so importing this package
alone stays light. Layout reading, search planning, tracking,
appearance and motion checks and scheduling are plain numpy, OpenCV and scipy.
"""

import os

import platformdirs

# MediaPipe's vision package imports matplotlib, which writes a font cache on first use.
# Keep that cache inside Companion's own cache folder rather than a shared one.
os.environ.setdefault(
    "MPLCONFIGDIR", str(platformdirs.user_cache_path("companion", appauthor=False) / "matplotlib")
)
