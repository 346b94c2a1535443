// The markdown tables of docs/benchmarks.md, regenerated between marker
// comments (`<!-- bench:NAME:begin -->` … `<!-- bench:NAME:end -->`) from a
// results object; text outside the markers is left as it is.
import { readFileSync, writeFileSync } from 'node:fs';

const v = (value, unit = '') => (value === null || value === undefined ? '–' : `${value}${unit}`);
const mark = (ok) => (ok === null || ok === undefined ? 'n/a' : ok ? '**met**' : '**missed**');

function header(part, results) {
  const m = results.machine;
  return `_${part.finished_at.slice(0, 16).replace('T', ' ')} UTC · ${m.cores} cores (${m.cpu}) · ${m.memory_gb} GB · Node ${m.node.slice(1)} · load average (1/5/15 min) ${part.load.start.join(' / ')} at start, ${part.load.end.join(' / ')} at end_`;
}

export function fanoutTables(part, results) {
  const rows = part.rows.map((r) => {
    const s = r.sse;
    const q = r.poll;
    return `| ${r.clients} | ${v(s.frame_latency_ms.p50)} / ${v(s.frame_latency_ms.p99)} | ${v(s.delivery_latency_ms?.p50)} / ${v(s.delivery_latency_ms?.p99)} | ${v(q.frame_latency_ms.p50)} / ${v(q.frame_latency_ms.p99)} | ${v(r.ratio_sse_to_poll.frame_latency_p99)} | ${v(s.event_latency_ms.p50)} / ${v(s.event_latency_ms.p99)} | ${v(q.event_latency_ms.p50)} / ${v(q.event_latency_ms.p99)} | ${v(r.ratio_sse_to_poll.event_latency_p99)} | ${v(s.server_cpu_percent)} / ${v(q.server_cpu_percent)} | ${v(s.requests_per_s)} / ${v(q.requests_per_s)} | ${v(s.first_client_ms_p50)} / ${v(s.fanout_spread_ms_p50)} |`;
  });
  const floorRows = part.rows.filter((r) => r.bare_broadcast).map((r) => {
    const b = r.bare_broadcast;
    return `| ${r.clients} | ${v(r.sse.frame_latency_ms.p50)} / ${v(r.sse.frame_latency_ms.p99)} | ${v(b.frame_latency_ms.p50)} / ${v(b.frame_latency_ms.p99)} | ${v(r.ratio_sse_to_bare_p99)} | ${v(r.sse.delivery_latency_ms?.p99)} / ${v(b.delivery_latency_ms?.p99)} | ${v(r.sse.server_cpu_percent)} / ${v(b.server_cpu_percent)} | ${v(r.sse.first_client_ms_p50)} / ${v(b.first_client_ms_p50)} | ${v(r.sse.fanout_spread_ms_p50)} / ${v(b.fanout_spread_ms_p50)} | ${v(r.sse.client_cpu_percent)} / ${v(b.client_cpu_percent)} |`;
  });
  const mem = part.memory;
  const t = part.targets;
  return [
    header(part, results),
    '',
    `One pull, ${part.parameters.eventsPerSecond} progress events/s; clients in a separate process on 127.0.0.1; ${part.parameters.windows_per_side} windows of ${part.parameters.windowMs / 1000} s per side, alternated ${part.parameters.order.join(' ')} (at ${Math.max(...part.parameters.counts)} clients: ${part.parameters.orderLargest.join(' ')}). Latencies in ms, CPU in % of one core.`,
    '',
    '| clients | SSE frame latency p50 / p99 | of which delivery p50 / p99 | poll frame latency p50 / p99 | ratio p99 SSE : poll | SSE event latency p50 / p99 | poll event latency p50 / p99 | ratio p99 SSE : poll | server CPU SSE / poll | frames/s SSE / requests/s poll | SSE first client / fan-out spread (p50) |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    'Against the floor (bare node:http: one snapshot serialized once per 200 ms and written to every response in one loop, same pull, same client process):',
    '',
    '| clients | slotpull frame latency p50 / p99 | floor p50 / p99 | ratio p99 | delivery p99 slotpull / floor | server CPU slotpull / floor | first client slotpull / floor (p50) | fan-out spread slotpull / floor (p50) | client process CPU slotpull / floor |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...floorRows,
    '',
    `Memory per idle SSE client (${mem.clients} clients, each sample in a fresh server process after a warm-up and \`gc()\`, median of ${mem.slotpull.samples.length}; alternated with the floor):`,
    '',
    '| | RSS kB / client | V8 heap used kB / client |',
    '|---|---:|---:|',
    `| slotpull (Hono, web stream per client) | ${v(mem.slotpull.rss_kb_per_client)} | ${v(mem.slotpull.heap_used_kb_per_client)} |`,
    `| bare node:http response held open | ${v(mem.bare_node_http.rss_kb_per_client)} | ${v(mem.bare_node_http.heap_used_kb_per_client)} |`,
    `| ratio | ${v(mem.ratio_rss)} | ${v(mem.ratio_heap)} |`,
    '',
    `Building one client's frame alone (snapshot, JSON, SSE framing, UTF-8): ${v(part.frame_cost.us_per_frame)} µs, ${v(part.frame_cost.bytes_per_frame)} bytes.`,
    '',
    `- Target p99 ≤ ${t.p99_1000_clients.target_ms} ms with ${t.p99_1000_clients.clients} SSE clients: ${v(t.p99_1000_clients.value_ms)} ms (delivery alone ${v(t.p99_1000_clients.delivery_p99_ms)} ms; the floor ${v(t.p99_1000_clients.floor_p99_ms)} ms) — ${mark(t.p99_1000_clients.met)}.`,
    `- Target ≤ ${t.memory_per_idle_client.target_kb} kB per idle client: RSS ${v(t.memory_per_idle_client.rss_kb)} kB — ${mark(t.memory_per_idle_client.met_rss)}; V8 heap ${v(t.memory_per_idle_client.heap_kb)} kB — ${mark(t.memory_per_idle_client.met_heap)}.`,
  ].join('\n');
}

