import { describe, expect, it } from 'vitest';
import { StateDirError, describeStateDir, resolveStateDir } from '../../server/state/state-dir.ts';

const CWD = '/srv/app';

describe('resolveStateDir', () => {
  it('takes --state-dir first, relative to the working directory', () => {
    const env = { XDG_STATE_HOME: '/xdg', HOME: '/home/u' };
    expect(resolveStateDir({ flag: '/var/lib/slotpull/', cwd: CWD, env })).toEqual({ kind: 'dir', path: '/var/lib/slotpull/', source: '--state-dir' });
    expect(resolveStateDir({ flag: 'state/../data', cwd: CWD, env })).toEqual({ kind: 'dir', path: '/srv/app/data', source: '--state-dir' });
  });

  it('keeps everything in memory for --state-dir none', () => {
    expect(resolveStateDir({ flag: 'none', cwd: CWD, env: {} })).toEqual({ kind: 'memory' });
  });

  it('uses $XDG_STATE_HOME/slotpull, else ~/.local/state/slotpull', () => {
    expect(resolveStateDir({ cwd: CWD, env: { XDG_STATE_HOME: '/xdg', HOME: '/home/u' } })).toEqual({ kind: 'dir', path: '/xdg/slotpull', source: 'XDG_STATE_HOME' });
    expect(resolveStateDir({ cwd: CWD, env: { HOME: '/home/u' } })).toEqual({ kind: 'dir', path: '/home/u/.local/state/slotpull', source: 'HOME' });
  });

  it('ignores an empty or relative XDG_STATE_HOME, as the XDG spec says', () => {
    for (const XDG_STATE_HOME of ['', 'relative/state']) {
      expect(resolveStateDir({ cwd: CWD, env: { XDG_STATE_HOME, HOME: '/home/u' } })).toMatchObject({ path: '/home/u/.local/state/slotpull', source: 'HOME' });
    }
  });

  it('says in one line what to do when no directory can be chosen', () => {
    for (const env of [{}, { HOME: '' }, { HOME: 'home', XDG_STATE_HOME: 'x' }]) {
      expect(() => resolveStateDir({ cwd: CWD, env })).toThrow(
        new StateDirError(
          'cannot choose a state directory: neither XDG_STATE_HOME nor HOME is set to an absolute path; pass --state-dir DIR, or --state-dir none to keep pulls in memory only',
        ),
      );
    }
    expect(() => resolveStateDir({ flag: ' ', cwd: CWD, env: {} })).toThrow('--state-dir needs a directory, or "none" to keep pulls in memory only');
  });
});

describe('describeStateDir', () => {
  it('says where the state lives and why, for the first log lines', () => {
    expect(describeStateDir({ kind: 'dir', path: '/xdg/slotpull', source: 'XDG_STATE_HOME' })).toBe('state: /xdg/slotpull (from $XDG_STATE_HOME)');
    expect(describeStateDir({ kind: 'dir', path: '/h/.local/state/slotpull', source: 'HOME' })).toBe('state: /h/.local/state/slotpull (from $HOME/.local/state)');
    expect(describeStateDir({ kind: 'dir', path: '/d', source: '--state-dir' })).toBe('state: /d (from --state-dir)');
    expect(describeStateDir({ kind: 'memory' })).toBe('state: memory only (--state-dir none): pulls and history end with the process');
  });
});
