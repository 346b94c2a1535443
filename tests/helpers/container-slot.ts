/** A container slot as the validated slots file gives it, for core tests that need no file. */
import { parseImageReference } from '../../server/core/reference.ts';
import type { ContainerSlot } from '../../server/core/slot.ts';

export const containerSlot = (name: string, image: string, engine: string | null = null): ContainerSlot => ({
  name,
  provider: 'container',
  image: parseImageReference(image),
  container: `slot-${name}`,
  engine,
  port: null,
  model: null,
  labels: {},
});