const engineName = (engine) => (engine === 'docker' ? 'dockerd' : engine);

export function truthTables(part, results) {
  const cells = part.summary ?? [];
  const column = (c) => `${engineName(c.engine)} ${c.image}`;
  const line = (label, value) => `| ${label} | ${cells.map(value).join(' | ')} |`;
  const judged = (value, unit, target, met) => `${v(value, unit)} (${target}) ${mark(met)}`;
  const rows = part.rows.map((r) =>
    `| ${engineName(r.engine)} | ${r.image} (${r.layers} layer${r.layers > 1 ? 's' : ''}, ${r.size_mib} MiB)${r.state === 'completed' ? '' : ` **${r.state}**`} | ${r.run ?? 1} | ${r.rate_mib_s} | ${r.duration_s} | ${r.frames} (${r.frames_with_percent}) | ${v(r.percent_gap.max)} / ${v(r.percent_gap.mean)} | ${v(r.wall_gap_max)} | ${r.percent_went_down ? 'yes' : 'no'} | ${v(r.eta_error_p90)} | ${v(r.eta_share)} | ${v(r.engine_bytes_gap.max)} / ${v(r.engine_bytes_gap.mean)} | ${v(r.percent_gap_signed_mean)} |`,
  );
  const failed = cells.filter((c) => c.failed.length > 0).map((c) => `- ${column(c)}: pull failed (${c.failed.join('; ')}).`);
  return [
    header(part, results),
    '',
    `Per engine and image over ${part.parameters.runs ?? 1} runs: the largest gap of any run, and the ETA over the frames of all runs with more than a second left. In brackets: the target.`,
    '',
    `| | ${cells.map(column).join(' | ')} |`,
    `|---|${cells.map(() => '---').join('|')}|`,
    line('largest gap, percent vs true bytes (pp)', (c) => judged(c.gap_pp, '', `≤ ${c.targets.gap}`, c.met.gap)),
    line('largest gap vs share of wall time passed (pp)', (c) => judged(c.wall_gap_pp, '', `≤ ${c.targets.wall}`, c.met.wall)),
    line('… the true bytes vs wall time (pp)', (c) => v(c.truth_wall_gap_pp)),
    line('percent went down', (c) => `${c.went_down ? 'yes' : 'never'} ${mark(c.met.never_down)}`),
    line('ETA error, p90 of frames, relative to the time really left', (c) => judged(c.eta_error_p90_pct, ' %', `≤ ${c.targets.eta_error} %`, c.met.eta_error)),
    line('frames that offer an ETA', (c) => judged(c.eta_share_pct, ' %', `≥ ${c.targets.eta_share} %`, c.met.eta_share)),
    line('pull s (each run)', (c) => c.pull_s.join(', ')),
    ...(failed.length > 0 ? ['', ...failed] : []),
    '',
    'Each run:',
    '',
    '| engine | image | run | MiB/s per blob | pull s | frames (with percent) | percent gap vs bytes max / mean | gap vs wall time max | went down | ETA error p90 % | ETA on % of frames | engine-bytes gap max / mean | percent − truth, mean |',
    '|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
}

export function overheadTables(part, results) {
  const rows = part.rows.map((r) =>
    `| ${r.engine === 'docker' ? 'dockerd' : r.engine} | ${r.cli} | ${r.runs_per_side} | ${r.slotpull_median_ms} (${Math.min(...r.slotpull_ms)}–${Math.max(...r.slotpull_ms)}) | ${r.cli_median_ms} (${Math.min(...r.cli_ms)}–${Math.max(...r.cli_ms)}) | **${r.ratio}** (${Math.min(...r.pair_ratios)}–${Math.max(...r.pair_ratios)}) | ${r.ratio_of_medians} | ${mark(r.met)} |`,
  );
  return [
    header(part, results),
    '',
    `\`${part.parameters.image}\` (${part.parameters.size_mib} MiB, one layer), throttle: ${part.parameters.throttle}; order ${part.parameters.order.join(' ')} per engine after one untimed pull; the image removed before every run. Times in ms, median (range); the ratio is the median of the ${part.parameters.order.length / 2} adjacent pairs' ratios.`,
    '',
    '| engine | CLI | runs per side | slotpull (POST → `completed` frame) | CLI (spawn → exit) | ratio slotpull : CLI, median of pairs (range) | ratio of medians | target ≤ ' + part.parameters.target + ' |',
    '|---|---|---:|---:|---:|---:|---:|---|',
    ...rows,
  ].join('\n');
}

export function listingTables(part, results) {
  const rows = part.rows.map((r) =>
    `| ${r.engine === 'docker' ? 'dockerd' : r.engine} | ${r.warm.median_ms} (${r.warm.engine_requests}) | ${r.cold.median_ms} (${r.cold.image_requests} + ${v(r.cold.container_lists)} + ${r.cold.container_requests}) | ${r.naive.median_ms} (${r.naive.image_requests} + ${r.naive.container_requests}) | ${v(r.ratio_warm_to_naive_ms)} / ${v(r.ratio_cold_to_naive_ms)} | ${r.steady.image.max_per_2s} (min gap ${v(r.steady.image.min_gap_ms)} ms) | ${v(r.steady.container_list?.max_per_2s)} (min gap ${v(r.steady.container_list?.min_gap_ms)} ms) | ${r.steady.container.max_per_2s} | ${r.steady.engine_requests_per_2s} |`,
  );
  const t = part.targets;
  return [
    header(part, results),
    '',
    `${part.parameters.slots} container slots over ${part.parameters.images.length} images (${part.parameters.present.join(', ')} present; ${part.parameters.missing.join(', ')} missing), one container per slot (${part.parameters.containers} exist, the rest absent). ${part.parameters.rounds} rounds, naive first in even rounds and last in odd ones. Median ms (engine requests per listing: image inspects + container lists + container inspects; naive: image inspects + container inspects).`,
    '',
    '| engine | warm | cold | naive (one inspect per slot) | ratio to naive warm / cold | image inspects per image in any 2 s (steady) | container lists in any 2 s (steady) | container inspects per container in any 2 s | engine requests per 2 s (steady) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    `- Target median ≤ ${t.warm_median_ms.target} ms with a warm cache: ${t.warm_median_ms.values.join(' / ')} ms — ${mark(t.warm_median_ms.met)}.`,
    `- Target at most one engine request per distinct image per 2 s, plus one container list per engine: image inspects ${t.image_requests.image_inspects_max_per_image_per_2s.join(' / ')} per image in any 2 s — ${mark(t.image_requests.met_image_inspects)}; container lists ${v(t.image_requests.container_lists_max_per_2s?.join(' / '))} in any 2 s — ${mark(t.image_requests.met_container_lists)}; all engine requests of a cold listing ${t.image_requests.engine_requests_per_cold_listing.join(' / ')} for ${t.image_requests.distinct_images} images (at most ${v(t.image_requests.allowed_requests_per_cold_listing)}) — ${mark(t.image_requests.met_all_requests)}.`,
  ].join('\n');
}

const kib = (bytes) => `${(bytes / 1024).toFixed(2)} kB`;
/** A figure over the runs: "median / worst". */
const mw = (figure, unit = '') => `${v(figure.median, unit)} / ${v(figure.worst, unit)}`;

export function elementsTables(part, results) {
  const p = part.parameters;
  const b = part.bundle;
  const t = part.targets;
  const row = (label, w) =>
    `| ${label} | ${mw(w.busy_percent, ' %')} | ${mw(w.main_thread_cpu_percent, ' %')} | ${v(w.script_percent.median)} / ${v(w.style_percent.median)} / ${v(w.layout_percent.median)} % | ${v(w.layouts_per_s.median)} | ${w.long_tasks.worst} (${v(w.longest_task_ms.worst)} ms) | ${mw(w.fps)} (${v(w.longest_frame_gap_ms.worst)} ms) | ${mw(w.frames_per_s)} (${v(w.frames_per_bar_per_s.median)}) | ${v(w.renders_per_s.median)} | ${v(w.renderer_cpu_percent.median)} % | ${v(w.server_cpu_percent.median)} % |`;
  return [
    header(part, results),
    '',
    `\`${b.file}\` as \`node elements/build.mjs\` builds it (kB = 1024 bytes):`,
    '',
    '| minified | gzip -9 | brotli -11 | Lit inside |',
    '|---:|---:|---:|---|',
    `| ${b.minified_bytes} B (${kib(b.minified_bytes)}) | ${b.gzip_bytes} B (${kib(b.gzip_bytes)}) | ${b.brotli_bytes} B (${kib(b.brotli_bytes)}) | ${b.lit_inside ? 'yes' : '**no**'} |`,
    '',
    `${p.bars} \`<slot-image-pull-bar>\` on one page, all on screen (${p.width} px wide), each slot pulling on its own (${p.eventsPerSecond} progress events/s; the server sends ${p.frames_per_s_per_pull} frames/s per pull) through the hub's one EventSource to the real server's \`/api/events\`. ${p.chromium}, \`${p.chromium_args.join(' ')}\`. ${p.runs} runs, each in a fresh server process and page; windows of ${p.windowMs / 1000} s after ${p.settleMs / 1000} s of settling; the two pulling windows alternated per run. Median / worst over the runs; long tasks: the most in one window (the longest of all).`,
    '',
    '| page | main-thread busy (TaskDuration ÷ wall) | main-thread CPU (ThreadTime ÷ wall) | of which script / style / layout (median) | layouts/s | long tasks (longest) | rAF frames/s (longest gap) | SSE frames/s (per bar) | bar renders/s | renderer process CPU | server CPU |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    row('idle: no pull, every image missing', part.idle),
    row('**pulling** (the target)', part.pulling),
    row('pulling, prefers-reduced-motion: reduce', part.reduced_motion),
    '',
    `Loading the page (the bundle, ${p.bars} first renders and slot lookups), before any window: at most ${part.startup.long_tasks} long task${part.startup.long_tasks === 1 ? '' : 's'} per run, the longest ${part.startup.longest_task_ms} ms.`,
    '',
    `- Target ≤ ${t.bundle_gzip.target_kb} kB gzipped with Lit inside: ${kib(t.bundle_gzip.bytes)} (${t.bundle_gzip.bytes} B${t.bundle_gzip.lit_inside ? '' : ', Lit not inside'}) — ${mark(t.bundle_gzip.met)}.`,
    `- Target ≤ ${t.busy.target_percent} % main-thread busy with ${p.bars} bars: ${v(t.busy.median)} % (median; worst ${v(t.busy.worst)} %) — ${mark(t.busy.met)}.`,
    `- Target no long task over ${t.long_tasks.target_ms} ms while pulling: ${t.long_tasks.count} in ${p.runs} × ${p.windowMs / 1000} s, the longest ${v(t.long_tasks.longest_ms)} ms — ${mark(t.long_tasks.met)}.`,
    `- Frames per second while pulling: ${v(t.fps.median)} (median; worst ${v(t.fps.worst)}).`,
  ].join('\n');
}

export function floodTables(part, results) {
  const p = part.parameters;
  const r = part.rss_mb;
  const h = part.health_ms;
  const t = part.targets;
  return [
    header(part, results),
    '',
    `${p.sockets} sockets, each writing ${p.requests_per_socket} pipelined \`GET ${p.path}\` (${Math.round(p.bytes_per_socket / 1000)} kB) at once and reading nothing, for ${p.flood_ms / 1000} s, against \`${p.command} --runtime demo\`; \`GET /api/health\` from a third process back to back meanwhile (an answer later than ${p.health_timeout_ms / 1000} s counts as ${p.health_timeout_ms / 1000} s).`,
    '',
    '| | RSS MB | health p50 / p99 ms |',
    '|---|---:|---:|',
    `| before the flood | ${v(r.before)} | ${v(h.baseline.p50)} / ${v(h.baseline.p99)} |`,
    `| during (peak RSS; ${h.during.n} health requests, ${h.during.unanswered} unanswered, slowest ${v(h.during.max)} ms) | ${v(r.peak)} | ${v(h.during.p50)} / ${v(h.during.p99)} |`,
    `| 2 s after the sockets left | ${v(r.two_s_after_leaving)} | first answer after leaving ${v(h.first_after_leaving)} ms |`,
    '',
    `Server log lines during the flood: ${part.server_log_lines_during_flood} (refusals and closed connections are logged at most ten a minute).`,
    '',
    `- Target RSS growth < ${t.rss_growth.target_mb} MB: +${v(t.rss_growth.value_mb)} MB at peak — ${mark(t.rss_growth.met)}.`,
    `- Target health p99 < ${t.health_p99.target_ms} ms during the flood: ${v(t.health_p99.value_ms)} ms — ${mark(t.health_p99.met)}.`,
    `- Target recovery at once when the sockets leave: health within ${t.health_p99.target_ms} ms again after ${v(t.recovery.value_ms)} ms (first answer ${v(t.recovery.first_after_leaving_ms)} ms) — ${mark(t.recovery.met)}.`,
  ].join('\n');
}

export function enginesTables(part, results) {
  const p = part.parameters;
  const h = part.hanging;
  return [
    header(part, results),
    '',
    `${p.engines.length} engines × ${p.slotsPerEngine} slots = ${p.slots} slots: ${p.engines.join(', ')}. Per engine ${p.images} images (${p.present} present) and ${p.containers} existing containers. Cold: a fresh slotpull over the connected engines (empty caches), ${p.rounds} rounds; warm: right after. Steady: a dashboard listing every ${p.gapMs} ms, ${p.hangPhases} phases of ${p.phaseMs / 1000} s without a hanging engine and ${p.hangPhases} while ${p.hung} accepts every request and never answers (measured once its slots all read unknown), in ABBA order.`,
    '',
    '| listing (GET /api/slots, all slots) | median ms | p95 ms | samples |',
    '|---|---:|---:|---:|',
    `| cold (${v(part.cold.engine_requests)} engine requests) | ${v(part.cold.median_ms)} | ${v(part.cold.p95_ms)} | ${part.cold.samples} |`,
    `| warm | ${v(part.warm.median_ms)} | ${v(part.warm.p95_ms)} | ${part.warm.samples} |`,
    `| steady, no engine hanging | ${v(part.normal.median_ms)} | ${v(part.normal.p95_ms)} | ${part.normal.samples} |`,
    `| steady, ${p.hung} hanging | ${v(h.median_ms)} | ${v(h.p95_ms)} | ${h.samples} |`,
    `| the longest listing until its slots all read unknown (${h.detected_after_ms.map((ms) => v(ms)).join(' / ')} ms after it began to hang) | ${h.detection_ms.join(' / ')} | | ${h.detection_ms.length} |`,
    '',
    `- Engine requests per 2 s, steady: ${v(part.steady.engine_requests_per_2s)} for all ${p.engines.length} engines (at most ${v(part.steady.most_requests_one_engine_any_2s)} to one engine in any 2 s); while one hangs: ${v(h.engine_requests_per_2s)}, of which ${v(h.requests_to_hung_engine_per_2s)} to the hanging one.`,
    `- While it hangs: ${h.unknown_slots} slots unknown, ${h.unknown_only_its_own ? 'all of them its own' : '**some of another engine**'}.`,
    `- Target: listing with one engine hanging within ${part.targets.hang_to_normal_median.target}× of the listing without: ×${v(part.hang_to_normal_median)} median (×${v(part.hang_to_normal_p95)} p95) — ${mark(part.targets.hang_to_normal_median.met)}.`,
  ].join('\n');
}

export function summaryTable(results) {
  const lines = [
    `_${results.machine.cores} cores (${results.machine.cpu}), Node ${results.machine.node.slice(1)}; per part: ${Object.entries(results.parts).map(([name, part]) => `${name} ${part.finished_at?.slice(0, 16).replace('T', ' ')} UTC, load ${part.load?.start?.[0] ?? '–'}→${part.load?.end?.[0] ?? '–'}`).join('; ')}_`,
    '',
    '| part | target | result | |',
    '|---|---|---|---|',
  ];
  const f = results.parts.fanout;
  if (f?.targets) {
    const t = f.targets;
    lines.push(`| fan-out | p99 ≤ 25 ms, ${t.p99_1000_clients.clients} SSE clients | ${v(t.p99_1000_clients.value_ms)} ms (delivery alone ${v(t.p99_1000_clients.delivery_p99_ms)}; bare node:http floor ${v(t.p99_1000_clients.floor_p99_ms)}) | ${mark(t.p99_1000_clients.met)} |`);
    lines.push(`| fan-out | ≤ 20 kB per idle client | RSS ${v(t.memory_per_idle_client.rss_kb)} kB, heap ${v(t.memory_per_idle_client.heap_kb)} kB | RSS ${mark(t.memory_per_idle_client.met_rss)}, heap ${mark(t.memory_per_idle_client.met_heap)} |`);
  }
  const tr = results.parts.truth;
  for (const c of tr?.summary ?? []) {
    const where = `${engineName(c.engine)} ${c.image}`;
    const all = Object.values(c.met);
    const met = all.includes(null) ? null : all.every(Boolean);
    lines.push(
      `| truthfulness | ${where}: gap ≤ ${c.targets.gap} pp, wall ≤ ${c.targets.wall} pp, never down, ETA p90 ≤ ${c.targets.eta_error} % on ≥ ${c.targets.eta_share} % | gap ${v(c.gap_pp)} pp, wall ${v(c.wall_gap_pp)} pp, ${c.went_down ? 'went down' : 'never down'}, ETA p90 ${v(c.eta_error_p90_pct)} % on ${v(c.eta_share_pct)} % | ${mark(met)} |`,
    );
  }
  const o = results.parts.overhead;
  if (o?.rows) {
    for (const r of o.rows) lines.push(`| overhead | ratio ≤ ${o.parameters.target} against \`${r.cli}\` (unthrottled) | ${r.ratio} (pairs ${Math.min(...r.pair_ratios)}–${Math.max(...r.pair_ratios)}; ${r.slotpull_median_ms} vs ${r.cli_median_ms} ms) | ${mark(r.met)} |`);
  }
  const l = results.parts.listing;
  if (l?.targets) {
    lines.push(`| listing | median ≤ 10 ms, 100 slots, warm | ${l.targets.warm_median_ms.values.join(' / ')} ms | ${mark(l.targets.warm_median_ms.met)} |`);
    const r = l.targets.image_requests;
    lines.push(`| listing | ≤ 1 engine request per distinct image per 2 s, + 1 container list per engine | image inspects ${r.image_inspects_max_per_image_per_2s.join(' / ')} per image per 2 s; container lists ${v(r.container_lists_max_per_2s?.join(' / '))} per 2 s; cold listing ${r.engine_requests_per_cold_listing.join(' / ')} requests for ${r.distinct_images} images | image inspects ${mark(r.met_image_inspects)}, container lists ${mark(r.met_container_lists)}, all requests ${mark(r.met_all_requests)} |`);
  }
  const e = results.parts.elements;
  if (e?.targets) {
    const t = e.targets;
    lines.push(`| elements | bundle ≤ ${t.bundle_gzip.target_kb} kB gzipped, Lit inside | ${kib(t.bundle_gzip.bytes)} (${kib(e.bundle.minified_bytes)} minified; brotli ${kib(e.bundle.brotli_bytes)}) | ${mark(t.bundle_gzip.met)} |`);
    lines.push(`| elements | ≤ ${t.busy.target_percent} % main-thread busy, ${e.parameters.bars} bars at ${e.parameters.frames_per_s_per_pull} frames/s | ${v(t.busy.median)} % median, worst ${v(t.busy.worst, ' %')} (main-thread CPU ${v(e.pulling.main_thread_cpu_percent.median)} %; idle ${v(e.idle.busy_percent.median)} %; reduced motion ${v(e.reduced_motion.busy_percent.median)} %) | ${mark(t.busy.met)} |`);
    lines.push(`| elements | no long task over ${t.long_tasks.target_ms} ms | ${t.long_tasks.count} long tasks, longest ${v(t.long_tasks.longest_ms)} ms; ${v(t.fps.median)} fps median (worst ${v(t.fps.worst)}) | ${mark(t.long_tasks.met)} |`);
  }
  const fl = results.parts.flood;
  if (fl?.targets) {
    const t = fl.targets;
    lines.push(`| flood | ${fl.parameters.sockets} non-reading pipelining sockets: RSS growth < ${t.rss_growth.target_mb} MB, health p99 < ${t.health_p99.target_ms} ms, recovery at once | +${v(t.rss_growth.value_mb)} MB; health p99 ${v(t.health_p99.value_ms)} ms; first answer after leaving ${v(t.recovery.first_after_leaving_ms)} ms | RSS ${mark(t.rss_growth.met)}, health ${mark(t.health_p99.met)}, recovery ${mark(t.recovery.met)} |`);
  }
  const en = results.parts.engines;
  if (en?.targets) {
    const t = en.targets.hang_to_normal_median;
    lines.push(`| engines | listing with one of ${en.parameters.engines.length} engines hanging ≤ ${t.target}× the listing without | ×${v(t.value)} (${v(en.hanging.median_ms)} vs ${v(en.normal.median_ms)} ms, ${en.parameters.slots} slots) | ${mark(t.met)} |`);
  }
  const st = results.parts.store;
  if (st?.targets?.server_start) {
    const t = st.targets;
    lines.push(`| store | the server listening with 10,000 jobs in the history ≤ ${t.server_start.target_ms} ms | ${v(t.server_start.worst_ms)} ms at the worst journal (${v(t.server_start.empty_ms)} ms on an empty state dir) | ${mark(t.server_start.met_wall)} |`);
    lines.push(`| store | one history page ≤ ${t.page.target_ms} ms | ${v(t.page.slowest_p50_ms)} ms median, ${v(t.page.slowest_p99_ms)} ms p99 (slowest query) | ${mark(t.page.met)} |`);
  }
  for (const [name, part] of Object.entries(results.parts)) {
    if (part.error) lines.push(`| ${name} | | failed: ${part.error.split('\n')[0]} | |`);
  }
  return lines.join('\n');
}

/** Replaces the text between each `<!-- bench:NAME:begin -->` and its end marker. */
export function regenerate(file, sections) {
  let text = readFileSync(file, 'utf8');
  for (const [name, body] of Object.entries(sections)) {
    const begin = `<!-- bench:${name}:begin -->`;
    const end = `<!-- bench:${name}:end -->`;
    const i = text.indexOf(begin);
    const j = text.indexOf(end);
    if (i < 0 || j < i) throw new Error(`${file}: markers ${begin} … ${end} not found`);
    text = `${text.slice(0, i + begin.length)}\n${body}\n${text.slice(j)}`;
  }
  writeFileSync(file, text);
}
