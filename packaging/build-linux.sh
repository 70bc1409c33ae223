#!/usr/bin/env bash
# Build the Linux one-folder app with PyInstaller, smoke-test it, and pack a tarball.
#   packaging/build-linux.sh [CLIP]
# CLIP is a real video for the smoke run (default: ../shared/data/clips/liveportrait_d19.mp4).
set -euo pipefail
cd "$(dirname "$0")/.."
CLIP="${1:-../shared/data/clips/liveportrait_d19.mp4}"

python3 -m pip install -q "pyinstaller>=6.10"
rm -rf build/pyinstaller dist/companion
pyinstaller packaging/pyinstaller/companion.spec --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/pyinstaller

APP=dist/companion/companion
echo "== smoke: version"
"$APP" --version
echo "== smoke: analyze $(basename "$CLIP")"
start=$(date +%s.%N)
"$APP" analyze "$CLIP" --json build/smoke-analysis.json
end=$(date +%s.%N)
python3 - build/smoke-analysis.json <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["schema"] == "companion.analysis/1", doc
assert len(doc["participants"]) == 1, doc["participants"]
print(f"analysis ok: {doc['frames']} frames, {len(doc['participants'])} participant")
PY
echo "analyze wall time: $(python3 -c "print(round($end - $start, 2))") s"
if "$APP" run --help >/dev/null 2>&1; then
    echo "== smoke: overlay start-up (offscreen)"
    start=$(date +%s.%N)
    QT_QPA_PLATFORM=offscreen "$APP" run --self-check
    end=$(date +%s.%N)
    echo "overlay start-up to self-check exit: $(python3 -c "print(round($end - $start, 2))") s"
fi
echo "== bundle"
du -sh dist/companion
tar czf dist/companion-linux-x86_64.tar.gz -C dist companion
du -sh dist/companion-linux-x86_64.tar.gz
