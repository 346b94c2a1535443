/**
 * The demo dashboard (`/`, demo/) in Chromium, against a real slotpull app on
 * the demo runtime with a fixed seed (a "world", tests/elements/support/worlds.mjs).
 */
import { emulateMedia, executeServerCommand, sendKeys, setViewport } from '@web/test-runner-commands';
import { visualDiff } from '@web/test-runner-visual-regression';
import { expect } from 'chai';
import { newWorld, type World } from '../elements/support/harness.ts';
import { button, buttonLabels, expectFrameAccessible, openDashboard, shown, squash, waitFor, type Dashboard } from './support/dashboard-frame.ts';

const SEED = 7;
const PHONE = 390;
const WIDE = 1280;
const FRAME_HEIGHT = 900;

const pageErrors = (reset = false): Promise<string[]> => executeServerCommand('page-errors', { reset }) as Promise<string[]>;

let dashboard: Dashboard | null = null;
let world: World;

beforeEach(async () => {
  await emulateMedia({ reducedMotion: 'reduce', colorScheme: 'light' });
  await pageErrors(true);
  world = await newWorld({ seed: SEED });
});

afterEach(async () => {
  dashboard?.remove();
  dashboard = null;
  await world.control('resume-engine');
});

/** The state a card's pull bar reflects. */
const barState = (d: Dashboard, slot: string): string | null => d.inCard(slot, 'slot-image-pull-bar').getAttribute('state');

