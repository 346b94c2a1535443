// Takes docs/elements/*.png: a picture of each state of the elements, and of
// the README's three side by side (on a light and a dark page), for docs/elements.md (demo/elements-doc.mjs
// links the files that exist). Starts the real server (`npm run build`
// first) —
// `node bin/slotpull.js --port 0 --demo-seed 7 --runtime demo --state-dir DIR`,
// DIR a fresh state directory whose history says rerank was pulled three
// days ago, for `show-last-pull` — and drives real pulls on the demo runtime
// (chat: a large image; vision: its first pull fails part-way; rerank:
// present, its container crashed; embed: served elsewhere), rendering a
// small light page per state in headless Debian Chromium (CHROMIUM_PATH,
// default /usr/bin/chromium; nothing is downloaded) and waiting for the
// elements' reflected attributes. A pull the server loses is made by
// restarting it mid-pull on the same port with `--state-dir none` (a server
// with a state directory would take the pull up again). The server and the
// browser are stopped by PID at the end, whatever happens.
//   node demo/element-pictures.mjs [outdir]
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { openJobStore } from '../dist/server/state/job-store.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = process.argv[2] ?? join(root, 'docs/elements');
const SEED = '7';
const STATE_TIMEOUT_MS = Number(process.env.STATE_TIMEOUT_MS ?? 120_000);
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--hide-scrollbars',
];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const kill = (pid) => {
  if (pid === undefined) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // already gone
  }
};

/** The width of a picture's frame: most at 480 px; the panel as on a phone, the side-by-side page wide. */
const WIDTH = { normal: 480, phone: 360, wide: 720 };

const DAY_MS = 24 * 60 * 60 * 1000;

/** A state directory whose history holds one completed pull of rerank's image: 4 min 12 s, three days ago. */
async function seededStateDir() {
  const dir = await mkdtemp(join(tmpdir(), 'slotpull-pictures-state-'));
  const store = openJobStore({ dir });
  const finishedAt = Date.now() - 3 * DAY_MS - 60_000;
  const pull = { id: 'p_pictures_rerank', image: 'ghcr.io/acme/rerank-server:1.2', runtime: 'demo', slots: ['rerank'], started_at: finishedAt - 252_000 };
  store.history.start(pull);
  store.history.finish({ id: pull.id, state: 'completed', error_code: null, error: null, finished_at: finishedAt, bytes_done: 2_100_000_000, bytes_total: 2_100_000_000 });
  await store.close();
  return dir;
}

/** Starts `bin/slotpull.js` on `stateDir` (on `port`, 0 for any) and resolves with its process and base URL once it listens. */
function startServer(stateDir, port = '0') {
  const child = spawn(process.execPath, [join(root, 'bin/slotpull.js'), '--port', port, '--demo-seed', SEED, '--runtime', 'demo', '--state-dir', stateDir], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let log = '';
    const onData = (chunk) => {
      log += chunk;
      const match = /listening on (http:\/\/[^\s/]+)/.exec(log);
      if (match) {
        clearTimeout(timer);
        resolve({ child, base: match[1] });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => reject(new Error(`slotpull did not start:\n${log}`)), 15_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`slotpull exited (${code}) before listening:\n${log}`));
    });
  });
}

