/**
 * Browser-side helpers of the element tests: worlds (a fresh slotpull app
 * per test, see worlds.mjs), fixtures, waiting on DOM changes and events
 * (never on time), event recorders and the axe scan. Their deadlines use
 * the real timers, so they hold while a test runs on the fake clock.
 */
import { realClearTimeout, realSetTimeout } from './fake-clock.ts';

export interface WorldOptions {
  seed?: number;
  /** Demo runtime speedFactor: 1 is real time (a 1.4 GB image in ~35 s). */
  speed?: number;
  /** A slots file; default: the built-in demo config. */
  slots?: unknown;
  /** The server allows this origin (CORS: `access.allowOrigins`, what --allow-origin sets). */
  allowOrigin?: string;
  /** The engine cannot be asked about images (image_status "unknown"). */
  failInspect?: boolean;
  /** The server's token (`access.token`, what --token sets). */
  token?: string;
  /** Reads need the token too (--protect-reads). */
  protectReads?: boolean;
  /** The Host names the server answers to (`access.allowedHosts`; on loopback: 127.0.0.1, localhost, [::1]). */
  allowedHosts?: string[];
  /** Served alone on a port of its own (its base URL is `lateBase`), closed until `start-late`: a server down at page load. */
  late?: boolean;
  /** Completed pulls already in the world's history, each ended `endedAgoMs` ago after `durationS`. */
  pulls?: Array<{ slots: string[]; image: string; endedAgoMs: number; durationS: number; bytes?: number }>;
  /**
   * A real engine instead of the demo runtime (support/real-engine.mjs,
   * started on first use): one slot, "multi", pulling the seeded 3-layer
   * image through the throttling proxy. Its controls: `remove-image`,
   * `proxy-rate` `{ bps }` (also resets the proxy's counters) and
   * `engine-idle` (answers once no registry request is open), each answering
   * `RealProxyStats` but `remove-image`; `run-container` (the slot's
   * container, busybox, running), `crash-container` (it exits with code 3)
   * and `remove-container`.
   */
  engine?: 'podman';
}

/** What a real world tells about its engine and the image of its "multi" slot. */
export interface RealEngineInfo {
  name: string;
  version: string;
  image: { ref: string; layers: number; totalSize: number };
}

/** The throttling proxy's counters since the last `proxy-rate`. */
export interface RealProxyStats {
  activeRequests: number;
  bytes: number;
  rate: number;
}

export interface World {
  /** The world's base URL, for `base-url`. */
  readonly base: string;
  /** Set for a world on a real engine. */
  readonly engine: RealEngineInfo | null;
  /** Set for a `late` world: its own server's root, nothing listening until `control('start-late')`. */
  readonly lateBase: string | null;
  /** The lines the server logged for the requests it refused. */
  refusals(): Promise<string[]>;
  control<T = unknown>(action: string, body?: unknown): Promise<T>;
  stats(): Promise<{ open: number; opened: number; refused: number }>;
  api(path: string, init?: RequestInit): Promise<Response>;
}

/** A fresh slotpull app on the demo runtime; `origin` serves it from another port. */
export async function newWorld(options: WorldOptions = {}, origin = location.origin): Promise<World> {
  const response = await fetch(`${origin}/__test/worlds`, { method: 'POST', body: JSON.stringify(options) });
  if (!response.ok) throw new Error(`creating a world failed: ${response.status} ${await response.text()}`);
  const { path, engine, lateBase } = (await response.json()) as { path: string; engine: RealEngineInfo | null; lateBase: string | null };
  const base = `${origin}${path}`;
  const control = async <T>(action: string, body?: unknown): Promise<T> => {
    const answer = await fetch(`${base}/__control/${action}`, { method: 'POST', body: JSON.stringify(body ?? {}) });
    if (!answer.ok) throw new Error(`control ${action}: ${answer.status} ${await answer.text()}`);
    return (await answer.json()) as T;
  };
  return {
    base,
    engine,
    lateBase,
    refusals: async () => (await control<{ lines: string[] }>('refusals')).lines,
    control,
    stats: () => control('stats'),
    api: (path, init) => fetch(`${base}${path}`, init),
  };
}

/** The other origin (a second port of the test server). */
export async function crossOrigin(): Promise<string> {
  const { crossOrigin: base } = (await (await fetch('/__test/info')).json()) as { crossOrigin: string };
  return base;
}

const fixtures: HTMLElement[] = [];

/** Adds markup to the page; `cleanup()` removes it (call it in afterEach). */
export function fixture<T extends Element = HTMLElement>(markup: string): T {
  const holder = document.createElement('div');
  holder.innerHTML = markup;
  document.body.append(holder);
  fixtures.push(holder);
  return holder.firstElementChild as T;
}

export function cleanup(): void {
  for (const holder of fixtures.splice(0)) holder.remove();
}

/** An element's shadow root, or a failure naming the element. */
export function shadow(element: Element): ShadowRoot {
  if (element.shadowRoot === null) throw new Error(`<${element.localName}> has no shadow root`);
  return element.shadowRoot;
}

