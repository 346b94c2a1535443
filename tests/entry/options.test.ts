import { describe, expect, it } from 'vitest';
import { parseServerArgs } from '../../server/entry/options.ts';

describe('parseServerArgs', () => {
  it('has the documented defaults', () => {
    expect(parseServerArgs([], {})).toEqual({
      kind: 'run',
      options: {
        config: undefined, port: 8080, host: '127.0.0.1', runtime: 'auto', cli: undefined, engine: undefined, dockerConfig: undefined,
        keepFinishedS: 600, demoSeed: undefined,
      },
    });
  });

  it('reads flags in both spellings, and the environment where flags are silent', () => {
    const parsed = parseServerArgs(['--config', 'a.json', '--port=9000', '--runtime', 'cli', '--cli=/bin/podman', '--demo-seed', '7'], {
      SLOTPULL_CONFIG: 'ignored.json',
      PORT: '1',
    });
    expect(parsed).toMatchObject({ kind: 'run', options: { config: 'a.json', port: 9000, runtime: 'cli', cli: '/bin/podman', demoSeed: 7 } });
    expect(parseServerArgs([], { SLOTPULL_CONFIG: 'b.json', PORT: '8181', SLOTPULL_CLI: '/x/docker' })).toMatchObject({
      options: { config: 'b.json', port: 8181, cli: '/x/docker' },
    });
  });

  it('answers --help', () => {
    expect(parseServerArgs(['--port', '1', '--help'], {})).toEqual({ kind: 'help' });
  });

  it.each([
    [['--bogus'], 'unknown flag "--bogus"; run slotpull --help for the flags'],
    [['stray'], 'unknown argument "stray"; run slotpull --help for the flags'],
    [['--port'], '--port needs a value; run slotpull --help'],
    [['--port', 'x'], '--port must be a whole number from 0 to 65535, got "x"'],
    [['--port', '70000'], '--port must be a whole number from 0 to 65535, got "70000"'],
    [['--runtime', 'vm'], '--runtime "vm" is not one of auto, engine, cli, demo'],
  ])('refuses %j', (argv, message) => {
    expect(parseServerArgs(argv, {})).toEqual({ kind: 'error', message });
  });

  it('names PORT when the bad port came from the environment', () => {
    expect(parseServerArgs([], { PORT: 'eighty' })).toEqual({ kind: 'error', message: 'PORT must be a whole number from 0 to 65535, got "eighty"' });
  });
});
