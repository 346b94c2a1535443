// slotpull's real app (dist/server) over container slots whose pulls are
// synthetic (synthetic-runtime.mjs): what the fan-out and elements parts serve.
import { randomUUID } from 'node:crypto';
import { server } from './common.mjs';
import { SyntheticRuntime } from './synthetic-runtime.mjs';

const { createSlotpull } = await server('http/app.js');
const { validateSlotsFile } = await server('config/schema.js');
const { systemClock } = await server('runtimes/system-clock.js');

/**
 * @param {string[]} names one slot each, image `bench.invalid/<name>:1`
 * @param {ConstructorParameters<typeof SyntheticRuntime>[0]} pulls the synthetic runtime's options
 * @param {Record<string, unknown>} [options] more createSlotpull options
 */
export function syntheticSlotpull(names, pulls, options = {}) {
  const config = validateSlotsFile({ slots: names.map((name) => ({ name, provider: 'container', image: `bench.invalid/${name}:1` })) }, 'bench');
  if (!config.ok) throw new Error(config.problems.join('\n'));
  const runtime = new SyntheticRuntime(pulls);
  const slotpull = createSlotpull({
    slots: config.slots,
    runtime,
    clock: systemClock,
    newJobId: () => `p_${randomUUID().replaceAll('-', '')}`,
    version: 'bench',
    ...options,
  });
  return { slots: config.slots, runtime, slotpull };
}
