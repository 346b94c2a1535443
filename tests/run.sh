#!/usr/bin/env bash
# The one test command (`npm test`): builds, runs every test runner that has
# tests, and ends with one line `N passed, N failed` totalling them all
# (tests/tally.mjs; the line before names each runner, its counts and time).
# A skipped test counts as failed: a skip in CI hides a gap.
#
# Runners: vitest on this machine's node (projects unit and engines, npm run
# test:unit / test:engines), the unit project again on Node 22, Node 24 and
# Deno (tests/unit-on.sh, npm run test:unit:node22 / :node24 / :deno), and
# web-test-runner (npm run test:elements). The other runtimes' passes, then
# the element tests, run in the background beside the vitest run, whose
# engine tests mostly wait on real engines and a throttled registry.
set -uo pipefail
cd "$(dirname "$0")/.."

# System packages the tests drive for real: engines, registry, busybox for a
# container that runs, Chromium for the elements, openssl for certificates
# (the token issuer's, TLS engines'), sshd for engines over ssh, nginx for
# the reverse-proxy recipe, a Japanese font for the pictures in Japanese
# (without one Chromium draws empty boxes). Installed when run as root.
SYSTEM_PACKAGES=(podman docker.io docker-registry busybox-static chromium openssl openssh-server nginx fonts-ipafont-gothic)
missing=()
for package in "${SYSTEM_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "installing ${missing[*]}"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; } ||
      { echo "apt-get install ${missing[*]} failed"; echo "0 passed, 1 failed"; exit 1; }
  else
    echo "missing system packages: ${missing[*]} (run npm test as root, or apt-get install them)"
  fi
fi

# A fresh checkout has no node_modules yet.
[ -d node_modules ] || npm ci --no-audit --no-fund || { echo "npm ci failed"; echo "0 passed, 1 failed"; exit 1; }

results=.test-results
rm -rf "$results" && mkdir -p "$results"

build_started=$SECONDS
if ! npm run --silent build; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

echo "built in $((SECONDS - build_started)) s"

# One line per runner for tests/tally.mjs: name, kind, counts file, exit status, seconds.
record() {
  printf '%s\t%s\t%s\t%s\t%s\n' "$@" >>"$results/runners.tsv"
}

# The unit project on the other runtimes, one after another, each into its own
# log (printed at the end), at the lowest priority: they take the CPU the
# foreground runners leave while they wait, and the timing-sensitive tests
# (real engines under load, a real browser) keep theirs.
OTHER_RUNTIMES=(deno node-22 node-24)
other_runtimes() {
  for runtime in "${OTHER_RUNTIMES[@]}"; do
    local started=$SECONDS
    nice -n 19 bash tests/unit-on.sh "$runtime" --reporter=dot --reporter=json --outputFile.json="$results/unit-$runtime.json" \
      >"$results/unit-$runtime.log" 2>&1
    record "vitest unit on $runtime" vitest "$results/unit-$runtime.json" $? $((SECONDS - started))
  done
}

# Element tests (web-test-runner in Chromium, against the built server) when
# there are any; a runner with no tests is left out of the closing line. Into
# a log (printed at the end), as they run beside the vitest run.
element_tests() {
  [ -n "$(find tests/elements -name '*.browser-test.ts' 2>/dev/null | head -n 1)" ] || return 0
  local started=$SECONDS
  SLOTPULL_WTR_COUNTS="$results/wtr.json" npx web-test-runner >"$results/wtr.log" 2>&1
  record web-test-runner wtr "$results/wtr.json" $? $((SECONDS - started))
}

# Both in the background, one after the other: the element tests start once
# the other runtimes' CPU-bound passes are done (about 6 minutes in), beside
# the last minute or so of the vitest run, whose engine and system tests
# mostly wait on real engines and a throttled registry; run after it, they
# made npm test a minute longer.
{ other_runtimes; element_tests; } &
background=$!

started=$SECONDS
npx vitest run --config tests/vitest.config.ts --reporter=default --reporter=json --outputFile.json="$results/vitest.json"
record "vitest on node $(node --version) (unit, processes, engines, system)" vitest "$results/vitest.json" $? $((SECONDS - started))

waited=$SECONDS
wait "$background"
echo "waited $((SECONDS - waited)) s for the other runtimes and the element tests after vitest"
for runtime in "${OTHER_RUNTIMES[@]}"; do
  echo "--- vitest unit on $runtime (tests/unit-on.sh $runtime)"
  cat "$results/unit-$runtime.log"
done
if [ -f "$results/wtr.log" ]; then
  echo "--- web-test-runner"
  cat "$results/wtr.log"
fi

echo "npm test took $SECONDS s"
node tests/tally.mjs "$results"