/** One part of an element's shadow DOM, or a failure naming it. */
export function part<T extends Element = HTMLElement>(element: Element, name: string): T {
  const found = shadow(element).querySelector<T & Element>(`[part~="${name}"]`);
  if (found === null) throw new Error(`<${element.localName}> has no part "${name}" (state ${element.getAttribute('state') ?? element.getAttribute('status')})`);
  return found;
}

export const hasPart = (element: Element, name: string): boolean => shadow(element).querySelector(`[part~="${name}"]`) !== null;

/** Visible text of an element's shadow DOM, whitespace collapsed. */
export const text = (node: Element | ShadowRoot): string => (node.textContent ?? '').replace(/\s+/g, ' ').trim();

/**
 * Resolves once `check()` is true, re-checking on every DOM change under the
 * elements (their attributes and shadow roots, nested ones included). Fails
 * after `ms` naming what it waited for.
 */
export function until(elements: Element | Element[], check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const roots = Array.isArray(elements) ? elements : [elements];
  return new Promise((resolve, reject) => {
    const observer = new MutationObserver(() => {
      observeShadows();
      if (safeCheck()) done();
    });
    const observed = new Set<Node>();
    const observeShadows = (): void => {
      const queue: Node[] = [...roots];
      while (queue.length > 0) {
        const node = queue.shift() as Node;
        if (!observed.has(node)) {
          observed.add(node);
          observer.observe(node, { attributes: true, childList: true, subtree: true, characterData: true });
        }
        const walker = document.createTreeWalker(node, NodeFilter.SHOW_ELEMENT);
        for (let el: Node | null = walker.currentNode; el !== null; el = walker.nextNode()) {
          if (el instanceof Element && el.shadowRoot !== null && !observed.has(el.shadowRoot)) queue.push(el.shadowRoot);
        }
      }
    };
    let failure: unknown = null;
    const safeCheck = (): boolean => {
      try {
        return check();
      } catch (error) {
        failure = error;
        return false;
      }
    };
    const timer = realSetTimeout(() => {
      observer.disconnect();
      const states = roots.map((el) => `<${el.localName} state=${el.getAttribute('state') ?? el.getAttribute('status')}> "${el.shadowRoot ? text(el.shadowRoot) : ''}"`);
      reject(new Error(`timed out after ${ms} ms waiting for ${what}; now: ${states.join(', ')}${failure ? ` (last check threw ${String(failure)})` : ''}`));
    }, ms);
    const done = (): void => {
      realClearTimeout(timer);
      observer.disconnect();
      resolve();
    };
    observeShadows();
    if (safeCheck()) done();
  });
}

/** Resolves once the browser is about to paint the next frame (after the page's callbacks for it, e.g. the bars' fills). */
export const nextFrame = (): Promise<void> => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));

/** The next `type` event on `target` (optionally one that passes `accept`); fails after `ms`. */
export function nextEvent<E extends Event = Event>(target: EventTarget, type: string, ms = 20_000, accept: (event: E) => boolean = () => true): Promise<E> {
  return new Promise((resolve, reject) => {
    const timer = realSetTimeout(() => {
      target.removeEventListener(type, listener);
      reject(new Error(`timed out after ${ms} ms waiting for a ${type} event`));
    }, ms);
    const listener = (event: Event): void => {
      if (!accept(event as E)) return;
      realClearTimeout(timer);
      target.removeEventListener(type, listener);
      resolve(event as E);
    };
    target.addEventListener(type, listener);
  });
}

export interface Recorded<E extends Event = Event> {
  readonly event: E;
  readonly at: number;
}

/** Records every event of the given types on `target` until `stop()`. */
export function record(target: EventTarget, types: readonly string[]): { all: Recorded[]; of(type: string): Recorded[]; stop(): void } {
  const all: Recorded[] = [];
  const listener = (event: Event): void => void all.push({ event, at: performance.now() });
  for (const type of types) target.addEventListener(type, listener);
  return {
    all,
    of: (type) => all.filter((r) => r.event.type === type),
    stop: () => types.forEach((type) => target.removeEventListener(type, listener)),
  };
}

interface AxeResults {
  violations: { id: string; impact: string; help: string; nodes: { target: unknown[]; failureSummary?: string }[] }[];
}
declare global {
  interface Window {
    axe?: { run(context: Element, options?: object): Promise<AxeResults> };
  }
}

/** Runs axe-core on `element` (its shadow DOM included); fails listing every violation. */
export async function expectAccessible(element: Element, label: string): Promise<void> {
  if (window.axe === undefined) {
    await new Promise<void>((resolve, reject) => {
      const script = document.createElement('script');
      script.src = '/node_modules/axe-core/axe.min.js';
      script.onload = () => resolve();
      script.onerror = () => reject(new Error('could not load axe-core'));
      document.head.append(script);
    });
  }
  const results = await window.axe!.run(element, { resultTypes: ['violations'] });
  if (results.violations.length > 0) {
    const lines = results.violations.map(
      (v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => JSON.stringify(n.target)).join(' ')} — ${v.nodes[0]?.failureSummary ?? ''}`,
    );
    throw new Error(`axe found ${results.violations.length} violation(s) in ${label}:\n${lines.join('\n')}`);
  }
}
