/**
 * Which entry of an index (a multi-platform image) the engine pulls: the one
 * for its OS and architecture, with ARM variants matched as containerd does
 * (an arm/v7 engine runs v6 and v5 images, the newest first). Pure but for
 * {@link hostPlatform}, which reads the architecture of this process.
 */
import type { IndexEntry, Platform } from './manifest.ts';

/** Node's `process.arch` (Deno's `process` says the same) → the OCI / GOARCH name. */
const NODE_ARCHITECTURES: Readonly<Record<string, string>> = {
  x64: 'amd64',
  ia32: '386',
  arm64: 'arm64',
  arm: 'arm',
  ppc64: 'ppc64le', // Node runs on little-endian POWER only
  s390x: 's390x',
  riscv64: 'riscv64',
  loong64: 'loong64',
  mips: 'mips',
  mipsel: 'mipsle',
};

/** Names other tools use (uname, Debian) → the OCI name, with the variant they imply. */
const ARCHITECTURE_ALIASES: Readonly<Record<string, { architecture: string; variant?: string }>> = {
  x86_64: { architecture: 'amd64' },
  'x86-64': { architecture: 'amd64' },
  aarch64: { architecture: 'arm64' },
  i386: { architecture: '386' },
  i686: { architecture: '386' },
  armhf: { architecture: 'arm', variant: 'v7' },
  armel: { architecture: 'arm', variant: 'v6' },
};

/** What an ARM engine runs when its variant is not said. */
const DEFAULT_ARM_VARIANT = 'v7';
/** Variants v5…v8 of 32-bit ARM. */
const ARM_VERSIONS = 8;

/** Linux (the engines run Linux containers, on a Mac too) on this process's architecture. */
export function hostPlatform(): Platform {
  return { os: 'linux', architecture: NODE_ARCHITECTURES[process.arch] ?? process.arch };
}

/** `linux/arm/v7`, for log lines. */
export function platformName(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter((part) => part !== undefined && part !== '').join('/');
}

/** Lower-case names, OCI architecture names, and the variants containerd treats as the default. */
export function normalizePlatform(platform: Platform): Required<Platform> {
  const alias = ARCHITECTURE_ALIASES[platform.architecture.toLowerCase()];
  const architecture = alias?.architecture ?? platform.architecture.toLowerCase();
  let variant = (platform.variant ?? alias?.variant ?? '').toLowerCase();
  if (architecture === 'arm64' && variant === 'v8') variant = '';
  if (architecture === 'arm' && variant === '') variant = DEFAULT_ARM_VARIANT;
  return { os: platform.os.toLowerCase(), architecture, variant };
}

/** The entry the engine pulls on `wanted`, or null when the index has none for it. */
export function selectPlatformManifest(entries: readonly IndexEntry[], wanted: Platform): IndexEntry | null {
  const want = normalizePlatform(wanted);
  let best: IndexEntry | null = null;
  let bestScore = 0;
  for (const entry of entries) {
    const score = entry.platform === undefined ? 0 : matchScore(normalizePlatform(entry.platform), want);
    // Ties keep the first: the engines take the first match in index order.
    if (score > bestScore) [best, bestScore] = [entry, score];
  }
  return best;
}

/** 0: no match; the exact variant scores highest, then the nearest older ARM variant. */
function matchScore(have: Required<Platform>, want: Required<Platform>): number {
  if (have.os !== want.os || have.architecture !== want.architecture) return 0;
  if (have.variant === want.variant) return ARM_VERSIONS + 1;
  const haveVersion = armVersion(have);
  const wantVersion = armVersion(want);
  if (haveVersion === null || wantVersion === null || haveVersion > wantVersion) return 0;
  return ARM_VERSIONS - (wantVersion - haveVersion);
}

function armVersion(platform: Required<Platform>): number | null {
  const match = platform.architecture === 'arm' ? /^v([5-8])$/.exec(platform.variant) : null;
  return match === null ? null : Number(match[1]);
}
