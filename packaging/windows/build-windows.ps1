# Build the Windows one-folder app and installer (run in PowerShell on Windows).
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..\..")
python -m pip install -q "pyinstaller>=6.10" ".[dev]"
pyinstaller packaging\pyinstaller\companion.spec --noconfirm --clean --distpath dist --workpath build\pyinstaller
# companion.exe is windowed (no console output); the console build answers for both.
& "dist\companion\companion-cli.exe" --version
& "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe" packaging\windows\companion.iss
