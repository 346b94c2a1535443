/**
 * The manifest reader against the real docker-registry of tests/env: the
 * seeded images' layers and sizes exactly, directly and through the
 * throttling proxy; a multi-platform index (built by hand and PUT to the
 * registry, its manifests cross-mounted from the seeded repositories) resolved
 * to the platform both engines really pull; 404 and a registry that is down;
 * htpasswd Basic auth, and the bearer-token flow of a registry with
 * `auth: token` whose tokens come from a stand-in issuer (tests/helpers/
 * token-issuer.ts) — the registry checks their signatures. And once under Deno.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseImageReference } from '../../server/core/reference.ts';
import { credentialsFromDockerConfig } from '../../server/runtimes/engine/registry-auth.ts';
import type { Platform } from '../../server/runtimes/registry/manifest.ts';
import { MediaType } from '../../server/runtimes/registry/media-types.ts';
import { hostPlatform } from '../../server/runtimes/registry/platform.ts';
import { createManifestReader, type ImageLayers } from '../../server/runtimes/registry/reader.ts';
import type { ImageName, SeededImage } from '../env/engines.d.mts';
import { useEngineEnv } from '../env/context.ts';
import { proxyClient } from '../env/proxy-client.ts';
import { DEFAULT_RATE_BPS } from '../env/throttle-proxy.mjs';
import { resetEngineEnv } from '../env/reset.ts';
import { engineRequest } from '../env/unix-http.mjs';
import { htpasswdAuth, startAuthRegistry, type AuthRegistry } from '../helpers/auth-registry.ts';
import { startTokenIssuer, type TokenIssuer } from '../helpers/token-issuer.ts';

const env = useEngineEnv();
const proxy = proxyClient(env.proxy.controlUrl);
const ROOT = new URL('../..', import.meta.url).pathname;
const DENO = new URL('../../node_modules/.bin/deno', import.meta.url).pathname;
const READER = new URL('../../server/runtimes/registry/reader.ts', import.meta.url).href;
const REFERENCE = new URL('../../server/core/reference.ts', import.meta.url).href;
const INDEX_REPOSITORY = 'slotpull/multiarch';
const INDEX_TAG = '1';
const USER = 'reader';
const PASSWORD = 'n0t-in-any-log';
const REFRESH_TOKEN = 'refresh-n0t-in-any-log';

const seeded = (name: ImageName): SeededImage => {
  const image = env.images[name];
  if (image === undefined) throw new Error(`tests/env did not seed ${name}`);
  return image;
};
const read = createManifestReader();
const layersOf = async (ref: string, reader = read): Promise<ImageLayers> => {
  const result = await reader(parseImageReference(ref));
  if (!result.ok) throw new Error(result.reason);
  return result.image;
};
/** What the reader must say about a seeded image, from what tests/env recorded when it pushed it. */
const expected = (image: SeededImage) => ({
  manifestDigest: image.manifestDigest,
  mediaType: image.mediaType,
  config: expect.objectContaining({ digest: image.id }),
  layers: image.layers.map((layer) => expect.objectContaining({ digest: layer.digest, size: layer.size })),
  totalSize: image.totalSize,
});

describe('the manifest reader on the real registry', () => {
  afterEach(async () => {
    await proxy.setDown(false);
  });

  it('reads every seeded image: its layers, their exact sizes, the config and the manifest digest', async () => {
    for (const name of Object.keys(env.images) as ImageName[]) {
      const image = seeded(name);
      expect(await layersOf(image.ref), name).toEqual({ ...expected(image), indexDigest: null, platform: null });
    }
    const multi = seeded('multi');
    expect(await layersOf(`${env.registry}/${multi.repository}@${multi.manifestDigest}`)).toMatchObject(expected(multi));
  });

  it('reads them through the throttling proxy too', async () => {
    await proxy.reset();
    for (const name of ['multi', 'big', 'base-a'] as const) {
      expect(await layersOf(seeded(name).proxyRef), name).toMatchObject(expected(seeded(name)));
    }
    const paths = Object.keys((await proxy.stats()).bytesByPath);
    expect(paths).toEqual(expect.arrayContaining(['/v2/slotpull/multi/manifests/1', '/v2/slotpull/big/manifests/1']));
    expect(paths.filter((path) => path.includes('/blobs/'))).toEqual([]);
  });

  it('resolves null with a reason for an unknown image and for a registry that is down', async () => {
    expect(await read(parseImageReference(`${env.registry}/slotpull/nope:1`))).toEqual({
      ok: false,
      reason: `manifest: registry ${env.registry} answered 404 (MANIFEST_UNKNOWN: manifest unknown) for slotpull/nope:1`,
    });
    expect(await read(parseImageReference(`${env.registry}/slotpull/multi:no-such-tag`))).toEqual({
      ok: false,
      reason: `manifest: registry ${env.registry} answered 404 (MANIFEST_UNKNOWN: manifest unknown) for slotpull/multi:no-such-tag`,
    });
    await proxy.setDown(true);
    expect(await read(parseImageReference(seeded('multi').proxyRef))).toEqual({
      ok: false,
      reason: `manifest: registry ${env.proxy.address} is unreachable (connect ECONNREFUSED ${env.proxy.address})`,
    });
  });
});

