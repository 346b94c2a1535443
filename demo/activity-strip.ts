/**
 * <slotpull-activity>: the dashboard's strip of pulls in flight and finished
 * in the last minutes, with their speed. It only renders `jobs`; the
 * dashboard's ActivityController fills them from the shared connection.
 */
import { css, html, LitElement, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import { defineElement } from '../elements/define.ts';
import { Formatter, langOf } from '../elements/format.ts';
import { FINISHED_WINDOW_MS, type ActivityJob } from './activity.ts';
import { shortImageName } from './image-name.ts';

const SECONDS_PER_MINUTE = 60;
const STATE_WORDS: Record<string, string> = { completed: 'done', failed: 'failed', cancelled: 'cancelled' };

export class SlotpullActivity extends LitElement {
  static override properties: PropertyDeclarations = { jobs: { attribute: false } };

  declare jobs: readonly ActivityJob[];

  static override styles = css`
    :host {
      display: block;
    }
    h2 {
      font-size: 1rem;
      margin: 0 0 0.5rem;
    }
    ul {
      list-style: none;
      margin: 0;
      padding: 0;
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
    }
    li {
      border: 1px solid var(--dash-border);
      border-radius: 0.5rem;
      padding: 0.375rem 0.625rem;
      background: var(--dash-surface);
      font-size: 0.875rem;
      display: flex;
      flex-wrap: wrap;
      gap: 0.25rem 0.5rem;
      align-items: baseline;
    }
    .state {
      font-weight: 600;
    }
    .pulling .state {
      color: var(--slotpull-color-indicator);
    }
    .completed .state {
      color: var(--slotpull-color-success);
    }
    .failed .state {
      color: var(--slotpull-color-danger);
    }
    .muted,
    .empty {
      color: var(--slotpull-color-muted);
    }
    .empty {
      margin: 0;
      font-size: 0.875rem;
    }
  `;

  constructor() {
    super();
    this.jobs = [];
  }

  protected override render(): TemplateResult {
    const minutes = FINISHED_WINDOW_MS / 60_000;
    return html`<section aria-labelledby="activity-title">
      <h2 id="activity-title">Activity</h2>
      ${this.jobs.length === 0
        ? html`<p class="empty">No pulls in flight or in the last ${minutes} minutes.</p>`
        : html`<ul>
            ${this.jobs.map((job) => this.#job(job))}
          </ul>`}
    </section>`;
  }

  #job(job: ActivityJob): TemplateResult {
    const f = new Formatter(langOf(this));
    const s = job.snapshot;
    const pulling = s.state === 'pulling';
    const state = pulling ? (s.percent === null ? 'pulling' : `pulling ${f.percent(s.percent)}`) : (STATE_WORDS[s.state] ?? s.state);
    const speed = job.speedBps === null ? nothing : html`<span>${pulling ? '' : 'avg '}${f.speed(job.speedBps)}</span>`;
    return html`<li class=${s.state}>
      <span class="state">${state}</span>
      <span>${job.slots.join(', ')}</span>
      <span class="muted" title=${job.image}>${shortImageName(job.image)}</span>
      ${speed}
      ${pulling ? nothing : html`<span class="muted">${this.#ago(s.finished_at)}</span>`}
    </li>`;
  }

  #ago(finishedAt: string | null): string {
    if (finishedAt === null) return '';
    const seconds = (Date.now() - Date.parse(finishedAt)) / 1000;
    if (seconds < SECONDS_PER_MINUTE) return 'just now';
    return `${Math.floor(seconds / SECONDS_PER_MINUTE)} min ago`;
  }
}

defineElement('slotpull-activity', SlotpullActivity);

declare global {
  interface HTMLElementTagNameMap {
    'slotpull-activity': SlotpullActivity;
  }
}
