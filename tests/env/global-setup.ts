// vitest globalSetup of the "engines" project (tests/vitest.config.ts): starts
// the real-engine environment once, in vitest's main process, before the
// first real-engine test file, and stops it after the last. Tests get its
// description through `useEngineEnv()` (context.ts) and steer the proxy over
// HTTP (proxy-client.ts). vitest runs this only when a file of that project
// is selected, so unit-only runs start nothing.
//
// SLOTPULL_ENV_DEBUG=1 prints each start step and its time.
import type { TestProject } from 'vitest/node';
import type {} from './context.ts';
import { startEngineEnv } from './engines.mjs';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const env = await startEngineEnv();
  project.provide('engineEnv', env.info);
  return async () => {
    await env.stop();
  };
}
