import { describe, expect, it } from 'vitest';
import type { IndexEntry } from '../../../server/runtimes/registry/manifest.ts';
import { hostPlatform, normalizePlatform, platformName, selectPlatformManifest } from '../../../server/runtimes/registry/platform.ts';

const entry = (n: number, os: string, architecture: string, variant?: string): IndexEntry => ({
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  digest: `sha256:${String(n).repeat(64)}`,
  size: 500,
  platform: { os, architecture, ...(variant === undefined ? {} : { variant }) },
});

describe('platform selection', () => {
  it('defaults to linux on this process architecture, in OCI names', () => {
    const expected = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386' }[process.arch as string];
    expect(hostPlatform()).toEqual({ os: 'linux', architecture: expected ?? process.arch });
  });

  it('normalises architecture names and the default variants', () => {
    expect(normalizePlatform({ os: 'Linux', architecture: 'x86_64' })).toEqual({ os: 'linux', architecture: 'amd64', variant: '' });
    expect(normalizePlatform({ os: 'linux', architecture: 'aarch64' })).toEqual({ os: 'linux', architecture: 'arm64', variant: '' });
    expect(normalizePlatform({ os: 'linux', architecture: 'arm64', variant: 'v8' })).toEqual({ os: 'linux', architecture: 'arm64', variant: '' });
    expect(normalizePlatform({ os: 'linux', architecture: 'arm' })).toEqual({ os: 'linux', architecture: 'arm', variant: 'v7' });
    expect(normalizePlatform({ os: 'linux', architecture: 'armel' })).toEqual({ os: 'linux', architecture: 'arm', variant: 'v6' });
    expect(platformName({ os: 'linux', architecture: 'arm', variant: 'v7' })).toBe('linux/arm/v7');
    expect(platformName({ os: 'linux', architecture: 'amd64' })).toBe('linux/amd64');
  });

  it('picks the entry for the OS and architecture, the first of equals, skipping attestations', () => {
    const index = [entry(1, 'unknown', 'unknown'), entry(2, 'linux', 'arm64', 'v8'), entry(3, 'linux', 'amd64'), entry(4, 'linux', 'amd64'), entry(5, 'windows', 'amd64')];
    expect(selectPlatformManifest(index, { os: 'linux', architecture: 'amd64' })?.digest).toBe(index[2]!.digest);
    expect(selectPlatformManifest(index, { os: 'linux', architecture: 'arm64' })?.digest).toBe(index[1]!.digest);
    expect(selectPlatformManifest(index, { os: 'windows', architecture: 'x86_64' })?.digest).toBe(index[4]!.digest);
    expect(selectPlatformManifest(index, { os: 'linux', architecture: 's390x' })).toBeNull();
    expect(selectPlatformManifest([{ ...entry(6, 'linux', 'amd64'), platform: undefined }], { os: 'linux', architecture: 'amd64' })).toBeNull();
  });

  it('runs the nearest older ARM variant, never a newer one', () => {
    const index = [entry(1, 'linux', 'arm', 'v5'), entry(2, 'linux', 'arm', 'v6'), entry(3, 'linux', 'arm', 'v8')];
    expect(selectPlatformManifest(index, { os: 'linux', architecture: 'arm', variant: 'v7' })?.digest).toBe(index[1]!.digest);
    expect(selectPlatformManifest(index, { os: 'linux', architecture: 'arm', variant: 'v5' })?.digest).toBe(index[0]!.digest);
    expect(selectPlatformManifest([entry(4, 'linux', 'arm', 'v7'), ...index], { os: 'linux', architecture: 'arm' })?.digest).toBe(`sha256:${'4'.repeat(64)}`);
  });
});
