/**
 * What the three elements share: the `slot-name` and `base-url` attributes,
 * the subscription to the page's hub, the slot lookup (GET, as a Task) and
 * the problems that stop an element before any data (no slot, server out of
 * reach, a bad attribute).
 */
import { Task, TaskStatus } from '@lit/task';
import { LitElement, type PropertyDeclarations } from 'lit';
import { ApiProblem, getSlot, ServerUnreachable } from './api.ts';
import { resolveBase } from './base-url.ts';
import { SlotStreamController } from './controllers/slot-stream.ts';
import { Formatter, langOf } from './format.ts';
import { Transport } from './hub/transport.ts';
import { messages } from './messages.ts';
import type { PullSnapshot, SlotInfo } from './wire.ts';

export type ProblemKind = 'config' | 'not-found' | 'external' | 'unreachable' | 'lookup';

export interface Problem {
  readonly kind: ProblemKind;
  readonly message: string;
}

export abstract class SlotElement extends LitElement {
  static override properties: PropertyDeclarations = {
    slotName: { attribute: 'slot-name' },
    baseUrl: { attribute: 'base-url' },
    lookupGeneration: { state: true },
  };

  /** The slot's name in the server's slots file. */
  declare slotName: string;
  /** The server, e.g. `http://127.0.0.1:8080`; default: the page's origin. */
  declare baseUrl: string;
  /** Bumped to read the slot again (after a transport recovery, or a pull's end). */
  protected declare lookupGeneration: number;

  protected readonly stream = new SlotStreamController(this, () => ({ base: this.base, slot: this.slotName }), {
    snapshot: (next, previous) => this.snapshotChanged(next, previous),
    transport: (state) => {
      if (state === Transport.open && this.lookup.status === TaskStatus.ERROR) this.refreshLookup();
    },
  });

  /** GET /api/slots/:name; null when the element lacks a slot name or a usable base URL. */
  protected readonly lookup = new Task(this, {
    args: () => [this.base, this.slotName, this.lookupGeneration] as const,
    task: async ([base, slot], { signal }): Promise<SlotInfo | null> =>
      base === null || slot === '' ? null : getSlot(base, slot, signal),
  });

  constructor() {
    super();
    this.slotName = '';
    this.baseUrl = '';
    this.lookupGeneration = 0;
  }

  /** The server's base URL in normal form, or null when `base-url` is unusable. */
  get base(): string | null {
    return resolveBase(this.baseUrl);
  }

  /** The slot's latest PullSnapshot, once the stream has sent one. */
  get snapshot(): PullSnapshot | undefined {
    return this.stream.snapshot;
  }

  /** Runs for every snapshot, before the update it causes; `previous` undefined marks the baseline. */
  protected snapshotChanged(_next: PullSnapshot, _previous: PullSnapshot | undefined): void {}

  protected refreshLookup(): void {
    this.lookupGeneration += 1;
  }

  protected formatter(): Formatter {
    return new Formatter(langOf(this));
  }

  /** Why this element cannot show its slot, or null when it can. */
  protected problem(): Problem | null {
    if (this.slotName === '') return { kind: 'config', message: messages.noSlotName };
    const base = this.base;
    if (base === null) return { kind: 'config', message: messages.badBaseUrl(this.baseUrl) };
    if (this.stream.transport === Transport.unreachable) return { kind: 'unreachable', message: messages.unreachable(base) };
    if (this.lookup.status === TaskStatus.ERROR) {
      const error = this.lookup.error;
      if (error instanceof ApiProblem) {
        return error.code === 'slot.not_found'
          ? { kind: 'not-found', message: messages.notFound(this.slotName) }
          : { kind: 'lookup', message: messages.lookupFailed(error.message) };
      }
      if (this.stream.snapshot === undefined) {
        return error instanceof ServerUnreachable
          ? { kind: 'unreachable', message: messages.unreachable(base) }
          : { kind: 'lookup', message: messages.lookupFailed(String((error as Error | undefined)?.message ?? error)) };
      }
    }
    if (this.lookup.value?.provider === 'external') return { kind: 'external', message: messages.external(this.slotName) };
    return null;
  }
}
