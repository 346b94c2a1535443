/**
 * A button that sends one request about its host's slot (POST to start a
 * pull, DELETE to cancel one) as a Task: disabled, with other words, while the
 * request is in flight; the answer goes to the hub (so nothing flickers until
 * the stream confirms it), and a failure says why while what the button was
 * pressed for is still on screen. The pull bar's Retry and Cancel and the
 * banner's Re-pull are three of these.
 */
import { Task, TaskStatus } from '@lit/task';
import { html, nothing, type TemplateResult } from 'lit';
import { slotHub } from './hub/hub.ts';
import { failureMessage } from './failure-message.ts';
import { formatterFor } from './format.ts';
import type { PhraseKey } from './messages.ts';
import type { SlotElement } from './slot-element.ts';
import type { PullSnapshot } from '../wire/types.ts';

export interface PullRequestOptions {
  /** The request. A POST's answer carries `resumed`, which is no part of a snapshot: it is dropped. */
  readonly send: (base: string, slot: string, signal: AbortSignal) => Promise<PullSnapshot & { readonly resumed?: boolean }>;
  /** The button's own part name (it has `button` too). */
  readonly part: string;
  /** The phrase on the button, unless `button()` is given other words. */
  readonly label: PhraseKey<string>;
  /** Its accessible name, which says the slot ("Retry the pull of chat"), unless `button()` is given another. */
  readonly name: PhraseKey<(slot: string) => string>;
  readonly busyLabel: PhraseKey<string>;
  /** The sentence for a request that failed. */
  readonly failed: PhraseKey<(why: string) => string>;
  /** What the host shows now (a job, an error): a failure shows only while it is the same. */
  readonly showing: () => string | null;
  /** Runs on a press, before the request; false stops it. */
  readonly press?: () => boolean;
  /** Runs when the request fails. */
  readonly onError?: () => void;
}

export class PullRequest {
  readonly #host: SlotElement;
  readonly #options: PullRequestOptions;
  readonly #task: Task<readonly [string, string], PullSnapshot>;
  /** What the host showed when the button was last pressed. */
  #pressedFor: string | null = null;

  constructor(host: SlotElement, options: PullRequestOptions) {
    this.#host = host;
    this.#options = options;
    this.#task = new Task(host, {
      autoRun: false,
      task: async ([base, slot], { signal }) => {
        const { resumed: _resumed, ...snapshot } = await options.send(base, slot, signal);
        slotHub().offer(base, snapshot);
        return snapshot;
      },
      onError: options.onError,
    });
  }

  /**
   * The button; `busy` also disables it (the banner's, while the pull it
   * started runs). `label` replaces the words on it and `name` its
   * accessible name (a Cancel that says whom else it stops); a busy button
   * is named by its words.
   */
  button(busy = false, label?: string, name?: string): TemplateResult {
    const { part, ...phrase } = this.#options;
    const t = formatterFor(this.#host).phrases;
    busy ||= this.#task.status === TaskStatus.PENDING;
    return html`<button part="button ${part}" type="button" aria-label=${busy ? nothing : (name ?? t[phrase.name](this.#host.slotName))} ?disabled=${busy} @click=${this.#onClick}>
      ${busy ? t[phrase.busyLabel] : (label ?? t[phrase.label])}
    </button>`;
  }

  /** Why the last request failed, while the host still shows what it was pressed for. */
  error(): TemplateResult | typeof nothing {
    const error = this.#task.error;
    if (this.#task.status !== TaskStatus.ERROR || this.#pressedFor !== this.#options.showing()) return nothing;
    const t = formatterFor(this.#host).phrases;
    const why = failureMessage(t, this.#host.base ?? '', error);
    return html`<p part="request-error" class="request-error" role="alert">${t[this.#options.failed](why)}</p>`;
  }

  #onClick = (): void => {
    const base = this.#host.base;
    if (base === null || this.#options.press?.() === false) return;
    this.#pressedFor = this.#options.showing();
    void this.#task.run([base, this.#host.slotName]);
  };
}
