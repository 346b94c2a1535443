/**
 * A stand-in token server for docker-registry's `auth: token`: it issues
 * real JWTs (ES256, the signing certificate in the `x5c` header) for a key
 * made at start with openssl, whose certificate is the registry's
 * `rootcertbundle` — so the real registry checks real signatures. It grants
 * `pull` on the scope asked to a known user (GET with Basic) or refresh token
 * (POST `grant_type=refresh_token`), answers 401 to anyone else, and records
 * each request.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface TokenRequest {
  readonly method: string;
  /** The user of a Basic login, `refresh-token`, or `anonymous`. */
  readonly who: string;
  readonly scope: string | null;
  readonly service: string | null;
}

export interface TokenIssuer {
  /** `http://127.0.0.1:<port>/token` */
  readonly realm: string;
  /** PEM of the signing certificate: the registry's `rootcertbundle`. */
  readonly certificatePath: string;
  readonly service: string;
  readonly issuer: string;
  readonly requests: TokenRequest[];
  /** A token with the right certificate but signed by another key: the registry must refuse it. */
  forgedToken(repository: string): Promise<string>;
  close(): Promise<void>;
}

export interface TokenIssuerOptions {
  dir: string;
  /** user → password */
  users: Record<string, string>;
  refreshTokens: string[];
}

const TOKEN_LIFETIME_S = 300;
const CLOCK_SKEW_S = 10;
const SIGNING = { name: 'ECDSA', namedCurve: 'P-256' } as const;

const base64url = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64url');
const pemBody = (pem: string) => Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');

export async function startTokenIssuer(options: TokenIssuerOptions): Promise<TokenIssuer> {
  const keyPath = join(options.dir, 'token-key.pem');
  const certificatePath = join(options.dir, 'token-cert.pem');
  await promisify(execFile)('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyPath, '-out', certificatePath, '-subj', '/CN=slotpull-test-token-issuer', '-days', '1',
  ]);
  const key = await crypto.subtle.importKey('pkcs8', pemBody(await readFile(keyPath, 'utf8')), SIGNING, false, ['sign']);
  const x5c = pemBody(await readFile(certificatePath, 'utf8')).toString('base64');
  const service = 'slotpull-test-registry';
  const issuer = 'slotpull-test-issuer';
  const requests: TokenRequest[] = [];

  const sign = async (scope: string | null, signingKey: CryptoKey): Promise<string> => {
    const now = Math.floor(Date.now() / 1000);
    const [type, name, actions] = (scope ?? '').split(':');
    const access = type === 'repository' && name !== undefined ? [{ type, name, actions: (actions ?? '').split(',').filter((a) => a === 'pull') }] : [];
    const header = base64url(JSON.stringify({ typ: 'JWT', alg: 'ES256', x5c: [x5c] }));
    const claims = { iss: issuer, sub: 'slotpull-test', aud: service, exp: now + TOKEN_LIFETIME_S, nbf: now - CLOCK_SKEW_S, iat: now, jti: crypto.randomUUID(), access };
    const body = `${header}.${base64url(JSON.stringify(claims))}`;
    const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, signingKey, new TextEncoder().encode(body));
    return `${body}.${base64url(new Uint8Array(signature))}`;
  };

  const who = async (req: IncomingMessage, url: URL): Promise<{ who: string; scope: string | null; service: string | null } | null> => {
    if (req.method === 'POST') {
      let text = '';
      for await (const chunk of req) text += chunk;
      const form = new URLSearchParams(text);
      const known = form.get('grant_type') === 'refresh_token' && options.refreshTokens.includes(form.get('refresh_token') ?? '');
      return known ? { who: 'refresh-token', scope: form.get('scope'), service: form.get('service') } : null;
    }
    const query = { scope: url.searchParams.get('scope'), service: url.searchParams.get('service') };
    const header = req.headers.authorization ?? '';
    if (!header.startsWith('Basic ')) return { who: 'anonymous', ...query };
    const login = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8');
    const colon = login.indexOf(':');
    const user = login.slice(0, colon);
    return colon > 0 && options.users[user] === login.slice(colon + 1) ? { who: user, ...query } : null;
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    void who(req, url).then(async (caller) => {
      requests.push({ method: req.method ?? '', who: caller?.who ?? 'refused', scope: caller?.scope ?? null, service: caller?.service ?? null });
      if (url.pathname !== '/token' || caller === null || caller.who === 'anonymous') {
        res.writeHead(401, { 'Content-Type': 'application/json' }).end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'login required' }] }));
        return;
      }
      const token = await sign(caller.scope, key);
      // The OAuth2 grant answers `access_token`, the GET `token`: the reader must take both.
      const answer = req.method === 'POST' ? { access_token: token, expires_in: TOKEN_LIFETIME_S } : { token, expires_in: TOKEN_LIFETIME_S };
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    certificatePath,
    service,
    issuer,
    requests,
    forgedToken: async (repository) => {
      const other = await crypto.subtle.generateKey(SIGNING, false, ['sign']);
      return sign(`repository:${repository}:pull`, other.privateKey);
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
