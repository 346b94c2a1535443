/**
 * A slot as the server knows it after the slots file was validated: what
 * the core, the routes and the runtimes share. The file's own schema lives
 * in server/config/schema.ts and produces these.
 */
import type { ImageReference } from './reference.ts';

/** Slot names (and engine names) in the slots file, in URLs and on the wire. */
export const SLOT_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,31}$/;

interface SlotCommon {
  name: string;
  port: number | null;
  model: string | null;
  labels: Record<string, string>;
}

export interface ContainerSlot extends SlotCommon {
  provider: 'container';
  image: ImageReference;
  container: string;
  /** The named engine of the file's `engines`, or null for the server's own runtime. */
  engine: string | null;
}

export interface ExternalSlot extends SlotCommon {
  provider: 'external';
  url: string | null;
}

export type Slot = ContainerSlot | ExternalSlot;
