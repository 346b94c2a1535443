/**
 * A "done" a person notices outside the page (issue 15): `notify` and
 * `title-progress` on the pull bar, with real pulls on the demo runtime in
 * Chromium. The notifications permission is granted by the test through
 * CDP (Browser.grantPermissions, sent by puppeteer: support/tab-commands.mjs), as a person's
 * "Allow" would.
 *
 * Two stand-ins, named so: a test page cannot be hidden on demand (CDP's focus
 * emulation leaves document.visibilityState "visible"), so `hideTab()`
 * overrides document.visibilityState on the document and dispatches
 * visibilitychange; and a page cannot list the notifications it showed, so
 * `NotificationStandIn` replaces window.Notification, recording each one
 * constructed (and each permission request, which it answers "default"
 * without a prompt) while passing constructions on to Chromium's own.
 */
import { executeServerCommand } from '@web/test-runner-commands';
import { expect } from 'chai';
import '../../elements/index.ts';
import type { SlotImagePullBar } from '../../elements/index.ts';
import { cleanup, fixture, newWorld, nextEvent, part, text, until, type World } from './support/harness.ts';

const CHAT_IMAGE = 'ghcr.io/acme/llama-server:vulkan';
const VISION_IMAGE = 'ghcr.io/acme/vision-server:0.9';

/** Pull bars for `slots` of `world`, each with `attributes`. */
function bars(world: World, slots: string[], attributes: string): SlotImagePullBar[] {
  const holder = fixture(`<div>${slots.map((slot) => `<slot-image-pull-bar slot-name="${slot}" base-url="${world.base}" ${attributes}></slot-image-pull-bar>`).join('')}</div>`);
  return [...holder.children] as SlotImagePullBar[];
}

const missing = (all: SlotImagePullBar[]): Promise<void> => until(all, () => all.every((bar) => bar.state === 'missing'), 'every bar missing');

const pull = async (world: World, slot: string): Promise<void> => {
  expect((await world.api(`/api/slots/${slot}/pull`, { method: 'POST' })).status, `POST ${slot} pull`).to.equal(202);
};

/** The stand-in for a hidden tab: document.visibilityState says "hidden" until `showTab()`. */
function hideTab(): void {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
  document.dispatchEvent(new Event('visibilitychange'));
}

function showTab(): void {
  delete (document as { visibilityState?: DocumentVisibilityState }).visibilityState;
  document.dispatchEvent(new Event('visibilitychange'));
}

