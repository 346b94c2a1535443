import { expect } from 'chai';
import { Formatter, formatterFor } from '../../elements/format.ts';
import { langOf } from '../../elements/language.ts';
import { offerSupersedes, supersedes } from '../../elements/hub/snapshot-order.ts';
import { bytesPhrase, etaPhrase, layerPhrase, speedPhrase } from '../../elements/pull-bar-view.ts';
import { milestone } from '../../elements/milestones.ts';
import type { PullSnapshot } from '../../wire/types.ts';

const plain = (s: string): string => s.replace(/\s/g, ' ');

function snap(fields: Partial<PullSnapshot>): PullSnapshot {
  return {
    slot_name: 'chat', image: 'x:1', job_id: 'p_1', runtime: 'demo', queue_position: null, state: 'pulling', phase: 'downloading',
    percent: null, bytes_done: null, bytes_total: null, bytes_total_exact: false, layer: null, total_layers: null,
    layers_cached: null, layers: [], speed_bps: null, eta_s: null, extract_percent: null, extract_seconds: null, stalled_s: null, error: null, error_code: null,
    started_at: null, updated_at: null, finished_at: null, server_restarts: 0, image_status: 'pulling', container_status: 'absent',
    container_error: null, shared_with: [], ...fields,
  };
}

describe('formatting', () => {
  const en = new Formatter('en');

  it('bytes, decimal, with "≥" rounded down for a total that may grow', () => {
    const s = snap({ bytes_done: 612_000_000, bytes_total: 1_468_000_000 });
    expect(bytesPhrase(s, en)).to.equal('612 MB of ≥1.4 GB');
    expect(bytesPhrase(s, en, 'long')).to.equal('612 megabytes of at least 1.4 gigabytes');
    expect(bytesPhrase({ ...s, bytes_total_exact: true }, en)).to.equal('612 MB of 1.5 GB');
    expect(bytesPhrase(snap({ bytes_done: 999 }), en)).to.equal('999 byte');
    // The manifest's total arrives before the first byte: nothing yet is said in the total's unit.
    expect(bytesPhrase(snap({ bytes_done: 0, bytes_total: 16_800_000, bytes_total_exact: true }), en)).to.equal('0 MB of 16.8 MB');
    expect(bytesPhrase(snap({}), en)).to.equal(null);
  });

  it('how long something took, and how long ago', () => {
    expect(en.elapsed(0.2)).to.equal('1 sec');
    expect(en.elapsed(42)).to.equal('42 sec');
    expect(en.elapsed(252)).to.equal('4 min 12 sec');
    expect(en.elapsed(240)).to.equal('4 min');
    expect(en.elapsed(3900)).to.equal('1 hr 5 min');
    expect(en.elapsed(252, 'long')).to.equal('4 minutes 12 seconds');
    const MINUTE = 60_000;
    expect(en.ago(59_000)).to.equal(null);
    expect(en.ago(5 * MINUTE)).to.equal('5 minutes ago');
    expect(en.ago(90 * MINUTE)).to.equal('1 hour ago');
    expect(en.ago(26 * 60 * MINUTE)).to.equal('yesterday');
    expect(en.ago(3 * 24 * 60 * MINUTE)).to.equal('3 days ago');
    expect(en.ago(70 * 24 * 60 * MINUTE)).to.equal('2 months ago');
    expect(en.ago(800 * 24 * 60 * MINUTE)).to.equal('2 years ago');
    expect(new Formatter('fr').ago(3 * 24 * 60 * MINUTE)).to.equal('il y a 3 jours');
  });

  it('speed, ETA and layers', () => {
    expect(speedPhrase(snap({ speed_bps: 24_500_000 }), en)).to.equal('24.5 MB/s');
    expect(speedPhrase(snap({ speed_bps: 24_500_000 }), en, 'long')).to.equal('24.5 megabytes per second');
    expect(etaPhrase(snap({ eta_s: 35 }), en)).to.equal('about 35 sec left');
    expect(etaPhrase(snap({ eta_s: 37 }), en)).to.equal('about 35 sec left');
    expect(etaPhrase(snap({ eta_s: 4 }), en)).to.equal('about 4 sec left');
    expect(etaPhrase(snap({ eta_s: 235 }), en)).to.equal('about 4 min left');
    expect(etaPhrase(snap({ eta_s: 235 }), en, 'long')).to.equal('about 4 minutes left');
    expect(etaPhrase(snap({ eta_s: 5400 }), en)).to.equal('about 1.5 hr left');
    expect(layerPhrase(snap({ layer: 3, total_layers: 9 }), en)).to.equal('layer 3/9');
    expect(layerPhrase(snap({ layer: 3, total_layers: 9 }), en, 'long')).to.equal('layer 3 of 9');
    expect(layerPhrase(snap({ layer: null, total_layers: 9 }), en)).to.equal(null);
  });

  it('follows the language', () => {
    const de = new Formatter('de');
    expect(plain(de.bytes(48_300_000))).to.equal('48,3 MB');
    expect(plain(de.percent(41.7))).to.equal('41 %');
    expect(plain(de.speed(24_500_000))).to.equal('24,5 MB/s');
    expect(new Formatter('not a language!').count(1234)).to.match(/^1.?234$/);
  });

  it('formats one number anew for every other format', () => {
    const f = new Formatter('en');
    expect([f.bytes(1.45e9), f.bytes(1.45e9), f.bytes(1.45e9, 'long'), f.bytes(1.45e9, 'short', true), f.speed(1.45e9)]).to.deep.equal([
      '1.5 GB',
      '1.5 GB',
      '1.5 gigabytes',
      '1.4 GB',
      '1.5 GB/s',
    ]);
    expect([f.percent(9), f.count(9), f.duration(9), f.duration(9, 'long')]).to.deep.equal(['9%', '9', '9 sec', '9 seconds']);
  });

  it('has one Formatter per language on the page', () => {
    const [de, alsoDe, en] = ['de', 'de', 'en'].map((lang) => {
      const element = document.createElement('span');
      element.lang = lang;
      return formatterFor(element);
    });
    expect(de).to.equal(alsoDe);
    expect(de).to.not.equal(en);
    expect(en!.lang).to.equal('en');
  });

  it('finds the lang through shadow roots', () => {
    const outer = document.createElement('div');
    outer.lang = 'fr';
    const host = document.createElement('div');
    outer.append(host);
    const inner = document.createElement('span');
    host.attachShadow({ mode: 'open' }).append(inner);
    expect(langOf(inner)).to.equal('fr');
  });
});

