// The images the real-engine tests pull, built offline by `podman build`
// (FROM scratch + COPY of random, hence incompressible, files) in a build
// storage of their own, so that neither engine under test has them, then
// pushed to the local registry. What the registry then holds (manifest,
// config digest, compressed layer sizes) is read back and recorded, so tests
// assert exact figures.
import { randomFillSync } from 'node:crypto';
import { closeSync, copyFileSync, mkdirSync, openSync, readFileSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { engineRequest } from './unix-http.mjs';

const MiB = 1024 * 1024;
/** Where Debian's busybox-static puts its binary. */
export const DEFAULT_BUSYBOX = '/bin/busybox';
/** The repository namespace of every seeded image; all are tagged TAG. */
export const NAMESPACE = 'slotpull';
export const TAG = '1';
const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');
/** Size of one chunk of random data written at a time. */
const WRITE_CHUNK = 4 * MiB;

/**
 * Each image: its build steps, one layer per file. A file name shared by two
 * images is the same file, so those images share that layer.
 * @type {Record<import('./engines.d.mts').ImageName, { files: Array<[name: string, bytes: number]> } | { busybox: true }>}
 */
export const IMAGE_SPECS = {
  tiny: { files: [['tiny.bin', 64 * 1024]] },
  multi: { files: [['multi-3m.bin', 3 * MiB], ['multi-5m.bin', 5 * MiB], ['multi-8m.bin', 8 * MiB]] },
  big: { files: [['big-200m.bin', 200 * MiB]] },
  'base-a': { files: [['base-4m.bin', 4 * MiB], ['a-1m.bin', 1 * MiB]] },
  'base-b': { files: [['base-4m.bin', 4 * MiB], ['b-2m.bin', 2 * MiB]] },
  busybox: { busybox: true },
};

/**
 * Builds and pushes `names` to the registry at `registry` (host:port).
 * @param {object} options
 * @param {import('./engines.d.mts').ImageName[]} options.names
 * @param {string} options.registry
 * @param {string} options.proxy host:port of the throttling proxy, for `proxyRef`
 * @param {string} options.workDir an empty directory for contexts
 * @param {(cmd: string, args: string[]) => Promise<unknown>} options.run runs podman with the build storage's environment
 * @param {string} [options.busybox]
 * @param {(line: string) => void} [options.log]
 * @returns {Promise<Record<string, import('./engines.d.mts').SeededImage>>}
 */
export async function seedImages({ names, registry, proxy, workDir, run, busybox = DEFAULT_BUSYBOX, log = () => {} }) {
  let t0 = performance.now();
  const ctx = join(workDir, 'context');
  mkdirSync(ctx, { recursive: true });
  const written = new Set();
  for (const name of names) {
    const spec = IMAGE_SPECS[name];
    const containerfile = join(ctx, `Containerfile.${name}`);
    if ('busybox' in spec) {
      prepareBusybox(ctx, busybox);
      writeFileSync(containerfile, 'FROM scratch\nCOPY rootfs/ /\nENTRYPOINT ["/bin/busybox"]\nCMD ["sh"]\n');
    } else {
      for (const [file, bytes] of spec.files) {
        if (!written.has(file)) writeRandomFile(join(ctx, file), bytes);
        written.add(file);
      }
      writeFileSync(containerfile, `FROM scratch\n${spec.files.map(([file]) => `COPY ${file} /${file}\n`).join('')}`);
    }
  }
  log(`images: contexts written in ${Math.round(performance.now() - t0)} ms`);
  /** @type {Record<string, import('./engines.d.mts').SeededImage>} */
  const images = {};
  for (const name of names) {
    const repository = `${NAMESPACE}/${name}`;
    const ref = `${registry}/${repository}:${TAG}`;
    t0 = performance.now();
    await run('podman', ['build', '--layers', '--quiet', '--file', join(ctx, `Containerfile.${name}`), '--tag', ref, ctx]);
    const built = performance.now();
    await run('podman', ['push', '--quiet', '--tls-verify=false', ref]);
    log(`images: ${name} built in ${Math.round(built - t0)} ms, pushed in ${Math.round(performance.now() - built)} ms`);
    images[name] = { name, repository, tag: TAG, ref, proxyRef: `${proxy}/${repository}:${TAG}`, ...(await readManifest(registry, repository, TAG)) };
  }
  const a = images['base-a'];
  const b = images['base-b'];
  if (a && b && a.layers[0]?.digest !== b.layers[0]?.digest) {
    throw new Error(`seed images: base-a and base-b should share their first layer, got ${a.layers[0]?.digest} and ${b.layers[0]?.digest}`);
  }
  return images;
}

/**
 * @param {string} registry @param {string} repository @param {string} tag
 * @returns {Promise<Pick<import('./engines.d.mts').SeededImage, 'manifestDigest' | 'mediaType' | 'id' | 'layers' | 'totalSize'>>}
 */
export async function readManifest(registry, repository, tag) {
  const res = await engineRequest({ socket: `tcp://${registry}`, path: `/v2/${repository}/manifests/${tag}`, headers: { accept: MANIFEST_ACCEPT } });
  if (res.status !== 200) throw new Error(`registry ${registry}: manifest of ${repository}:${tag}: HTTP ${res.status} ${res.text.slice(0, 200)}`);
  const manifest = /** @type {{ mediaType?: string, config: { digest: string }, layers: Array<{ digest: string, size: number }> }} */ (res.json());
  const header = (/** @type {string} */ name) => String(res.headers[name] ?? '');
  const layers = manifest.layers.map(({ digest, size }) => ({ digest, size }));
  return {
    manifestDigest: header('docker-content-digest'),
    mediaType: manifest.mediaType ?? header('content-type'),
    id: manifest.config.digest,
    layers,
    totalSize: layers.reduce((sum, layer) => sum + layer.size, 0),
  };
}

/** @param {string} file @param {number} bytes */
function writeRandomFile(file, bytes) {
  const fd = openSync(file, 'wx');
  try {
    const chunk = Buffer.allocUnsafe(Math.min(WRITE_CHUNK, bytes));
    for (let left = bytes; left > 0; left -= chunk.length) {
      const part = chunk.subarray(0, Math.min(chunk.length, left));
      randomFillSync(part);
      writeSync(fd, part);
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * rootfs/bin/busybox plus a /bin/sh symlink, so `--entrypoint sh` works too.
 * @param {string} ctx @param {string} busybox
 */
function prepareBusybox(ctx, busybox) {
  if (hasInterpreter(busybox)) {
    throw new Error(`seed images: ${busybox} is dynamically linked and cannot run FROM scratch; install busybox-static`);
  }
  const bin = join(ctx, 'rootfs', 'bin');
  mkdirSync(bin, { recursive: true });
  copyFileSync(busybox, join(bin, 'busybox'));
  symlinkSync('busybox', join(bin, 'sh'));
}

/**
 * True when an ELF64 binary has a PT_INTERP program header (needs ld.so).
 * @param {string} file
 */
function hasInterpreter(file) {
  let elf;
  try {
    elf = readFileSync(file);
  } catch (err) {
    throw new Error(`seed images: cannot read ${file} (install busybox-static): ${err instanceof Error ? err.message : err}`);
  }
  const PT_INTERP = 3;
  const phoff = Number(elf.readBigUInt64LE(0x20));
  const phentsize = elf.readUInt16LE(0x36);
  const phnum = elf.readUInt16LE(0x38);
  for (let i = 0; i < phnum; i += 1) {
    if (elf.readUInt32LE(phoff + i * phentsize) === PT_INTERP) return true;
  }
  return false;
}
