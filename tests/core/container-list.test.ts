/**
 * Container lists as the engines print them. The entries are trimmed copies
 * of what podman 4.3.1 (compat API and CLI) and dockerd 20.10.24 (API; docker
 * CLI 20.10 and 28 with slotpull's format) answered for the same containers
 * on this kind of machine; the dead container and the link alias are made up
 * (neither engine makes them on demand here).
 */
import { describe, expect, it } from 'vitest';
import {
  containerStateFromList,
  statesForNames,
  statesFromDockerPs,
  statesFromEngineList,
  statesFromPodmanPs,
} from '../../server/core/container-list.ts';
import { RuntimeFailure } from '../../server/core/runtime.ts';

/** `GET /containers/json?all=1` (podman's compat API and dockerd answer alike for these fields). */
const ENGINE_LIST = [
  { Id: '1ac34ceb', Names: ['/x-created'], State: 'created', Status: 'Created' },
  { Id: '2a4b56d2', Names: ['/x-killed'], State: 'exited', Status: 'Exited (137) 1 second ago' },
  { Id: '79a070c9', Names: ['/x-exit3'], State: 'exited', Status: 'Exited (3) 2 seconds ago' },
  { Id: '955b5368', Names: ['/x-restart'], State: 'restarting', Status: 'Restarting (5) Less than a second ago' },
  { Id: 'ca988140', Names: ['/x-exit0'], State: 'exited', Status: 'Exited (0) 3 seconds ago' },
  { Id: 'e43b6286', Names: ['/x-run', '/web/x-run'], State: 'running', Status: 'Up 2 seconds' },
  { Id: 'fde7be90', Names: ['/x-paused'], State: 'paused', Status: 'Up 2 seconds (Paused)' },
  { Id: 'deadbeef', Names: ['/x-dead'], State: 'dead', Status: 'Dead' },
];

const EXPECTED = {
  'x-created': { status: 'stopped', error: null },
  'x-killed': { status: 'crashed', error: 'exited with code 137' },
  'x-exit3': { status: 'crashed', error: 'exited with code 3' },
  'x-restart': { status: 'crashed', error: 'restarting after it exited with code 5' },
  'x-exit0': { status: 'stopped', error: null },
  'x-run': { status: 'running', error: null },
  'x-paused': { status: 'stopped', error: null },
  'x-dead': { status: 'crashed', error: 'is dead' },
};

describe('statesFromEngineList', () => {
  it('reads every container by its own name, without the slash; a link alias is not a name', () => {
    expect(Object.fromEntries(statesFromEngineList(ENGINE_LIST))).toEqual(EXPECTED);
  });

  it('skips entries it cannot read and refuses an answer that is not a list', () => {
    expect([...statesFromEngineList([null, 7, { Names: 'x' }, { State: 'running' }])]).toEqual([]);
    expect(() => statesFromEngineList({ message: 'page not found' })).toThrow(RuntimeFailure);
    expect(() => statesFromEngineList({ message: 'page not found' })).toThrow(`the engine's container list is not a JSON array: {"message":"page not found"}`);
  });
});

describe('statesFromDockerPs', () => {
  it('reads one JSON object a line, names joined with commas', () => {
    const stdout = ENGINE_LIST.map(({ Names, State, Status }) =>
      JSON.stringify({ Names: Names.map((name) => name.slice(1)).join(','), State, Status }),
    ).join('\n');
    expect(Object.fromEntries(statesFromDockerPs(`${stdout}\n`))).toEqual(EXPECTED);
    expect(statesFromDockerPs('').size).toBe(0);
  });

  it('refuses a line that is not JSON, quoting it', () => {
    expect(() => statesFromDockerPs('{"Names":"a","State":"running","Status":"Up"}\ntemplate: parsing error')).toThrow(
      'docker ps printed a line that is not JSON: template: parsing error',
    );
  });
});

describe('statesFromPodmanPs', () => {
  it('reads the JSON array, taking the exit code from its own field', () => {
    const stdout = JSON.stringify(
      [
        { Names: ['x-created'], State: 'created', Status: 'Created', ExitCode: 0, Exited: false },
        { Names: ['x-oom'], State: 'exited', Status: 'Exited (137) 2 seconds ago', ExitCode: 137, Exited: true },
        // No words in Status: the code comes from ExitCode alone.
        { Names: ['x-exit3'], State: 'exited', Status: '', ExitCode: 3, Exited: true },
        { Names: ['x-run'], State: 'running', Status: 'Up 2 seconds', ExitCode: 0, Exited: false },
      ],
      null,
      2,
    );
    expect(Object.fromEntries(statesFromPodmanPs(`${stdout}\n`))).toEqual({
      'x-created': { status: 'stopped', error: null },
      'x-oom': { status: 'crashed', error: 'exited with code 137' },
      'x-exit3': { status: 'crashed', error: 'exited with code 3' },
      'x-run': { status: 'running', error: null },
    });
    expect(statesFromPodmanPs('[\n]\n').size).toBe(0);
    expect(statesFromPodmanPs('').size).toBe(0);
  });

  it('refuses output that is not a JSON array', () => {
    expect(() => statesFromPodmanPs('Error: something')).toThrow('podman ps printed no JSON array: Error: something');
    expect(() => statesFromPodmanPs('{"Names":["a"]}')).toThrow('podman ps printed no JSON array: {"Names":["a"]}');
  });
});

describe('containerStateFromList', () => {
  it('finds the exit code in the Status words, else reports what the State says', () => {
    expect(containerStateFromList('exited', 'Exited (-1) 1 hour ago')).toEqual({ status: 'crashed', error: 'exited with code -1' });
    expect(containerStateFromList('exited', 'Exited 1 hour ago')).toEqual({ status: 'stopped', error: null });
    expect(containerStateFromList('removing', 'Removal In Progress')).toEqual({
      status: 'unknown',
      error: 'the container is in a state slotpull does not know: "removing"',
    });
  });
});

describe('statesForNames', () => {
  it('gives every name asked an entry, absent when nothing has it', () => {
    const listed = statesFromEngineList(ENGINE_LIST);
    expect(Object.fromEntries(statesForNames(listed, ['x-run', 'slot-nope', 'x-run']))).toEqual({
      'x-run': { status: 'running', error: null },
      'slot-nope': { status: 'absent', error: null },
    });
  });
});
