#!/usr/bin/env bash
# Build, sign and notarise Companion.app on macOS (cannot run on the Linux build machine).
#   IDENTITY="Developer ID Application: ..." NOTARY_PROFILE=companion packaging/macos/build-macos.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
python3 -m pip install -q "pyinstaller>=6.10" ".[dev]"
pyinstaller packaging/pyinstaller/companion.spec --noconfirm --clean --distpath dist --workpath build/pyinstaller
APP=dist/Companion.app
rm -rf "$APP" && mkdir -p "$APP/Contents/MacOS" "$APP/Contents/Resources"
cp -R dist/companion/. "$APP/Contents/MacOS/"
cp packaging/macos/Info.plist "$APP/Contents/Info.plist"
# The Screen Recording grant is tied to the code signature: sign every binary with the same
# identity and the hardened runtime, or macOS asks again after each build.
codesign --force --deep --options runtime --timestamp --sign "$IDENTITY" "$APP"
ditto -c -k --keepParent "$APP" dist/Companion.zip
xcrun notarytool submit dist/Companion.zip --keychain-profile "$NOTARY_PROFILE" --wait
xcrun stapler staple "$APP"
