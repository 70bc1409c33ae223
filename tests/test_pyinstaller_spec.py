"""The PyInstaller spec freezes every module companion/ imports by name, and builds the app.

PyInstaller's analysis follows ``import`` statements only: a module loaded through
``importlib.import_module("Quartz")`` is left out of the frozen app unless the spec names
it as a hidden import. These tests read the sources and the spec as text (PyInstaller is
not installed here, and the macOS build cannot run here), so the two cannot drift apart.
"""

from __future__ import annotations

import ast
import plistlib
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "companion"
SPEC = REPO / "packaging" / "pyinstaller" / "companion.spec"
INFO_PLIST = REPO / "packaging" / "macos" / "Info.plist"
BUILD_MACOS = REPO / "packaging" / "macos" / "build-macos.sh"
INNO_SETUP = REPO / "packaging" / "windows" / "companion.iss"


def _spec_tree() -> ast.Module:
    return ast.parse(SPEC.read_text(encoding="utf-8"), filename=str(SPEC))


def _spec_constant(name: str) -> object:
    for node in ast.walk(_spec_tree()):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{SPEC.name} assigns no {name}")


def _spec_calls(name: str) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(_spec_tree())
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name
    ]


def _imports_by_name() -> tuple[set[str], list[str]]:
    """Module names passed as text to import_module / __import__ in companion/, and the
    places that pass anything else (``file:line: expression``)."""
    names: set[str] = set()
    computed: list[str] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called not in ("import_module", "__import__"):
                continue
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                names.add(arg.value)
            else:
                where = path.relative_to(REPO).as_posix()
                computed.append(f"{where}:{node.lineno}: {ast.unparse(arg)}")
    return names, computed


def _is_own_module(expression: str) -> bool:
    """An f-string naming a module of the package, such as f"companion.commands.{command}"."""
    tree = ast.parse(expression.split(": ", 1)[1], mode="eval").body
    return (
        isinstance(tree, ast.JoinedStr)
        and isinstance(first := tree.values[0], ast.Constant)
        and str(first.value).startswith("companion.")
    )


def test_the_sources_do_import_modules_by_name() -> None:
    names, computed = _imports_by_name()
    assert {"Quartz", "objc"} <= names  # the scan finds what it is meant to find
    assert any("companion.commands" in c for c in computed)


def test_hidden_imports_are_exactly_the_modules_imported_by_name() -> None:
    names, _ = _imports_by_name()
    outside = {n for n in names if n != "companion" and not n.startswith("companion.")}
    hidden = _spec_constant("MACOS_HIDDEN_IMPORTS")
    assert isinstance(hidden, list)
    assert sorted(outside) == sorted(hidden), (
        "packaging/pyinstaller/companion.spec MACOS_HIDDEN_IMPORTS must list every module "
        f"companion/ imports by name: the sources have {sorted(outside)}, the spec {hidden}"
    )


def test_modules_named_at_run_time_are_the_package_s_own() -> None:
    _, computed = _imports_by_name()
    strays = [c for c in computed if not _is_own_module(c)]
    assert not strays, f"imports the spec cannot know of; name them literally: {strays}"
    collected = [
        call
        for call in _spec_calls("collect_submodules")
        if call.args and ast.literal_eval(call.args[0]) == "companion"
    ]
    assert collected, "the spec must freeze every companion submodule"


def test_the_mac_app_is_made_by_bundle_from_the_info_plist() -> None:
    (bundle,) = _spec_calls("BUNDLE")
    keywords = {k.arg: k.value for k in bundle.keywords}
    assert ast.literal_eval(keywords["name"]) == "Companion.app"
    assert isinstance(keywords["info_plist"], ast.Name)
    assert "Info.plist" in SPEC.read_text(encoding="utf-8")
    (exe,) = _build("darwin").calls["EXE"]
    info = plistlib.loads(INFO_PLIST.read_bytes())
    assert info["CFBundleExecutable"] == exe["name"]
    # BUNDLE marks a console executable's app as background-only (no windows) unless the
    # Info.plist says otherwise.
    assert info["LSBackgroundOnly"] is False
    script = BUILD_MACOS.read_text(encoding="utf-8")
    assert "mkdir" not in script and "--force --deep" not in script  # no hand-made app
    assert "COMPANION_CODESIGN_IDENTITY" in script


@dataclass
class _Build:
    """What the spec asked PyInstaller for: each class's calls, as keyword arguments (the
    positional ones under "args")."""

    calls: dict[str, list[dict[str, object]]] = field(default_factory=dict)

    def record(self, kind: str) -> object:
        def call(*args: object, **kwargs: object) -> object:
            made = types.SimpleNamespace(kind=kind, args=args, **kwargs)
            made.pure = made.scripts = made.binaries = made.datas = [kind]
            self.calls.setdefault(kind, []).append({"args": args, **kwargs})
            return made

        return call


def _build(platform: str) -> _Build:
    """Run the spec as PyInstaller would on ``platform``, with PyInstaller stubbed out."""
    build = _Build()
    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_data_files = lambda *a, **k: []  # type: ignore[attr-defined]
    hooks.collect_submodules = lambda *a, **k: []  # type: ignore[attr-defined]
    names = {name: build.record(name) for name in ("Analysis", "PYZ", "EXE", "COLLECT", "BUNDLE")}
    with pytest.MonkeyPatch.context() as patch:
        for module in ("PyInstaller", "PyInstaller.utils"):
            patch.setitem(sys.modules, module, types.ModuleType(module))
        patch.setitem(sys.modules, "PyInstaller.utils.hooks", hooks)
        patch.setattr(sys, "platform", platform)
        code = compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec")
        exec(code, {"SPECPATH": str(SPEC.parent), **names})
    return build


@pytest.mark.parametrize(
    ("platform", "executables"),
    [
        ("linux", [("companion", True)]),
        ("darwin", [("companion", True)]),
        ("win32", [("companion", False), ("companion-cli", True)]),
    ],
)
def test_windows_gets_a_windowed_app_and_a_console_build_for_the_cli(
    platform: str, executables: list[tuple[str, bool]]
) -> None:
    build = _build(platform)
    made = [(exe["name"], exe["console"]) for exe in build.calls["EXE"]]
    assert made == executables
    (collect,) = build.calls["COLLECT"]
    kinds = [getattr(a, "kind", None) for a in collect["args"]]  # type: ignore[attr-defined]
    assert kinds.count("EXE") == len(executables)  # one folder, the files shared
    assert collect["name"] == "companion"
    assert ("BUNDLE" in build.calls) == (platform == "darwin")


def test_the_start_menu_shortcut_opens_the_overlay_without_a_console() -> None:
    icons = INNO_SETUP.read_text(encoding="utf-8").split("[Icons]", 1)[1]
    (shortcut,) = [
        line for line in icons.splitlines() if line.startswith('Name: "{group}\\Companion"')
    ]
    assert 'Filename: "{app}\\companion.exe"' in shortcut
    assert "Parameters" not in shortcut  # no command: the CLI then runs the overlay
