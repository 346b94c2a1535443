/**
 * The engine runtime's layer plan: the manifest read with the engine's own
 * platform (its /version) and insecure registries (its /info). The engine is
 * a FAKE (node:http on a unix socket) that says it runs on arm64 and that
 * this host's own network address is an insecure registry, and the registry
 * a stand-in serving an index: no real engine here can be made to run on
 * another architecture. Real engines and the real registry
 * are in tests/engines/layer-plan.test.ts.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseEngineEndpoint } from '../../../server/core/engine-endpoint.ts';
import { parseImageReference } from '../../../server/core/reference.ts';
import { connectEngine, type EngineRuntime } from '../../../server/runtimes/engine/engine.ts';
import { MediaType } from '../../../server/runtimes/registry/media-types.ts';

const sha256 = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;
const imageManifest = (layerDigit: string, size: number) =>
  JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${layerDigit.repeat(63)}c`, size: 100 },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `sha256:${layerDigit.repeat(64)}`, size }],
  });
const AMD64 = imageManifest('a', 1000);
const ARM64 = imageManifest('b', 2000);
const INDEX = JSON.stringify({
  schemaVersion: 2,
  mediaType: MediaType.ociIndex,
  manifests: [
    { mediaType: MediaType.ociManifest, digest: sha256(AMD64), size: AMD64.length, platform: { os: 'linux', architecture: 'amd64' } },
    { mediaType: MediaType.ociManifest, digest: sha256(ARM64), size: ARM64.length, platform: { os: 'linux', architecture: 'arm64' } },
  ],
});

describe('the engine runtime reads the layer plan as its engine would pull (fake engine, stand-in registry)', () => {
  let dir: string;
  let engineServer: Server;
  let registry: Server;
  let registryHost: string;
  /** The stand-in registry at this host's non-loopback address: plain HTTP only because the engine's /info says so. */
  let offHostRegistry: string;
  let engine: EngineRuntime;
  let infoCalls: number;
  let answerRegistry: (req: IncomingMessage, res: ServerResponse) => void;
  const logged: string[] = [];

  beforeAll(async () => {
    registry = createServer((req, res) => answerRegistry(req, res));
    registry.on('clientError', (_error, socket) => socket.destroy());
    await new Promise<void>((resolve) => registry.listen(0, '0.0.0.0', resolve));
    const port = (registry.address() as AddressInfo).port;
    registryHost = `127.0.0.1:${port}`;
    const address = Object.values(networkInterfaces())
      .flat()
      .find((entry) => entry !== undefined && entry.family === 'IPv4' && !entry.internal)?.address;
    if (address === undefined) throw new Error('this test needs a non-loopback IPv4 address on this host (any network interface)');
    offHostRegistry = `${address}:${port}`;
    dir = await mkdtemp(join(tmpdir(), 'slotpull-plan-engine-'));
    const socketPath = join(dir, 'engine.sock');
    engineServer = createServer((req, res) => {
      if (req.url === '/_ping') return void res.end('OK');
      if (req.url === '/version') return void res.end(JSON.stringify({ Version: '0.0-fake', Os: 'linux', Arch: 'arm64', Components: [{ Name: 'Engine' }] }));
      if (req.url === '/info') {
        infoCalls += 1;
        const indexes = { 'docker.io': { Name: 'docker.io', Secure: true }, [offHostRegistry]: { Name: offHostRegistry, Secure: false } };
        return void res.end(JSON.stringify({ RegistryConfig: { InsecureRegistryCIDRs: ['127.0.0.0/8'], IndexConfigs: indexes } }));
      }
      res.writeHead(404).end('{"message":"not here"}');
    });
    await new Promise<void>((resolve) => engineServer.listen(socketPath, resolve));
    engine = await connectEngine(parseEngineEndpoint(`unix://${socketPath}`), { log: (line) => logged.push(line) });
  });

  afterAll(async () => {
    engine.close();
    for (const server of [engineServer, registry]) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    await rm(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    infoCalls = 0;
    logged.length = 0;
    answerRegistry = (req, res) => {
      const served = new Map([
        ['/v2/team/app/manifests/1', [MediaType.ociIndex, INDEX]],
        [`/v2/team/app/manifests/${sha256(ARM64)}`, [MediaType.ociManifest, ARM64]],
        [`/v2/team/app/manifests/${sha256(AMD64)}`, [MediaType.ociManifest, AMD64]],
      ]);
      const answer = served.get(req.url ?? '');
      if (answer === undefined) return void res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
      res.writeHead(200, { 'Content-Type': answer[0] as string }).end(answer[1]);
    };
  });

  const ARM64_PLAN = { layers: [{ digest: `sha256:${'b'.repeat(64)}`, size: 2000 }], config: `sha256:${'b'.repeat(63)}c` };

  it('picks the image of the engine\'s platform from the index; loopback is read without asking /info', async () => {
    expect(await engine.readLayerPlan(parseImageReference(`${registryHost}/team/app:1`), new AbortController().signal)).toEqual(ARM64_PLAN);
    expect(infoCalls).toBe(0);
    expect(logged).toEqual([]);
  });

  it('reads a registry off this host over plain HTTP when the engine\'s /info lists it insecure, asking /info once', async () => {
    const image = parseImageReference(`${offHostRegistry}/team/app:1`);
    expect(await engine.readLayerPlan(image, new AbortController().signal)).toEqual(ARM64_PLAN);
    expect(await engine.readLayerPlan(image, new AbortController().signal)).toEqual(ARM64_PLAN);
    expect(infoCalls).toBe(1);
    expect(logged).toEqual([]);
  });

  it('resolves null and logs one line that says why when the registry has no such manifest', async () => {
    const image = parseImageReference(`${registryHost}/team/gone:1`);
    expect(await engine.readLayerPlan(image, new AbortController().signal)).toBeNull();
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(new RegExp(`^pull of ${registryHost}/team/gone:1: sizes from the engine only, the registry's manifest could not be read \\(manifest: .+\\)$`));
  });

  it('resolves null and logs nothing when the pull is cancelled during the read', async () => {
    answerRegistry = () => {}; // never answers
    const controller = new AbortController();
    const reading = engine.readLayerPlan(parseImageReference(`${registryHost}/team/app:1`), controller.signal);
    setTimeout(() => controller.abort(), 50);
    expect(await reading).toBeNull();
    expect(logged).toEqual([]);
  });
});
