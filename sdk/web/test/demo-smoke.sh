#!/bin/sh
# Loads one demo page in headless Chromium. Usage: demo-smoke.sh MODE PATH  (MODE mock|forbidden; PATH e.g. "room.html?roomID=5&userID=me")
cd "$(dirname "$0")" || exit 1
MODE=$1; PAGE=$2; PORT=${PORT:-8766}
rm -f results.txt
python3 demo-smoke.py "$PORT" "$MODE" & SERVER=$!
PROFILE=$(mktemp -d)
sleep 0.5
if [ "$MODE" = forbidden ]; then
  timeout 30 chromium --headless --no-sandbox --disable-gpu --disable-background-networking --use-fake-device-for-media-stream \
    --use-fake-ui-for-media-stream --user-data-dir="$PROFILE" --virtual-time-budget=4000 --dump-dom "http://127.0.0.1:$PORT/$PAGE" 2>/dev/null | grep -o '<div id="error"[^>]*>[^<]*</div>'
else
  timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-background-networking --use-fake-device-for-media-stream \
    --use-fake-ui-for-media-stream --autoplay-policy=no-user-gesture-required --user-data-dir="$PROFILE" --remote-debugging-port=0 \
    "http://127.0.0.1:$PORT/$PAGE" >/dev/null 2>&1 & BROWSER=$!
  i=0; while [ ! -s results.txt ] && [ $i -lt 55 ]; do sleep 1; i=$((i+1)); done
  kill $BROWSER 2>/dev/null
  cat results.txt 2>/dev/null || echo "no results"
fi
kill $SERVER 2>/dev/null; wait 2>/dev/null; rm -rf "$PROFILE"