describe('a multi-platform index', () => {
  const host = hostPlatform();
  /** The other common architecture: the index offers both, and the reader must take the engine's. */
  const other: Platform = host.architecture === 'arm64' ? { os: 'linux', architecture: 'amd64' } : { os: 'linux', architecture: 'arm64', variant: 'v8' };
  let indexDigest: string;

  beforeAll(async () => {
    await resetEngineEnv(env);
    indexDigest = await putIndex([
      // Where buildx puts attestations: never a platform an engine runs.
      { image: seeded('busybox'), platform: { os: 'unknown', architecture: 'unknown' } },
      { image: seeded('tiny'), platform: other },
      { image: seeded('base-a'), platform: host },
    ]);
  });

  afterAll(async () => {
    for (const engine of [env.podman, env.docker]) {
      if (engine !== undefined) await engineRequest({ socket: engine.socket, method: 'DELETE', path: `/images/${env.proxy.address}/${INDEX_REPOSITORY}:${INDEX_TAG}?force=1` });
    }
    await proxy.setRate(DEFAULT_RATE_BPS);
  });

  it("picks this host's platform by default, another on request, and names what is offered when none fits", async () => {
    const ref = `${env.registry}/${INDEX_REPOSITORY}:${INDEX_TAG}`;
    expect(await layersOf(ref)).toEqual({ ...expected(seeded('base-a')), indexDigest, platform: host });
    expect(await layersOf(ref, createManifestReader({ platform: { os: 'linux', architecture: other.architecture } }))).toEqual({
      ...expected(seeded('tiny')),
      indexDigest,
      platform: other,
    });
    expect(await createManifestReader({ platform: { os: 'linux', architecture: 's390x' } })(parseImageReference(ref))).toEqual({
      ok: false,
      reason: `manifest: the index of ${ref} has no image for linux/s390x (it has unknown/unknown, ${[other.os, other.architecture, other.variant].filter(Boolean).join('/')}, linux/${host.architecture})`,
    });
  });

  it('lists exactly the blobs each engine fetches when it pulls the index', async () => {
    const ref = `${env.proxy.address}/${INDEX_REPOSITORY}:${INDEX_TAG}`;
    const image = await layersOf(ref);
    await proxy.setRate(0);
    for (const engine of [env.podman, env.docker]) {
      if (engine === undefined) throw new Error('tests/env started no engine');
      await proxy.reset();
      const query = new URLSearchParams({ fromImage: `${env.proxy.address}/${INDEX_REPOSITORY}`, tag: INDEX_TAG });
      const pull = await engineRequest({ socket: engine.socket, method: 'POST', path: `/images/create?${query}` });
      expect(pull.text, engine.name).not.toContain('"error"');
      const fetched = Object.keys((await proxy.stats()).bytesByPath).flatMap((path) => /\/blobs\/(sha256:[a-f0-9]{64})$/.exec(path)?.[1] ?? []);
      expect(new Set(fetched), engine.name).toEqual(new Set([image.config.digest, ...image.layers.map((layer) => layer.digest)]));
      await engineRequest({ socket: engine.socket, method: 'DELETE', path: `/images/${ref}?force=1` });
    }
  });
});

