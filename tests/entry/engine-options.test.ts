/** The engine flags: --engine checked at once, --engine-context, --allow-plain-tcp, and the variables Deno must grant. */
import { describe, expect, it } from 'vitest';
import { ENV_VARIABLES, parseServerArgs, USAGE } from '../../server/entry/options.ts';

describe('engine flags', () => {
  it('reads --engine-context and --allow-plain-tcp', () => {
    expect(parseServerArgs(['--engine-context', 'gpu3', '--allow-plain-tcp'], {})).toMatchObject({ kind: 'run', options: { engineContext: 'gpu3', allowPlainTcp: true } });
    expect(parseServerArgs(['--engine=ssh://deploy@gpu3:2222'], {})).toMatchObject({ kind: 'run', options: { engine: 'ssh://deploy@gpu3:2222' } });
  });

  it.each([
    [['--engine', 'tcp://127.0.0.1:99999'], '--engine: engine address "tcp://127.0.0.1:99999" has port 99999; a port is 1–65535'],
    [['--engine', 'tcp://127.0.0.1:0'], '--engine: engine address "tcp://127.0.0.1:0" has port 0; a port is 1–65535'],
    [['--engine', 'tcp://127.0.0.1:2375\nx'], '--engine: engine address "tcp://127.0.0.1:2375\\nx" contains a line break or another control character; write it on one line'],
    [['--engine', 'unix:///a.sock', '--engine-context', 'c'], '--engine and --engine-context both name the engine; give one'],
  ])('refuses %j in one line', (argv, message) => {
    expect(parseServerArgs(argv, {})).toEqual({ kind: 'error', message });
  });

  it('refuses credentials in --engine without echoing them', () => {
    const parsed = parseServerArgs(['--engine', 'tcp://user:pass@host:2375'], {});
    expect(parsed).toMatchObject({ kind: 'error', message: expect.stringContaining('carries credentials') });
    expect(JSON.stringify(parsed)).not.toContain('user:pass');
  });

  it('lists every variable the engine selection reads, for Deno\'s --allow-env', () => {
    expect(ENV_VARIABLES).toEqual(expect.arrayContaining(['DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_TLS', 'DOCKER_CERT_PATH', 'DOCKER_CONTEXT', 'DOCKER_CONFIG', 'CONTAINER_HOST', 'HOME']));
  });

  it('documents the flags in --help', () => {
    expect(USAGE).toMatch(/--engine-context NAME/);
    expect(USAGE).toMatch(/--allow-plain-tcp/);
    expect(USAGE).toMatch(/ssh:\/\/\[user@\]host\[:port\]/);
  });
});
