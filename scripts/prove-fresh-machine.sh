#!/usr/bin/env bash
# Proves the README's two commands on a machine with nothing cached: clones this repository's
# HEAD into a temporary folder, points HOME at a new empty directory (no editor cache, no npm
# cache), then runs CI twice in a row and `npm ci && npm run demo` once, timing each.
#
#   bash scripts/prove-fresh-machine.sh [ci|demo|all]     (default: all)
#
# Not part of CI: CI itself is .ci/run. Apt packages (Chromium) are machine-wide and cannot be
# made "fresh" this way; remove them first (apt-get remove chromium) to include their install.
set -euo pipefail
what="${1:-all}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d /tmp/baton-fresh-XXXX)"
export HOME="$work/home"
mkdir -p "$HOME"
for name in $(compgen -e); do case "$name" in npm_*|NPM_*|INIT_CWD) unset "$name" ;; esac; done
git clone -q "$repo" "$work/baton"
cd "$work/baton"
echo "[fresh] clone of $(git log --oneline -1) in $work/baton, HOME=$HOME"

seconds() { local start=$1; echo $(( $(date +%s) - start )); }

if [ "$what" = ci ] || [ "$what" = all ]; then
  for run in 1 2; do
    start=$(date +%s)
    if CI=true bash .ci/run > "$work/ci-$run.log" 2>&1; then result=green; else result=RED; fi
    echo "[fresh] CI run $run: $result in $(seconds "$start") s ($(grep -hE '^\s+[0-9]+ (passing|failing)' "$work/ci-$run.log" | tr -s ' ' | paste -sd, -)); log: $work/ci-$run.log"
    [ "$result" = green ] || exit 1
  done
fi

if [ "$what" = demo ] || [ "$what" = all ]; then
  if [ "$what" = all ]; then   # a second empty HOME: the demo must not lean on the CI runs' cache
    export HOME="$work/home-demo"; mkdir -p "$HOME"; rm -rf node_modules dist out
  fi
  port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  start=$(date +%s)
  : > "$work/demo.log"
  # Its own process group, so that one signal stops npm, the demo and (through the demo) the editor.
  setsid bash -c "npm ci && exec npm run demo -- --port $port" > "$work/demo.log" 2>&1 &
  demo=$!
  trap 'kill -TERM -- -$demo 2>/dev/null || true; sleep 3' EXIT
  until grep -q 'Baton demo is running' "$work/demo.log"; do
    kill -0 $demo 2>/dev/null || { echo "[fresh] the demo exited:"; tail -20 "$work/demo.log"; exit 1; }
    sleep 1
  done
  echo "[fresh] npm ci && npm run demo: serving on port $port after $(seconds "$start") s"
  node "$work/baton/tools/demo/check.mjs" "$(grep -o 'http://127.0.0.1:[0-9]*/?folder=[^ ]*' "$work/demo.log" | head -1)"
fi
