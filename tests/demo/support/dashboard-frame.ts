/**
 * Browser-side helpers of the demo tests: the dashboard as a page of its own
 * (`/` of a world, in an iframe of the test page), reached through its
 * shadow roots; waiting on a condition; axe inside the frame.
 */
import type { World } from '../../elements/support/harness.ts';

/** A condition checked every frame-ish tick until true; fails after `ms` naming what it waited for. */
export function waitFor(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const TICK_MS = 25;
  return new Promise((resolve, reject) => {
    let lastError: unknown = null;
    const started = performance.now();
    const tick = (): void => {
      try {
        if (check()) return resolve();
      } catch (error) {
        lastError = error;
      }
      if (performance.now() - started > ms) {
        return reject(new Error(`timed out after ${ms} ms waiting for ${what}${lastError ? ` (last check threw ${String(lastError)})` : ''}`));
      }
      setTimeout(tick, TICK_MS);
    };
    tick();
  });
}

export const squash = (value: string | null | undefined): string => (value ?? '').replace(/\s+/g, ' ').trim();

export interface Dashboard {
  readonly frame: HTMLIFrameElement;
  readonly root: ShadowRoot;
  /** A slot's card's shadow root. */
  card(name: string): ShadowRoot;
  /** An element inside a slot's card. */
  inCard<T extends Element = HTMLElement>(name: string, selector: string): T;
  /** The text of the activity strip. */
  activity(): string;
  remove(): void;
}

/** Opens `/` of `world` in an iframe `width` × `height` px and waits for its cards. */
export async function openDashboard(world: World, width: number, height: number, cards = 5): Promise<Dashboard> {
  const frame = document.createElement('iframe');
  frame.title = 'slotpull dashboard';
  frame.style.cssText = `width:${width}px;height:${height}px;border:0;display:block`;
  const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  frame.src = `${world.base}/`;
  document.body.append(frame);
  await loaded;
  const host = (): Element => {
    const found = frame.contentDocument?.querySelector('slotpull-dashboard');
    if (!found?.shadowRoot) throw new Error('no <slotpull-dashboard> with a shadow root in the page');
    return found;
  };
  await waitFor(() => host().shadowRoot!.querySelectorAll('slotpull-slot-card').length === cards, `${cards} cards`);
  const root = host().shadowRoot!;
  const card = (name: string): ShadowRoot => {
    const found = [...root.querySelectorAll('slotpull-slot-card')].find((el) => (el as unknown as { info: { name: string } }).info.name === name);
    if (!found?.shadowRoot) throw new Error(`no card for slot "${name}"`);
    return found.shadowRoot;
  };
  const inCard = <T extends Element>(name: string, selector: string): T => {
    const found = card(name).querySelector(selector);
    if (found === null) throw new Error(`no ${selector} in the card of "${name}"`);
    return found as T;
  };
  // Every card's bar has its first snapshot, and so its buttons are there.
  await waitFor(
    () =>
      [...root.querySelectorAll('slotpull-slot-card')].every((el) => {
        const bar = el.shadowRoot?.querySelector('slot-image-pull-bar');
        return bar === null || (bar !== undefined && bar.getAttribute('state') !== 'connecting' && bar.shadowRoot?.querySelector('button') != null);
      }),
    'every card connected',
  );
  return {
    frame,
    root,
    card,
    inCard,
    activity: () => squash(root.querySelector('slotpull-activity')?.shadowRoot?.textContent),
    remove: () => frame.remove(),
  };
}

/** Text of an element and of its shadow root, collapsed. */
export const shown = (element: Element): string => squash(`${element.shadowRoot?.textContent ?? ''} ${element.textContent ?? ''}`);

/** The buttons a person sees in a card: in its shadow root and in its elements' (a hidden element's do not count). */
function visibleButtons(root: ShadowRoot): HTMLButtonElement[] {
  const found: HTMLButtonElement[] = [];
  for (const element of root.querySelectorAll('*')) {
    // The dashboard lives in a frame: its own realm's classes and styles.
    if (element.localName === 'button') found.push(element as HTMLButtonElement);
    const shown = element.ownerDocument.defaultView?.getComputedStyle(element).display !== 'none';
    if (element.shadowRoot !== null && shown) found.push(...visibleButtons(element.shadowRoot));
  }
  return found;
}

/** A button a person sees in a card (the card's elements' included), by its visible text. */
export function button(shadow: ShadowRoot, label: string): HTMLButtonElement {
  const buttons = visibleButtons(shadow);
  const found = buttons.find((b) => squash(b.textContent) === label);
  if (found === undefined) throw new Error(`no "${label}" button (buttons: ${buttons.map((b) => squash(b.textContent)).join(', ')})`);
  return found;
}

/** The words of every button a person sees in a card. */
export const buttonLabels = (shadow: ShadowRoot): string[] => visibleButtons(shadow).map((b) => squash(b.textContent));

interface AxeResults {
  violations: { id: string; impact: string; help: string; nodes: { target: unknown[]; failureSummary?: string }[] }[];
}

/** axe-core run inside the dashboard's own window (shadow DOM included); fails listing every violation. */
export async function expectFrameAccessible(dashboard: Dashboard, label: string): Promise<void> {
  const win = dashboard.frame.contentWindow as (Window & { axe?: { run(context: Node, options?: object): Promise<AxeResults> } }) | null;
  if (win === null) throw new Error('the dashboard frame has no window');
  if (win.axe === undefined) {
    await new Promise<void>((resolve, reject) => {
      const script = win.document.createElement('script');
      script.src = '/node_modules/axe-core/axe.min.js';
      script.onload = () => resolve();
      script.onerror = () => reject(new Error('could not load axe-core'));
      win.document.head.append(script);
    });
  }
  const results = await win.axe!.run(win.document, { resultTypes: ['violations'] });
  if (results.violations.length > 0) {
    const lines = results.violations.map(
      (v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => JSON.stringify(n.target)).join(' ')} — ${v.nodes[0]?.failureSummary ?? ''}`,
    );
    throw new Error(`axe found ${results.violations.length} violation(s) in ${label}:\n${lines.join('\n')}`);
  }
}
