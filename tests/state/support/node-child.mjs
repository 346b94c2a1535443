// The children of tests/state/ on Node, from dist/ (`npm run build` first): see children.mjs.
import { openJobStore } from '../../../dist/server/state/job-store.js';
import { acquireStateLock } from '../../../dist/server/state/state-lock.js';
import { runChild } from './children.mjs';

await runChild({ acquireStateLock, openJobStore }, process.argv.slice(2));
