/**
 * An engine spec (an address with its TLS files or ssh config, or a docker
 * context's name) made into an endpoint the transport can use: contexts
 * read, TLS files read and checked, plain HTTP to another host refused
 * unless allowed. Everything that can never work fails here, at start.
 */
import { readFile } from 'node:fs/promises';
import { engineSpecProblem, isPlainRemote, parseEngineEndpoint, type EngineEndpoint, type EngineSpec } from '../../core/engine-endpoint.ts';
import { readDockerContext } from './docker-context.ts';
import { loadTlsMaterial } from './tls-material.ts';

export interface ResolveOptions {
  /** DOCKER_CONFIG and HOME, for docker contexts. */
  env: Readonly<Record<string, string | undefined>>;
  /** --allow-plain-tcp: plain HTTP to another host is accepted (and the log says the risk). */
  allowPlainTcp: boolean;
}

/** Throws one line (without the engine's name: the caller adds it). */
export async function resolveEngine(spec: EngineSpec, options: ResolveOptions): Promise<EngineEndpoint> {
  const problem = engineSpecProblem(spec);
  if (problem !== null) throw new Error(problem);
  const [address, via] = 'context' in spec ? [await readDockerContext(spec.context, options.env), `docker context "${spec.context}"`] : [spec, null];
  const parsed = parseEngineEndpoint(address.address);
  let endpoint: EngineEndpoint = parsed;
  if (parsed.kind === 'tcp' && address.tls !== null) {
    endpoint = { ...parsed, tls: await loadTlsMaterial(address.tls, via ?? address.tls.ca) };
  } else if (parsed.kind === 'ssh' && address.sshConfig !== null) {
    // Read, not access()ed: Deno's access() asks for the uid, one permission more.
    await readFile(address.sshConfig).catch((error: NodeJS.ErrnoException) => {
      throw new Error(`cannot read the ssh config ${address.sshConfig} (${error.code === 'ENOENT' ? 'no such file' : error.message})`);
    });
    endpoint = { ...parsed, sshConfig: address.sshConfig };
  }
  if (isPlainRemote(endpoint) && !options.allowPlainTcp) {
    throw new Error(
      `${endpoint.display}${via === null ? '' : ` (${via})`} is plain HTTP to another host: anyone who can reach that port controls its engine. ` +
        'Give its TLS files, or use ssh://; or pass --allow-plain-tcp to accept the risk',
    );
  }
  return endpoint;
}

/** The warning logged for each plain remote engine started with --allow-plain-tcp. */
export function plainTcpWarning(endpoint: EngineEndpoint): string | null {
  return isPlainRemote(endpoint)
    ? `warning: ${endpoint.display} is plain HTTP to another host (--allow-plain-tcp): anyone on the network who can reach that port controls its engine, and pulls and credentials cross it unencrypted`
    : null;
}
