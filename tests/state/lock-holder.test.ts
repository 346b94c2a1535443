import { describe, expect, it } from 'vitest';
import {
  formatHolder,
  heartbeatWaitMs,
  livenessByIdentity,
  lockFileName,
  lockGeneration,
  parseHolder,
  topGeneration,
  type LockHolder,
} from '../../server/state/lock-holder.ts';
import type { ProcessIdentity, ProcessTable } from '../../server/state/process-identity.ts';

const ME: ProcessIdentity = { pid: 100, boot: 'boot-a', pidns: 'pid:[1]', start: '5000' };
const HOLDER: LockHolder = { pid: 200, boot: 'boot-a', pidns: 'pid:[1]', start: '7000', nonce: 'n-1', runtime: 'node 20.20.2', since: '2026-12-01T10:00:00.000Z' };

/** A process table that knows the processes it is given (pid → start). */
function table(processes: Record<number, string>): ProcessTable {
  return { self: () => ME, startOf: (pid) => processes[pid] ?? null };
}

describe('lock file names', () => {
  it('carry a generation, and only lock files count', () => {
    expect(lockFileName(7)).toBe('slotpull.lock.7');
    expect(lockGeneration('slotpull.lock.7')).toBe(7);
    for (const name of ['slotpull.lock.0', 'slotpull.lock.07', 'slotpull.lock.tmp-1-x', 'slotpull.lock.', 'pulls.jsonl', 'slotpull.lock.1e3']) {
      expect(lockGeneration(name), name).toBeNull();
    }
    expect(topGeneration(['pulls.jsonl', 'slotpull.lock.3', 'slotpull.lock.12', 'slotpull.lock.tmp-5-n'])).toBe(12);
    expect(topGeneration([])).toBe(0);
  });
});

describe('parseHolder', () => {
  it('reads back what formatHolder wrote', () => {
    expect(formatHolder(HOLDER).endsWith('\n')).toBe(true);
    expect(parseHolder(formatHolder(HOLDER))).toEqual(HOLDER);
    expect(parseHolder(formatHolder({ ...HOLDER, boot: null, pidns: null, start: null }))).toMatchObject({ start: null });
  });

  it('returns null for an empty, cut or foreign lock file', () => {
    for (const text of ['', formatHolder(HOLDER).slice(0, 30), '[]', 'null', JSON.stringify({ ...HOLDER, pid: 0 }), JSON.stringify({ ...HOLDER, nonce: 1 }), JSON.stringify({ ...HOLDER, start: 5 })]) {
      expect(parseHolder(text), text).toBeNull();
    }
  });
});

describe('livenessByIdentity', () => {
  it('finds a holder alive when its PID still has its start time', () => {
    expect(livenessByIdentity(HOLDER, ME, table({ 200: '7000' }))).toBe('alive');
  });

  it('finds it dead when the PID is gone or now another process', () => {
    expect(livenessByIdentity(HOLDER, ME, table({}))).toBe('dead');
    expect(livenessByIdentity(HOLDER, ME, table({ 200: '9999' }))).toBe('dead');
  });

  it('cannot tell across boots, PID namespaces, or without /proc on either side', () => {
    const everyone = table({ 200: '7000' });
    expect(livenessByIdentity({ ...HOLDER, boot: 'boot-b' }, ME, everyone)).toBe('unknown');
    expect(livenessByIdentity({ ...HOLDER, pidns: 'pid:[2]' }, ME, everyone)).toBe('unknown');
    expect(livenessByIdentity({ ...HOLDER, start: null }, ME, everyone)).toBe('unknown');
    expect(livenessByIdentity(HOLDER, ME, null)).toBe('unknown');
  });
});

describe('heartbeatWaitMs', () => {
  it('waits out the rest of staleMs, at once when already still for longer, never more than staleMs', () => {
    expect(heartbeatWaitMs(10_000, 10_400, 5000)).toBe(4600);
    expect(heartbeatWaitMs(10_000, 15_000, 5000)).toBe(0);
    expect(heartbeatWaitMs(10_000, 15_001, 5000)).toBe(0);
    expect(heartbeatWaitMs(10_000, 9000, 5000)).toBe(5000);
  });
});
