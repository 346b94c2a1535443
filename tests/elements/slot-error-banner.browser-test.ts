import { expect } from 'chai';
import { SlotErrorActionEvent, SlotErrorBanner, SlotErrorDismissEvent, type PullSnapshot, type SlotImagePullBar } from '../../elements/index.ts';
import { cleanup, expectAccessible, fixture, hasPart, newWorld, nextEvent, part, shadow, text, until, type World } from './support/harness.ts';

const CHAT_IMAGE = 'ghcr.io/acme/llama-server:vulkan';
const VISION_IMAGE = 'ghcr.io/acme/vision-server:0.9';
const VISION_ERROR = 'received unexpected HTTP status: 503 Service Unavailable';
/** An image the demo registry does not have: every pull of it fails. */
const NOPE_IMAGE = 'ghcr.io/acme/nope:1';
const NOPE_ERROR = 'manifest for ghcr.io/acme/nope:1 not found: manifest unknown: manifest unknown';
const FAILING_SLOTS = { slots: [{ name: 'nope', provider: 'container', image: NOPE_IMAGE }] };
/** A slot whose image is present and whose container is not crashed: healthy. */
const HEALTHY_SLOTS = {
  slots: [{ name: 'ok', provider: 'container', image: 'ghcr.io/acme/rerank-server:1.2', container: 'slot-ok' }],
};

const stateOf = (el: Element): string | null => el.getAttribute('state');
const mountBanner = (world: World, slot: string): SlotErrorBanner =>
  fixture<SlotErrorBanner>(`<slot-error-banner slot-name="${slot}" base-url="${world.base}"></slot-error-banner>`);
const messageRole = (banner: Element): string | null => part(banner, 'message').parentElement!.getAttribute('role');
const pullStatus = async (world: World, slot: string): Promise<PullSnapshot> =>
  (await (await world.api(`/api/slots/${slot}/pull/status`)).json()) as PullSnapshot;

