/**
 * The PullErrorCode of an engine's error message, from the engine's own
 * words. Rules are tried in order; the first that matches wins, so a "not
 * found" that also says "denied" (Docker Hub's answer for a missing
 * repository) is not_found.
 */
import type { PullErrorCode } from '../types.ts';

const RULES: ReadonlyArray<readonly [PullErrorCode, RegExp]> = [
  ['pull.not_found', /manifest unknown|not found|does not exist|no such image/i],
  ['pull.unauthorized', /unauthorized|authentication required|no basic auth credentials|denied|\b40[13]\b/i],
  [
    'pull.registry_unreachable',
    /connection refused|no such host|dial tcp|i\/o timeout|server gave HTTP response to HTTPS client|pinging container registry|\b50[234]\b|TLS handshake/i,
  ],
  ['pull.interrupted', /unexpected EOF|connection reset|broken pipe|context canceled|was killed by SIG|closed the connection|other side closed|socket hang up|ECONNRESET|^terminated$/i],
];

/** Classifies an engine error message; `pull.engine_error` when no rule matches. */
export function errorCodeFor(message: string): PullErrorCode {
  for (const [code, pattern] of RULES) {
    if (pattern.test(message)) return code;
  }
  return 'pull.engine_error';
}