describe('the demo dashboard', () => {
  it('loads with no console error: header, demo notice, API link, one card per slot', async () => {
    dashboard = await openDashboard(world, WIDE, FRAME_HEIGHT);
    const header = squash(dashboard.root.querySelector('header')?.textContent);
    expect(header).to.contain('slotpull').and.contain('Runtime demo');
    expect(header).to.contain('Demo runtime — no container engine found.');
    expect(dashboard.root.querySelector('a[href="api/openapi.json"]')).to.not.equal(null);
    expect(shown(dashboard.inCard('embed', 'article'))).to.contain('has no image');
    expect(dashboard.card('embed').querySelector('slot-image-pull-bar')).to.equal(null);
    expect(dashboard.inCard('chat', '.image').getAttribute('title')).to.equal('ghcr.io/acme/llama-server:vulkan');
    expect(squash(dashboard.inCard('chat', '.image').textContent)).to.equal('llama-server:vulkan');
    expect(squash(dashboard.inCard('rerank', '.container-status').textContent)).to.equal('crashed');
    const d = dashboard;
    await waitFor(() => d.inCard('rerank', 'slot-error-banner').getAttribute('state') === 'crashed', 'the crashed container in a banner');
    // A crash is the message; a re-pull does not mend it, so Re-pull is there, but not the main action.
    expect(buttonLabels(d.card('rerank'))).to.deep.equal(['Dismiss', 'Re-pull']);
    const rePull = button(d.card('rerank'), 'Re-pull');
    expect(getComputedStyle(rePull).backgroundColor, 'Re-pull of a crashed slot: a plain button').to.equal('rgba(0, 0, 0, 0)');
    // A missing image: Pull, the card's main action, and no banner.
    expect(buttonLabels(d.card('chat'))).to.deep.equal(['Pull']);
    expect(getComputedStyle(button(d.card('chat'), 'Pull')).backgroundColor).to.not.equal('rgba(0, 0, 0, 0)');
    expect(d.inCard('chat', 'slot-error-banner').getAttribute('state')).to.equal('hidden');
    expect(await pageErrors()).to.deep.equal([]);
  });

  it('a pull started from a card shows progress in both cards of the image and the activity strip, and ends "Image ready"', async () => {
    dashboard = await openDashboard(world, WIDE, FRAME_HEIGHT);
    const d = dashboard;
    button(d.card('chat'), 'Pull').click();
    await waitFor(() => barState(d, 'chat') === 'determinate', 'a determinate bar on chat');
    expect(barState(d, 'code')).to.be.oneOf(['determinate', 'indeterminate']); // one image, one pull
    // Cancel stops the one engine pull of the image: it says so before it is pressed.
    expect(buttonLabels(d.card('chat'))).to.deep.equal(['Cancel (also stops code)']);
    expect(buttonLabels(d.card('code'))).to.deep.equal(['Cancel (also stops chat)']);
    expect(button(d.card('chat'), 'Cancel (also stops code)').getAttribute('aria-label')).to.equal('Cancel the pull of chat, also stopping code');
    expect(d.inCard('chat', 'slot-error-banner').getAttribute('state')).to.equal('hidden');
    await waitFor(() => /pulling \d+%/.test(d.activity()), 'the pull in the activity strip');
    expect(d.activity()).to.contain('chat, code').and.contain('llama-server:vulkan');
    await waitFor(() => barState(d, 'chat') === 'completed', 'chat completed', 25_000);
    expect(shown(d.inCard('chat', 'slot-image-pull-bar'))).to.contain('Image ready');
    await waitFor(() => d.activity().includes('done'), 'the finished pull in the activity strip');
    expect(d.activity()).to.match(/avg [\d.]+ [MG]B\/s/);
    expect(squash(button(d.card('chat'), 'Re-pull').textContent)).to.equal('Re-pull');
    expect(await pageErrors()).to.deep.equal([]);
  });

  it("shows the server's history: the last pulls in the activity strip and, on a present image's card, its last pull", async () => {
    const DAY_MS = 24 * 60 * 60 * 1000;
    world = await newWorld({
      seed: SEED,
      pulls: [
        { slots: ['vision'], image: 'ghcr.io/acme/vision-server:0.9', endedAgoMs: 2 * 60 * 60 * 1000, durationS: 30 },
        { slots: ['rerank'], image: 'ghcr.io/acme/rerank-server:1.2', endedAgoMs: 3 * DAY_MS, durationS: 252, bytes: 2_520_000_000 },
      ],
    });
    dashboard = await openDashboard(world, WIDE, FRAME_HEIGHT);
    const d = dashboard;
    await waitFor(() => d.activity().includes('3 days ago'), 'the history in the activity strip');
    expect(d.activity()).to.contain('rerank').and.contain('avg 10 MB/s').and.contain('2 hours ago').and.contain('vision');
    const lastPull = (): string => squash(d.inCard('rerank', 'slot-image-status').shadowRoot?.querySelector('[part="last-pull"]')?.textContent);
    await waitFor(() => lastPull() !== '', "rerank's last pull on its card");
    expect(lastPull()).to.equal('pulled 3 days ago in 4 min 12 sec');
    expect(await pageErrors()).to.deep.equal([]);
  });

  it('the failing demo image (vision) shows the banner with one Re-pull, and the Re-pull recovers', async () => {
    dashboard = await openDashboard(world, WIDE, FRAME_HEIGHT);
    const d = dashboard;
    button(d.card('vision'), 'Pull').click();
    const banner = (): HTMLElement => d.inCard('vision', 'slot-error-banner');
    await waitFor(() => banner().getAttribute('state') === 'failed', 'the failure banner on vision', 25_000);
    expect(shown(banner())).to.contain('failed: received unexpected HTTP status: 503');
    expect(getComputedStyle(d.inCard('vision', 'slot-image-pull-bar')).display).to.equal('none');
    expect(buttonLabels(d.card('vision')), 'Re-pull, not Retry and Re-pull').to.deep.equal(['Re-pull', 'Dismiss']);
    expect(d.activity()).to.contain('failed').and.contain('vision');
    button(d.card('vision'), 'Re-pull').click();
    await waitFor(() => barState(d, 'vision') === 'determinate' || barState(d, 'vision') === 'indeterminate', 'vision pulling again');
    expect(banner().getAttribute('state'), 'the pull shows in the bar, once').to.equal('hidden');
    await waitFor(() => barState(d, 'vision') === 'completed', 'vision recovered', 25_000);
    expect(await pageErrors()).to.deep.equal([]);
  });

  it('is keyboard-usable: Tab reaches a card button and Enter pulls', async () => {
    dashboard = await openDashboard(world, WIDE, FRAME_HEIGHT);
    const d = dashboard;
    d.frame.focus();
    const bar = d.inCard('chat', 'slot-image-pull-bar');
    const pull = button(d.card('chat'), 'Pull');
    pull.focus();
    expect(bar.shadowRoot!.activeElement).to.equal(pull);
    await world.control('pause-engine'); // the pull waits to be cancelled
    await sendKeys({ press: 'Enter' });
    await waitFor(() => barState(d, 'chat') !== 'missing', 'the pull started by Enter');
    const cancelLabel = 'Cancel (also stops code)';
    // Enabled once the POST has answered (a disabled button takes no focus).
    await waitFor(() => !button(d.card('chat'), cancelLabel).disabled, 'an enabled Cancel');
    const cancel = button(d.card('chat'), cancelLabel);
    cancel.focus();
    expect(bar.shadowRoot!.activeElement).to.equal(cancel);
    await sendKeys({ press: 'Enter' });
    await waitFor(() => barState(d, 'chat') === 'cancelled', `the pull cancelled by Enter (bar: ${barState(d, 'chat')}, focus: ${bar.shadowRoot!.activeElement?.textContent})`);
  });

  it('has no axe violation, light and dark, idle and with a failure', async () => {
    dashboard = await openDashboard(world, WIDE, FRAME_HEIGHT);
    await expectFrameAccessible(dashboard, 'the dashboard at load (light)');
    const d = dashboard;
    button(d.card('vision'), 'Pull').click();
    await waitFor(() => d.inCard('vision', 'slot-error-banner').getAttribute('state') === 'failed', 'the failure banner', 25_000);
    await expectFrameAccessible(dashboard, 'the dashboard with a failed pull (light)');
    await emulateMedia({ colorScheme: 'dark' });
    await expectFrameAccessible(dashboard, 'the dashboard with a failed pull (dark)');
  });

  it('says so when it cannot read the slots, and offers to try again', async () => {
    const gone = { ...world, base: `${location.origin}/__test/worlds/999999` };
    const frame = document.createElement('iframe');
    frame.src = `${world.base}/`;
    // The page of one world, pointed at a server that is not there.
    document.body.append(frame);
    await new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    const host = frame.contentDocument!.querySelector('slotpull-dashboard')!;
    host.setAttribute('base-url', gone.base);
    await waitFor(() => squash(host.shadowRoot?.textContent).includes('Could not read the slots'), 'the error state');
    const alert = host.shadowRoot!.querySelector('[role="alert"]');
    expect(squash(alert?.textContent)).to.contain('HTTP 404');
    expect(squash(alert?.querySelector('button')?.textContent)).to.equal('Try again');
    frame.remove();
  });

  it('says what to do when the slots file names no slot (issue 14), with no console error', async () => {
    const empty = await newWorld({ slots: { slots: [] } });
    dashboard = await openDashboard(empty, WIDE, FRAME_HEIGHT, 0);
    const d = dashboard;
    await waitFor(() => squash(d.root.textContent).includes('Slots (0)'), 'the empty slots section');
    expect(squash(d.root.querySelector('[role="status"]')?.textContent)).to.equal(
      'The slots file names no slot: add slots to it (README, “Configuration”) and restart slotpull.',
    );
    expect(await pageErrors()).to.deep.equal([]);
  });
});

