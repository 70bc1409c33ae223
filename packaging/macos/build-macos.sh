#!/usr/bin/env bash
# Build, sign and notarise Companion.app on macOS (cannot run on the Linux build machine).
#   IDENTITY="Developer ID Application: ..." NOTARY_PROFILE=companion packaging/macos/build-macos.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
python3 -m pip install -q "pyinstaller>=6.10" ".[dev]"
# The spec's BUNDLE() lays out Companion.app (Contents/MacOS, Frameworks, Resources and the
# Info.plist from packaging/macos) and signs it. The Screen Recording grant is tied to the
# code signature, so PyInstaller signs every collected binary and then the app with this one
# identity and the hardened runtime; otherwise macOS asks again after each build.
COMPANION_CODESIGN_IDENTITY="$IDENTITY" \
    pyinstaller packaging/pyinstaller/companion.spec --noconfirm --clean \
    --distpath dist --workpath build/pyinstaller
APP=dist/Companion.app
codesign --verify --deep --strict --verbose=2 "$APP"
ditto -c -k --keepParent "$APP" dist/Companion.zip
xcrun notarytool submit dist/Companion.zip --keychain-profile "$NOTARY_PROFILE" --wait
xcrun stapler staple "$APP"
