"""What the import contracts cannot see: the commands start fast.

The layers and the rules "Qt only in companion/ui" and "MediaPipe only in
companion/vision" are import-linter contracts (``[tool.importlinter]`` in pyproject.toml,
run by ``scripts/check`` as ``lint-imports``). They read the source, so a command module
that imports the overlay inside a function, as every command does, passes them. This
checks what a user waits for: loading the command line and every command module loads
neither Qt nor MediaPipe until a command needs them.
"""

from __future__ import annotations

import subprocess
import sys


def test_the_command_line_loads_neither_qt_nor_mediapipe() -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        "import companion.cli, companion.commands as c\n"
        "for m in pkgutil.iter_modules(c.__path__):\n"
        "    importlib.import_module('companion.commands.' + m.name)\n"
        "print(' '.join(m for m in ('PyQt6', 'mediapipe') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == []
