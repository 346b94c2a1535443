import { describe, expect, it } from 'vitest';
import { containerStateFrom } from '../../server/core/container-state.ts';

describe('containerStateFrom', () => {
  it.each([
    [{ Status: 'running', Running: true, ExitCode: 0 }, { status: 'running', error: null }],
    [{ Status: 'created', Running: false, ExitCode: 0 }, { status: 'stopped', error: null }],
    [{ Status: 'exited', ExitCode: 0 }, { status: 'stopped', error: null }],
    [{ Status: 'configured', ExitCode: 0 }, { status: 'stopped', error: null }],
    [{ Status: 'paused', Paused: true, Running: true }, { status: 'stopped', error: null }],
    [{ Status: 'exited', ExitCode: 3 }, { status: 'crashed', error: 'exited with code 3' }],
    [{ Status: 'exited', ExitCode: 137, OOMKilled: true }, { status: 'crashed', error: 'exited with code 137 (out of memory)' }],
    [{ Status: 'restarting', Restarting: true, ExitCode: 1 }, { status: 'crashed', error: 'restarting after it exited with code 1' }],
    [{ Status: 'exited', ExitCode: 127, Error: 'exec: "x": not found' }, { status: 'crashed', error: 'exited with code 127: exec: "x": not found' }],
    // A list entry has no ExitCode when its Status shows none: no code is made up.
    [{ Status: 'dead' }, { status: 'crashed', error: 'is dead' }],
    [{ Status: 'dead', Dead: true, ExitCode: 1 }, { status: 'crashed', error: 'is dead (exit code 1)' }],
    [{ Status: 'restarting' }, { status: 'crashed', error: 'is restarting' }],
    [{ Status: 'exited' }, { status: 'stopped', error: null }],
  ])('%j → %j', (state, expected) => {
    expect(containerStateFrom(state)).toEqual(expected);
  });

  it('says unknown, with why, for what it cannot read', () => {
    expect(containerStateFrom(null)).toEqual({ status: 'unknown', error: 'the engine sent no container State object' });
    expect(containerStateFrom({ Status: 'frozen' }).status).toBe('unknown');
  });
});
