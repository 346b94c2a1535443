/**
 * One read's conversation with a registry: HTTPS, or plain HTTP where
 * {@link schemesFor} allows it, remembered once a scheme answers; anonymous
 * first, and after a 401 the challenge answered once and the authorization
 * kept for the read's next request (an index, then its platform's manifest).
 */
import type { RegistryCredential } from '../engine/registry-auth.ts';
import { readCapped, statusDetail, transportFailure } from './answer.ts';
import { parseChallenges } from './challenge.ts';
import { schemesFor, type RegistryLocation, type Scheme } from './location.ts';
import { MANIFEST_ACCEPT } from './media-types.ts';
import { ManifestProblem } from './problem.ts';
import { authorizationFor } from './token.ts';

export interface SessionOptions {
  readonly credential: RegistryCredential | undefined;
  readonly insecure: readonly string[];
  readonly signal: AbortSignal;
  readonly maxManifestBytes: number;
}

export interface ManifestAnswer {
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly contentType: string | null;
}

export class RegistrySession {
  readonly #location: RegistryLocation;
  readonly #options: SessionOptions;
  #schemes: Scheme[];
  #authorization: string | undefined;

  constructor(location: RegistryLocation, options: SessionOptions) {
    this.#location = location;
    this.#options = options;
    this.#schemes = schemesFor(location.host, options.insecure);
  }

  /** `GET /v2/<repository>/manifests/<tag or digest>`; throws {@link ManifestProblem} unless it answers 200. */
  async manifest(reference: string): Promise<ManifestAnswer> {
    const { host, repository } = this.#location;
    const path = `/v2/${repository}/manifests/${reference}`;
    let response = await this.#get(path);
    if (response.status === 401 && this.#authorization === undefined) {
      const challenges = parseChallenges(response.headers.get('www-authenticate') ?? '');
      await response.body?.cancel();
      this.#authorization = await authorizationFor(challenges, { location: this.#location, ...this.#options });
      response = await this.#get(path);
    }
    const named = `${repository}${reference.includes(':') ? '@' : ':'}${reference}`;
    if (response.status !== 200) throw new ManifestProblem(`registry ${host} answered ${await statusDetail(response)} for ${named}`);
    return {
      bytes: await readCapped(response, this.#options.maxManifestBytes, `the manifest of ${named} on ${host}`),
      contentType: response.headers.get('content-type'),
    };
  }

  async #get(path: string): Promise<Response> {
    const headers: Record<string, string> = { Accept: MANIFEST_ACCEPT };
    if (this.#authorization !== undefined) headers.Authorization = this.#authorization;
    let failure: unknown;
    for (const scheme of this.#schemes) {
      try {
        // Redirects are not followed: a manifest is served by the registry itself.
        const response = await fetch(`${scheme}://${this.#location.host}${path}`, { headers, signal: this.#options.signal, redirect: 'manual' });
        this.#schemes = [scheme];
        return response;
      } catch (error) {
        if (this.#options.signal.aborted) throw error;
        failure = error;
      }
    }
    throw new ManifestProblem(`registry ${this.#location.host} is unreachable (${transportFailure(failure)})`);
  }
}
