// A typed client for the throttling proxy's control endpoints, for tests in
// vitest workers (the proxy itself runs in vitest's main process, started by
// global-setup.ts). `controlUrl` comes from `useEngineEnv().proxy.controlUrl`.
import type { ProxyStats } from './throttle-proxy.d.mts';

export type { ProxyStats };

/** Controls of the proxy between the engines and the registry. */
export interface ProxyClient {
  stats(): Promise<ProxyStats>;
  /** Bytes/s per response body, running transfers included; 0 = unthrottled. */
  setRate(bps: number): Promise<ProxyStats>;
  /** Destroys every open connection (a network glitch); returns how many. */
  breakAll(): Promise<number>;
  /** `true`: connections are refused (registry down); `false`: back up on the same port. */
  setDown(on: boolean): Promise<ProxyStats>;
  /** `true`: every body is held where it is, connections open (a stalled download); `false`: bodies go on. */
  setPaused(on: boolean): Promise<ProxyStats>;
  /** Zeroes the counters. */
  reset(): Promise<ProxyStats>;
}

/** Creates a client for the control endpoints under `controlUrl` (…/__proxy/). */
export function proxyClient(controlUrl: string): ProxyClient {
  const call = async (method: 'GET' | 'POST', path: string): Promise<any> => {
    const res = await fetch(new URL(path, controlUrl), { method });
    const body = await res.json();
    if (!res.ok) throw new Error(`throttle proxy: ${method} ${path}: HTTP ${res.status} ${JSON.stringify(body)}`);
    return body;
  };
  return {
    stats: () => call('GET', 'stats'),
    setRate: (bps) => call('POST', `rate?bps=${bps}`),
    breakAll: async () => (await call('POST', 'break')).broken,
    setDown: (on) => call('POST', `down?on=${on ? 1 : 0}`),
    setPaused: (on) => call('POST', `pause?on=${on ? 1 : 0}`),
    reset: () => call('POST', 'reset'),
  };
}

/** Bytes the proxy delivered for one blob (`sha256:…`), over all requests for it. */
export function blobBytes(stats: ProxyStats, digest: string): number {
  let sum = 0;
  for (const [path, bytes] of Object.entries(stats.bytesByPath)) if (path.endsWith(`/blobs/${digest}`)) sum += bytes;
  return sum;
}
