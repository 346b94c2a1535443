// The server side of the elements benchmark, run as its own process (forked
// by elements.mjs): slotpull's real Hono app on 127.0.0.1 over 100 container
// slots, each with its own image on a synthetic runtime (lib/synthetic-runtime.mjs)
// whose pulls climb steadily, so that every slot's pull sends its frames at
// the registry's pace (5 a second). Besides slotpull's own routes (among them
// the elements bundle and `/api/events`, the hub's stream) it answers the
// benchmark's page: 100 `<slot-image-pull-bar>` on the server's origin.
import { serveCommands } from './lib/child.mjs';
import { listen } from './lib/http-server.mjs';
import { syntheticSlotpull } from './lib/synthetic-server.mjs';


const PAGE_PATH = '/__bench/elements';

const BARS = Number(process.env.BENCH_BARS ?? 100);
const EVENTS_PER_SECOND = Number(process.env.BENCH_EVENTS_PER_SECOND ?? 10);
/** A pull's length: longer than a run (about 40 s), so no bar completes during one. */
const PULL_SECONDS = 120;

const names = Array.from({ length: BARS }, (_, i) => `bar${String(i).padStart(3, '0')}`);
// 2 GB over PULL_SECONDS: the percent (the bytes' share, in tenths) moves at nearly every frame.
const { slotpull } = syntheticSlotpull(
  names,
  { eventsPerSecond: EVENTS_PER_SECOND, maxEvents: EVENTS_PER_SECOND * PULL_SECONDS, layerBytes: 2e9 },
  // Every slot's pull runs at once (the default queues all but 3).
  { maxConcurrentPulls: BARS },
);

const page = pageHtml(names);
const http = await listen((request) =>
  new URL(request.url).pathname === PAGE_PATH
    ? new Response(page, { headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } })
    : slotpull.app.fetch(request),
);

/**
 * The page: the bundle loaded as docs/elements.md says, and the bars in a grid,
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

serveCommands(commands, { base: http.base, page: `${http.base}${PAGE_PATH}`, bars: BARS });
