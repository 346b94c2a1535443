import { Task } from '@lit/task';
import { html, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import { getLastPull } from './api.ts';
import { cancelRun, runAt } from './controllers/shared-timer.ts';
import { defineElement } from './define.ts';
import { formatterFor } from './format.ts';
import type { ElementKind } from './hub/hub.ts';
import { SlotElement } from './slot-element.ts';
import { statusStyles } from './slot-image-status.styles.ts';
import type { PullSnapshot } from '../wire/types.ts';

/** How often "pulled 5 minutes ago" is brought up to date. */
const LAST_PULL_REFRESH_MS = 60_000;

/** What "pulled … ago in …" is said from: a completed pull's end and how long it took. */
interface LastPull {
  readonly finishedAt: number;
  readonly durationS: number;
}

/** What the chip says; reflected as the `status` attribute. */
export const ImageStatus = {
  present: 'present',
  pulling: 'pulling',
  missing: 'missing',
  failed: 'failed',
  cancelled: 'cancelled',
  /** A pull vanished without an end: the server lost it. */
  interrupted: 'interrupted',
  unknown: 'unknown',
  /** The slot is served elsewhere and has no image: nothing is wrong. */
  external: 'external',
  /** The server cannot be reached (and nothing is known). */
  unreachable: 'unreachable',
  /** Waiting for the first data. */
  connecting: 'connecting',
} as const;
export type ImageStatus = (typeof ImageStatus)[keyof typeof ImageStatus];

/**
 * A slot image's status in a word (and a percent while pulling): text, never color alone.
 * It follows the image live: a pull, its end, the image removed. Its text
 * is the page's; its colors are light or dark by the page's `color-scheme`.
 *
 * @summary A status chip for one slot's image: present, pulling n%, missing, failed, interrupted, unknown.
 *
 * @csspart base - The chip.
 * @csspart indicator - The colored dot.
 * @csspart label - The words.
 * @csspart last-pull - With `show-last-pull`: "pulled 3 days ago in 4 min 12 sec", beside the chip.
 *
 * @cssproperty [--slotpull-font=inherit] - Font shorthand.
 * @cssproperty [--slotpull-color-success=light-dark(#15803d, #4ade80)] - Present.
 * @cssproperty [--slotpull-color-indicator=light-dark(#2563eb, #60a5fa)] - Pulling.
 * @cssproperty [--slotpull-color-warning=light-dark(#92400e, #fbbf24)] - Missing, interrupted, unreachable.
 * @cssproperty [--slotpull-color-danger=light-dark(#b91c1c, #f87171)] - Failed.
 * @cssproperty [--slotpull-color-muted=light-dark(#4b5563, #a5b0c0)] - Unknown, cancelled, connecting, served elsewhere.
 * @cssproperty [--slotpull-chip-background=transparent] - Background.
 * @cssproperty [--slotpull-chip-radius=999px] - Corner radius.
 */
export class SlotImageStatus extends SlotElement {
  static override styles = statusStyles;

  static override properties: PropertyDeclarations = {
    status: { reflect: true },
    showLastPull: { type: Boolean, attribute: 'show-last-pull' },
  };

  /** What the chip says (read it; setting it has no effect). */
  declare status: ImageStatus;
  /** While the image is present, also say when it was last pulled and how long that took (from `GET /api/pulls`). */
  declare showLastPull: boolean;
  /** The completed job the last snapshot showed: a new one asks the history again. */
  #completedJob: string | null = null;

  /** The slot's last completed pull from the history; null without `show-last-pull`, or when there is none. */
  readonly #lastPull = new Task(this, {
    args: () => [this.showLastPull ? this.base : null, this.slotName, this.#completedJob] as const,
    task: async ([base, slot], { signal }): Promise<LastPull | null> => {
      if (base === null || slot === '') return null;
      const entry = await getLastPull(base, slot, signal);
      return entry === null || entry.finished_at === null ? null : { finishedAt: Date.parse(entry.finished_at), durationS: entry.duration_s };
    },
  });

  constructor() {
    super();
    this.status = ImageStatus.connecting;
    this.showLastPull = false;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    cancelRun(this.#refresh);
  }

  protected override snapshotChanged_(next: PullSnapshot): void {
    if (next.state === 'completed') this.#completedJob = next.job_id;
  }

  protected override kind_(): ElementKind {
    return 'status';
  }

  protected override willUpdate(): void {
    this.status = this.#computeStatus();
  }

  #computeStatus(): ImageStatus {
    const problem = this.problem_();
    if (problem !== null) return problem.kind === 'unreachable' || problem.kind === 'external' ? problem.kind : ImageStatus.unknown;
    const s = this.snapshot;
    if (s === undefined) return ImageStatus.connecting;
    if (this.stream_.interrupted !== null) return ImageStatus.interrupted;
    // After a completed pull, what the image is now (present, or removed since); every other state is a status of the same name.
    return s.state === 'completed' ? s.image_status : s.state;
  }

  protected override render(): TemplateResult {
    const status = this.status;
    const s = this.snapshot;
    // The percent of the page's snapshot for words: the same as the bar's beside it, changed at the same beat.
    const percent = this.stream_.worded?.percent;
    const f = formatterFor(this);
    const t = f.phrases;
    const label = status === ImageStatus.pulling && percent != null ? t.chipPercent(f.percent(percent)) : t[`chip_${status}`];
    return html`<span part="base" class="base ${status}" title=${this.problem_()?.message ?? s?.error ?? ''}>
      <span part="indicator" class="indicator"></span><span class="sr-only">${t.chipPrefix}</span><span part="label">${label}</span>
    </span>${this.#lastPullText(status)}`;
  }

  /** "pulled 3 days ago in 4 min 12 sec" while the image is present and its last pull is known, brought up to date once a minute. */
  #lastPullText(status: ImageStatus): TemplateResult | typeof nothing {
    cancelRun(this.#refresh);
    if (!this.showLastPull || status !== ImageStatus.present) return nothing;
    const last = this.#lastPullOf(this.snapshot) ?? this.#lastPull.value ?? null;
    if (last === null) return nothing;
    runAt(this.#refresh, performance.now() + LAST_PULL_REFRESH_MS);
    const f = formatterFor(this);
    const [ago, took] = [f.ago(Date.now() - last.finishedAt), f.elapsed(last.durationS)];
    return html`<span part="last-pull" class="last-pull">${ago === null ? f.phrases.lastPullNow(took) : f.phrases.lastPull(ago, took)}</span>`;
  }

  /** A pull that has just completed is its own last pull: no need to wait for the history. */
  #lastPullOf(snapshot: PullSnapshot | undefined): LastPull | null {
    if (snapshot?.state !== 'completed' || snapshot.started_at === null || snapshot.finished_at === null) return null;
    const finishedAt = Date.parse(snapshot.finished_at);
    return { finishedAt, durationS: (finishedAt - Date.parse(snapshot.started_at)) / 1000 };
  }

  readonly #refresh = (): void => this.requestUpdate();
}

defineElement('slot-image-status', SlotImageStatus);

declare global {
  interface HTMLElementTagNameMap {
    'slot-image-status': SlotImageStatus;
  }
}