describe('the demo dashboard, screenshots', () => {
  /** Holds a pull of chat at a third: the engine waits, and the page shows the server's last frame. */
  async function midPull(d: Dashboard): Promise<void> {
    button(d.card('chat'), 'Pull').click();
    for (;;) {
      const status = (await (await world.api('/api/slots/chat/pull/status')).json()) as { percent: number | null };
      if ((status.percent ?? 0) >= 30) break;
    }
    await world.control('pause-engine');
    const held = (await (await world.api('/api/slots/chat/pull/status')).json()) as { percent: number };
    const wanted = Math.floor(held.percent);
    // The bar's words follow its fill within a second: the picture waits for both.
    const bar = () => d.inCard('chat', 'slot-image-pull-bar').shadowRoot;
    await waitFor(
      () => bar()?.querySelector('[role="progressbar"]')?.getAttribute('aria-valuenow') === String(wanted) && squash(bar()?.textContent).includes(`${wanted}%`),
      `the page at the held ${wanted}%`,
    );
  }

  for (const width of [PHONE, WIDE]) {
    it(`${width} px wide, mid-pull and after completion, match the baselines`, async () => {
      await setViewport({ width: width + 20, height: FRAME_HEIGHT + 20 });
      dashboard = await openDashboard(world, width, FRAME_HEIGHT);
      const d = dashboard;
      await midPull(d);
      await visualDiff(d.frame, `dashboard-${width}-mid-pull`);
      await world.control('resume-engine');
      await waitFor(() => barState(d, 'chat') === 'completed' && d.activity().includes('done'), 'chat completed', 25_000);
      await visualDiff(d.frame, `dashboard-${width}-completed`);
    });
  }
});
