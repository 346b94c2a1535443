import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../../../server/core/history/crc32.ts';
import { seededRandom } from '../../../server/core/seeded-random.ts';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('crc32', () => {
  it('gives the check value of CRC-32/ISO-HDLC', () => {
    expect(crc32(bytes('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('agrees with zlib on random buffers and on a range of one', () => {
    const random = seededRandom(16);
    for (let round = 0; round < 50; round++) {
      const buffer = Uint8Array.from({ length: Math.floor(random() * 600) }, () => Math.floor(random() * 256));
      expect(crc32(buffer)).toBe(zlibCrc32(buffer));
    }
    const framed = bytes('xx123456789yy');
    expect(crc32(framed, 2, 11)).toBe(0xcbf43926);
  });
});
