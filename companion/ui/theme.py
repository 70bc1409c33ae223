"""Colours and the style sheet: dark, quiet, readable. No animation beyond soft fades."""

from __future__ import annotations

BACKGROUND = "#1b1e23"
SURFACE = "#23272e"
BORDER = "#343a42"
TEXT = "#dde2e8"
DIM = "#8d96a1"
WATCHING = "#5fb38a"
PAUSED = "#8d96a1"
WAITING = "#c9a860"
ERROR = "#d08770"
FOCUS = "#7aa7d6"
MARKER = "#7d8793"
ME = "#b59bd6"
ABOUT = "#e3b75c"
"""The marker of the person a check-in card is about."""

STYLE = f"""
QWidget#panel, QWidget#card, QDialog {{
    background: {BACKGROUND};
    border: 1px solid {BORDER};
}}
QLabel {{ color: {TEXT}; background: transparent; border: none; }}
QLabel[role="dim"] {{ color: {DIM}; }}
QLabel[role="title"] {{ color: {DIM}; font-size: 11px; letter-spacing: 1px; }}
QLabel[role="prompt"] {{ color: {TEXT}; font-size: 15px; }}
QLabel[role="error"] {{ color: {ERROR}; }}
QPushButton {{
    background: {SURFACE}; color: {TEXT}; border: 1px solid {BORDER};
    border-radius: 4px; padding: 4px 10px;
}}
QPushButton:hover {{ background: #2c313a; }}
QPushButton:pressed {{ background: #30363f; }}
QWidget#panel QPushButton {{ padding: 4px 6px; }}
QPushButton[role="quiet"] {{ background: transparent; color: {DIM}; border: none; }}
QPushButton[role="quiet"]:hover {{ color: {TEXT}; }}
QComboBox, QLineEdit, QPlainTextEdit {{
    background: {SURFACE}; color: {TEXT}; border: 1px solid {BORDER};
    border-radius: 4px; padding: 3px 6px;
}}
QComboBox QAbstractItemView {{ background: {SURFACE}; color: {TEXT}; }}
QCheckBox {{ color: {TEXT}; }}
QSlider::groove:horizontal {{ height: 4px; background: {BORDER}; }}
QSlider::handle:horizontal {{ width: 12px; margin: -5px 0; background: {DIM}; border-radius: 6px; }}
QProgressBar {{ background: {BORDER}; border: none; }}
QProgressBar::chunk {{ background: {FOCUS}; }}
QMenu {{ background: {SURFACE}; color: {TEXT}; border: 1px solid {BORDER}; }}
QMenu::item:selected {{ background: #2f353e; }}
"""
