#!/usr/bin/env bash
# The one test command (`npm test`): builds, runs every test runner that has
# tests, and ends with one line `N passed, N failed` totalling them all.
# A skipped test counts as failed: a skip in CI hides a gap.
set -uo pipefail
cd "$(dirname "$0")/.."

# System packages the tests drive for real: engines, registry, busybox for a
# container that runs, Chromium for the elements, openssl for the token
# issuer's signing certificate. Installed when run as root.
SYSTEM_PACKAGES=(podman docker.io docker-registry busybox-static chromium openssl)
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

if ! npm run --silent build; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

npx vitest run --config tests/vitest.config.ts --reporter=default --reporter=json --outputFile="$results/vitest.json"
vitest_status=$?

# Element tests (web-test-runner in Chromium, against the built server) when
# there are any; a runner with no tests is left out of the closing line.
wtr_status=none
if [ -n "$(find tests/elements -name '*.browser-test.ts' 2>/dev/null | head -n 1)" ]; then
  SLOTPULL_WTR_COUNTS="$results/wtr.json" npx web-test-runner
  wtr_status=$?
fi

node --input-type=module - "$results" "$vitest_status" "$wtr_status" <<'JS'
import { existsSync, readFileSync } from 'node:fs';
const [dir, vitestStatus, wtrStatus] = process.argv.slice(2);
let passed = 0;
let failed = 0;
const file = `${dir}/vitest.json`;
if (existsSync(file)) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests + report.numPendingTests + report.numTodoTests;
  // A file that failed to load has no tests to count, so count it as one failure.
  failed += report.testResults.filter((r) => r.status === 'failed' && r.assertionResults.length === 0).length;
} else {
  failed += 1;
}
if (Number(vitestStatus) !== 0 && failed === 0) failed = 1;
const parts = [`vitest ${passed} passed ${failed} failed`];
if (wtrStatus !== 'none') {
  // Element test files exist, so the runner must have counted something.
  const counts = `${dir}/wtr.json`;
  const wtr = existsSync(counts) ? JSON.parse(readFileSync(counts, 'utf8')) : { passed: 0, failed: 0 };
  if (wtr.passed + wtr.failed === 0 || (Number(wtrStatus) !== 0 && wtr.failed === 0)) wtr.failed += 1;
  passed += wtr.passed;
  failed += wtr.failed;
  parts.push(`web-test-runner ${wtr.passed} passed ${wtr.failed} failed`);
}
console.log(`runners: ${parts.join('; ')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
JS
