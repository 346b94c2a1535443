/**
 * The manifest reader against a stand-in registry (a plain node:http server
 * on loopback) for the answers a real registry cannot be made to give on
 * demand: silence, an oversized or swapped manifest, a redirect, control
 * characters, an insecure token realm. The real registry, its auth and the
 * proxy are in tests/engines/manifest-reader.test.ts.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseImageReference } from '../../../server/core/reference.ts';
import { createManifestReader } from '../../../server/runtimes/registry/reader.ts';
import { MediaType } from '../../../server/runtimes/registry/media-types.ts';

const MiB = 1024 * 1024;
const manifest = JSON.stringify({
  schemaVersion: 2,
  mediaType: MediaType.dockerManifest,
  config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: `sha256:${'c'.repeat(64)}`, size: 100 },
  layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: `sha256:${'1'.repeat(64)}`, size: 42 }],
});
const sha256 = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

describe('readImageLayers against a stand-in registry', () => {
  let server: Server;
  let host: string;
  let handle: (req: IncomingMessage, res: ServerResponse) => void;
  /** Requests whose connection closed, so a test can see the reader let go. */
  let closed: string[];
  /** Connections that spoke no HTTP: the reader's HTTPS attempts. */
  let notHttp = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      res.on('close', () => closed.push(req.url ?? ''));
      handle(req, res);
    });
    server.on('clientError', (_error, socket) => {
      notHttp += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    closed = [];
    notHttp = 0;
  });

  const ref = (path = 'team/app:1') => parseImageReference(`${host}/${path}`);

  it('reads a Docker v2 schema 2 manifest over plain HTTP on loopback, after HTTPS fails', async () => {
    handle = (req, res) => {
      expect(req.headers.accept).toContain(MediaType.ociIndex);
      res.writeHead(200, { 'Content-Type': MediaType.dockerManifest }).end(manifest);
    };
    const read = await createManifestReader()(ref());
    expect(notHttp).toBe(1);
    expect(read).toEqual({
      ok: true,
      image: expect.objectContaining({ manifestDigest: sha256(manifest), indexDigest: null, platform: null, totalSize: 42, mediaType: MediaType.dockerManifest }),
    });
  });

  it('gives up at the deadline, and lets the connection go', async () => {
    handle = () => {}; // never answers
    const read = await createManifestReader({ timeoutMs: 200 })(ref());
    expect(read).toEqual({ ok: false, reason: `manifest: reading from registry ${host} took longer than 0.2 s` });
    await expect.poll(() => closed).toEqual(['/v2/team/app/manifests/1']);
  });

  it('stops when the pull is cancelled', async () => {
    const arrived = new Promise<void>((resolve) => (handle = () => resolve()));
    const controller = new AbortController();
    const reading = createManifestReader()(ref(), controller.signal);
    await arrived;
    controller.abort();
    expect(await reading).toEqual({ ok: false, reason: 'manifest: cancelled with the pull' });
    await expect.poll(() => closed).toEqual(['/v2/team/app/manifests/1']);
    const already = await createManifestReader()(ref(), AbortSignal.abort());
    expect(already).toEqual({ ok: false, reason: 'manifest: cancelled with the pull' });
  });

  it('refuses a manifest over 4 MiB by its Content-Length, and one that streams past the cap', async () => {
    handle = (req, res) => {
      // The declared one says its size and sends nothing: the reader must not wait for it.
      if (req.url?.endsWith('/declared') === true) return void res.writeHead(200, { 'Content-Length': 4 * MiB + 1 }).flushHeaders();
      res.writeHead(200); // chunked, no length
      res.write('x'.repeat(600));
      res.end('x'.repeat(600));
    };
    expect(await createManifestReader()(ref('team/app:declared'))).toEqual({
      ok: false,
      reason: `manifest: the manifest of team/app:declared on ${host} is larger than ${4 * MiB} bytes`,
    });
    expect(await createManifestReader({ maxManifestBytes: 1000 })(ref('team/app:streamed'))).toEqual({
      ok: false,
      reason: `manifest: the manifest of team/app:streamed on ${host} is larger than 1000 bytes`,
    });
    await expect.poll(() => closed).toEqual(['/v2/team/app/manifests/declared', '/v2/team/app/manifests/streamed']);
  });

  it('refuses a manifest that does not match the digest asked for', async () => {
    handle = (_req, res) => res.writeHead(200, { 'Content-Type': MediaType.dockerManifest }).end(manifest);
    const asked = `sha256:${'d'.repeat(64)}`;
    expect(await createManifestReader()(ref(`team/app@${asked}`))).toEqual({
      ok: false,
      reason: `manifest: the manifest served for ${asked} has the digest ${sha256(manifest)}`,
    });
  });

  it('follows no redirect, and quotes an error answer on one line', async () => {
    handle = (req, res) => {
      if (req.url?.includes('moved') === true) return void res.writeHead(307, { Location: 'http://127.0.0.1:1/elsewhere' }).end();
      res.writeHead(500).end(JSON.stringify({ errors: [{ code: 'UNKNOWN', message: 'boom\nmanifest: forged line' }] }));
    };
    expect(await createManifestReader()(ref('team/moved:1'))).toEqual({ ok: false, reason: `manifest: registry ${host} answered 307 for team/moved:1` });
    expect(await createManifestReader()(ref())).toEqual({
      ok: false,
      reason: `manifest: registry ${host} answered 500 (UNKNOWN: boom manifest: forged line) for team/app:1`,
    });
  });

  it('says what is missing for a login, and never sends one to a token realm over plain HTTP elsewhere', async () => {
    handle = (req, res) => {
      const challenge = req.url?.includes('basic') === true ? 'Basic realm="stand-in"' : 'Bearer realm="http://auth.example/token",service="stand-in"';
      res.writeHead(401, { 'WWW-Authenticate': challenge }).end();
    };
    expect(await createManifestReader()(ref('team/basic:1'))).toEqual({
      ok: false,
      reason: `manifest: registry ${host} asks for a login, and --docker-config has none for ${host}`,
    });
    expect(await createManifestReader()(ref())).toEqual({
      ok: false,
      reason: `manifest: registry ${host} names a token realm over plain HTTP on auth.example, which is neither loopback nor an insecure registry`,
    });
  });

  it('refuses bad options when it is made', () => {
    expect(() => createManifestReader({ timeoutMs: 0 })).toThrow("'timeoutMs' must be a positive number of milliseconds (got 0)");
    expect(() => createManifestReader({ maxManifestBytes: Number.NaN })).toThrow("'maxManifestBytes' must be a positive number (got NaN)");
  });
});
