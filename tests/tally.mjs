// Totals tests/run.sh's runners into its two closing lines:
//   runners: <name> N passed N failed (S s); …
//   N passed, N failed
// Reads RESULTS/runners.tsv, one runner a line: name, kind (vitest or wtr),
// counts file, exit status, seconds. A skipped test counts as failed, and so
// does a runner that crashed, counted nothing, or exited non-zero with no
// failure counted (a file that failed to load, a hook that threw).
import { existsSync, readFileSync } from 'node:fs';

const [results] = process.argv.slice(2);

/** vitest's JSON report: passes, and failures of every kind, skips included. */
function vitestCounts(report) {
  let failed = report.numFailedTests + report.numPendingTests + report.numTodoTests;
  // A file that failed with none of its tests failing: it did not load, or a hook threw.
  failed += report.testResults.filter((file) => file.status === 'failed' && !file.assertionResults.some((test) => test.status === 'failed')).length;
  return { passed: report.numPassedTests, failed };
}

/** web-test-runner's counts, written by tests/elements/support/count-reporter.mjs. */
const wtrCounts = (counts) => ({ passed: counts.passed, failed: counts.failed });

const COUNTERS = { vitest: vitestCounts, wtr: wtrCounts };

let passed = 0;
let failed = 0;
const parts = [];
for (const line of readFileSync(`${results}/runners.tsv`, 'utf8').split('\n').filter((entry) => entry !== '')) {
  const [name, kind, file, status, seconds] = line.split('\t');
  const counts = existsSync(file) ? COUNTERS[kind](JSON.parse(readFileSync(file, 'utf8'))) : { passed: 0, failed: 0 };
  if (counts.passed + counts.failed === 0 || (Number(status) !== 0 && counts.failed === 0)) counts.failed += 1;
  passed += counts.passed;
  failed += counts.failed;
  parts.push(`${name} ${counts.passed} passed ${counts.failed} failed (${seconds} s)`);
}
console.log(`runners: ${parts.join('; ')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