describe('<slot-error-banner>', () => {
  afterEach(cleanup);

  describe('hidden', () => {
    it('is in the DOM from the start and hidden while the slot is healthy', async () => {
      const world = await newWorld({ slots: HEALTHY_SLOTS });
      const banner = mountBanner(world, 'ok');
      await banner.updateComplete;
      expect(banner.isConnected).to.equal(true);
      expect(stateOf(banner)).to.equal('hidden');
      expect(getComputedStyle(banner).display).to.equal('none');
      // A hidden banner renders nothing, so watch a chip on the same slot (the hub serves the banner first).
      const chip = fixture(`<slot-image-status slot-name="ok" base-url="${world.base}"></slot-image-status>`);
      await until([banner, chip], () => banner.snapshot?.state === 'present', 'the first snapshot');
      await banner.updateComplete;
      expect(stateOf(banner)).to.equal('hidden');
      expect(getComputedStyle(banner).display).to.equal('none');
      expect(hasPart(banner, 'base')).to.equal(false);
    });

    it('says nothing of an image not pulled yet, nor of a pull that runs normally: no problem', async () => {
      const world = await newWorld({ speed: 4 });
      const banner = mountBanner(world, 'chat');
      const chip = fixture(`<slot-image-status slot-name="chat" base-url="${world.base}"></slot-image-status>`);
      await until([banner, chip], () => banner.snapshot?.state === 'missing', 'the image missing');
      await banner.updateComplete;
      expect(stateOf(banner)).to.equal('hidden');
      await world.api('/api/slots/chat/pull', { method: 'POST' });
      await until(chip, () => chip.getAttribute('status') === 'pulling', 'the pull running');
      await banner.updateComplete;
      expect(stateOf(banner)).to.equal('hidden');
      expect(hasPart(banner, 'base')).to.equal(false);
    });
  });

  describe('failed pull', () => {
    it('is an alert when it appears while the page is open; Dismiss hides it until a different error', async () => {
      const world = await newWorld({ speed: 10, slots: FAILING_SLOTS });
      const banner = mountBanner(world, 'nope');
      const chip = fixture(`<slot-image-status slot-name="nope" base-url="${world.base}"></slot-image-status>`);
      await until([banner, chip], () => banner.snapshot?.state === 'missing', 'the image missing');
      await world.api('/api/slots/nope/pull', { method: 'POST' }); // someone else pulls
      await until(banner, () => stateOf(banner) === 'failed', 'failed');
      expect(text(part(banner, 'message'))).to.equal(`Pull of image ${NOPE_IMAGE} failed: ${NOPE_ERROR}`);
      expect(messageRole(banner)).to.equal('alert');
      expect(text(part(banner, 'repull-button'))).to.equal('Re-pull');
      await expectAccessible(banner, 'failed');

      const firstJob = banner.snapshot!.job_id;
      const dismissed = nextEvent<SlotErrorDismissEvent>(banner, 'slot-error-dismiss');
      part<HTMLButtonElement>(banner, 'dismiss-button').click();
      const event = await dismissed;
      expect(event).to.be.instanceOf(SlotErrorDismissEvent);
      expect(event.detail).to.include({ slot_name: 'nope', reason: 'failed' });
      expect(event.detail.snapshot?.job_id).to.equal(firstJob);
      await banner.updateComplete;
      expect(stateOf(banner)).to.equal('hidden');

      // The same error stays dismissed; another failure (a new job) shows again.
      await world.api('/api/slots/nope/pull', { method: 'POST' });
      await until(chip, () => banner.snapshot?.state === 'failed' && banner.snapshot.job_id !== firstJob, 'the second failure');
      await banner.updateComplete;
      expect(stateOf(banner)).to.equal('failed');
      expect(messageRole(banner)).to.equal('alert');
    });

    it('re-pulls with no pull bar on the page: POST, "Pulling…" while in flight, the pull inline, and hides on success', async () => {
      const world = await newWorld({ speed: 10 });
      await world.api('/api/slots/vision/pull', { method: 'POST' });
      await (await world.api('/api/slots/vision/pull/stream?until=done')).text(); // failed before the page loads
      const banner = mountBanner(world, 'vision');
      await until(banner, () => stateOf(banner) === 'failed', 'failed');
      expect(messageRole(banner)).to.equal('status'); // there at load
      // Each button's name says its slot, for a page with many banners.
      expect(['repull-button', 'dismiss-button'].map((name) => part(banner, name).getAttribute('aria-label'))).to.deep.equal([
        'Re-pull the image of vision',
        'Dismiss the message about vision',
      ]);
      const action = nextEvent<SlotErrorActionEvent>(banner, 'slot-error-action');
      const completed = nextEvent(document, 'slot-pull-complete');
      part<HTMLButtonElement>(banner, 'repull-button').click();
      const event = await action;
      expect(event).to.be.instanceOf(SlotErrorActionEvent);
      expect(event.bubbles && event.composed && event.cancelable).to.equal(true);
      expect(event.detail).to.include({ slot_name: 'vision', reason: 'failed', action: 're-pull', message: `Pull of image ${VISION_IMAGE} failed: ${VISION_ERROR}` });
      expect(event.detail.snapshot?.state).to.equal('failed');
      await banner.updateComplete;
      expect(part<HTMLButtonElement>(banner, 'repull-button').disabled).to.equal(true);
      expect(text(part(banner, 'repull-button'))).to.equal('Pulling…');

      await until(banner, () => stateOf(banner) === 'pulling', 'the inline bar');
      const bar = part<SlotImagePullBar>(banner, 'pull-bar');
      expect(bar.localName).to.equal('slot-image-pull-bar');
      await until(bar, () => ['determinate', 'indeterminate'].includes(bar.getAttribute('state') ?? ''), 'the inline bar pulling');
      // The inline bar's parts are forwarded as bar-*: a page's ::part rule reaches it.
      const style = document.head.appendChild(document.createElement('style'));
      style.textContent = 'slot-error-banner::part(bar-track) { outline: 3px solid rgb(1, 2, 3) }';
      expect(getComputedStyle(part(bar, 'track')).outlineColor).to.equal('rgb(1, 2, 3)');
      style.remove();
      expect(part<HTMLButtonElement>(banner, 'repull-button').disabled).to.equal(true);
      // One voice: the inline bar carries the progressbar and the polite region, the banner's sentence none.
      expect(messageRole(banner)).to.equal(null);
      expect(part(bar, 'track').getAttribute('role')).to.equal('progressbar');
      expect(shadow(bar).querySelectorAll('[aria-live]')).to.have.length(1);
      await expectAccessible(banner, 'pulling');

      // The demo's failing image fails its first pull only: the Re-pull recovers.
      expect((await completed).target, 'the banner sends the slot\'s events').to.equal(banner);
      await until(banner, () => stateOf(banner) === 'hidden', 'the banner hiding');
      expect(hasPart(banner, 'base')).to.equal(false);
      expect((await pullStatus(world, 'vision')).state).to.equal('completed');
    });

    it('sends no request when slot-error-action is cancelled', async () => {
      const world = await newWorld({ speed: 10, slots: FAILING_SLOTS });
      await world.api('/api/slots/nope/pull', { method: 'POST' });
      const banner = mountBanner(world, 'nope');
      await until(banner, () => stateOf(banner) === 'failed', 'failed');
      const job = banner.snapshot!.job_id;
      banner.addEventListener('slot-error-action', (event) => event.preventDefault(), { once: true });
      part<HTMLButtonElement>(banner, 'repull-button').click();
      await banner.updateComplete;
      expect(text(part(banner, 'repull-button'))).to.equal('Re-pull');
      expect(stateOf(banner)).to.equal('failed');
      expect((await pullStatus(world, 'nope')).job_id).to.equal(job);
    });
  });

  describe('crashed container', () => {
    it('says so with container_error, offers no Re-pull', async () => {
      const world = await newWorld();
      const banner = mountBanner(world, 'rerank');
      await until(banner, () => stateOf(banner) === 'crashed', 'crashed');
      expect(text(part(banner, 'message'))).to.equal('Container slot-rerank crashed: exited with code 137 (out of memory)');
      expect(hasPart(banner, 'repull-button')).to.equal(false);
      expect(hasPart(banner, 'dismiss-button')).to.equal(true);
      expect(messageRole(banner)).to.equal('status');
      await expectAccessible(banner, 'crashed');
    });
  });

  describe('problems', () => {
    it('says when the server cannot be reached', async () => {
      const banner = fixture<SlotErrorBanner>('<slot-error-banner slot-name="chat" base-url="http://127.0.0.1:9"></slot-error-banner>');
      await until(banner, () => stateOf(banner) === 'unreachable', 'unreachable');
      expect(text(part(banner, 'message'))).to.equal('Cannot reach the slotpull server at http://127.0.0.1:9');
      await expectAccessible(banner, 'unreachable');
    });

    it('says when the slot does not exist', async () => {
      const world = await newWorld();
      const banner = mountBanner(world, 'nope');
      await until(banner, () => stateOf(banner) === 'problem', 'problem');
      expect(text(part(banner, 'message'))).to.equal('No slot is named "nope" on this server');
      await expectAccessible(banner, 'problem');
    });
  });

  describe('styling', () => {
    it('takes its colors from custom properties', async () => {
      const world = await newWorld();
      const banner = mountBanner(world, 'rerank');
      banner.style.cssText =
        '--slotpull-color-danger-surface: rgb(1, 2, 3); --slotpull-color-danger-text: rgb(250, 251, 252); --slotpull-color-danger: rgb(7, 8, 9)';
      await until(banner, () => stateOf(banner) === 'crashed', 'crashed');
      const base = getComputedStyle(part(banner, 'base'));
      expect(base.backgroundColor).to.equal('rgb(1, 2, 3)');
      expect(base.color).to.equal('rgb(250, 251, 252)');
      expect(base.borderTopColor).to.equal('rgb(7, 8, 9)');
      expect(shadow(banner).querySelector('slot-image-pull-bar')).to.equal(null);
    });
  });
});
