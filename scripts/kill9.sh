#!/bin/sh
# kill -9 during publish, the long form (not in CI): 50 SIGKILLs of `notify serve --store sqlite:…` while
# pushers push with Idempotency-Key retries. Prints "kill9: acknowledged N, lost 0, duplicated 0, …".
# KILL9_KILLS=N changes the number of kills.
set -e
cd "$(dirname "$0")/.."
npm run build >/dev/null
KILL9_KILLS="${KILL9_KILLS:-50}" KILL9_VERBOSE=1 npx vitest run test/hardening/kill9.test.ts
