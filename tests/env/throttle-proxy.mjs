// A throttling HTTP proxy in front of the local registry, run in-process
// (node:http only). It paces every response body to a settable rate so that
// engines emit real `Downloading` progress, counts requests and the bytes it
// delivered (the truth a progress bar is checked against), and can break
// every connection mid-pull, refuse connections ("registry down") or hold
// every body where it is with connections open ("paused": a stalled download).
//
// Tests in vitest workers reach the controls over a separate control server
// (see CONTROL_PREFIX below and proxy-client.ts): separate, because "down"
// closes the proxy's own listening socket so that engines get a real
// "connection refused". Types: throttle-proxy.d.mts.
import http from 'node:http';

/** Default pace of each response body: 4 MB/s (the rate of the fixtures). */
export const DEFAULT_RATE_BPS = 4_000_000;
/** Path prefix of the control endpoints; never a registry API path (/v2/…). */
export const CONTROL_PREFIX = '/__proxy/';
/** How often a paced body is topped up; a slice is rate × this. */
const TICK_MS = 50;
/** Budget saved up while idle is capped at this many ticks (no bursts). */
const MAX_BURST_TICKS = 2;
/** Upstream reading pauses when this much is queued for the client. */
const HIGH_WATER_BYTES = 1 << 20;
const BLOB_PATH = /^\/v2\/.+\/blobs\/sha256:[0-9a-f]{64}$/;
/** Hop-by-hop headers are not forwarded (RFC 9110 §7.6.1). */
const HOP_BY_HOP = ['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade', 'te', 'trailer'];

/**
 * Starts the proxy and its control server, both on 127.0.0.1 and free ports.
 * @param {import('./throttle-proxy.d.mts').ThrottleProxyOptions} options
 * @returns {Promise<import('./throttle-proxy.d.mts').ThrottleProxy>}
 */
