// A web-test-runner reporter that writes the run's counts to a JSON file for
// tests/run.sh's closing line: {passed, failed, names of the failures}. A skipped test counts as
// failed, and so does a test file whose errors are not any test's (a file
// that failed to load, a failing hook).
import { writeFileSync } from 'node:fs';

function testsOf(suite) {
  if (suite === undefined) return [];
  return [...suite.tests, ...suite.suites.flatMap(testsOf)];
}

export function countReporter(file) {
  return {
    stop({ sessions }) {
      let passed = 0;
      let failed = 0;
      const names = [];
      for (const session of sessions) {
        const tests = testsOf(session.testResults);
        for (const test of tests) {
          if (test.passed && !test.skipped) passed += 1;
          else {
            failed += 1;
            names.push(`${session.testFile}: ${test.name}${test.skipped ? ' (skipped)' : ''}`);
          }
        }
        const testFailed = tests.some((test) => !test.passed || test.skipped);
        if ((session.errors.length > 0 || session.passed === false || tests.length === 0) && !testFailed) {
          failed += 1;
          names.push(`${session.testFile}: the file failed outside its tests`);
        }
      }
      writeFileSync(file, `${JSON.stringify({ passed, failed, files: sessions.length, names })}\n`);
    },
  };
}
