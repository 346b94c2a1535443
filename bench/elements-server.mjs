// The server side of the elements benchmark, run as its own process (forked
// by elements.mjs): slotpull's real Hono app on 127.0.0.1 over 100 container
// slots, each with its own image on a synthetic runtime (lib/synthetic-runtime.mjs)
// whose pulls climb steadily, so that every slot's pull sends its frames at
// the registry's pace (5 a second). Besides slotpull's own routes (among them
// the elements bundle and `/api/events`, the hub's stream) it answers the
// benchmark's page: 100 `<slot-image-pull-bar>` on the server's origin.
import { randomUUID } from 'node:crypto';
import { server } from './lib/common.mjs';
import { listen } from './lib/http-server.mjs';
import { SyntheticRuntime } from './lib/synthetic-runtime.mjs';

const { createSlotpull } = await server('http/app.js');
const { validateSlotsFile } = await server('config/schema.js');
const { systemClock } = await server('system-clock.js');

const PAGE_PATH = '/__bench/elements';

const BARS = Number(process.env.BENCH_BARS ?? 100);
const EVENTS_PER_SECOND = Number(process.env.BENCH_EVENTS_PER_SECOND ?? 10);
/** A pull's length: longer than a run (about 40 s), so no bar completes during one. */
const PULL_SECONDS = 120;

const names = Array.from({ length: BARS }, (_, i) => `bar${String(i).padStart(3, '0')}`);
const config = validateSlotsFile(
  { slots: names.map((name) => ({ name, provider: 'container', image: `bench.invalid/${name}:1` })) },
  'elements',
);
if (!config.ok) throw new Error(config.problems.join('\n'));
// 2 GB over PULL_SECONDS: the percent (0.8 × the bytes' share while downloading, in tenths) moves at nearly every frame.
const runtime = new SyntheticRuntime({ eventsPerSecond: EVENTS_PER_SECOND, maxEvents: EVENTS_PER_SECOND * PULL_SECONDS, layerBytes: 2e9 });
const slotpull = createSlotpull({
  slots: config.slots,
  runtime,
  clock: systemClock,
  newJobId: () => `p_${randomUUID().replaceAll('-', '')}`,
  version: 'bench',
  // Every slot's pull runs at once (the default queues all but 3).
  maxConcurrentPulls: BARS,
});

const page = pageHtml(names);
const http = await listen((request) =>
  new URL(request.url).pathname === PAGE_PATH
    ? new Response(page, { headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } })
    : slotpull.app.fetch(request),
);

/**
 * The page: the bundle loaded as CONTRACT §6 says, and the bars in a grid,
 * all shown (`show-idle`: the idle baseline shows them too). No `base-url`:
 * the page's origin is the server, so every bar shares the hub's one
 * EventSource to `/api/events`.
 */
function pageHtml(slots) {
  const bars = slots.map((name) => `<slot-image-pull-bar slot-name="${name}" show-idle></slot-image-pull-bar>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>slotpull elements bench</title>
<style>body{margin:0;font-family:system-ui,sans-serif}main{display:grid;grid-template-columns:repeat(4,1fr);gap:12px;padding:12px}</style>
<script type="module" src="/elements/slotpull.js"></script>
</head><body><main>
${bars}
</main></body></html>`;
}

const commands = {
  /** POST …/pull for every slot: 100 engine pulls at once. */
  async startPulls() {
    for (const name of names) {
      const res = await slotpull.app.request(`http://127.0.0.1/api/slots/${name}/pull`, { method: 'POST' });
      if (res.status !== 202) throw new Error(`POST ${name} pull answered ${res.status}: ${await res.text()}`);
    }
    return {};
  },
  /** CPU of this process so far (µs), and when (to turn a difference into a share of one core). */
  cpuMark() {
    const cpu = process.cpuUsage();
    return { cpuUs: cpu.user + cpu.system, atMs: performance.now() };
  },
  async close() {
    slotpull.close();
    await http.close();
    return {};
  },
};

process.on('message', async ({ id, cmd, args }) => {
  try {
    process.send({ id, result: await commands[cmd](args ?? {}) });
  } catch (error) {
    process.send({ id, error: error instanceof Error ? error.stack : String(error) });
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ ready: { base: http.base, page: `${http.base}${PAGE_PATH}`, bars: BARS, pid: process.pid } });