describe('milestones', () => {
  const en = new Formatter('en');
  it('announces the start, each quarter passed, and the end — nothing for the baseline', () => {
    expect(milestone(snap({ percent: 30 }), undefined, en)).to.equal(null);
    expect(milestone(snap({ percent: 0 }), snap({ job_id: null, state: 'missing' }), en)).to.equal('Pulling image x:1 started');
    expect(milestone(snap({ percent: 24 }), snap({ percent: 10 }), en)).to.equal(null);
    expect(milestone(snap({ percent: 26 }), snap({ percent: 24 }), en)).to.equal('Pulling image x:1: 25%');
    expect(milestone(snap({ percent: 80 }), snap({ percent: 24 }), en)).to.equal('Pulling image x:1: 75%');
    expect(milestone(snap({ percent: 99 }), snap({ percent: 80 }), en)).to.equal(null);
    expect(milestone(snap({ state: 'completed', percent: 100 }), snap({ percent: 99 }), en)).to.equal('Image x:1 is ready');
    expect(milestone(snap({ state: 'failed', error: 'boom' }), snap({}), en)).to.equal('Pull of image x:1 failed: boom');
    expect(milestone(snap({ state: 'failed', error: 'boom' }), snap({ state: 'failed' }), en)).to.equal(null);
    expect(milestone(snap({ state: 'cancelled' }), snap({}), en)).to.equal('Pull of image x:1 cancelled');
  });

  it('announces a pull that vanished without an end (a snapshot with no job after it pulled)', () => {
    expect(milestone(snap({ job_id: null, state: 'missing' }), snap({ percent: 40 }), en)).to.equal('Pull of image x:1 was interrupted');
    expect(milestone(snap({ job_id: null, state: 'missing' }), snap({ state: 'completed' }), en), 'after an end: nothing').to.equal(null);
  });
});

describe('snapshot order', () => {
  const at = (t: string, fields: Partial<PullSnapshot> = {}): PullSnapshot => snap({ updated_at: `2026-01-01T00:00:0${t}.000Z`, ...fields });
  it('keeps time and state moving forward within a job', () => {
    expect(supersedes(at('2'), at('1'))).to.equal(true);
    expect(supersedes(at('1'), at('2'))).to.equal(false);
    expect(supersedes(at('3'), at('2', { state: 'cancelled' })), 'a job that ended does not resume').to.equal(false);
    expect(supersedes(at('1', { job_id: 'p_2' }), at('2')), 'another job').to.equal(true);
    expect(supersedes(snap({ job_id: null, state: 'missing' }), at('2')), 'a no-job snapshot').to.equal(true);
  });
  it('lets an offered answer replace another job only once that job has ended', () => {
    expect(offerSupersedes(at('3', { job_id: 'p_2' }), at('2'))).to.equal(false);
    expect(offerSupersedes(at('3', { job_id: 'p_2' }), at('2', { state: 'failed' }))).to.equal(true);
    expect(offerSupersedes(at('3', { state: 'cancelled' }), at('2'))).to.equal(true);
  });
});
