// Many SSE clients in a process of their own (forked by swarm.ts), so that a
// load test's clients do not share an event loop with the server they load.
// node:http with a fresh connection per client (agent: false) and the SSE
// parser the other tests use (eventsource-parser). Driven over IPC:
//   { id, cmd, args } → { id, result } | { id, error }
// Commands: open, summary, waitEnded, cycles, close (see each below).
import http from 'node:http';
import { createParser } from 'eventsource-parser';

/** @typedef {{ status: number | null, frames: number, firstState: string | null, lastState: string | null, terminal: boolean, ended: boolean, error: string | null, request: http.ClientRequest }} Client */

/** @type {Client[]} */
let clients = [];

/**
 * One SSE client; resolves once its first frame arrived (or it failed).
 * @param {string} url @returns {{ client: Client, ready: Promise<void> }}
 */
function sseClient(url) {
  /** @type {Client} */
  const client = { status: null, frames: 0, firstState: null, lastState: null, terminal: false, ended: false, error: null, request: /** @type {any} */ (null) };
  const ready = new Promise((resolve) => {
    const parser = createParser({
      onEvent(event) {
        const state = String(JSON.parse(event.data).state);
        client.frames += 1;
        client.firstState ??= state;
        client.lastState = state;
        if (state !== 'pulling') client.terminal = true;
        resolve(undefined);
      },
    });
    client.request = http.get(url, { agent: false, headers: { accept: 'text/event-stream' } }, (res) => {
      client.status = res.statusCode ?? null;
      res.setEncoding('utf8');
      res.on('data', (text) => parser.feed(text));
      res.on('end', () => {
        client.ended = true;
        resolve(undefined);
      });
      res.on('error', (error) => {
        client.error ??= error.message;
        resolve(undefined);
      });
    });
    client.request.on('error', (error) => {
      client.error ??= error.message;
      resolve(undefined);
    });
  });
  return { client, ready };
}

function summary() {
  /** @type {Record<string, number>} */
  const firstStates = {};
  /** @type {Record<string, number>} */
  const lastStates = {};
  for (const client of clients) {
    firstStates[String(client.firstState)] = (firstStates[String(client.firstState)] ?? 0) + 1;
    lastStates[String(client.lastState)] = (lastStates[String(client.lastState)] ?? 0) + 1;
  }
  const frames = clients.map((client) => client.frames);
  return {
    clients: clients.length,
    ok: clients.filter((client) => client.status === 200).length,
    terminal: clients.filter((client) => client.terminal).length,
    ended: clients.filter((client) => client.ended).length,
    firstStates,
    lastStates,
    minFrames: frames.length === 0 ? 0 : Math.min(...frames),
    maxFrames: frames.length === 0 ? 0 : Math.max(...frames),
    errors: clients.flatMap((client) => (client.error === null ? [] : [client.error])).slice(0, 10),
  };
}

const commands = {
  /**
   * Opens `n` SSE clients on `url`, `batch` at a time (each batch waits for its
   * first frames: the listen backlog is finite); resolves once all have one.
   * @param {{ url: string, n: number, batch?: number }} args
   */
  async open({ url, n, batch = 100 }) {
    const started = performance.now();
    for (let i = 0; i < n; i += batch) {
      const opened = Array.from({ length: Math.min(batch, n - i) }, () => sseClient(url));
      clients.push(...opened.map(({ client }) => client));
      await Promise.all(opened.map(({ ready }) => ready));
    }
    return { ...summary(), openMs: Math.round(performance.now() - started) };
  },
  summary: async () => summary(),
  /** Resolves once every client's response has ended (or failed), or after `timeoutMs`. @param {{ timeoutMs: number }} args */
  async waitEnded({ timeoutMs }) {
    const deadline = performance.now() + timeoutMs;
    while (clients.some((client) => !client.ended && client.error === null) && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return summary();
  },
  /**
   * `total` connect / first frame / disconnect cycles on `url`, `concurrency`
   * at a time, each on a fresh connection destroyed after its first frame.
   * @param {{ url: string, total: number, concurrency: number }} args
   */
  async cycles({ url, total, concurrency }) {
    const started = performance.now();
    let begun = 0;
    let completed = 0;
    /** @type {string[]} */
    const errors = [];
    const one = () =>
      new Promise((resolve) => {
        let done = false;
        const finish = (/** @type {string | null} */ error) => {
          if (done) return;
          done = true;
          if (error === null) completed += 1;
          else if (errors.length < 10) errors.push(error);
          request.destroy();
          resolve(undefined);
        };
        const request = http.get(url, { agent: false }, (res) => {
          if (res.statusCode !== 200) return finish(`HTTP ${res.statusCode}`);
          let text = '';
          res.setEncoding('utf8');
          // The first frame (`data:` … blank line) after the opening lines: then hang up.
          res.on('data', (chunk) => {
            text += chunk;
            if (/^data:.*\n\n/m.test(text)) finish(null);
          });
          res.on('end', () => finish('the server ended the stream before a frame'));
        });
        request.on('error', (error) => finish(error.message));
      });
    const worker = async () => {
      while (begun < total) {
        begun += 1;
        await one();
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return { completed, errors, ms: Math.round(performance.now() - started) };
  },
  /** Destroys every client connection. */
  async close() {
    for (const client of clients) client.request.destroy();
    const count = clients.length;
    clients = [];
    return { closed: count };
  },
};

process.on('message', async (/** @type {{ id: number, cmd: keyof typeof commands, args: any }} */ { id, cmd, args }) => {
  try {
    process.send?.({ id, result: await commands[cmd](args) });
  } catch (error) {
    process.send?.({ id, error: error instanceof Error ? error.stack : String(error) });
  }
});
// The parent went away: nothing here may outlive it.
process.on('disconnect', () => process.exit(0));
process.send?.({ ready: process.pid });
