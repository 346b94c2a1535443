// Following a slotpull SSE stream in the benchmark's own process, with the
// parser the tests use (eventsource-parser).
import http from 'node:http';
import { createParser } from 'eventsource-parser';

/**
 * Reads `url` (an SSE route, usually with ?until=done) until the server ends
 * it, calling `onFrame(snapshot, receivedAtMs)` at each frame as it is parsed.
 * Rejects after `timeoutMs`.
 */
export function followSse(url, onFrame, timeoutMs = 120_000) {
  return new Promise((resolve, reject) => {
    let frames = 0;
    const request = http.get(url, { agent: false, headers: { accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) {
        request.destroy();
        return reject(new Error(`GET ${url} answered ${res.statusCode}`));
      }
      const parser = createParser({
        onEvent(event) {
          frames += 1;
          onFrame(JSON.parse(event.data), performance.now());
        },
      });
      res.setEncoding('utf8');
      res.on('data', (text) => parser.feed(text));
      res.on('end', () => {
        clearTimeout(timer);
        resolve(frames);
      });
      res.on('error', reject);
    });
    const timer = setTimeout(() => {
      request.destroy();
      reject(new Error(`GET ${url}: not done within ${timeoutMs} ms`));
    }, timeoutMs);
    request.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
