import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JournalFile } from '../../server/state/journal-file.ts';
import { useTempDirs } from './temp-dir.ts';

const tempDir = useTempDirs('slotpull-journal');
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('JournalFile', () => {
  for (const durable of [true, false]) {
    it(`appends, replaces and reads back what it wrote (durable: ${durable})`, async () => {
      const path = join(tempDir(), 'j.jsonl');
      const journal = new JournalFile(path, { durable });
      expect(journal.initial).toEqual(new Uint8Array(0));
      journal.append(bytes('one\n'));
      journal.append(bytes('two\n'));
      // In the file as soon as append returns, before any flush.
      expect(readFileSync(path, 'utf8')).toBe('one\ntwo\n');
      journal.replace([bytes('three\n')]);
      journal.append(bytes('four\n'));
      await journal.flush();
      await journal.close();
      await journal.close();
      expect(readFileSync(path, 'utf8')).toBe('three\nfour\n');
      expect(existsSync(`${path}.tmp`)).toBe(false);
      const again = new JournalFile(path, { durable });
      expect(new TextDecoder().decode(again.initial)).toBe('three\nfour\n');
      await again.close();
    });
  }

  it('removes a compaction that was cut short and keeps the journal whole', async () => {
    const path = join(tempDir(), 'j.jsonl');
    writeFileSync(path, 'whole\n');
    writeFileSync(`${path}.tmp`, 'half');
    const journal = new JournalFile(path, { durable: true });
    expect(new TextDecoder().decode(journal.initial)).toBe('whole\n');
    expect(existsSync(`${path}.tmp`)).toBe(false);
    await journal.close();
  });

  it('replaces while a background sync is still running, and closes cleanly after many appends', async () => {
    const path = join(tempDir(), 'j.jsonl');
    const journal = new JournalFile(path, { durable: true });
    for (let i = 0; i < 50; i++) {
      journal.append(bytes(`${i}\n`));
      if (i % 10 === 9) journal.replace([bytes(`after ${i}\n`)]);
    }
    await journal.close();
    expect(readFileSync(path, 'utf8')).toBe('after 49\n');
  });

  it('refuses writes once closed', async () => {
    const path = join(tempDir(), 'j.jsonl');
    const journal = new JournalFile(path, { durable: false });
    await journal.close();
    expect(() => journal.append(bytes('late\n'))).toThrow(`journal ${path} is closed`);
  });
});
