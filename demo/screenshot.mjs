// Takes docs/dashboard.png (and docs/dashboard-phone.png): the demo dashboard
// mid-pull, in headless Debian Chromium (CHROMIUM_PATH, default
// /usr/bin/chromium; nothing is downloaded). Runs the compiled server
// (`npm run build` first) on the demo runtime with a fixed seed, starts the
// pulls of "chat" and "vision", waits until "vision" has failed and "chat"
// is past a third, then holds the simulated engine and shoots.
//   node demo/screenshot.mjs [outdir]
import { serve } from '@hono/node-server';
import puppeteer from 'puppeteer-core';
import { fileURLToPath } from 'node:url';

const root = new URL('..', import.meta.url);
const dist = new URL('dist/server/', root);
const { createSlotpull } = await import(new URL('http/app.js', dist).href);
const { createDemoRuntime } = await import(new URL('runtimes/demo.js', dist).href);
const { validateSlotsFile } = await import(new URL('config/schema.js', dist).href);
const { demoSlotsFile } = await import(new URL('config/demo.js', dist).href);
const { systemClock } = await import(new URL('runtimes/system-clock.js', dist).href);

const outdir = fileURLToPath(new URL(process.argv[2] ?? 'docs/', root));
const SEED = 7;
const SPEED = 2;
/** The screenshot waits for the chat pull to get this far. */
const CHAT_PERCENT = 35;
const SHOTS = [
  { file: 'dashboard.png', width: 1280, height: 900 },
  { file: 'dashboard-phone.png', width: 390, height: 1500 },
];

let held = false;
const heldTimers = [];
// The engine's clock: once `held`, its timers wait, so the pulls stand still for the shots.
const engineClock = {
  now: () => systemClock.now(),
  setTimeout: (callback, ms) => systemClock.setTimeout(() => (held ? heldTimers.push(callback) : callback()), ms),
  clearTimeout: (handle) => systemClock.clearTimeout(handle),
};
const config = validateSlotsFile(demoSlotsFile, 'built-in demo config');
const slotpull = createSlotpull({
  slots: config.slots,
  runtime: createDemoRuntime({ clock: engineClock, seed: SEED, speedFactor: SPEED }),
  clock: systemClock,
  newJobId: (() => { let n = 0; return () => `p_shot_${++n}`; })(),
  version: 'screenshot',
});
const server = serve({ fetch: slotpull.app.fetch, port: 0, hostname: '127.0.0.1' });
await new Promise((resolve) => server.once('listening', resolve));
const base = `http://127.0.0.1:${server.address().port}`;

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--hide-scrollbars'],
});
try {
  const page = await browser.newPage();
  await page.emulateMediaFeatures([{ name: 'prefers-reduced-motion', value: 'reduce' }, { name: 'prefers-color-scheme', value: 'light' }]);
  await page.setViewport({ width: 1280, height: 900 });
  await page.goto(`${base}/`, { waitUntil: 'networkidle0' }).catch(() => {}); // an open event stream keeps the network busy
  for (const slot of ['chat', 'vision']) await fetch(`${base}/api/slots/${slot}/pull`, { method: 'POST' });
  const status = async (slot) => (await (await fetch(`${base}/api/slots/${slot}/pull/status`)).json());
  for (;;) {
    const [chat, vision] = [await status('chat'), await status('vision')];
    if (vision.state === 'failed' && chat.state === 'pulling' && (chat.percent ?? 0) >= CHAT_PERCENT) break;
    if (chat.state !== 'pulling') throw new Error(`chat ended ${chat.state} before the screenshot`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  held = true;
  await new Promise((resolve) => setTimeout(resolve, 600)); // the last coalesced frame reaches the page
  for (const shot of SHOTS) {
    await page.setViewport({ width: shot.width, height: shot.height });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await page.screenshot({ path: `${outdir}${shot.file}`, fullPage: true });
    console.log(`screenshot: ${outdir}${shot.file}`);
  }
} finally {
  await browser.close();
  slotpull.close();
  server.closeAllConnections?.();
  server.close();
}
