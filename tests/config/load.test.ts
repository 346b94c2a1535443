/** Reading the slots file (issue 14's rough edges): a byte-order mark, and a file with no slot. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config/load.ts';

describe('loadConfig', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slotpull-load-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const file = async (name: string, text: string) => {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  };
  const ONE_SLOT = '{"slots":[{"name":"chat","provider":"container","image":"ghcr.io/acme/chat:1"}]}';

  it('reads a file that starts with a UTF-8 byte-order mark (Windows editors write one)', async () => {
    const config = await loadConfig(await file('bom.json', `\uFEFF${ONE_SLOT}`));
    expect(config.slots.map((slot) => slot.name)).toEqual(['chat']);
    expect(config.isDemo).toBe(false);
  });

  it('still refuses a mark anywhere else, and broken JSON after a mark, with the file named', async () => {
    await expect(loadConfig(await file('late-bom.json', ` \uFEFF${ONE_SLOT}`))).rejects.toThrow(ConfigError);
    await expect(loadConfig(await file('bom-broken.json', '\uFEFF{"slots":'))).rejects.toThrow(/bom-broken\.json: not valid JSON/);
  });

  it('accepts a file with no slot: the server starts and says so (start.ts, the page)', async () => {
    const config = await loadConfig(await file('empty.json', '{"slots":[]}'));
    expect(config.slots).toEqual([]);
  });
});
