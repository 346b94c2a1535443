/** Default pace of each response body: 4 MB/s. */
export const DEFAULT_RATE_BPS: number;
/** Path prefix of the control endpoints (`/__proxy/`). */
export const CONTROL_PREFIX: string;

export interface ThrottleProxyOptions {
  /** The registry the proxy forwards to. */
  target: { host: string; port: number };
  /** Bytes/s per response body; 0 = unthrottled. Default DEFAULT_RATE_BPS. */
  rate?: number;
  /** Address to listen on. Default 127.0.0.1. */
  host?: string;
}

/** Counters since start or the last reset, plus the proxy's current state. */
export interface ProxyStats {
  /** Requests forwarded (any method, any path). */
  requests: number;
  /** `GET /v2/…/blobs/sha256:…` requests. */
  blobRequests: number;
  /** Requests with a `Range` header (dockerd resuming a broken blob download). */
  rangeRequests: number;
  /** Response body bytes flushed to clients. */
  bytes: number;
  /** The same per request path without query (`/v2/slotpull/multi/blobs/sha256:…`). */
  bytesByPath: Record<string, number>;
  /** Requests whose upstream is still open (not reset). */
  activeRequests: number;
  /** Client connections currently open (not reset). */
  openSockets: number;
  /** Current rate in bytes/s (0 = unthrottled). */
  rate: number;
  /** True while connections are refused. */
  down: boolean;
  /** True while every body is held where it is (connections stay open). */
  paused: boolean;
}

export interface ThrottleProxy {
  host: string;
  port: number;
  /** `host:port`, the registry part of an image reference through the proxy. */
  address: string;
  /**
   * Base URL of the control endpoints (`http://127.0.0.1:<port>/__proxy/`):
   * `GET stats`, `POST rate?bps=N`, `POST break`, `POST down?on=1|0`, `POST pause?on=1|0`, `POST reset`.
   */
  controlUrl: string;
  /** Current rate in bytes/s. */
  readonly rate: number;
  /** Paces every response body, running ones included, to `bps` (0 = unthrottled). */
  setRate(bps: number): void;
  /** `true`: no body byte is sent, connections stay open (a stalled download); `false`: bodies go on at the rate. */
  setPaused(on: boolean): void;
  stats(): ProxyStats;
  resetStats(): void;
  /** Destroys every open client connection and upstream request; returns how many connections. */
  breakAll(): number;
  /** `true`: stop listening and break all connections (engines get ECONNREFUSED); `false`: listen again on the same port. */
  setDown(on: boolean): Promise<void>;
  /** Closes both servers and every connection; clears every timer. */
  close(): Promise<void>;
}

export function startThrottleProxy(options: ThrottleProxyOptions): Promise<ThrottleProxy>;
