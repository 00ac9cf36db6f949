#!/usr/bin/env bash
# `npm run test:loaded`: the whole `npm test`, N times in a row (default 3),
# while two busy loops hold both cores at 100 %. Tests wait on conditions,
# never on the machine being fast; this is how that is checked.
set -euo pipefail
runs="${1:-3}"
node -e 'for (;;) {}' &
first=$!
node -e 'for (;;) {}' &
second=$!
trap 'kill "$first" "$second" 2>/dev/null || true' EXIT
for i in $(seq 1 "$runs"); do
  echo "== npm test under load, run $i of $runs"
  npm test
done
echo "== npm test passed $runs times in a row under two busy loops"
