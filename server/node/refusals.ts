/**
 * What Node refuses before the app runs, said in the app's words: the error
 * envelope (docs/api.md, Errors) with a request id. Node's parser refuses malformed
 * requests (`clientError`), Node itself answers `CONNECT` and an `Expect` it
 * cannot meet, and the adapter cannot make a web Request of a missing or bad
 * Host. Pure: the server (server.ts) writes what these return.
 */
import { STATUS_CODES } from 'node:http';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { badHost } from '../http/access.ts';
import type { ApiErrorCode } from '../../wire/values.ts';
import { ApiError, clip, errorEnvelope } from '../http/errors.ts';
import { REQUEST_ID_HEADER } from '../http/request-id.ts';

/** A `clientError` as Node reports it: `code` is llhttp's (`HPE_…`) or Node's, `reason` llhttp's fixed words. */
export interface ParserError extends Error {
  code?: string;
  reason?: string;
}

type Refusal = readonly [status: ContentfulStatusCode, code: ApiErrorCode, hint: string];

const MALFORMED: Refusal = [400, 'validation.invalid', 'send `METHOD /path HTTP/1.1`, CRLF line ends, then headers.'];
const NO_BODY_HINT = 'slotpull reads no request body, so leave it out.';

/** Node's parser errors by code (https://github.com/nodejs/llhttp, `HPE_*`, and Node's own timeouts). */
const PARSER_REFUSALS: Readonly<Record<string, Refusal>> = {
  HPE_HEADER_OVERFLOW: [431, 'validation.too_large', 'the headers are over the 16 KB Node reads; send fewer or shorter ones.'],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, 'validation.too_large', NO_BODY_HINT],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'request.timeout', 'the request did not arrive in full in time; send it again, all at once.'],
  HPE_INVALID_METHOD: [400, 'validation.invalid', 'slotpull serves GET, HEAD, POST, DELETE and OPTIONS, in capitals.'],
  HPE_INVALID_URL: [400, 'validation.invalid', 'the path has bytes a URL cannot hold (NUL, control or raw non-ASCII); percent-encode them.'],
  HPE_INVALID_HEADER_TOKEN: [400, 'validation.invalid', 'each header is `Name: value`, with no control characters.'],
  HPE_INVALID_CONTENT_LENGTH: [400, 'validation.invalid', `Content-Length is one decimal number, sent once; ${NO_BODY_HINT}`],
  HPE_UNEXPECTED_CONTENT_LENGTH: [400, 'validation.invalid', `Content-Length is one decimal number, sent once; ${NO_BODY_HINT}`],
  HPE_INVALID_TRANSFER_ENCODING: [400, 'validation.invalid', `Transfer-Encoding ends in chunked and never comes with Content-Length; ${NO_BODY_HINT}`],
  HPE_INVALID_CHUNK_SIZE: [400, 'validation.invalid', NO_BODY_HINT],
};

/** The answer to a request Node's parser refused. */
export function parserRefusal(error: ParserError): ApiError {
  const code = error.code ?? 'unknown';
  const [status, errorCode, hint] = PARSER_REFUSALS[code] ?? MALFORMED;
  const reason = clip(error.reason ?? error.message);
  return new ApiError(status, errorCode, `The request could not be parsed (${reason}): ${hint}`, { parser: code, reason });
}

/** Every method any slotpull route takes: a `CONNECT` has no route, so its 405 lists them all. */
const SERVED_METHODS = 'GET, HEAD, POST, DELETE, OPTIONS';

export const CONNECT_REFUSAL = new ApiError(
  405,
  'route.method_not_allowed',
  'CONNECT is not served: slotpull is not a proxy; call its routes directly (docs/api.md).',
  { method: 'CONNECT' },
  { Allow: SERVED_METHODS },
);

export const EXPECTATION_REFUSAL = new ApiError(
  417,
  'validation.invalid',
  `Expect: only 100-continue is understood; ${NO_BODY_HINT}`,
  { field: 'Expect' },
);

/** The adapter's error for a request it cannot make a web Request of (@hono/node-server's RequestError), or any other. */
export function adapterRefusal(error: Error): ApiError {
  if (error.name !== 'RequestError') {
    return new ApiError(500, 'system.internal', 'slotpull hit an internal error; the server log has the details.');
  }
  if (/host/i.test(error.message)) return badHost();
  // The adapter builds the URL from both, and cannot say which one broke it.
  const reason = clip(error.message);
  return new ApiError(
    400,
    'validation.invalid',
    `The Host header and the request target do not make a URL (${reason}): send the server's own Host and a /path, percent-encoding what a URL cannot hold.`,
    { field: 'Host, target', reason },
  );
}

/** The answer's headers: the envelope's type and length, the request id, and the error's own (`Allow`). */
export function refusalHeaders(error: ApiError, requestId: string, body: string): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(body)),
    [REQUEST_ID_HEADER]: requestId,
    ...error.headers,
  };
}

/** The envelope's JSON text, naming the request id. */
export function refusalBody(error: ApiError, requestId: string): string {
  return JSON.stringify(errorEnvelope(error, requestId));
}

/** A whole HTTP/1.1 answer, for a socket that has no ServerResponse; the connection closes after it. */
export function rawRefusal(error: ApiError, requestId: string): Buffer {
  const body = refusalBody(error, requestId);
  const headers = { ...refusalHeaders(error, requestId, body), Connection: 'close' };
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return Buffer.from(`HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? ''}\r\n${head.join('')}\r\n${body}`);
}
