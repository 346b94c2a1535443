/**
 * <slotpull-activity>: the dashboard's strip of pulls in flight and the last
 * ones that finished (from the server's history, so a reload or a restart
 * still shows them), with their speed. It only renders `jobs`; the
 * dashboard's ActivityController fills them from the history and the shared
 * connection.
 */
import { css, html, LitElement, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import { defineElement } from '../elements/define.ts';
import { Formatter } from '../elements/format.ts';
import { langOf } from '../elements/language.ts';
import type { ActivityJob } from './activity.ts';
import { shortImageName } from './image-name.ts';

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
      color: var(--dash-link);
    }
    .completed .state {
      color: var(--dash-success);
    }
    .failed .state {
      color: var(--dash-danger);
    }
    .muted,
    .empty {
      color: var(--dash-muted);
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
    return html`<section aria-labelledby="activity-title">
      <h2 id="activity-title">Activity</h2>
      ${this.jobs.length === 0
        ? html`<p class="empty">No pulls yet: a pull started here or through the API shows up here, and stays after a restart.</p>`
        : html`<ul>
            ${this.jobs.map((job) => this.#job(job))}
          </ul>`}
    </section>`;
  }

  #job(job: ActivityJob): TemplateResult {
    const f = new Formatter(langOf(this));
    const pulling = job.state === 'pulling';
    const state = pulling ? (job.percent === null ? 'pulling' : `pulling ${f.percent(job.percent)}`) : (STATE_WORDS[job.state] ?? job.state);
    const speed = job.speedBps === null ? nothing : html`<span>${pulling ? '' : 'avg '}${f.speed(job.speedBps)}</span>`;
    const ended = job.finishedAt === null ? nothing : html`<span class="muted">${f.ago(Date.now() - job.finishedAt) ?? 'just now'}</span>`;
    const restarted = job.serverRestarts === 0 ? nothing : html`<span class="muted">resumed after a restart</span>`;
    return html`<li class=${job.state}>
      <span class="state">${state}</span>
      <span>${job.slots.join(', ')}</span>
      <span class="muted" title=${job.image}>${shortImageName(job.image)}</span>
      ${speed} ${restarted} ${ended}
    </li>`;
  }
}

defineElement('slotpull-activity', SlotpullActivity);

declare global {
  interface HTMLElementTagNameMap {
    'slotpull-activity': SlotpullActivity;
  }
}
