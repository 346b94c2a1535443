// Totals tests/run.sh's runners into its two closing lines:
//   failed: <runner>: <test>            (one a failure, at most 20)
//   runners: <name> N passed N failed (S s); …
//   N passed, N failed
// Reads RESULTS/runners.tsv, one runner a line: name, kind (vitest or wtr),
// counts file, exit status, seconds. A skipped test counts as failed, and so
// does a runner that crashed, counted nothing, or exited non-zero with no
// failure counted (a file that failed to load, a hook that threw).
import { existsSync, readFileSync } from 'node:fs';

const [results] = process.argv.slice(2);

/** vitest's JSON report: passes, and failures of every kind (skips included), named. */
function vitestCounts(report) {
  let failed = report.numFailedTests + report.numPendingTests + report.numTodoTests;
  const names = [];
  for (const file of report.testResults) {
    const failing = file.assertionResults.filter((test) => test.status !== 'passed');
    names.push(...failing.map((test) => `${file.name}: ${test.fullName} (${test.status})`));
    // A file that failed with none of its tests failing: it did not load, or a hook threw.
    if (file.status === 'failed' && !failing.some((test) => test.status === 'failed')) {
      failed += 1;
      names.push(`${file.name}: ${file.message ?? 'the file failed outside its tests'}`.split('\n')[0]);
    }
  }
  return { passed: report.numPassedTests, failed, names };
}

/** web-test-runner's counts, written by tests/elements/support/count-reporter.mjs. */
const wtrCounts = (counts) => ({ passed: counts.passed, failed: counts.failed, names: counts.names ?? [] });

const COUNTERS = { vitest: vitestCounts, wtr: wtrCounts };

let passed = 0;
let failed = 0;
const parts = [];
const failures = [];
for (const line of readFileSync(`${results}/runners.tsv`, 'utf8').split('\n').filter((entry) => entry !== '')) {
  const [name, kind, file, status, seconds] = line.split('\t');
  const counts = existsSync(file) ? COUNTERS[kind](JSON.parse(readFileSync(file, 'utf8'))) : { passed: 0, failed: 0, names: [`no counts in ${file}`] };
  if (counts.passed + counts.failed === 0 || (Number(status) !== 0 && counts.failed === 0)) counts.failed += 1;
  failures.push(...counts.names.map((test) => `${name}: ${test}`));
  passed += counts.passed;
  failed += counts.failed;
  parts.push(`${name} ${counts.passed} passed ${counts.failed} failed (${seconds} s)`);
}
// The failures' names come last but two, where a CI log's tail still shows them.
for (const failure of failures.slice(0, 20)) console.log(`failed: ${failure}`);
console.log(`runners: ${parts.join('; ')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
