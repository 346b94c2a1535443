/**
 * The demo runtime's world: the images of the built-in demo config
 * (server/config/demo.ts) with their layers, and its containers. Sizes are
 * varied on purpose (a base OS layer, a couple of tiny ones, one huge one) so
 * a progress bar meets the shapes real images have.
 */
import type { ContainerState } from '../core/runtime.ts';

export interface DemoLayer {
  /** Short layer id as dockerd prints it (12 hex digits). */
  readonly id: string;
  /** Bytes. */
  readonly size: number;
}

export interface DemoImage {
  /** Canonical reference (ImageReference.key). */
  readonly reference: string;
  readonly layers: readonly DemoLayer[];
  /** Manifest digest printed in `Digest: …`. */
  readonly digest: string;
  readonly presentAtStart: boolean;
  /**
   * When set, the image's first pull on a runtime fails once this fraction of
   * its bytes is downloaded; the pulls after that failure succeed, so a Retry
   * shows a recovery.
   */
  readonly failure?: { readonly afterFraction: number; readonly message: string };
  /**
   * When true, the image's manifest cannot be read from the server (as with
   * a registry whose login only the engine has): its pulls get no layer plan,
   * and the dashboard shows what the engine's own numbers give.
   */
  readonly manifestUnreadable?: boolean;
}

export const DEMO_IMAGES: readonly DemoImage[] = [
  {
    reference: 'ghcr.io/acme/llama-server:vulkan',
    digest: 'sha256:95d29d9c9a0f11adfe1984847ffa7585f7e81b3b6cd1f37798f965374ba487cc',
    presentAtStart: false,
    layers: [
      { id: 'da0b8aee669a', size: 29_153_212 },
      { id: 'd23cd4a93762', size: 1_871 },
      { id: 'c072398de91e', size: 48_273_904 },
      { id: '4e52a64c2c68', size: 612_447_218 },
      { id: '54a838dbf2e8', size: 421_906_334 },
      { id: '4430ffc8be59', size: 183_552_093 },
      { id: 'd0dd2a9defd0', size: 32_512 },
      { id: '0be12055910b', size: 5_348_117 },
      { id: '8765339edb25', size: 98_216_455 },
    ],
  },
  {
    reference: 'ghcr.io/acme/vision-server:0.9',
    digest: 'sha256:8694c6411034b41f13e70bb604ac5ab2a54f070df97d1beb0c7f79afaa78793a',
    presentAtStart: false,
    failure: { afterFraction: 0.6, message: 'received unexpected HTTP status: 503 Service Unavailable' },
    manifestUnreadable: true,
    layers: [
      { id: '080502ca28b2', size: 31_420_877 },
      { id: '98df57faf783', size: 2_096_411 },
      { id: '06315e520776', size: 287_614_906 },
      { id: '7a7adb5b386d', size: 243_118_052 },
      { id: '2938cb4bbf18', size: 36_870_289 },
    ],
  },
  {
    reference: 'ghcr.io/acme/rerank-server:1.2',
    digest: 'sha256:97dbbe3781bcb361a428aa87e2de273d2b26a65ac1115041adc5207fc32936e9',
    presentAtStart: true,
    layers: [
      { id: 'f17a9a951a81', size: 29_724_158 },
      { id: 'e63b6a98bf8c', size: 64_302_771 },
      { id: '2a24aaf884ed', size: 1_204 },
    ],
  },
];

/** Container states by name; any other name is absent. */
export const DEMO_CONTAINERS: Readonly<Record<string, ContainerState>> = {
  'slot-chat': { status: 'stopped', error: null },
  'slot-rerank': { status: 'crashed', error: 'exited with code 137 (out of memory)' },
  'slot-vision': { status: 'absent', error: null },
  'slot-code': { status: 'absent', error: null },
};
