#!/bin/sh
# The push path's final measurement, on a quiet machine (nothing else running): prints three tables for
# bench/RESULTS.md and leaves their JSON in OUT_DIR (default ./bench-final):
#   1. `notify bench` side by side with raw ws and Socket.IO 4: 10,000 connections, medians of 3 repeats, every
#      goal met or missed (the batch route's figure included);
#   2. the per-stage table: notify and raw ws, push loop profiled (bench/push-stages.ts), medians of 3 repeats;
#   3. the CI guard's ratio, 5 runs in a row: its quiet swing (bench/baseline.json is not changed; record it with
#      `node dist/bench/guard.js --record --reason "…"` and commit it with that reason).
# About 25 minutes on 2 cores.
set -e
cd "$(dirname "$0")/.."
out="${1:-bench-final}"
mkdir -p "$out"
npm run build >/dev/null
node dist/cli/notify.js bench --repeat 3 --json > "$out/bench.json"
node dist/bench/render-report.js "$out/bench.json"
node dist/cli/notify.js bench --targets notify,baseline --scenarios push --repeat 3 --stages "$out/stages" --json > "$out/stages.json"
node dist/bench/stage-table.js "this build=$out/stages.json"
for i in 1 2 3 4 5; do
  node dist/bench/guard.js --record --reason "quiet swing $i" --baseline "$out/guard-$i.json" | grep 'median ratio'
done
