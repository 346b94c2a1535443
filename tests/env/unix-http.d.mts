import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

/** One request to a Docker Engine API endpoint. */
export interface EngineRequest {
  /** `unix:///path/to.sock`, `/path/to.sock`, or `tcp://host:port`. */
  socket: string;
  /** Default `GET`. */
  method?: string;
  /** Path and query, e.g. `/images/create?fromImage=…&tag=1`. */
  path: string;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  signal?: AbortSignal;
  /** Time allowed until the response head arrives (default 30 s). */
  timeoutMs?: number;
}

export interface EngineResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json(): any;
}

/** Resolves with the response head; the body stays unread for streaming. */
export function openEngineRequest(req: EngineRequest): Promise<IncomingMessage>;

/** Sends a request and reads the whole answer as text. */
export function engineRequest(req: EngineRequest): Promise<EngineResponse>;
