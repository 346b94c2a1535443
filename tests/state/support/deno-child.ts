// The children of tests/state/ on Deno, from the source: see children.mjs.
// Run with --allow-read=DIR --allow-write=DIR and nothing else.
import { openJobStore } from '../../../server/state/job-store.ts';
import { acquireStateLock } from '../../../server/state/state-lock.ts';
// @ts-expect-error: a plain ES module of the tests, without types.
import { runChild } from './children.mjs';

await runChild({ acquireStateLock, openJobStore }, process.argv.slice(2));