let server;
let browser;
let userDataDir;
let stateDir;
let browserPid;
try {
  await mkdir(outdir, { recursive: true });
  stateDir = await seededStateDir();
  server = await startServer(stateDir);
  const { base } = server;
  console.log(`server: ${base} (pid ${server.child.pid})`);
  userDataDir = await mkdtemp(join(tmpdir(), 'slotpull-pictures-'));
  browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [...CHROMIUM_ARGS, `--user-data-dir=${userDataDir}`],
  });
  browserPid = browser.process()?.pid;

  const api = async (method, path) => {
    const response = await fetch(`${base}/api${path}`, { method });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  const pullStatus = (slot) => api('GET', `/slots/${slot}/pull/status`);
  const until = async (what, check) => {
    const deadline = Date.now() + STATE_TIMEOUT_MS;
    for (;;) {
      if (await check()) return;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(100);
    }
  };

  /**
   * A small page (same origin as the server, so no CORS) holding the element
   * markup in a padded frame `width` px wide, light or dark (`scheme`: the
   * page's color-scheme, and the system's); resolves with the page.
   */
  const open = async (element, width = WIDTH.normal, scheme = 'light') => {
    const page = await browser.newPage();
    await page.emulateMediaFeatures([
      { name: 'prefers-reduced-motion', value: 'reduce' },
      { name: 'prefers-color-scheme', value: scheme },
    ]);
    await page.setViewport({ width: width + 80, height: 320 });
    // The figure page is answered by the browser itself at a path on the server's origin
    // (same origin: no CORS); every other request goes to the real server.
    const figure = `${base}/__element-picture`;
    const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>slotpull element</title>
      <style>body{margin:0;color-scheme:${scheme};background:Canvas;color:CanvasText;font-family:system-ui,sans-serif}#shot{box-sizing:border-box;width:${width + 32}px;padding:16px;display:inline-block}#shot>*+*{margin-top:8px}</style>
      <script type="module" src="${base}/elements/slotpull.js"></script></head>
      <body><div id="shot">${element}</div></body></html>`;
    await page.setRequestInterception(true);
    page.on('request', (request) =>
      request.url() === figure ? request.respond({ status: 200, contentType: 'text/html; charset=utf-8', body: html }) : request.continue(),
    );
    await page.goto(figure, { waitUntil: 'load' });
    return page;
  };
  /**
   * Waits until the figure's element (inside a panel too: through shadow
   * roots) has `attribute` = `value`. Asked from here: a page that is not in
   * front (several are open at once) runs no animation frames, and its
   * timers are slowed down.
   */
  const waitFor = (page, selector, attribute, value) =>
    until(`${selector}[${attribute}="${value}"]`, () =>
      page.evaluate((wanted) => {
        const find = (root) => [...root.querySelectorAll('*')].some((el) => el.matches(wanted) || (el.shadowRoot !== null && find(el.shadowRoot)));
        return find(document.getElementById('shot'));
      }, `${selector}[${attribute}="${value}"]`),
    );
  const snap = async (page, file) => {
    await page.bringToFront(); // a page behind others is not painted, and its screenshot never comes
    await sleep(250); // the element's last render reaches the screen
    const frame = await page.$('#shot');
    await frame.screenshot({ path: join(outdir, file) });
    console.log(`picture: ${join(outdir, file)}`);
  };
  /** Opens a page, waits for the state, takes its picture, closes it. */
  const shoot = async (file, element, selector, attribute, value, width, scheme) => {
    const page = await open(element, width, scheme);
    try {
      await waitFor(page, selector, attribute, value);
      await snap(page, file);
    } finally {
      await page.close();
    }
  };
  const bar = (slot, extra = '') => `<slot-image-pull-bar slot-name="${slot}" ${extra}></slot-image-pull-bar>`;
  const banner = (slot) => `<slot-error-banner slot-name="${slot}"></slot-error-banner>`;
  const status = (slot, extra = '') => `<slot-image-status slot-name="${slot}" ${extra}></slot-image-status>`;
  const panel = (slot) => `<slot-image-panel slot-name="${slot}" cancelable></slot-image-panel>`;
  /** The README's three elements for a slot, side by side. */
  const sideBySide = (slot) => `<h3 style="margin:0">Slot ${slot} ${status(slot)}</h3>${bar(slot, 'cancelable')}${banner(slot)}`;
  const BAR = 'slot-image-pull-bar';
  const BANNER = 'slot-error-banner';
  const STATUS = 'slot-image-status';

  // Before any pull: chat's image is missing, rerank's is present and its container crashed, embed is served elsewhere.
  await shoot('pull-bar-missing.png', bar('chat'), BAR, 'state', 'missing');
  await shoot('pull-bar-idle.png', bar('rerank', 'show-idle'), BAR, 'state', 'idle');
  // Unpacking and a stalled download: FAKE frames of a pull that never ran, offered to the page's hub while chat's
  // image is missing (no frame of the stream replaces them), as the demo runtime cannot hold a pull in either on demand.
  const offered = async (file, frame) => {
    const missing = await pullStatus('chat');
    const page = await open(bar('chat'));
    try {
      await waitFor(page, BAR, 'state', 'missing');
      const snapshot = { ...missing, ...frame, state: 'pulling', image_status: 'pulling', job_id: 'p_picture', updated_at: new Date().toISOString() };
      await page.evaluate(
        async (url, tag, s) => (await import(url)).slotHub().offer(document.querySelector(`#shot ${tag}`).base, s),
        `${base}/elements/slotpull.js`,
        BAR,
        snapshot,
      );
      await waitFor(page, BAR, 'state', 'determinate');
      await snap(page, file);
    } finally {
      await page.close();
    }
  };
  const GB = 1e9;
  await offered('pull-bar-determinate-extracting.png', {
    phase: 'extracting', percent: 99, bytes_done: 1.4 * GB, bytes_total: 1.4 * GB, bytes_total_exact: true,
    layer: 2, total_layers: 3, extract_percent: 41, eta_s: 6, speed_bps: null,
  });
  await offered('pull-bar-determinate-stalled.png', {
    phase: 'downloading', percent: 37, bytes_done: 0.52 * GB, bytes_total: 1.4 * GB, bytes_total_exact: true,
    layer: 2, total_layers: 3, stalled_s: 21, eta_s: null, speed_bps: null,
  });
  await shoot('status-missing.png', status('chat'), STATUS, 'status', 'missing');
  await shoot('banner-crashed.png', banner('rerank'), BANNER, 'state', 'crashed');
  await shoot('status-present.png', status('rerank'), STATUS, 'status', 'present');
  await shoot('status-external.png', status('embed'), STATUS, 'status', 'external');
  await shoot('panel-missing.png', panel('chat'), BAR, 'state', 'missing', WIDTH.phone);
  await shoot('panel-crashed.png', panel('rerank'), BANNER, 'state', 'crashed', WIDTH.phone);
  const lastPull = await open(status('rerank', 'show-last-pull'));
  try {
    await lastPull.waitForFunction(
      (tag) => document.querySelector(`#shot ${tag}`)?.shadowRoot?.querySelector('[part="last-pull"]') != null,
      { timeout: STATE_TIMEOUT_MS },
      STATUS,
    );
    await snap(lastPull, 'status-present-show-last-pull.png');
  } finally {
    await lastPull.close();
  }

  // chat: a page watching before the pull starts catches "resolving" (no percent yet).
  const chatStart = await open(bar('chat', 'cancelable'));
  try {
    await waitFor(chatStart, BAR, 'state', 'missing');
    await api('POST', '/slots/chat/pull');
    await waitFor(chatStart, BAR, 'state', 'indeterminate');
    await snap(chatStart, 'pull-bar-indeterminate.png');
  } finally {
    await chatStart.close();
  }
  // Kept open until chat completes: `sticky` keeps "Image ready".
  const chatEnd = await open(bar('chat', 'sticky'));
  try {
    await until('chat past 20%', async () => ((await pullStatus('chat')).percent ?? 0) >= 20);
    await shoot('pull-bar-determinate.png', bar('chat', 'cancelable'), BAR, 'state', 'determinate');
    await shoot('status-pulling.png', status('chat'), STATUS, 'status', 'pulling');
    await shoot('side-by-side-pulling.png', sideBySide('chat'), BAR, 'state', 'determinate', WIDTH.wide);
    await shoot('side-by-side-pulling-dark.png', sideBySide('chat'), BAR, 'state', 'determinate', WIDTH.wide, 'dark');
    await shoot('panel-pulling.png', panel('chat'), BAR, 'state', 'determinate', WIDTH.phone);

    // Reconnecting: the page goes offline mid-pull, its event stream drops and the browser retries.
    const dropped = await open(bar('chat', 'cancelable'));
    try {
      await waitFor(dropped, BAR, 'state', 'determinate');
      await dropped.setOfflineMode(true);
      // Best effort: Chromium may keep an open event stream through offline mode, so no picture then.
      const reconnecting = await dropped
        .waitForSelector(`#shot ${BAR}[state="reconnecting"]`, { timeout: 5_000 })
        .then(() => true, () => false);
      if (reconnecting) await snap(dropped, 'pull-bar-reconnecting.png');
      else console.log('reconnecting: not reached (the event stream survived offline mode); no picture');
      await dropped.setOfflineMode(false);
    } finally {
      await dropped.close();
    }

    // vision: cancelled with the bar's own Cancel button, then pulled again until it fails.
    const visionCancel = await open(bar('vision', 'cancelable'));
    try {
      await waitFor(visionCancel, BAR, 'state', 'missing');
      await api('POST', '/slots/vision/pull');
      await waitFor(visionCancel, BAR, 'state', 'determinate');
      await visionCancel.evaluate((tag) => document.querySelector(`#shot ${tag}`).shadowRoot.querySelector('[part~="cancel-button"]').click(), BAR);
      await waitFor(visionCancel, BAR, 'state', 'cancelled');
      await snap(visionCancel, 'pull-bar-cancelled.png');
    } finally {
      await visionCancel.close();
    }
    await until('vision cancelled', async () => (await pullStatus('vision')).state === 'cancelled');
    await shoot('status-cancelled.png', status('vision'), STATUS, 'status', 'cancelled');
    await api('POST', '/slots/vision/pull');
    await until('vision failed', async () => (await pullStatus('vision')).state === 'failed');
    await shoot('pull-bar-failed.png', bar('vision'), BAR, 'state', 'failed');
    await shoot('banner-failed.png', banner('vision'), BANNER, 'state', 'failed');
    await shoot('status-failed.png', status('vision'), STATUS, 'status', 'failed');
    await shoot('side-by-side-failed.png', sideBySide('vision'), BANNER, 'state', 'failed', WIDTH.wide);
    await shoot('side-by-side-failed-dark.png', sideBySide('vision'), BANNER, 'state', 'failed', WIDTH.wide, 'dark');
    await shoot('panel-failed.png', panel('vision'), BANNER, 'state', 'failed', WIDTH.phone);

    // The banner alone on a page: its Re-pull shows the pull inline (and, the demo's failure being a first-pull one, recovers).
    const rePull = await open(banner('vision'));
    try {
      await waitFor(rePull, BANNER, 'state', 'failed');
      await rePull.evaluate((tag) => document.querySelector(`#shot ${tag}`).shadowRoot.querySelector('[part~="repull-button"]').click(), BANNER);
      await waitFor(rePull, BAR, 'state', 'determinate'); // the banner's inline bar
      await snap(rePull, 'banner-pulling.png');
    } finally {
      await rePull.close();
    }

    await waitFor(chatEnd, BAR, 'state', 'completed');
    await snap(chatEnd, 'pull-bar-completed.png');
  } finally {
    await chatEnd.close();
  }

  // A pull the server loses: a server that knows chat's image as missing (a fresh start) pulls it, pages
  // watch the pull, and the server restarts (on the same port) knowing no job.
  const restart = async () => {
    const port = new URL(base).port;
    kill(server.child.pid);
    await new Promise((resolve) => (server.child.exitCode !== null ? resolve() : server.child.once('exit', resolve)));
    server = await startServer('none', port);
    console.log(`server restarted: ${server.base} (pid ${server.child.pid})`);
  };
  await restart();
  await api('POST', '/slots/chat/pull');
  const lost = await Promise.all([bar('chat'), banner('chat'), status('chat')].map((element) => open(element)));
  try {
    await Promise.all([waitFor(lost[0], BAR, 'state', 'determinate'), waitFor(lost[2], STATUS, 'status', 'pulling')]);
    await restart();
    await Promise.all([
      waitFor(lost[0], BAR, 'state', 'interrupted'),
      waitFor(lost[1], BANNER, 'state', 'interrupted'),
      waitFor(lost[2], STATUS, 'status', 'interrupted'),
    ]);
    await snap(lost[0], 'pull-bar-interrupted.png');
    await snap(lost[1], 'banner-interrupted.png');
    await snap(lost[2], 'status-interrupted.png');
  } finally {
    await Promise.all(lost.map((page) => page.close()));
  }
} finally {
  // Whatever happened: the browser and the server, by PID.
  await browser?.close().catch(() => {});
  kill(browserPid);
  if (server !== undefined) {
    kill(server.child.pid);
    await new Promise((resolve) => (server.child.exitCode !== null ? resolve() : server.child.once('exit', resolve)));
  }
  if (userDataDir !== undefined) await rm(userDataDir, { recursive: true, force: true });
  if (stateDir !== undefined) await rm(stateDir, { recursive: true, force: true });
}
