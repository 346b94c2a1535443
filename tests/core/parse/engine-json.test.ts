import { describe, expect, it } from 'vitest';
import { parseEngineJsonLine } from '../../../server/core/parse/engine-json.ts';

const IMAGE_ID = '005fbdb959a247e448b5a62f99656926e4b399a6cc44ebf93c7de3e56ff2eb75';

describe('parseEngineJsonLine', () => {
  it('reads a Downloading line of dockerd', () => {
    const line =
      '{"status":"Downloading","progressDetail":{"current":36445,"total":3146606},"progress":"[>  ]  36.45kB/3.147MB","id":"d9b9504b1033"}';
    expect(parseEngineJsonLine(line)).toEqual([
      { kind: 'layer', id: 'd9b9504b1033', phase: 'downloading', current: 36445, total: 3146606 },
    ]);
  });

  it('reads status lines without progress', () => {
    expect(parseEngineJsonLine('{"status":"Pulling fs layer","progressDetail":{},"id":"f8b2b38f9424"}')).toEqual([
      { kind: 'layer', id: 'f8b2b38f9424', phase: 'waiting' },
    ]);
    expect(parseEngineJsonLine('{"status":"Pulling from feas/multi","id":"1"}')).toEqual([
      { kind: 'resolving', message: 'Pulling from feas/multi', reportsExtraction: true },
    ]);
    expect(parseEngineJsonLine('{"status":"Status: Downloaded newer image for 127.0.0.1:5001/feas/multi:1"}')).toEqual([
      { kind: 'finalizing', message: 'Status: Downloaded newer image for 127.0.0.1:5001/feas/multi:1' },
    ]);
  });

  it("reads containerd's Extracting in seconds", () => {
    expect(parseEngineJsonLine('{"status":"Extracting","progressDetail":{"current":3,"units":"s"},"id":"abc123def456"}')).toEqual([
      { kind: 'layer', id: 'abc123def456', phase: 'extracting', current: 3, units: 's' },
    ]);
  });

  it('drops malformed progress numbers (strings, negatives, a total of 0)', () => {
    expect(
      parseEngineJsonLine('{"status":"Downloading","progressDetail":{"current":"12","total":0},"id":"aaaaaaaaaaaa"}'),
    ).toEqual([{ kind: 'layer', id: 'aaaaaaaaaaaa', phase: 'downloading' }]);
    expect(
      parseEngineJsonLine('{"status":"Downloading","progressDetail":{"current":-1,"total":10},"id":"aaaaaaaaaaaa"}'),
    ).toEqual([{ kind: 'layer', id: 'aaaaaaaaaaaa', phase: 'downloading', total: 10 }]);
    expect(parseEngineJsonLine('{"status":"Downloading","progressDetail":null,"id":"aaaaaaaaaaaa"}')).toEqual([
      { kind: 'layer', id: 'aaaaaaaaaaaa', phase: 'downloading' },
    ]);
  });

  // Found by tests/core/properties/progress.test.ts: a fraction or 1e308 went through to
  // bytes_done/bytes_total, which the wire schema (and the OpenAPI document) says are integers,
  // and a sum of huge sizes became Infinity, which JSON sends as null.
  it('drops byte counts that are not whole, exactly representable numbers (fractions, 1e308, beyond 2^53)', () => {
    for (const detail of ['{"current":1.5,"total":2.25}', '{"current":1e308,"total":1e308}', '{"current":9007199254740993,"total":18014398509481984}']) {
      expect(parseEngineJsonLine(`{"status":"Downloading","progressDetail":${detail},"id":"aaaaaaaaaaaa"}`)).toEqual([
        { kind: 'layer', id: 'aaaaaaaaaaaa', phase: 'downloading' },
      ]);
    }
    expect(
      parseEngineJsonLine('{"status":"Downloading","progressDetail":{"current":9007199254740991,"total":9007199254740991},"id":"aaaaaaaaaaaa"}'),
    ).toEqual([{ kind: 'layer', id: 'aaaaaaaaaaaa', phase: 'downloading', current: Number.MAX_SAFE_INTEGER, total: Number.MAX_SAFE_INTEGER }]);
  });

  it('reads an error line, preferring errorDetail.message', () => {
    const message =
      'initializing source docker://127.0.0.1:5000/feas/multi:1: pinging container registry 127.0.0.1:5000: Get "https://127.0.0.1:5000/v2/": http: server gave HTTP response to HTTPS client';
    const line = JSON.stringify({ progressDetail: {}, errorDetail: { message }, error: message });
    expect(parseEngineJsonLine(line)).toEqual([{ kind: 'error', message }]);
    expect(parseEngineJsonLine('{"errorDetail":{"message":"detail"},"error":"short"}')).toEqual([
      { kind: 'error', message: 'detail' },
    ]);
    expect(parseEngineJsonLine('{"error":"only error"}')).toEqual([{ kind: 'error', message: 'only error' }]);
    expect(parseEngineJsonLine('{"error":"","status":"Waiting","id":"bbbbbbbbbbbb"}')).toEqual([
      { kind: 'layer', id: 'bbbbbbbbbbbb', phase: 'waiting' },
    ]);
  });

  it("hands libpod's stream text to the podman CLI interpreter, line by line", () => {
    expect(parseEngineJsonLine('{"stream":"Trying to pull 127.0.0.1:5001/feas/multi:1...\\n"}')).toEqual([
      { kind: 'resolving', message: 'Trying to pull 127.0.0.1:5001/feas/multi:1...' },
    ]);
    expect(
      parseEngineJsonLine(
        '{"stream":"Copying blob sha256:f8b2b38f9424781c171fcd41de076309a138802dac3b58e24f5bf4116725e0e1\\nStoring signatures\\n"}',
      ),
    ).toEqual([
      { kind: 'layer', id: 'f8b2b38f9424', phase: 'waiting' },
      { kind: 'finalizing', message: 'Storing signatures' },
    ]);
    expect(parseEngineJsonLine('{"stream":"\\n"}')).toEqual([]);
  });

  it("reads libpod's closing images line as the image id", () => {
    expect(parseEngineJsonLine(JSON.stringify({ images: [IMAGE_ID], id: IMAGE_ID }))).toEqual([
      { kind: 'image', id: IMAGE_ID },
    ]);
    expect(parseEngineJsonLine(JSON.stringify({ images: [IMAGE_ID] }))).toEqual([{ kind: 'image', id: IMAGE_ID }]);
  });

  it.each([
    'HTTP/1.1 200 OK',
    '<html><body>502 Bad Gateway</body></html>',
    '{"status":"Downloading","progressDetail":{"current":1',
    '[1,2]',
    '42',
    'null',
    '{}',
    '{"message":"not a stream line"}',
  ])('never throws: %s is unparsed', (line) => {
    expect(parseEngineJsonLine(line)).toEqual([{ kind: 'unparsed', line }]);
  });
});