describe('a "done" a person notices', () => {
  afterEach(cleanup);

  describe('notify', () => {
    const ChromiumNotification = window.Notification;
    const windowFocus = window.focus;
    /** What the stand-in saw: each notification constructed, and each permission request. */
    let shown: Notification[];
    let asked: number;

    beforeEach(() => {
      shown = [];
      asked = 0;
      window.Notification = class NotificationStandIn extends ChromiumNotification {
        constructor(title: string, options?: NotificationOptions) {
          super(title, options);
          shown.push(this);
        }

        static override requestPermission(): Promise<NotificationPermission> {
          asked += 1;
          return Promise.resolve('default');
        }
      };
    });

    afterEach(async () => {
      window.Notification = ChromiumNotification;
      window.focus = windowFocus;
      showTab();
      await executeServerCommand('reset-permissions');
    });

    it('one notification per pull for the page, on completion and failure, only while the tab is hidden; a click brings the tab back', async () => {
      expect(await executeServerCommand('grant-notifications')).to.equal(true);
      expect(Notification.permission).to.equal('granted');
      const world = await newWorld({ speed: 10 });
      // Two bars show chat: still one notification for its pull.
      const all = bars(world, ['chat', 'chat', 'vision'], 'notify');
      await missing(all);

      hideTab();
      const completed = nextEvent(document, 'slot-pull-complete');
      const failed = nextEvent(document, 'slot-pull-failed');
      await pull(world, 'chat');
      await pull(world, 'vision');
      await Promise.all([completed, failed]);
      expect(shown.map((notification) => notification.title).sort()).to.have.length(2);
      const [ready, failure] = shown.map((notification) => notification.title).sort();
      expect(ready).to.equal(`Image ${CHAT_IMAGE} is ready`);
      expect(failure).to.match(new RegExp(`^Pull of image ${VISION_IMAGE.replace(/[.]/g, '\\.')} failed: .+`));

      let focused = 0;
      window.focus = () => void (focused += 1);
      shown[0]?.dispatchEvent(new Event('click'));
      expect(focused, 'the tab focused by a click on the notification').to.equal(1);

      // Seen: the page says it itself.
      showTab();
      const again = nextEvent(document, 'slot-pull-complete');
      await pull(world, 'chat');
      await again;
      expect(shown, 'notifications while the tab is seen').to.have.length(2);
      expect(asked, 'permission requests without a press').to.equal(0);
    });

    it('none without the attribute, nor without the permission', async () => {
      const world = await newWorld({ speed: 10 });
      const [plain, opted] = bars(world, ['chat', 'vision'], '');
      (opted as SlotImagePullBar).notify = true;
      await missing([plain as SlotImagePullBar, opted as SlotImagePullBar]);
      hideTab();
      // chat: no `notify`, permission granted; vision: `notify`, permission not granted.
      expect(await executeServerCommand('grant-notifications')).to.equal(true);
      const completed = nextEvent(document, 'slot-pull-complete');
      await pull(world, 'chat');
      await completed;
      await executeServerCommand('reset-permissions');
      expect(Notification.permission).to.equal('default');
      const failed = nextEvent(document, 'slot-pull-failed');
      await pull(world, 'vision');
      await failed;
      expect(shown).to.deep.equal([]);
    });

    it('asks for the permission only when the person presses Pull on a bar with `notify`, never on load', async () => {
      const world = await newWorld({ speed: 1 });
      const [plain, opted] = bars(world, ['chat', 'vision'], '');
      (opted as SlotImagePullBar).notify = true;
      await missing([plain as SlotImagePullBar, opted as SlotImagePullBar]);
      expect(Notification.permission).to.equal('default');
      expect(asked, 'requests on load').to.equal(0);
      part<HTMLButtonElement>(plain as SlotImagePullBar, 'pull-button').click();
      expect(asked, 'requests on a press of a bar without `notify`').to.equal(0);
      part<HTMLButtonElement>(opted as SlotImagePullBar, 'pull-button').click();
      expect(asked, 'requests on a press of Pull with `notify`').to.equal(1);
      await until(opted as SlotImagePullBar, () => (opted as SlotImagePullBar).state !== 'missing', 'the pull started');
    });
  });

  describe('title-progress', () => {
    const testTitle = document.title;
    /** Every title the page had, in order. */
    let titles: string[];
    let watcher: MutationObserver;

    beforeEach(() => {
      document.title = 'Dashboard';
      titles = [];
      watcher = new MutationObserver(() => void (titles.at(-1) === document.title || titles.push(document.title)));
      watcher.observe(document.head, { subtree: true, childList: true, characterData: true });
    });

    afterEach(() => {
      watcher.disconnect();
      document.title = testTitle;
    });

    it('puts the pull\'s percent before the title while it runs, in step with the bar, follows a title the page sets, and gives it back', async () => {
      const world = await newWorld({ speed: 10 });
      const [bar] = bars(world, ['chat'], 'title-progress') as [SlotImagePullBar];
      await missing([bar]);
      expect(document.title).to.equal('Dashboard');
      const done = nextEvent(document, 'slot-pull-complete');
      await pull(world, 'chat');
      await until([bar, document.head], () => /^\d+% · Dashboard$/.test(document.title), 'the percent in the title');
      expect(document.title.split(' ')[0], 'the bar\'s percent').to.equal(text(part(bar, 'meta')).split(' ')[0]);
      // The page sets its own title meanwhile: the prefix goes before it, once.
      document.title = 'Dashboard (2)';
      await until([bar, document.head], () => /^\d+% · Dashboard \(2\)$/.test(document.title), 'the percent before the new title');
      await done;
      await until([bar, document.head], () => document.title === 'Dashboard (2)', 'the page\'s title given back');
      // "…" while the pull's percent is not known yet.
      expect(titles.filter((title) => !/^((\d+%|…) · )?Dashboard( \(2\))?$/.test(title)), 'titles with no or two prefixes').to.deep.equal([]);
      expect(titles.filter((title) => /^\d+% · /.test(title)).length, 'titles with the percent').to.be.at.least(2);
    });

    it('several pulls: the lowest percent, once however many bars show a pull; the title back when they leave', async () => {
      const world = await newWorld({ speed: 1 });
      const all = bars(world, ['chat', 'chat', 'vision'], 'title-progress');
      await missing(all);
      await pull(world, 'chat');
      await until([...all, document.head], () => /^\d+% · Dashboard$/.test(document.title), 'chat\'s percent in the title');
      await pull(world, 'vision');
      await until(all, () => all.every((bar) => bar.state === 'determinate'), 'both pulls with a percent');
      await world.control('pause-engine');
      // Paused, the page's next beat gives every bar its last words.
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      await Promise.all(all.map((bar) => bar.updateComplete));
      const percents = all.map((bar) => Number(part(bar, 'track').getAttribute('aria-valuenow')));
      expect(document.title).to.equal(`${Math.min(...percents)}% · Dashboard`);
      cleanup();
      expect(document.title, 'the title once the bars left').to.equal('Dashboard');
      await world.control('resume-engine');
    });
  });
});
