"""PyInstaller hook for MediaPipe Tasks.

MediaPipe 0.10.x and later load their native library with ctypes from the package folder
(``mediapipe/tasks/c/libmediapipe.so``, ``.dylib`` or ``.dll``) through importlib.resources,
so PyInstaller's import analysis never sees it. Collect it (and the Python task modules,
which are imported lazily) explicitly.
"""

from PyInstaller.utils.hooks import collect_dynamic_libs, collect_submodules

binaries = collect_dynamic_libs(
    "mediapipe", destdir="mediapipe/tasks/c", search_patterns=["libmediapipe*"]
)
hiddenimports = collect_submodules(
    "mediapipe.tasks.python", filter=lambda name: ".test" not in name
)
