import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareStateDir } from '../../server/state/prepare-state-dir.ts';
import { StateDirError } from '../../server/state/state-dir.ts';
import { useTempDirs } from './temp-dir.ts';

const tempDir = useTempDirs('slotpull-prepare');

describe('prepareStateDir', () => {
  it('creates the directory and its parents, private to the user, and leaves no probe behind', () => {
    const path = join(tempDir(), 'a', 'b', 'slotpull');
    prepareStateDir(path);
    expect(statSync(path).isDirectory()).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o700);
    expect(readdirSync(path)).toEqual([]);
    prepareStateDir(path);
  });

  it('names the directory and the reason in one line when it cannot be written', () => {
    const file = join(tempDir(), 'file');
    writeFileSync(file, '');
    const cases: Array<[string, string]> = [
      [file, 'a file is in the way'],
      [join(file, 'sub'), 'a file is in the way'],
      // Exists but holds no new directories: Node's own recursive mkdir would loop here for ever.
      ['/proc/slotpull-test/state', 'no directory can be made there'],
    ];
    for (const [path, reason] of cases) {
      let caught: unknown;
      try {
        prepareStateDir(path);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(StateDirError);
      expect((caught as Error).message).toBe(
        `state dir ${path} cannot be written (${reason}): choose another with --state-dir DIR, or --state-dir none to keep pulls in memory only`,
      );
      expect((caught as Error).message).not.toContain('\n');
    }
  });
});
