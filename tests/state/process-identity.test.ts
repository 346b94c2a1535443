import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { currentProcess, linuxProcessTable, parseStartTime } from '../../server/state/process-identity.ts';

describe('parseStartTime', () => {
  it('reads field 22 after a command name with spaces and parentheses', () => {
    const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
    fields[19] = '987654';
    expect(parseStartTime(`1234 (node (x) y) ${fields.join(' ')}\n`)).toBe('987654');
    expect(parseStartTime('1234 (short) S 1 2')).toBeNull();
  });
});

describe('linuxProcessTable', () => {
  it('knows this process, and tells a live process from one that ended (on Deno: none, the lock goes by heartbeats)', async () => {
    const table = linuxProcessTable();
    if ('Deno' in globalThis) {
      expect(table).toBeNull();
      return;
    }
    expect(table).not.toBeNull();
    const self = currentProcess(table);
    expect(self).toMatchObject({ pid: process.pid, boot: expect.stringMatching(/^[0-9a-f-]{36}$/), pidns: expect.stringMatching(/^pid:\[\d+\]$/), start: expect.stringMatching(/^\d+$/) });
    expect(table!.startOf(process.pid)).toBe(self.start);

    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    await once(child, 'spawn');
    const childStart = table!.startOf(child.pid as number);
    expect(childStart).toMatch(/^\d+$/);
    expect(Number(childStart)).toBeGreaterThanOrEqual(Number(self.start));
    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(table!.startOf(child.pid as number)).toBeNull();
  });

  it('falls back to the PID alone where /proc cannot be read', () => {
    expect(currentProcess(null)).toEqual({ pid: process.pid, boot: null, pidns: null, start: null });
  });
});
