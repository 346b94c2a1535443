/** Builds the real Hono app over a runtime and slots, with a counting clock. */
import { validateSlotsFile } from '../../server/config/schema.ts';
import type { ContainerRuntime } from '../../server/core/runtime.ts';
import { createSlotpull, type Slotpull, type SlotpullOptions } from '../../server/http/app.ts';
import { countingClock, type CountingClock } from './clock.ts';

export const TEST_SLOTS = {
  slots: [
    { name: 'chat', provider: 'container', image: '127.0.0.1:5000/feas/multi:1', port: 8081, model: 'qwen3-8b', labels: { gpu: '0' } },
    { name: 'code', provider: 'container', image: '127.0.0.1:5000/feas/multi:1' },
    { name: 'big', provider: 'container', image: '127.0.0.1:5000/feas/big:1', container: 'big-box' },
    { name: 'embed', provider: 'external', url: 'http://127.0.0.1:8082' },
  ],
};

export interface TestApp extends Slotpull {
  clock: CountingClock;
  request(path: string, init?: RequestInit): Promise<Response>;
}

export function makeApp(runtime: ContainerRuntime, overrides: Partial<SlotpullOptions> = {}, slotsFile: unknown = TEST_SLOTS): TestApp {
  const config = validateSlotsFile(slotsFile, 'test');
  if (!config.ok) throw new Error(config.problems.join('\n'));
  const clock = countingClock();
  let ids = 0;
  const slotpull = createSlotpull({
    slots: config.slots,
    runtime,
    clock,
    newJobId: () => `p_test${++ids}`,
    version: 'test',
    ...overrides,
  });
  return {
    ...slotpull,
    clock,
    request: async (path, init) => slotpull.app.request(`http://127.0.0.1${path}`, init),
  };
}
