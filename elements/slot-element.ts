/**
 * What the three elements share: the `slot-name` and `base-url` attributes,
 * the subscription to the page's hub (which knows the slot's other elements
 * and sends the slot's events from one of them), the slot lookup (GET, as a
 * Task) and the problems that stop an element before any data (no slot,
 * server out of reach, a bad attribute; a slot served elsewhere).
 *
 * The members the elements use among themselves end in `_`: the bundle
 * (elements/build.mjs) gives such names short ones, as a minifier does to
 * #private names. Only for names that nothing outside the elements reads.
 */
import { Task, TaskStatus } from '@lit/task';
import { LitElement, type PropertyDeclarations } from 'lit';
import { ApiProblem, getSlot, ServerUnreachable } from './api.ts';
import { failureMessage, isRefusal } from './failure-message.ts';
import { resolveBase } from './base-url.ts';
import { SlotStreamController } from './controllers/slot-stream.ts';
import type { ElementKind } from './hub/hub.ts';
import { Transport } from './hub/transport.ts';
import { formatterFor } from './format.ts';
import { followLanguage, unfollowLanguage } from './language.ts';
import type { PullSnapshot, SlotInfo } from '../wire/types.ts';

export type ProblemKind = 'config' | 'not-found' | 'external' | 'unreachable' | 'refused' | 'lookup';

export interface Problem {
  readonly kind: ProblemKind;
  readonly message: string;
}

const problem = (kind: ProblemKind, message: string): Problem => ({ kind, message });

export abstract class SlotElement extends LitElement {
  static override properties: PropertyDeclarations = {
    slotName: { attribute: 'slot-name' },
    baseUrl: { attribute: 'base-url' },
  };

  /** The slot's name in the server's slots file. */
  declare slotName: string;
  /** The server, e.g. `http://127.0.0.1:8080`; default: the page's origin. */
  declare baseUrl: string;
  /** Bumped to read the slot again (after a transport recovery). */
  #lookupGeneration = 0;
  /** The last `base` and what it was resolved from. */
  #base: { readonly from: string; readonly base: string | null } | null = null;

  protected readonly stream_ = new SlotStreamController(this, () => ({ base: this.base, slot: this.slotName }), {
    snapshot: (next, previous) => this.snapshotChanged_(next, previous),
    transport: (state) => {
      if (state === Transport.open && this.lookup_.status === TaskStatus.ERROR) this.#refreshLookup();
    },
    kind: () => this.kind_(),
    shows: () => this.shows_(),
  });

  /** GET /api/slots/:name; null when the element lacks a slot name or a usable base URL. */
  protected readonly lookup_ = new Task(this, {
    args: () => [this.base, this.slotName, this.#lookupGeneration] as const,
    task: async ([base, slot], { signal }): Promise<SlotInfo | null> =>
      base === null || slot === '' ? null : getSlot(base, slot, signal),
  });

  constructor() {
    super();
    this.slotName = '';
    this.baseUrl = '';
  }

  /** The server's base URL in normal form, or null when `base-url` is unusable. */
  get base(): string | null {
    // Read several times per update: parse a URL only when `base-url` or the page's base changed.
    const from = `${this.baseUrl} ${document.baseURI}`;
    if (this.#base?.from !== from) this.#base = { from, base: resolveBase(this.baseUrl) };
    return this.#base.base;
  }

  /** The slot's latest PullSnapshot, once the stream has sent one. */
  get snapshot(): PullSnapshot | undefined {
    return this.stream_.snapshot;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    followLanguage(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    unfollowLanguage(this);
  }

  /** Runs for every snapshot, before the update it causes; `previous` undefined marks the baseline. */
  protected snapshotChanged_(_next: PullSnapshot, _previous: PullSnapshot | undefined): void {}

  /** What element this is for the hub, when it subscribes (see SlotStreamController). */
  protected abstract kind_(): ElementKind;

  /** Whether this element shows anything now, for the slot's other elements (a change: `stream_.showsChanged()`). */
  protected shows_(): boolean {
    return true;
  }

  #refreshLookup(): void {
    this.#lookupGeneration += 1;
    this.requestUpdate();
  }

  /** Why this element cannot show its slot, or null when it can. */
  protected problem_(): Problem | null {
    const slot = this.slotName;
    const t = formatterFor(this).phrases;
    if (slot === '') return problem('config', t.noSlotName);
    const base = this.base;
    if (base === null) return problem('config', t.badBaseUrl(this.baseUrl));
    const unreachable = problem('unreachable', t.unreachable(base));
    if (this.stream_.transport === Transport.unreachable) return unreachable;
    const refusal = this.stream_.refusal;
    if (this.stream_.transport === Transport.refused && refusal !== null) return problem('refused', failureMessage(t, base, refusal));
    if (this.lookup_.status === TaskStatus.ERROR) {
      const error = this.lookup_.error;
      if (error instanceof ApiProblem) {
        if (isRefusal(error)) return problem('refused', failureMessage(t, base, error));
        return error.code === 'slot.not_found' ? problem('not-found', t.notFound(slot)) : problem('lookup', t.lookupFailed(error.message));
      }
      if (this.stream_.snapshot === undefined) {
        return error instanceof ServerUnreachable
          ? unreachable
          : problem('lookup', t.lookupFailed(String((error as Error | undefined)?.message ?? error)));
      }
    }
    return this.lookup_.value?.provider === 'external' ? problem('external', t.external(slot)) : null;
  }
}
