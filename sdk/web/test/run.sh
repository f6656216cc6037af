#!/bin/sh
# Runs the harness in headless Chromium against the in-page mock server; prints the results.
# Usage: sdk/web/test/run.sh [port]
cd "$(dirname "$0")" || exit 1
PORT=${1:-8765}
rm -f results.txt
python3 serve.py "$PORT" & SERVER=$!
PROFILE=$(mktemp -d)
timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
  --use-fake-device-for-media-stream --use-fake-ui-for-media-stream --autoplay-policy=no-user-gesture-required \
  --user-data-dir="$PROFILE" --remote-debugging-port=0 "http://127.0.0.1:$PORT/test/harness.html" >/dev/null 2>&1 & BROWSER=$!
i=0; while [ ! -s results.txt ] && [ $i -lt 110 ]; do sleep 1; i=$((i+1)); done
kill $BROWSER $SERVER 2>/dev/null; wait 2>/dev/null; rm -rf "$PROFILE"
if [ -s results.txt ]; then cat results.txt; grep -q '^FAIL' results.txt && exit 1; exit 0; fi
echo "no results (timeout)"; exit 2
