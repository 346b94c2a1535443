import { describe, expect, it } from 'vitest';
import { demoSlotsFile } from '../../server/config/demo.ts';
import { validateSlotsFile } from '../../server/config/schema.ts';

describe('validateSlotsFile', () => {
  it('accepts the contract example with defaults filled in', () => {
    const result = validateSlotsFile(
      {
        slots: [
          { name: 'chat', provider: 'container', image: 'ghcr.io/acme/llama-server:vulkan', container: 'slot-chat', port: 8081, model: 'qwen3-8b', labels: { gpu: '0' } },
          { name: 'embed', provider: 'external', url: 'http://127.0.0.1:8082' },
          { name: 'plain', provider: 'container', image: 'busybox' },
        ],
      },
      'x.json',
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.slots.map((s) => s.name)).toEqual(['chat', 'embed', 'plain']);
    expect(result.slots[2]).toMatchObject({ container: 'slot-plain', port: null, labels: {} });
    expect(result.slots[2]?.provider === 'container' && result.slots[2].image.explicit).toBe('busybox:latest');
  });

  it('says one line per problem, naming the file, the slot and the field', () => {
    const result = validateSlotsFile(
      {
        slots: [
          { name: 'chat', provider: 'container', image: '-bad' },
          { name: 'Bad Name', provider: 'container', image: 'x' },
          { name: 'chat', provider: 'container', image: 'y', port: 70000 },
          { name: 'ext', provider: 'external', image: 'z', colour: 'red' },
          { name: 'nofile', provider: 'container' },
          { name: 'p', provider: 'vm' },
        ],
      },
      'slots.json',
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      'slots.json: slot "chat" (slots[0]): image: must not start with "-"',
      'slots.json: slot "Bad Name" (slots[1]): name: must match ^[a-z0-9][a-z0-9_-]{0,31}$ (lower case, at most 32 characters)',
      'slots.json: slot "chat" (slots[2]): port: must be 1–65535',
      'slots.json: slot "ext" (slots[3]): unknown field "colour"',
      'slots.json: slot "ext" (slots[3]): image: is not allowed on an external slot (it has no image)',
      'slots.json: slot "nofile" (slots[4]): image: is required for a container slot',
      'slots.json: slot "p" (slots[5]): provider: must be "container" or "external"',
      'slots.json: slot "chat" (slots[2]): name: "chat" is used by an earlier slot; names must be unique',
    ]);
  });

  it('explains a file that is not a slots object', () => {
    expect(validateSlotsFile([], 'a.json')).toEqual({ ok: false, problems: ['a.json: top level: Invalid input: expected object, received array'] });
    expect(validateSlotsFile({ slots: {} }, 'a.json')).toEqual({ ok: false, problems: ['a.json: slots: must be an array of slots'] });
  });

  it('validates the built-in demo config: five slots, two sharing an image, one external', () => {
    const result = validateSlotsFile(demoSlotsFile, 'demo');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const images = result.slots.flatMap((s) => (s.provider === 'container' ? [s.image.key] : []));
    expect(result.slots).toHaveLength(5);
    expect(images).toHaveLength(4);
    expect(new Set(images).size).toBe(3);
  });

  it('reads named engines and checks that every slot names one that exists', () => {
    const good = validateSlotsFile(
      {
        engines: { gpu1: 'unix:///run/podman/podman.sock', gpu2: 'tcp://127.0.0.1:2375' },
        slots: [
          { name: 'a', provider: 'container', image: 'x:1', engine: 'gpu1' },
          { name: 'b', provider: 'container', image: 'x:1' },
        ],
      },
      'f.json',
    );
    expect(good.ok && good.engines).toEqual({
      gpu1: { address: 'unix:///run/podman/podman.sock', tls: null, sshConfig: null },
      gpu2: { address: 'tcp://127.0.0.1:2375', tls: null, sshConfig: null },
    });
    expect(good.ok && good.slots.map((slot) => slot.provider === 'container' && slot.engine)).toEqual(['gpu1', null]);

    const bad = validateSlotsFile(
      {
        engines: { gpu1: 'ftp://host', GPU: 'tcp://h:1' },
        slots: [{ name: 'a', provider: 'container', image: 'x:1', engine: 'gpu9' }, { name: 'e', provider: 'external', engine: 'gpu1' }],
      },
      'f.json',
    );
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.problems).toEqual([
      'f.json: engines.gpu1: engine address "ftp://host" has the unknown scheme "ftp"; write unix:///path/to/engine.sock, tcp://host:port or ssh://[user@]host[:port]',
      'f.json: engines.GPU: engine names match ^[a-z0-9][a-z0-9_-]{0,31}$',
      'f.json: slot "e" (slots[1]): engine: is not allowed on an external slot (nothing runs on an engine)',
    ]);
    const unknown = validateSlotsFile({ slots: [{ name: 'a', provider: 'container', image: 'x:1', engine: 'gpu9' }] }, 'f.json');
    expect(!unknown.ok && unknown.problems).toEqual(['f.json: slot "a" (slots[0]): engine: "gpu9" is not in "engines" (none are named)']);
  });
});
