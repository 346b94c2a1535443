/**
 * The page-wide hub: one HubConnection per server base URL, reference-counted
 * by subscription, closed when the last element goes. It lives on globalThis
 * under a registered Symbol, so two copies of the bundle on one page (a
 * dashboard and a widget) share it instead of opening two connections. Its
 * shape is versioned in the key: a copy that changes it must change the key.
 */
import type { PullSnapshot } from '../../wire/types.ts';
import { HubConnection, type ElementKind, type SlotListener } from './connection.ts';
import { offerSupersedes } from './snapshot-order.ts';

export type { ElementKind, SlotListener } from './connection.ts';

export interface SlotHub {
  /** Delivers `slot`'s snapshots from the server at `base` until the returned function is called. */
  subscribe(base: string, slot: string, listener: SlotListener): () => void;
  /** Offers the answer of a POST or DELETE; it replaces the held snapshot only if newer. */
  offer(base: string, snapshot: PullSnapshot): void;
  /** Whether an element of `kind` shows `slot` of the server at `base` on this page now (`showing` false: is on the page at all). */
  has(base: string, slot: string, kind: ElementKind, showing?: boolean): boolean;
  /** Whether `listener` is the slot's voice on this page: the one element that carries its progress bar and announcements. */
  voices(base: string, slot: string, listener: SlotListener): boolean;
  /** A subscribed `listener` changed whether it shows anything: the slot's other elements look again. */
  changed(base: string, slot: string, listener: SlotListener): void;
  /** Opens the connection to `base` again, if there is one (configureServer() changed how to authenticate). */
  restart(base: string): void;
  /** Servers with an open connection (for diagnostics). */
  readonly bases: readonly string[];
}

// v3: restart() and listeners told why a server refuses; elements counted by kind, so they share a slot (issue 13).
// v4: one voice per slot (voices()), and the words' snapshot and beat shared by the page (issue 15).
const HUB_KEY = Symbol.for('slotpull.hub.v4');

type HubGlobal = typeof globalThis & { [HUB_KEY]?: SlotHub };

/** The hub of this page, created by whichever copy of the elements asks first. */
export function slotHub(): SlotHub {
  const global = globalThis as HubGlobal;
  return (global[HUB_KEY] ??= createHub());
}

function createHub(): SlotHub {
  const connections = new Map<string, HubConnection>();
  return {
    subscribe(base, slot, listener) {
      let connection = connections.get(base);
      if (connection === undefined) {
        const created = new HubConnection(base, () => {
          if (connections.get(base) !== created) return;
          connections.delete(base);
          created.close();
        });
        connections.set(base, (connection = created));
      }
      return connection.subscribe(slot, listener);
    },
    offer(base, snapshot) {
      connections.get(base)?.offer(snapshot, offerSupersedes);
    },
    has(base, slot, kind, showing) {
      return connections.get(base)?.has(slot, kind, showing) ?? false;
    },
    voices(base, slot, listener) {
      return connections.get(base)?.voices(slot, listener) ?? false;
    },
    changed(base, slot, listener) {
      connections.get(base)?.changed(slot, listener);
    },
    restart(base) {
      connections.get(base)?.restart();
    },
    get bases() {
      return [...connections.keys()];
    },
  };
}
