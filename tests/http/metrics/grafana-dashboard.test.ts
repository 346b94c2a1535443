/** docs/grafana-dashboard.json asks only for series the server has: a metric renamed or a label dropped breaks it here, not on someone's wall. */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { useTestApp, type TestApp } from '../../helpers/app.ts';
import { readExposition } from '../../helpers/prometheus-text.ts';

const DASHBOARD = new URL('../../../docs/grafana-dashboard.json', import.meta.url);

interface Panel {
  type: string;
  title: string;
  targets?: { expr: string }[];
}

describe('docs/grafana-dashboard.json', () => {
  let app: TestApp;
  useTestApp((built) => ({ app } = built));

  it('queries metrics and labels that /metrics has', async () => {
    const dashboard = JSON.parse(await readFile(DASHBOARD, 'utf8')) as { panels: Panel[]; templating: { list: { definition?: string }[] } };
    const exprs = [
      ...dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr)),
      ...dashboard.templating.list.flatMap((variable) => (variable.definition === undefined ? [] : [variable.definition])),
    ];
    expect(exprs.length).toBeGreaterThan(10);

    // Make every histogram and labelled series appear: one request and one finished pull.
    await app.request('/api/slots/chat/pull', { method: 'POST' });
    const { samples } = readExposition(await (await app.request('/metrics')).text());
    const names = new Set([...samples.keys()].map((key) => key.replace(/\{.*$/, '')));
    const labels = new Set([...samples.keys()].flatMap((key) => [...key.matchAll(/([a-z_]+)="/g)].map(([, label]) => label)));
    for (const expr of exprs) {
      for (const [name] of expr.matchAll(/slotpull_[a-z_]+/g)) expect(names, `${name} in ${expr}`).toContain(name);
      for (const [, list] of expr.matchAll(/by \(([^)]*)\)/g)) {
        for (const label of (list as string).split(',').map((part) => part.trim())) expect([...labels, 'le'], `${label} in ${expr}`).toContain(label);
      }
    }
  });
});