export async function startThrottleProxy(options) {
  const { target, rate: initialRate = DEFAULT_RATE_BPS, host = '127.0.0.1' } = options;
  checkRate(initialRate);
  let rate = initialRate;
  let down = false;
  let paused = false;
  let closed = false;
  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set();
  /** @type {Set<http.ClientRequest>} */
  const upstreams = new Set();
  /** @type {Set<() => void>} every active pacer's stop function */
  const pacers = new Set();
  let stats = emptyStats();

  const server = http.createServer(forward);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await listen(server, 0, host);
  const port = /** @type {import('node:net').AddressInfo} */ (server.address()).port;

  const control = http.createServer(answerControl);
  await listen(control, 0, host);
  const controlPort = /** @type {import('node:net').AddressInfo} */ (control.address()).port;

  /** @param {http.IncomingMessage} req @param {http.ServerResponse} res */
  function forward(req, res) {
    const path = req.url ?? '/';
    const pathname = path.split('?')[0] ?? path;
    stats.requests += 1;
    if (req.method === 'GET' && BLOB_PATH.test(pathname)) stats.blobRequests += 1;
    if (req.headers.range !== undefined) stats.rangeRequests += 1;
    const upstream = http.request({
      host: target.host, port: target.port, method: req.method, path,
      headers: withoutHopByHop(req.headers), agent: false,
    });
    upstreams.add(upstream);
    upstream.once('close', () => upstreams.delete(upstream));
    res.once('close', () => upstream.destroy());
    upstream.once('error', (err) => {
      if (res.headersSent) res.destroy(err);
      else res.writeHead(502, { 'content-type': 'text/plain' }).end(`throttle proxy: ${err.message}\n`);
    });
    upstream.once('response', (up) => {
      res.writeHead(up.statusCode ?? 502, withoutHopByHop(up.headers));
      pace(up, res, pathname);
    });
    req.pipe(upstream);
  }

  /**
   * Copies `source` to `res` at most `rate` bytes/s (read at every tick, so
   * setRate applies to running transfers), respecting backpressure both ways:
   * upstream pauses while much is queued, and nothing is written between a
   * full socket buffer and its 'drain'.
   * @param {http.IncomingMessage} source @param {http.ServerResponse} res @param {string} key
   */
  function pace(source, res, key) {
    /** @type {Buffer[]} */
    const queue = [];
    let queued = 0;
    let ended = false;
    let budget = 0;
    let last = performance.now();
    /** @type {NodeJS.Timeout | undefined} */
    let timer;
    let waitingDrain = false;

    const stop = () => {
      clearTimeout(timer);
      timer = undefined;
      pacers.delete(stop);
      source.destroy();
    };
    pacers.add(stop);
    res.once('close', stop);

    source.on('data', (/** @type {Buffer} */ chunk) => {
      queue.push(chunk);
      queued += chunk.length;
      if (queued >= HIGH_WATER_BYTES) source.pause();
      schedule(0);
    });
    source.once('end', () => {
      ended = true;
      schedule(0);
    });
    source.once('error', (err) => res.destroy(err));

    /** @param {number} delay */
    function schedule(delay) {
      if (timer !== undefined || waitingDrain || !pacers.has(stop)) return;
      timer = setTimeout(tick, delay);
    }

    function tick() {
      timer = undefined;
      const now = performance.now();
      if (paused) {
        // Nothing is sent and no budget saved up: the body resumes at its rate, without a burst.
        last = now;
        budget = 0;
        return schedule(TICK_MS);
      }
      const slice = rate === 0 ? Infinity : (rate * TICK_MS) / 1000;
      budget = rate === 0 ? Infinity : Math.min(budget + (rate * (now - last)) / 1000, slice * MAX_BURST_TICKS);
      last = now;
      // Write in slices of a tick's worth (or the rest), not in dribbles.
      if (queued > 0 && budget < Math.min(queued, slice)) return schedule(TICK_MS);
      while (queue.length > 0 && budget >= 1) {
        const head = /** @type {Buffer} */ (queue[0]);
        const size = Math.min(head.length, Math.floor(Math.min(budget, Number.MAX_SAFE_INTEGER)));
        const part = head.subarray(0, size);
        if (size === head.length) queue.shift();
        else queue[0] = head.subarray(size);
        queued -= size;
        budget -= size;
        const flushed = res.write(part, (err) => {
          if (!err) countBytes(key, size);
        });
        if (!flushed) {
          waitingDrain = true;
          res.once('drain', () => {
            waitingDrain = false;
            schedule(0);
          });
          break;
        }
      }
      if (queued < HIGH_WATER_BYTES && source.isPaused()) source.resume();
      if (queue.length === 0 && ended) {
        pacers.delete(stop);
        res.end();
      } else if (queue.length > 0) {
        schedule(TICK_MS);
      }
    }
  }

  /** @param {string} key @param {number} size */
  function countBytes(key, size) {
    stats.bytes += size;
    stats.bytesByPath[key] = (stats.bytesByPath[key] ?? 0) + size;
  }

  /** @returns {number} how many connections were destroyed */
  function breakAll() {
    const count = sockets.size;
    for (const stop of [...pacers]) stop();
    for (const upstream of upstreams) upstream.destroy();
    for (const socket of sockets) socket.destroy();
    return count;
  }

  /** @param {boolean} on */
  async function setDown(on) {
    if (closed) throw new Error('throttle proxy: setDown after close');
    if (on === down) return;
    down = on;
    if (on) {
      const closing = new Promise((resolve) => server.close(resolve));
      breakAll();
      server.closeAllConnections();
      await closing;
    } else {
      await listen(server, port, host);
    }
  }

  /** @param {boolean} on */
  function setPaused(on) {
    paused = on;
  }

  /** @param {number} bps */
  function setRate(bps) {
    checkRate(bps);
    rate = bps;
  }

  /** @returns {import('./throttle-proxy.d.mts').ProxyStats} */
  function snapshot() {
    return {
      ...stats,
      bytesByPath: { ...stats.bytesByPath },
      activeRequests: upstreams.size,
      openSockets: sockets.size,
      rate,
      down,
      paused,
    };
  }

  /** @param {http.IncomingMessage} req @param {http.ServerResponse} res */
  async function answerControl(req, res) {
    const url = new URL(req.url ?? '/', 'http://control');
    const reply = (/** @type {number} */ status, /** @type {unknown} */ body) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const route = `${req.method} ${url.pathname}`;
    try {
      switch (route) {
        case `GET ${CONTROL_PREFIX}stats`:
          return reply(200, snapshot());
        case `POST ${CONTROL_PREFIX}rate`: {
          const bps = Number(url.searchParams.get('bps'));
          setRate(bps);
          return reply(200, snapshot());
        }
        case `POST ${CONTROL_PREFIX}break`:
          return reply(200, { broken: breakAll() });
        case `POST ${CONTROL_PREFIX}down`: {
          const on = url.searchParams.get('on');
          if (on !== '1' && on !== '0') return reply(400, { error: `'on' must be 1 or 0, got ${JSON.stringify(on)}` });
          await setDown(on === '1');
          return reply(200, snapshot());
        }
        case `POST ${CONTROL_PREFIX}pause`: {
          const on = url.searchParams.get('on');
          if (on !== '1' && on !== '0') return reply(400, { error: `'on' must be 1 or 0, got ${JSON.stringify(on)}` });
          setPaused(on === '1');
          return reply(200, snapshot());
        }
        case `POST ${CONTROL_PREFIX}reset`:
          stats = emptyStats();
          return reply(200, snapshot());
        default:
          return reply(404, { error: `no control endpoint ${route}` });
      }
    } catch (err) {
      return reply(400, { error: err instanceof Error ? err.message : String(err) });
    }
  }

  return {
    host,
    port,
    address: `${host}:${port}`,
    controlUrl: `http://${host}:${controlPort}${CONTROL_PREFIX}`,
    get rate() {
      return rate;
    },
    setRate,
    setPaused,
    stats: snapshot,
    resetStats() {
      stats = emptyStats();
    },
    breakAll,
    setDown,
    async close() {
      if (closed) return;
      closed = true;
      const done = Promise.all([
        down ? undefined : new Promise((resolve) => server.close(resolve)),
        new Promise((resolve) => control.close(resolve)),
      ]);
      breakAll();
      server.closeAllConnections();
      control.closeAllConnections();
      await done;
    },
  };
}

function emptyStats() {
  return { requests: 0, blobRequests: 0, rangeRequests: 0, bytes: 0, bytesByPath: /** @type {Record<string, number>} */ ({}) };
}

/** @param {number} bps */
function checkRate(bps) {
  if (!Number.isFinite(bps) || bps < 0) throw new RangeError(`'rate' must be a number of bytes/s >= 0 (0 = unthrottled), got ${bps}`);
}

/** @param {http.IncomingHttpHeaders} headers */
function withoutHopByHop(headers) {
  const copy = { ...headers };
  for (const name of HOP_BY_HOP) delete copy[name];
  return copy;
}

/** @param {http.Server} server @param {number} port @param {string} host */
function listen(server, port, host) {
  return new Promise((resolve, reject) => {
    const onError = (/** @type {Error} */ err) => reject(new Error(`throttle proxy: cannot listen on ${host}:${port}: ${err.message}`));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve(undefined);
    });
  });
}
