/**
 * What to send after a registry's 401: for a Bearer challenge, a token from
 * its realm (anonymous, with the login as Basic, or for an identity token the
 * OAuth2 refresh-token grant, as docker does); for a Basic challenge, the
 * login itself. Credentials go to the realm the registry names, and over
 * plain HTTP only where the registry rules allow it.
 */
import { z } from 'zod';
import type { RegistryCredential } from '../engine/registry-auth.ts';
import { readCapped, statusDetail, transportFailure } from './answer.ts';
import type { AuthChallenge } from './challenge.ts';
import { allowsPlainHttp, type RegistryLocation } from './location.ts';
import { ManifestProblem } from './problem.ts';

export interface AuthorizeContext {
  readonly location: RegistryLocation;
  readonly credential: RegistryCredential | undefined;
  readonly insecure: readonly string[];
  readonly signal: AbortSignal;
}

/** Tokens are a few kB; a realm answering more is not a token server. */
const MAX_TOKEN_ANSWER_BYTES = 1024 * 1024;
/** Named in the refresh-token grant, as `docker` names itself. */
const CLIENT_ID = 'slotpull';

const tokenAnswerSchema = z
  .object({ token: z.string().min(1).optional(), access_token: z.string().min(1).optional() })
  .refine((answer) => answer.token !== undefined || answer.access_token !== undefined);

/** The `Authorization` value for the retry; throws {@link ManifestProblem} when there is none to send. */
export async function authorizationFor(challenges: readonly AuthChallenge[], context: AuthorizeContext): Promise<string> {
  const bearer = challenges.find((challenge) => challenge.scheme === 'bearer');
  if (bearer !== undefined) return `Bearer ${await fetchToken(bearer, context)}`;
  const { host, registry } = context.location;
  if (challenges.some((challenge) => challenge.scheme === 'basic')) {
    const basic = context.credential?.basicAuthorization();
    if (basic === undefined) throw new ManifestProblem(`registry ${host} asks for a login, and --docker-config has none for ${registry}`);
    return basic;
  }
  throw new ManifestProblem(`registry ${host} answered 401 without a Bearer or Basic challenge`);
}

async function fetchToken(challenge: AuthChallenge, context: AuthorizeContext): Promise<string> {
  const { location, credential, signal } = context;
  const realm = realmUrl(challenge.params.realm, context);
  const scope = `repository:${location.repository}:pull`;
  const service = challenge.params.service ?? '';
  const identityToken = credential?.identityToken;
  let response: Response;
  try {
    if (identityToken !== undefined) {
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: identityToken, service, scope, client_id: CLIENT_ID });
      response = await fetch(realm, { method: 'POST', body: form, signal, redirect: 'manual' });
    } else {
      realm.searchParams.set('scope', scope);
      if (service !== '') realm.searchParams.set('service', service);
      if (credential?.username !== undefined) realm.searchParams.set('account', credential.username);
      const basic = credential?.basicAuthorization();
      response = await fetch(realm, { headers: basic === undefined ? {} : { Authorization: basic }, signal, redirect: 'manual' });
    }
  } catch (error) {
    if (signal.aborted) throw error;
    throw new ManifestProblem(`token server ${realm.host} of registry ${location.host} is unreachable (${transportFailure(error)})`);
  }
  if (response.status !== 200) {
    const hint = credential === undefined ? `; --docker-config has no login for ${location.registry}` : '';
    throw new ManifestProblem(`token server ${realm.host} answered ${await statusDetail(response)}${hint}`);
  }
  const text = new TextDecoder().decode(await readCapped(response, MAX_TOKEN_ANSWER_BYTES, `the answer of token server ${realm.host}`));
  let answer: z.infer<typeof tokenAnswerSchema> | undefined;
  try {
    answer = tokenAnswerSchema.parse(JSON.parse(text));
  } catch {
    throw new ManifestProblem(`token server ${realm.host} answered no token (neither "token" nor "access_token")`);
  }
  return (answer.token ?? answer.access_token) as string;
}

function realmUrl(realm: string | undefined, context: AuthorizeContext): URL {
  const { host } = context.location;
  let url: URL | undefined;
  try {
    url = realm === undefined ? undefined : new URL(realm);
  } catch {
    // Named below with the registry that sent it.
  }
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new ManifestProblem(`registry ${host} asks for a token without an http(s) realm`);
  }
  if (url.protocol === 'http:' && !allowsPlainHttp(url.host, context.insecure)) {
    throw new ManifestProblem(`registry ${host} names a token realm over plain HTTP on ${url.host}, which is neither loopback nor an insecure registry`);
  }
  return url;
}
