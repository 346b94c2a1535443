/**
 * A docker context, as `docker context create` stored it: the endpoint in
 * `<config>/contexts/meta/<sha256 of the name>/meta.json`, its TLS files in
 * `<config>/contexts/tls/<same>/docker/{ca,cert,key}.pem`, where `<config>`
 * is DOCKER_CONFIG or ~/.docker. A user reuses what the CLI already knows.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { dockerConfigDir, type EngineSpec, type TlsPaths } from '../../core/engine-endpoint.ts';

type Env = Readonly<Record<string, string | undefined>>;

interface ContextMeta {
  Name?: unknown;
  Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } };
}

/** The context's engine as an address spec; throws one line when it is missing or asks for what slotpull does not do. */
export async function readDockerContext(name: string, env: Env): Promise<Extract<EngineSpec, { address: string }>> {
  const configDir = dockerConfigDir(env);
  if (configDir === undefined) throw new Error(`docker context "${name}": neither DOCKER_CONFIG nor HOME says where the docker CLI keeps its contexts`);
  const id = createHash('sha256').update(name).digest('hex');
  const metaFile = `${configDir}/contexts/meta/${id}/meta.json`;
  let text: string;
  try {
    text = await readFile(metaFile, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Error(
      missing
        ? `docker context "${name}" is not in ${configDir}/contexts (\`docker context ls\` lists them; DOCKER_CONFIG names another directory)`
        : `docker context "${name}": cannot read ${metaFile} (${(error as Error).message})`,
    );
  }
  let meta: ContextMeta;
  try {
    meta = JSON.parse(text) as ContextMeta;
  } catch (error) {
    throw new Error(`docker context "${name}": ${metaFile} is not valid JSON (${(error as Error).message})`);
  }
  const endpoint = meta.Endpoints?.docker;
  if (typeof endpoint?.Host !== 'string' || endpoint.Host === '') throw new Error(`docker context "${name}" has no docker endpoint (${metaFile})`);
  if (endpoint.SkipTLSVerify === true) {
    throw new Error(`docker context "${name}" skips checking the engine's certificate (skip-tls-verify), which slotpull never does; recreate it with ca=`);
  }
  const tls = await contextTls(`${configDir}/contexts/tls/${id}/docker`);
  if (tls !== null && tls.ca === null) {
    throw new Error(`docker context "${name}" has a client certificate but no CA; slotpull checks the engine against the CA you give: recreate it with ca=`);
  }
  const secured = tls === null || !/^(tcp|http):/.test(endpoint.Host) ? null : { ca: tls.ca as string, cert: tls.cert, key: tls.key };
  return { address: endpoint.Host, tls: secured, sshConfig: null };
}

/** The TLS files the CLI copied into the context, or null when it has none. */
async function contextTls(dir: string): Promise<(Omit<TlsPaths, 'ca'> & { ca: string | null }) | null> {
  const present = async (file: string): Promise<string | null> =>
    stat(`${dir}/${file}`).then(
      () => `${dir}/${file}`,
      // No such file: the context was created without it.
      () => null,
    );
  const [ca, cert, key] = await Promise.all([present('ca.pem'), present('cert.pem'), present('key.pem')]);
  return ca === null && cert === null && key === null ? null : { ca, cert, key };
}
