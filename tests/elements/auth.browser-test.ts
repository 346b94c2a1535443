/**
 * Issue 13: elements on a page that authenticate with configureServer() —
 * the token in Authorization headers, the event stream on a short-lived
 * ticket, never the token in a URL the page requests — and every refusal in
 * its own words, in the elements and in the server's log.
 */
import { executeServerCommand } from '@web/test-runner-commands';
import { expect } from 'chai';
import { configureServer, type SlotErrorBanner, type SlotImagePullBar, type SlotImageStatus } from '../../elements/index.ts';
import { startPull } from '../../elements/api.ts';
import { cleanup, crossOrigin, fixture, newWorld, part, text, until, type World } from './support/harness.ts';

const TOKEN = 'tok-3f9a1c7e52d84b06';

/** Every URL the page requested since the last reset; `until`: once `count` of them end with it (the browser's report can trail). */
const requestLog = (payload: { reset?: boolean; until?: string; count?: number } = {}): Promise<string[]> =>
  executeServerCommand('request-log', payload) as Promise<string[]>;

/** The three elements for one slot, side by side as the README shows them. */
function mountSlot(base: string, slot = 'chat'): { bar: SlotImagePullBar; chip: SlotImageStatus; banner: SlotErrorBanner } {
  const holder = fixture('<div></div>');
  holder.innerHTML = [
    `<slot-image-status slot-name="${slot}" base-url="${base}"></slot-image-status>`,
    `<slot-image-pull-bar slot-name="${slot}" base-url="${base}" cancelable show-idle></slot-image-pull-bar>`,
    `<slot-error-banner slot-name="${slot}" base-url="${base}"></slot-error-banner>`,
  ].join('');
  const [chip, bar, banner] = [...holder.children] as [SlotImageStatus, SlotImagePullBar, SlotErrorBanner];
  return { bar, chip, banner };
}

const stateOf = (el: Element): string | null => el.getAttribute('state');

describe('configureServer()', () => {
  afterEach(cleanup);

  it('authenticates reads, the stream, a pull and a cancel on a --token --protect-reads server, never putting the token in a URL', async () => {
    const world = await newWorld({ token: TOKEN, protectReads: true, speed: 4 });
    await world.control('pause-engine');
    await requestLog({ reset: true });
    configureServer(world.base, { getToken: () => Promise.resolve(TOKEN) });
    const { bar, chip } = mountSlot(world.base);
    await until([bar, chip], () => stateOf(bar) === 'missing' && chip.getAttribute('status') === 'missing', 'the slot read and streamed with the token');
    expect(text(part(bar, 'label'))).to.equal('Image not pulled yet');

    // A pull started with the elements' own request (the token from configureServer), shown by the stream.
    await startPull(world.base, 'chat', new AbortController().signal);
    await until(bar, () => stateOf(bar) === 'indeterminate', 'the pull on the stream');
    part<HTMLButtonElement>(bar, 'cancel-button').click();
    await until(bar, () => stateOf(bar) === 'cancelled', 'cancelled with the token');

    // The POST and the DELETE.
    const urls = await requestLog({ until: '/api/slots/chat/pull', count: 2 });
    const ours = urls.filter((url) => url.startsWith(world.base));
    expect(ours.some((url) => /\/api\/events\?ticket=v1\.\d+\.[\w-]{43}$/.test(url)), `a stream opened on a ticket:\n${ours.join('\n')}`).to.equal(true);
    expect(ours.some((url) => url.endsWith('/api/stream-ticket'))).to.equal(true);
    expect(ours.some((url) => url.endsWith('/api/slots/chat/pull'))).to.equal(true);
    expect(urls.filter((url) => url.includes(TOKEN) || url.includes('access_token')), 'no URL carries the token').to.deep.equal([]);
    expect(await world.refusals(), 'nothing was refused').to.deep.equal([]);
  });

  it('works across origins with a token and credentials: include (CORS preflight, credentials allowed)', async () => {
    const other = await crossOrigin();
    const world = await newWorld({ token: TOKEN, protectReads: true, allowOrigin: location.origin }, other);
    configureServer(world.base, { token: TOKEN, credentials: 'include' });
    const { bar } = mountSlot(world.base, 'rerank');
    await until(bar, () => stateOf(bar) === 'idle', 'idle across origins');
    expect(text(part(bar, 'label'))).to.equal('Image present');
  });

  it('brings elements that were refused for want of a token back once it is given, without a reload', async () => {
    const world = await newWorld({ token: TOKEN, protectReads: true });
    const { bar, banner } = mountSlot(world.base);
    const needsToken = `The slotpull server at ${world.base} needs a token: give it to the elements with configureServer()`;
    await until([bar, banner], () => text(part(bar, 'label')) === needsToken && stateOf(banner) !== 'hidden', 'the refusal');
    expect(text(part(banner, 'message'))).to.equal(needsToken);
    configureServer(world.base, { token: TOKEN });
    await until(bar, () => stateOf(bar) === 'missing', 'the slot (its image missing) after configureServer()');
  });

  it("says so when the page's getToken() fails", async () => {
    const world = await newWorld({ token: TOKEN, protectReads: true });
    configureServer(world.base, { getToken: () => Promise.reject(new Error('the session has ended')) });
    const { bar } = mountSlot(world.base);
    const message = 'getToken() given to configureServer() failed: the session has ended';
    await until(bar, () => text(part(bar, 'label')) === message, 'the failure of getToken()');
  });

  it('refuses options it cannot use, saying what it expects', () => {
    for (const bad of [{ token: '' }, { token: 'a', getToken: () => 'b' }, { getToken: 'b' }, { credentials: 'always' }, null]) {
      expect(() => configureServer('http://127.0.0.1:8080', bad as never)).to.throw(TypeError, /options are \{ token: 'non-empty string' \} or \{ getToken\(\) \}/);
    }
    expect(() => configureServer('ftp://x', { token: 'a' })).to.throw(TypeError, 'configureServer: "ftp://x" is not an http(s) URL');
  });
});

