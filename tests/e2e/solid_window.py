"""A plain window of one colour, for window-finding and capture tests.

    python solid_window.py --title "Zoom Meeting" --rgb 40,120,200 --geometry 100,80,640,360

Prints ``ready`` once shown.
"""

from __future__ import annotations

import argparse
import sys

from companion.ui.qtenv import scrub_cv2_qt_paths


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--title", default="Zoom Meeting")
    parser.add_argument("--rgb", default="40,120,200")
    parser.add_argument("--geometry", default="100,80,640,360")
    args = parser.parse_args()
    scrub_cv2_qt_paths()
    from PyQt6.QtCore import QTimer
    from PyQt6.QtWidgets import QApplication, QWidget

    app = QApplication(sys.argv[:1])
    x, y, w, h = (int(v) for v in args.geometry.split(","))
    window = QWidget()
    window.setWindowTitle(args.title)
    window.setStyleSheet(f"background: rgb({args.rgb});")
    window.setFixedSize(w, h)
    window.move(x, y)
    window.show()
    QTimer.singleShot(300, lambda: (sys.stdout.write("ready\n"), sys.stdout.flush()))
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
