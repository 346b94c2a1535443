import { describe, expect, it } from 'vitest';
import { parseServerArgs } from '../../server/entry/options.ts';

describe('parseServerArgs', () => {
  it('has the documented defaults', () => {
    expect(parseServerArgs([], {})).toEqual({
      kind: 'run',
      options: {
        config: undefined, port: 8080, host: '127.0.0.1', runtime: 'auto', cli: undefined, engine: undefined, engineContext: undefined, allowPlainTcp: false, dockerConfig: undefined,
        keepFinishedS: 600, demoSeed: undefined, token: undefined, protectReads: false, allowOrigins: [], publicUrls: [], maxPulls: 3,
        stateDir: undefined, historyDays: 14,
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

  it('reads the access flags: token from flag or SLOTPULL_TOKEN, repeatable origins', () => {
    expect(
      parseServerArgs(['--token', 't0k', '--protect-reads', '--allow-origin', 'http://dash.lan:3000', '--allow-origin=https://ops.example'], {}),
    ).toMatchObject({ options: { token: 't0k', protectReads: true, allowOrigins: ['http://dash.lan:3000', 'https://ops.example'] } });
    expect(parseServerArgs([], { SLOTPULL_TOKEN: 'env' })).toMatchObject({ options: { token: 'env', protectReads: false } });
  });

  it('reads --public-url, repeatable, a path allowed', () => {
    const parsed = parseServerArgs(['--public-url', 'https://dash.example/slotpull', '--public-url=http://127.0.0.1:8443'], {});
    expect(parsed.kind === 'run' && parsed.options.publicUrls.map((url) => url.href)).toEqual(['https://dash.example/slotpull', 'http://127.0.0.1:8443/']);
  });

  it.each([
    [['--protect-reads'], '--protect-reads needs a token: pass --token or set SLOTPULL_TOKEN'],
    [['--allow-origin', 'http://x/path'], '--allow-origin "http://x/path" is not an origin; write scheme://host[:port] with no path, e.g. http://dash.lan:3000'],
    [['--port', '1', '--port', '2'], '--port is given twice; give it once'],
    ...['dash.example', 'ftp://dash.example', 'https://user:pw@dash.example', 'https://dash.example/?q=1'].map((bad): [string[], string] => [
      ['--public-url', bad],
      `--public-url "${bad}" is not a URL pages use; write http(s)://host[:port][/path], e.g. https://dash.example/slotpull`,
    ]),
  ])('refuses access flags %j', (argv, message) => {
    expect(parseServerArgs(argv, {})).toEqual({ kind: 'error', message });
  });

  it('reads --state-dir (none included) and --history-days', () => {
    expect(parseServerArgs(['--state-dir', '/var/lib/slotpull', '--history-days', '30'], {})).toMatchObject({
      options: { stateDir: '/var/lib/slotpull', historyDays: 30 },
    });
    expect(parseServerArgs(['--state-dir=none', '--history-days=0'], {})).toMatchObject({ options: { stateDir: 'none', historyDays: 0 } });
  });

  it.each([
    [['--state-dir'], '--state-dir needs a value; run slotpull --help'],
    [['--state-dir='], '--state-dir needs a value; run slotpull --help'],
    [['--history-days', '-1'], '--history-days must be a whole number from 0 to 3650, got "-1"'],
    [['--history-days', '1.5'], '--history-days must be a whole number from 0 to 3650, got "1.5"'],
    [['--history-days', '4000'], '--history-days must be a whole number from 0 to 3650, got "4000"'],
  ])('refuses state flags %j', (argv, message) => {
    expect(parseServerArgs(argv, {})).toEqual({ kind: 'error', message });
  });
});