describe('registries that ask for a login', () => {
  let dir: string;
  let basic: AuthRegistry | undefined;
  let tokens: AuthRegistry | undefined;
  let issuer: TokenIssuer | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slotpull-manifest-auth-'));
    issuer = await startTokenIssuer({ dir, users: { [USER]: PASSWORD }, refreshTokens: [REFRESH_TOKEN] });
    [basic, tokens] = await Promise.all([
      startAuthRegistry(env, dir, await htpasswdAuth(dir, { [USER]: PASSWORD })),
      startAuthRegistry(env, dir, [
        '  token:',
        `    realm: ${issuer.realm}`,
        `    service: ${issuer.service}`,
        `    issuer: ${issuer.issuer}`,
        `    rootcertbundle: ${issuer.certificatePath}`,
      ]),
    ]);
  });

  afterAll(async () => {
    await Promise.all([basic?.stop(), tokens?.stop(), issuer?.close()]);
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  /** A reader with the credentials of a docker config.json, as --docker-config gives them. */
  const readerWith = (auths: Record<string, Record<string, string>>) =>
    createManifestReader({ credentials: credentialsFromDockerConfig({ auths }, 'config.json') });
  const login = (user: string, password: string) => ({ auth: Buffer.from(`${user}:${password}`).toString('base64') });
  const noSecret = (value: unknown) => {
    const text = JSON.stringify(value);
    for (const secret of [PASSWORD, REFRESH_TOKEN, Buffer.from(`${USER}:${PASSWORD}`).toString('base64')]) expect(text).not.toContain(secret);
  };

  it('answers a Basic challenge with the login, and says which is missing or refused', async () => {
    const ref = parseImageReference(`${basic!.host}/slotpull/multi:1`);
    expect(await read(ref)).toEqual({ ok: false, reason: `manifest: registry ${basic!.host} asks for a login, and --docker-config has none for ${basic!.host}` });
    const refused = await readerWith({ [basic!.host]: login(USER, 'wrong') })(ref);
    expect(refused).toEqual({ ok: false, reason: `manifest: registry ${basic!.host} answered 401 (UNAUTHORIZED: authentication required) for slotpull/multi:1` });
    const result = await readerWith({ [basic!.host]: login(USER, PASSWORD) })(ref);
    expect(result).toEqual({ ok: true, image: expect.objectContaining(expected(seeded('multi'))) });
    noSecret(result);
  });

  it('fetches a bearer token with the login and retries; the registry checks the token', async () => {
    const ref = parseImageReference(`${tokens!.host}/slotpull/multi:1`);
    issuer!.requests.length = 0;
    expect(await read(ref)).toEqual({
      ok: false,
      reason: `manifest: token server ${new URL(issuer!.realm).host} answered 401 (UNAUTHORIZED: login required); --docker-config has no login for ${tokens!.host}`,
    });
    const result = await readerWith({ [tokens!.host]: login(USER, PASSWORD) })(ref);
    expect(result).toEqual({ ok: true, image: expect.objectContaining(expected(seeded('multi'))) });
    noSecret(result);
    const asked = { scope: 'repository:slotpull/multi:pull', service: issuer!.service };
    expect(issuer!.requests).toEqual([
      { method: 'GET', who: 'anonymous', ...asked },
      { method: 'GET', who: USER, ...asked },
    ]);
    // The registry really enforces the signature: the same claims signed by another key are refused.
    const forged = await fetch(`http://${tokens!.host}/v2/slotpull/multi/manifests/1`, {
      headers: { Accept: MediaType.ociManifest, Authorization: `Bearer ${await issuer!.forgedToken('slotpull/multi')}` },
    });
    expect(forged.status).toBe(401);
  });

  it('trades an identity token for an access token (OAuth2 refresh grant)', async () => {
    issuer!.requests.length = 0;
    const result = await readerWith({ [tokens!.host]: { identitytoken: REFRESH_TOKEN } })(parseImageReference(`${tokens!.host}/slotpull/big:1`));
    expect(result).toEqual({ ok: true, image: expect.objectContaining(expected(seeded('big'))) });
    noSecret(result);
    expect(issuer!.requests).toEqual([{ method: 'POST', who: 'refresh-token', scope: 'repository:slotpull/big:pull', service: issuer!.service }]);
  });
});

it('runs unchanged under Deno, with network access to the registry only', async () => {
  const script = [
    `import { createManifestReader } from '${READER}';`,
    `import { parseImageReference } from '${REFERENCE}';`,
    `console.log(JSON.stringify(await createManifestReader()(parseImageReference(${JSON.stringify(seeded('multi').ref)}))));`,
  ].join('\n');
  // From stdin with the repository as cwd: Deno then resolves `zod` through its package.json and node_modules.
  const child = spawn(DENO, ['run', '--no-check', `--allow-net=${env.registry}`, '-'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.end(script);
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const code = await new Promise((resolve) => child.once('close', resolve));
  expect(code, output).toBe(0);
  expect(JSON.parse(output)).toEqual({ ok: true, image: { ...expected(seeded('multi')), indexDigest: null, platform: null } });
});

/**
 * Puts an index into INDEX_REPOSITORY by hand: each entry's blobs are
 * cross-mounted from its seeded repository and its manifest PUT by digest
 * (the registry checks that an index names manifests it holds). Returns the
 * index digest.
 */
async function putIndex(entries: { image: SeededImage; platform: Platform }[]): Promise<string> {
  const base = `http://${env.registry}/v2`;
  const manifests = [];
  for (const { image, platform } of entries) {
    const answer = await fetch(`${base}/${image.repository}/manifests/${image.manifestDigest}`, { headers: { Accept: image.mediaType } });
    const bytes = Buffer.from(await answer.arrayBuffer());
    const manifest = JSON.parse(bytes.toString('utf8')) as { config: { digest: string }; layers: { digest: string }[] };
    for (const digest of [manifest.config.digest, ...manifest.layers.map((layer) => layer.digest)]) {
      const mount = await fetch(`${base}/${INDEX_REPOSITORY}/blobs/uploads/?mount=${digest}&from=${image.repository}`, { method: 'POST' });
      expect(mount.status, `mount ${digest}`).toBe(201);
    }
    const put = await fetch(`${base}/${INDEX_REPOSITORY}/manifests/${image.manifestDigest}`, { method: 'PUT', headers: { 'Content-Type': image.mediaType }, body: bytes });
    expect(put.status, `${image.name} manifest`).toBe(201);
    manifests.push({ mediaType: image.mediaType, digest: image.manifestDigest, size: bytes.byteLength, platform });
  }
  const index = JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests });
  const put = await fetch(`${base}/${INDEX_REPOSITORY}/manifests/${INDEX_TAG}`, { method: 'PUT', headers: { 'Content-Type': MediaType.ociIndex }, body: index });
  expect(put.status, `index: ${await put.text()}`).toBe(201);
  return `sha256:${createHash('sha256').update(index).digest('hex')}`;
}
