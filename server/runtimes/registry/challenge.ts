/**
 * `WWW-Authenticate` challenges (RFC 7235): `Bearer realm="…",service="…",
 * scope="repository:a/b:pull"`, `Basic realm="…"`, several in one header.
 * Pure; a malformed header yields the challenges read before the fault.
 */

export interface AuthChallenge {
  /** Lower case: `bearer`, `basic`. */
  readonly scheme: string;
  /** Parameter names in lower case; values unquoted. */
  readonly params: Readonly<Record<string, string>>;
}

const TOKEN = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]+";
const SCHEME = new RegExp(`[ \\t,]*(${TOKEN})(?:[ \\t]+|(?=,)|$)`, 'y');
const PARAM = new RegExp(`(${TOKEN})[ \\t]*=[ \\t]*(?:"((?:[^"\\\\]|\\\\.)*)"|(${TOKEN}))[ \\t]*(?:,[ \\t]*)?`, 'y');
/** Credentials-style token68 (`Negotiate abc==`): read past, not kept. */
const TOKEN68 = /[A-Za-z0-9\-._~+/]+=*[ \t]*(?:,|$)/y;

export function parseChallenges(header: string): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  let at = 0;
  const read = (pattern: RegExp): RegExpExecArray | null => {
    pattern.lastIndex = at;
    const match = pattern.exec(header);
    if (match !== null) at = pattern.lastIndex;
    return match;
  };
  for (let scheme = read(SCHEME); scheme !== null; scheme = read(SCHEME)) {
    const params: Record<string, string> = {};
    challenges.push({ scheme: scheme[1]!.toLowerCase(), params });
    let param = read(PARAM);
    if (param === null) read(TOKEN68);
    // A token not followed by `=` ends the list: it is the next challenge's scheme.
    for (; param !== null; param = read(PARAM)) {
      params[param[1]!.toLowerCase()] = param[2] === undefined ? param[3]! : param[2].replace(/\\(.)/g, '$1');
    }
  }
  return challenges;
}