describe('every refusal in its own words', () => {
  afterEach(cleanup);

  /** What the page's origin would be under the other loopback name. */
  const otherLoopbackName = (origin: string): string => origin.replace('//localhost:', '//127.0.0.1:');

  const causes: Array<[string, () => Promise<{ world: World | null; base: string; reason: string | null }>, (base: string) => string]> = [
    [
      'an origin the server does not allow (127.0.0.1 allowed, the page on localhost)',
      async () => {
        expect(location.hostname).to.equal('localhost');
        const world = await newWorld({ allowOrigin: otherLoopbackName(location.origin) }, await crossOrigin());
        return { world, base: world.base, reason: 'origin_not_allowed' };
      },
      (base) => `The slotpull server at ${base} does not allow pages from ${location.origin}: start it with --allow-origin ${location.origin}`,
    ],
    [
      'a missing token',
      async () => {
        const world = await newWorld({ token: TOKEN, protectReads: true });
        return { world, base: world.base, reason: 'token_missing' };
      },
      (base) => `The slotpull server at ${base} needs a token: give it to the elements with configureServer()`,
    ],
    [
      'a wrong token',
      async () => {
        const world = await newWorld({ token: TOKEN, protectReads: true });
        configureServer(world.base, { token: 'not-the-token' });
        return { world, base: world.base, reason: 'token_wrong' };
      },
      (base) => `The slotpull server at ${base} refused the token: configureServer() must give the one the server was started with`,
    ],
    [
      'a host name the server does not answer to',
      async () => {
        const world = await newWorld({ allowedHosts: ['127.0.0.1'] });
        return { world, base: world.base, reason: 'host_not_allowed' };
      },
      (base) => `The slotpull server at ${base} does not answer to the name ${location.host}: start it with --public-url ${base}`,
    ],
    [
      'a server that is down',
      async () => ({ world: null, base: 'http://127.0.0.1:9', reason: null }),
      (base) => `Cannot reach the slotpull server at ${base}`,
    ],
  ];

  for (const [what, setUp, expected] of causes) {
    it(`says so for ${what}, in the bar, the banner and the chip's title, and the server logs it`, async () => {
      const { world, base, reason } = await setUp();
      const { bar, chip, banner } = mountSlot(base);
      const message = expected(base);
      await until(
        [bar, chip, banner],
        () => text(part(bar, 'label')) === message && stateOf(banner) !== 'hidden' && part(chip, 'base').getAttribute('title') === message,
        `"${message}" everywhere`,
        15_000,
      );
      expect(text(part(banner, 'message'))).to.equal(message);
      expect(part(chip, 'base').getAttribute('title')).to.equal(message);
      expect(part(bar, 'base').querySelector('[role=progressbar]')).to.equal(null);
      if (world !== null) expect((await world.refusals()).some((line) => line.includes(` ${reason}): `)), `the server logged ${reason}`).to.equal(true);
    });
  }
});
