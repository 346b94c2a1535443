/** openServerState: the state directory a server starts on, in files of its own test directory. */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeRecord } from '../../server/core/history/record.ts';
import { openServerState, type StateOptions } from '../../server/entry/state.ts';
import { LIFECYCLE_FILE } from '../../server/state/job-store.ts';
import { StateDirError } from '../../server/state/state-dir.ts';
import { StateDirLockedError } from '../../server/state/state-lock.ts';
import { useTempDirs } from '../state/temp-dir.ts';

const tempDir = useTempDirs('slotpull-entry-state');

function options(fields: Partial<StateOptions>): StateOptions {
  return { flag: undefined, historyDays: 14, cwd: '/', env: {}, log: () => {}, ...fields };
}

async function refusal(opening: Promise<unknown>): Promise<Error> {
  const error = await opening.then(
    () => null,
    (caught: Error) => caught,
  );
  if (error === null) throw new Error('the state was opened; a refusal was expected');
  return error;
}

describe('openServerState', () => {
  it('keeps pulls in memory only with --state-dir none, and says so', async () => {
    const state = await openServerState(options({ flag: 'none' }));
    expect(state.choice).toEqual({ kind: 'memory' });
    expect(state.banner).toEqual(['state: memory only (--state-dir none): pulls and history end with the process']);
    state.history.start({ id: 'p_1', image: 'registry.test/a:1', runtime: 'demo', slots: ['a'], started_at: 1 });
    expect(state.history.activeJobs()).toHaveLength(1);
    await state.close();
  });

  it('opens $XDG_STATE_HOME/slotpull under its lock, says what it read back, and releases it on close', async () => {
    const home = tempDir();
    const dir = join(home, 'slotpull');
    const first = await openServerState(options({ env: { XDG_STATE_HOME: home, HOME: '/nonexistent' } }));
    expect(first.banner).toEqual([`state: ${dir} (from $XDG_STATE_HOME)`, 'history: 0 finished pulls kept 14 days; no pull to take up again']);
    first.history.start({ id: 'p_run', image: 'registry.test/a:1', runtime: 'demo', slots: ['a'], started_at: 1 });
    first.history.start({ id: 'p_done', image: 'registry.test/b:1', runtime: 'demo', slots: ['b'], started_at: Date.now() });
    first.history.finish({ id: 'p_done', state: 'completed', error_code: null, error: null, finished_at: Date.now(), bytes_done: 1, bytes_total: 1 });
    expect(readdirSync(dir).filter((name) => name.startsWith('slotpull.lock'))).toHaveLength(1);
    await first.close();
    await first.close();
    expect(readdirSync(dir).filter((name) => name.startsWith('slotpull.lock'))).toEqual([]);

    const second = await openServerState(options({ flag: 'slotpull', cwd: home, historyDays: 3 }));
    expect(second.banner).toEqual([`state: ${dir} (from --state-dir)`, 'history: 1 finished pulls kept 3 days; 1 pull to take up again']);
    expect(second.history.activeJobs().map((job) => job.id)).toEqual(['p_run']);
    await second.close();
  });

  it('refuses a second server on the same directory with one line that names it, and lets it in once the first is gone', async () => {
    const dir = tempDir();
    const first = await openServerState(options({ flag: dir }));
    const error = await refusal(openServerState(options({ flag: dir })));
    expect(error).toBeInstanceOf(StateDirLockedError);
    expect(error.message).toMatch(new RegExp(`^state dir ${dir} is in use by another slotpull \\(pid ${process.pid}, (node|deno) [^)]+\\): stop that one, or give this one another --state-dir$`));
    await first.close();
    await (await openServerState(options({ flag: dir }))).close();
  });

  it('stops with one line for a directory that cannot be written, a journal it cannot read, or no home at all', async () => {
    const file = join(tempDir(), 'file');
    writeFileSync(file, '');
    const unwritable = await refusal(openServerState(options({ flag: file })));
    expect(unwritable).toBeInstanceOf(StateDirError);
    expect(unwritable.message).toBe(`state dir ${file} cannot be written (a file is in the way): choose another with --state-dir DIR, or --state-dir none to keep pulls in memory only`);

    const newer = tempDir();
    writeFileSync(join(newer, LIFECYCLE_FILE), encodeRecord({ t: 'format', name: 'slotpull-pulls', version: 99 }));
    const unreadable = await refusal(openServerState(options({ flag: newer })));
    expect(unreadable).toBeInstanceOf(StateDirError);
    expect(unreadable.message).toBe(
      `state dir ${newer} cannot be read: written by a newer slotpull (journal format 99; this one reads up to 1): run that version, or use another --state-dir`,
    );
    // The refusal let the lock go.
    expect(readdirSync(newer).filter((name) => name.startsWith('slotpull.lock'))).toEqual([]);

    const homeless = await refusal(openServerState(options({ env: {} })));
    expect(homeless.message).toMatch(/^cannot choose a state directory: neither XDG_STATE_HOME nor HOME is set/);
  });
});
